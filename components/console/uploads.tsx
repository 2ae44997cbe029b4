'use client';
// Create images by dropping files: each file gets a card with its detected
// disk format and the image's fields, then a resumable tus upload with
// progress, speed, ETA, pause/resume/cancel. tus-js-client remembers each
// upload's URL in localStorage, so after a reload (or a server restart)
// dropping the same file again continues from the last stored chunk.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import * as tus from 'tus-js-client';
import { detectFileFormat, type DetectedFormat } from '@/lib/console/disk-format';
import { api, formatBytes, formatDuration, sendJson, type Image, type ImageDetail } from './api';
import { CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES } from '@/lib/images/constants';

const TUS_ENDPOINT = '/api/console/uploads';
const DEFAULT_CHUNK = 32 * 1024 * 1024;

type Phase = 'checking' | 'ready' | 'creating' | 'uploading' | 'paused' | 'importing' | 'done' | 'failed' | 'cancelled';

interface ImageForm {
  name: string;
  disk_format: string;
  container_format: string;
  visibility: string;
  protected: boolean;
  min_disk: string;
  min_ram: string;
  description: string;
}

interface Item {
  key: string;
  file: File;
  detected: DetectedFormat | null;
  form: ImageForm;
  phase: Phase;
  imageId?: string;
  resumedFrom?: number;
  sent: number;
  speed: number | null;
  error?: string;
  checksum?: string | null;
}

/** Chunk size: configurable per browser (tests use small chunks to watch progress). */
function chunkSize(): number {
  const v = Number(globalThis.localStorage?.getItem('glance.console.chunkSize'));
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_CHUNK;
}

function nameFromFile(name: string): string {
  return name.replace(/\.(qcow2|img|iso|raw|vmdk|vhdx?|vdi|ova|ovf|gz|xz|bz2|zst)$/i, '').replace(/\.(qcow2|img|raw)$/i, '') || name;
}

function tusOptions(file: File, imageId: string | undefined, on: Pick<tus.UploadOptions, 'onProgress' | 'onChunkComplete' | 'onSuccess' | 'onError'>): tus.UploadOptions {
  return {
    endpoint: `${window.location.origin}${TUS_ENDPOINT}`,
    chunkSize: chunkSize(),
    retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
    metadata: { imageId: imageId ?? '', filename: file.name, filetype: file.type || 'application/octet-stream' },
    removeFingerprintOnSuccess: true,
    ...on,
  };
}

