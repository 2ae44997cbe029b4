'use client';
// The console's uploads as state: each dropped file becomes an item that is
// checked (disk format, an interrupted upload of the same file), then creates
// its image and sends the data with tus-js-client (resumable, chunked), then
// follows the server's import until the image is active. tus-js-client keeps
// each upload's URL in localStorage under the file's fingerprint, so after a
// reload or a server restart the same file continues from its last chunk.
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import * as tus from 'tus-js-client';
import { detectFileFormat, type DetectedFormat } from '@/lib/console/disk-format';
import { UPLOAD_METADATA } from '@/lib/uploads/upload-metadata';
import { api, sendJson, type Image, type ImageDetail, type UploadStoreChoices } from './api';
import { ProgressGate } from './progress-gate';
import { SpeedMeter } from './upload-speed';

const TUS_ENDPOINT = '/api/console/uploads';
const DEFAULT_CHUNK = 32 * 1024 * 1024;
const CHUNK_SIZE_KEY = 'glance.console.chunkSize';

export type Phase = 'checking' | 'ready' | 'creating' | 'uploading' | 'paused' | 'importing' | 'done' | 'failed' | 'cancelled';

export interface ImageForm {
  name: string;
  disk_format: string;
  container_format: string;
  visibility: string;
  protected: boolean;
  min_disk: string;
  min_ram: string;
  description: string;
  /** The store to import into ('' = the server's default; only admins of a multi-store site choose). */
  store: string;
}

export interface UploadItem {
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
  const v = Number(globalThis.localStorage?.getItem(CHUNK_SIZE_KEY));
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_CHUNK;
}

function nameFromFile(name: string): string {
  return name.replace(/\.(qcow2|img|iso|raw|vmdk|vhdx?|vdi|ova|ovf|gz|xz|bz2|zst)$/i, '').replace(/\.(qcow2|img|raw)$/i, '') || name;
}

function tusOptions(
  file: File,
  imageId: string | undefined,
  store: string,
  on: Pick<tus.UploadOptions, 'onProgress' | 'onChunkComplete' | 'onSuccess' | 'onError'>,
): tus.UploadOptions {
  return {
    endpoint: `${window.location.origin}${TUS_ENDPOINT}`,
    chunkSize: chunkSize(),
    retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
    metadata: {
      [UPLOAD_METADATA.imageId]: imageId ?? '',
      ...(store && { [UPLOAD_METADATA.store]: store }),
      filename: file.name,
      filetype: file.type || 'application/octet-stream',
    },
    removeFingerprintOnSuccess: true,
    ...on,
  };
}

function uploadErrorMessage(err: Error): string {
  const body = (err as tus.DetailedError).originalResponse?.getBody?.();
  return body ? `${err.message.split(',')[0]}: ${body}` : err.message;
}

function imageBody(f: ImageForm): Record<string, unknown> {
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
  return body;
}