export function Uploads({ onBusyChange }: { onBusyChange?: (busy: boolean) => void }) {
  const qc = useQueryClient();
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const [interrupted, setInterrupted] = useState<tus.PreviousUpload[]>([]);
  const uploads = useRef(new Map<string, tus.Upload>());
  const samples = useRef(new Map<string, { t: number; b: number }[]>());
  /** Images this tab is already uploading to: the same file dropped twice must not resume the same upload twice. */
  const inThisTab = useRef(new Set<string>());
  const inputRef = useRef<HTMLInputElement>(null);
  const busy = items.some((i) => i.phase === 'uploading' || i.phase === 'importing' || i.phase === 'creating');
  useEffect(() => onBusyChange?.(busy), [busy, onBusyChange]);

  const update = useCallback((key: string, patch: Partial<Item> | ((i: Item) => Partial<Item>)) => {
    setItems((all) => all.map((i) => (i.key === key ? { ...i, ...(typeof patch === 'function' ? patch(i) : patch) } : i)));
  }, []);
  const refreshLists = useCallback(() => {
    void qc.invalidateQueries({ queryKey: ['images'] });
    void qc.invalidateQueries({ queryKey: ['status-flow'] });
  }, [qc]);

  const loadInterrupted = useCallback(async () => {
    if (!tus.canStoreURLs) return;
    setInterrupted(await tus.defaultOptions.urlStorage.findAllUploads());
  }, []);
  useEffect(() => {
    void loadInterrupted();
  }, [loadInterrupted]);

  /** Start (or continue) the tus upload of an item whose image exists. */
  const startUpload = useCallback(
    (item: Item, imageId: string, previous?: tus.PreviousUpload) => {
      let firstChunk = true;
      const upload = new tus.Upload(
        item.file,
        tusOptions(item.file, imageId, {
          onProgress: (sent) => {
            const now = performance.now();
            const s = [...(samples.current.get(item.key) ?? []), { t: now, b: sent }].filter((x) => now - x.t < 4000);
            samples.current.set(item.key, s);
            const speed = s.length > 1 && now - s[0].t > 200 ? ((sent - s[0].b) * 1000) / (now - s[0].t) : null;
            update(item.key, (i) => ({ sent, speed, resumedFrom: i.resumedFrom ?? (previous ? sent : undefined) }));
          },
          onChunkComplete: () => {
            if (firstChunk) {
              firstChunk = false;
              refreshLists(); // the server has moved the image to uploading
            }
          },
          onSuccess: () => {
            update(item.key, { phase: 'importing', sent: item.file.size, speed: null });
            refreshLists();
            void loadInterrupted();
          },
          onError: (err) => {
            update(item.key, { phase: 'failed', error: uploadErrorMessage(err) });
            refreshLists();
          },
        }),
      );
      uploads.current.set(item.key, upload);
      inThisTab.current.add(imageId);
      if (previous) upload.resumeFromPreviousUpload(previous);
      update(item.key, { phase: 'uploading', imageId, error: undefined });
      upload.start();
    },
    [update, refreshLists, loadInterrupted],
  );

  const addFiles = useCallback(
    async (files: File[]) => {
      const fresh: Item[] = files.map((file) => ({
        key: `${file.name}-${file.size}-${file.lastModified}-${Math.random().toString(36).slice(2)}`,
        file,
        detected: null,
        phase: 'checking',
        sent: 0,
        speed: null,
        form: { name: nameFromFile(file.name), disk_format: '', container_format: 'bare', visibility: 'shared', protected: false, min_disk: '', min_ram: '', description: '' },
      }));
      setItems((all) => [...fresh, ...all]);
      for (const item of fresh) {
        const detected = await detectFileFormat(item.file).catch(() => null);
        update(item.key, (i) => ({ detected, form: { ...i.form, disk_format: detected ?? 'raw' } }));
        // Same file as an interrupted upload whose image still waits for data? Continue it.
        const probe = new tus.Upload(item.file, tusOptions(item.file, undefined, {}));
        const previous = await probe.findPreviousUploads().catch(() => []);
        let resumed = false;
        for (const p of previous) {
          const id = p.metadata?.imageId;
          if (!id || inThisTab.current.has(id)) continue;
          const image = await api<ImageDetail>(`/images/${id}`).catch(() => null);
          if (image && (image.image.status === 'queued' || image.image.status === 'uploading')) {
            update(item.key, { form: { ...item.form, name: image.image.name ?? item.form.name, disk_format: image.image.disk_format ?? 'raw' } });
            startUpload(item, id, p);
            resumed = true;
            break;
          }
          await tus.defaultOptions.urlStorage.removeUpload(p.urlStorageKey).catch(() => {});
        }
        if (!resumed) update(item.key, { phase: 'ready' });
      }
    },
    [update, startUpload],
  );

  const create = async (item: Item) => {
    update(item.key, { phase: 'creating', error: undefined });
    const f = item.form;
    const body: Record<string, unknown> = {
      name: f.name.trim() || null,
      disk_format: f.disk_format,
      container_format: f.container_format,
      visibility: f.visibility,
      protected: f.protected,
    };
    if (f.min_disk !== '') body.min_disk = Number(f.min_disk);
    if (f.min_ram !== '') body.min_ram = Number(f.min_ram);
    if (f.description.trim()) body.description = f.description.trim();
    try {
      const image = await api<Image>('/images', sendJson('POST', body));
      refreshLists();
      startUpload(item, image.id);
    } catch (err) {
      update(item.key, { phase: 'ready', error: (err as Error).message });
    }
  };

  const pause = async (item: Item) => {
    await uploads.current.get(item.key)?.abort(false);
    samples.current.delete(item.key);
    update(item.key, { phase: 'paused', speed: null });
    refreshLists();
  };
  const resume = (item: Item) => {
    const u = uploads.current.get(item.key);
    if (!u) return;
    update(item.key, { phase: 'uploading', error: undefined });
    u.start();
  };
  const cancel = async (item: Item) => {
    const u = uploads.current.get(item.key);
    try {
      await u?.abort(true); // tus termination: the server drops the staged data, the image goes back to queued
    } catch {
      /* nothing was created yet */
    }
    update(item.key, { phase: 'cancelled', speed: null });
    refreshLists();
    void loadInterrupted();
  };
  const dismiss = (item: Item) => setItems((all) => all.filter((i) => i.key !== item.key));

  return (
    <section aria-labelledby="upload-heading">
      <h2 id="upload-heading" className="sr-only">Create images</h2>
      <div
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void addFiles([...e.dataTransfer.files]);
        }}
        className={`flex flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed px-4 py-6 text-center transition ${dragging ? 'border-sky-600 bg-sky-50' : 'border-slate-300 bg-white'}`}
      >
        <p className="text-base font-medium">Drop image files here to create images</p>
        <p className="text-sm text-slate-500">qcow2, vmdk, vhd/vhdx, vdi, iso or raw — uploads are chunked and resume after a dropped connection or a reload.</p>
        <button type="button" className="btn-primary" onClick={() => inputRef.current?.click()}>Choose files…</button>
        <input
          ref={inputRef}
          type="file"
          multiple
          className="sr-only"
          tabIndex={-1}
          data-testid="file-input"
          aria-label="Image files"
          onChange={(e) => {
            void addFiles([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
      </div>

      {interrupted.length > 0 && (
        <div className="mt-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="interrupted-uploads">
          <p className="font-medium text-amber-900">Interrupted uploads — drop or choose the same file again to continue where it stopped:</p>
          <ul className="mt-1 list-disc pl-5 text-amber-900">
            {interrupted.map((p) => (
              <li key={p.urlStorageKey}>
                {p.metadata?.filename ?? 'file'} ({formatBytes(p.size)}) for image <span className="font-mono text-xs">{p.metadata?.imageId}</span>
              </li>
            ))}
          </ul>
        </div>
      )}

      <ul className="mt-3 space-y-3" aria-label="Uploads">
        {items.map((item) => (
          <UploadCard
            key={item.key}
            item={item}
            onChange={(form) => update(item.key, { form })}
            onCreate={() => void create(item)}
            onPause={() => void pause(item)}
            onResume={() => resume(item)}
            onCancel={() => void cancel(item)}
            onDismiss={() => dismiss(item)}
            onFinished={(patch) => {
              update(item.key, patch);
              refreshLists();
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function uploadErrorMessage(err: Error): string {
  const body = (err as tus.DetailedError).originalResponse?.getBody?.();
  return body ? `${err.message.split(',')[0]}: ${body}` : err.message;
}

function UploadCard(props: {
  item: Item;
  onChange: (f: ImageForm) => void;
  onCreate: () => void;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  onDismiss: () => void;
  onFinished: (patch: Partial<Item>) => void;
}) {
  const { item } = props;
  const f = item.form;
  const set = <K extends keyof ImageForm>(k: K, v: ImageForm[K]) => props.onChange({ ...f, [k]: v });
  const id = item.key.replace(/[^\w-]/g, '');
  const pct = item.file.size ? Math.floor((item.sent / item.file.size) * 100) : 100;
  const eta = item.speed ? (item.file.size - item.sent) / item.speed : null;

  // While the server imports the staged file, follow the image until it settles.
  const importing = useQuery({
    queryKey: ['image', item.imageId, 'import'],
    queryFn: () => api<ImageDetail>(`/images/${item.imageId}`),
    enabled: item.phase === 'importing' && !!item.imageId,
    refetchInterval: 500,
  });
  const { onFinished } = props;
  useEffect(() => {
    const d = importing.data;
    if (item.phase !== 'importing' || !d) return;
    if (d.image.status === 'active') onFinished({ phase: 'done', checksum: d.image.checksum });
    else if (d.image.status === 'queued' || d.image.status === 'killed') {
      const failure = [...d.events].reverse().find((e) => e.action === 'import_failed');
      onFinished({ phase: 'failed', error: `Import failed: ${failure?.reason ?? 'unknown reason'}` });
    }
  }, [importing.data, item.phase, onFinished]);

  const label = {
    checking: 'Reading file…',
    ready: 'Ready to upload',
    creating: 'Creating image…',
    uploading: 'Uploading',
    paused: 'Paused',
    importing: 'Importing into the store…',
    done: 'Active',
    failed: 'Failed',
    cancelled: 'Cancelled',
  }[item.phase];

  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="upload-card" data-phase={item.phase} data-image-id={item.imageId}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-medium break-all">{item.file.name} <span className="text-sm font-normal text-slate-500">({formatBytes(item.file.size)})</span></p>
        <p className="text-sm" data-testid="upload-phase">{label}</p>
      </div>
      {item.detected && (
        <p className="mt-1 text-sm text-slate-600" data-testid="detected-format">
          Detected disk format: <strong className="uppercase">{item.detected}</strong>
          {f.disk_format && f.disk_format !== item.detected ? <span> (you chose {f.disk_format})</span> : ' — confirm or change it below.'}
        </p>
      )}
      {item.error && <p role="alert" className="mt-2 rounded bg-red-50 px-2 py-1 text-sm text-red-800" data-testid="upload-error">{item.error}</p>}

      {(item.phase === 'ready' || item.phase === 'creating') && (
        <form
          className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4"
          onSubmit={(e) => {
            e.preventDefault();
            props.onCreate();
          }}
        >
          <label className="sm:col-span-2">
            <span className="label">Name</span>
            <input id={`${id}-name`} className="field" value={f.name} onChange={(e) => set('name', e.target.value)} name="name" />
          </label>
          <label>
            <span className="label">Disk format</span>
            <select className="field" value={f.disk_format} onChange={(e) => set('disk_format', e.target.value)} name="disk_format">
              {DISK_FORMATS.map((d) => <option key={d} value={d}>{d}{d === item.detected ? ' (detected)' : ''}</option>)}
            </select>
          </label>
          <label>
            <span className="label">Container format</span>
            <select className="field" value={f.container_format} onChange={(e) => set('container_format', e.target.value)} name="container_format">
              {CONTAINER_FORMATS.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
          <label>
            <span className="label">Visibility</span>
            <select className="field" value={f.visibility} onChange={(e) => set('visibility', e.target.value)} name="visibility">
              {VISIBILITIES.map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
          </label>
          <label>
            <span className="label">Minimum disk (GB)</span>
            <input className="field" type="number" inputMode="numeric" value={f.min_disk} onChange={(e) => set('min_disk', e.target.value)} name="min_disk" />
          </label>
          <label>
            <span className="label">Minimum RAM (MB)</span>
            <input className="field" type="number" inputMode="numeric" value={f.min_ram} onChange={(e) => set('min_ram', e.target.value)} name="min_ram" />
          </label>
          <label className="flex items-center gap-2 self-end pb-2">
            <input type="checkbox" checked={f.protected} onChange={(e) => set('protected', e.target.checked)} name="protected" />
            <span className="text-sm">Protected</span>
          </label>
          <label className="sm:col-span-2 lg:col-span-4">
            <span className="label">Description</span>
            <textarea className="field" rows={2} value={f.description} onChange={(e) => set('description', e.target.value)} name="description" />
          </label>
          <div className="flex gap-2 sm:col-span-2 lg:col-span-4">
            <button type="submit" className="btn-primary" disabled={item.phase === 'creating'}>Create and upload</button>
            <button type="button" className="btn-secondary" onClick={props.onDismiss}>Remove</button>
          </div>
        </form>
      )}

      {['uploading', 'paused', 'importing', 'done', 'failed'].includes(item.phase) && item.imageId && (
        <div className="mt-3">
          <progress className="h-2 w-full overflow-hidden rounded accent-sky-700" max={100} value={pct} aria-label={`Upload of ${item.file.name}`} data-testid="upload-progress" />
          <p className="mt-1 flex flex-wrap gap-x-4 text-sm text-slate-600" aria-live="polite">
            <span data-testid="upload-bytes">{formatBytes(item.sent)} of {formatBytes(item.file.size)} ({pct}%)</span>
            {item.phase === 'uploading' && <span data-testid="upload-speed">{item.speed ? `${formatBytes(item.speed)}/s` : '…'}</span>}
            {item.phase === 'uploading' && eta !== null && <span data-testid="upload-eta">ETA {formatDuration(eta * 1000)}</span>}
            {item.resumedFrom !== undefined && <span data-testid="upload-resumed">resumed at {formatBytes(item.resumedFrom)}</span>}
          </p>
          {item.phase === 'done' && (
            <p className="mt-1 text-sm text-emerald-800">
              Image is active. MD5 <span className="font-mono" data-testid="upload-checksum">{item.checksum}</span>
            </p>
          )}
          <div className="mt-2 flex flex-wrap gap-2">
            {item.phase === 'uploading' && <button type="button" className="btn-secondary" onClick={props.onPause}>Pause</button>}
            {item.phase === 'paused' && <button type="button" className="btn-primary" onClick={props.onResume}>Resume</button>}
            {item.phase === 'failed' && <button type="button" className="btn-primary" onClick={props.onResume}>Retry</button>}
            {(item.phase === 'uploading' || item.phase === 'paused' || item.phase === 'failed') && (
              <button type="button" className="btn-danger" onClick={props.onCancel}>Cancel upload</button>
            )}
            <a className="btn-link self-center" href={`/dashboard/images/${item.imageId}`}>Open image</a>
            {(item.phase === 'done' || item.phase === 'failed') && <button type="button" className="btn-secondary" onClick={props.onDismiss}>Dismiss</button>}
          </div>
        </div>
      )}
      {item.phase === 'cancelled' && (
        <div className="mt-2 flex gap-2 text-sm text-slate-600">
          <p>Upload cancelled; the staged data was removed and the image is back in <em>queued</em>.</p>
          <button type="button" className="btn-secondary" onClick={props.onDismiss}>Dismiss</button>
        </div>
      )}
    </li>
  );
}