/** `storeChoices`: what the upload form may offer (null: no store picker, the server's default store). */
export function useTusUploads(storeChoices: UploadStoreChoices | null) {
  const qc = useQueryClient();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [interrupted, setInterrupted] = useState<tus.PreviousUpload[]>([]);
  const uploads = useRef(new Map<string, tus.Upload>());
  const speed = useRef(new SpeedMeter());
  const gate = useRef(new ProgressGate());
  /** Images this tab is already uploading to: the same file dropped twice must not resume the same upload twice. */
  const inThisTab = useRef(new Set<string>());
  const busy = items.some((i) => i.phase === 'uploading' || i.phase === 'importing' || i.phase === 'creating');

  const update = useCallback((key: string, patch: Partial<UploadItem> | ((i: UploadItem) => Partial<UploadItem>)) => {
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
    (item: UploadItem, imageId: string, previous?: tus.PreviousUpload) => {
      let firstChunk = true;
      const upload = new tus.Upload(
        item.file,
        tusOptions(item.file, imageId, item.form.store, {
          onProgress: (sent, total) => {
            const now = performance.now();
            if (!gate.current.pass(item.key, now, sent === total)) return;
            const bytesPerSecond = speed.current.sample(item.key, sent, now);
            update(item.key, (i) => ({ sent, speed: bytesPerSecond, resumedFrom: i.resumedFrom ?? (previous ? sent : undefined) }));
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

  /** Same file as an interrupted upload whose image still waits for data? Continue it (true), else false. */
  const resumeInterrupted = useCallback(
    async (item: UploadItem): Promise<boolean> => {
      const probe = new tus.Upload(item.file, tusOptions(item.file, undefined, '', {}));
      const previous = await probe.findPreviousUploads().catch(() => []);
      for (const p of previous) {
        const id = p.metadata?.imageId;
        if (!id || inThisTab.current.has(id)) continue;
        const detail = await api<ImageDetail>(`/images/${id}`).catch(() => null);
        if (detail && (detail.image.status === 'queued' || detail.image.status === 'uploading')) {
          // The store chosen when it began travels on: a re-created tus upload must name it again.
          const store = p.metadata?.[UPLOAD_METADATA.store] ?? '';
          const form = { ...item.form, name: detail.image.name ?? item.form.name, disk_format: detail.image.disk_format ?? 'raw', store };
          update(item.key, { form });
          startUpload({ ...item, form }, id, p);
          return true;
        }
        await tus.defaultOptions.urlStorage.removeUpload(p.urlStorageKey).catch(() => {});
      }
      return false;
    },
    [update, startUpload],
  );

  const addFiles = useCallback(
    async (files: File[]) => {
      const fresh: UploadItem[] = files.map((file) => ({
        key: `${file.name}-${file.size}-${file.lastModified}-${Math.random().toString(36).slice(2)}`,
        file,
        detected: null,
        phase: 'checking',
        sent: 0,
        speed: null,
        form: {
          name: nameFromFile(file.name), disk_format: '', container_format: 'bare', visibility: 'shared', protected: false, min_disk: '', min_ram: '', description: '',
          store: storeChoices?.defaultId ?? '',
        },
      }));
      setItems((all) => [...fresh, ...all]);
      for (const item of fresh) {
        const detected = await detectFileFormat(item.file).catch(() => null);
        update(item.key, (i) => ({ detected, form: { ...i.form, disk_format: detected ?? 'raw' } }));
        if (!(await resumeInterrupted(item))) update(item.key, { phase: 'ready' });
      }
    },
    [update, resumeInterrupted, storeChoices],
  );

  const setForm = (item: UploadItem, form: ImageForm) => update(item.key, { form });

  const create = async (item: UploadItem) => {
    update(item.key, { phase: 'creating', error: undefined });
    try {
      const image = await api<Image>('/images', sendJson('POST', imageBody(item.form)));
      refreshLists();
      startUpload(item, image.id);
    } catch (err) {
      update(item.key, { phase: 'ready', error: (err as Error).message });
    }
  };

  const pause = async (item: UploadItem) => {
    await uploads.current.get(item.key)?.abort(false);
    speed.current.reset(item.key);
    gate.current.reset(item.key);
    update(item.key, { phase: 'paused', speed: null });
    refreshLists();
  };
  const resume = (item: UploadItem) => {
    const u = uploads.current.get(item.key);
    if (!u) return;
    update(item.key, { phase: 'uploading', error: undefined });
    u.start();
  };
  const cancel = async (item: UploadItem) => {
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
  const dismiss = (item: UploadItem) => setItems((all) => all.filter((i) => i.key !== item.key));

  useImportOutcomes(items, (key, patch) => {
    update(key, patch);
    refreshLists();
  });

  return { items, interrupted, busy, addFiles, setForm, create, pause, resume, cancel, dismiss };
}

/** While the server imports a finished upload, follow its image until it is active or the import failed. */
function useImportOutcomes(items: UploadItem[], settle: (key: string, patch: Partial<UploadItem>) => void) {
  const importing = items.filter((i) => i.phase === 'importing' && i.imageId);
  const results = useQueries({
    queries: importing.map((item) => ({
      queryKey: ['image', item.imageId, 'import'],
      queryFn: () => api<ImageDetail>(`/images/${item.imageId}`),
      refetchInterval: 500,
    })),
  });
  useEffect(() => {
    importing.forEach((item, n) => {
      const d = results[n]?.data;
      if (!d) return;
      if (d.image.status === 'active') settle(item.key, { phase: 'done', checksum: d.image.checksum });
      else if (d.image.status === 'queued' || d.image.status === 'killed') {
        const failure = [...d.events].reverse().find((e) => e.action === 'import_failed');
        settle(item.key, { phase: 'failed', error: `Import failed: ${failure?.reason ?? 'unknown reason'}` });
      }
    });
  });
}
