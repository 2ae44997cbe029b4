'use client';
// "Create image from URL": the image is created, then imported with Glance's
// web-download (the server fetches the URL through [import_filtering_opts]).
// A refused import (e.g. the URL does not pass filtering) shows Glance's own
// message and the just-created empty image is removed again.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useState } from 'react';
import { formatFromName } from '@/lib/console/disk-format';
import { importRunning } from '@/lib/console/import-timeline';
import { CONTAINER_FORMATS, DISK_FORMATS } from '@/lib/images/constants';
import { api, sendJson, TRANSIENT, type Image, type ImageDetail, type UploadStoreChoices } from './api';
import { StatusBadge } from './status-badge';

interface UrlForm {
  name: string;
  uri: string;
  disk_format: string;
  container_format: string;
  store: string;
}

async function createFromUrl(f: UrlForm, multiStore: boolean): Promise<string> {
  const image = await api<Image>('/images', sendJson('POST', { name: f.name || undefined, disk_format: f.disk_format, container_format: f.container_format }));
  try {
    await api(`/images/${image.id}/import`, sendJson('POST', { method: { name: 'web-download', uri: f.uri }, ...(multiStore && f.store ? { stores: [f.store] } : {}) }));
  } catch (err) {
    // Nothing was imported: the empty image would only be clutter.
    await api(`/images/${image.id}`, { method: 'DELETE' }).catch(() => undefined);
    throw err;
  }
  return image.id;
}

export function UrlImport({ storeChoices, onBusyChange }: { storeChoices: UploadStoreChoices | null; onBusyChange?: (busy: boolean) => void }) {
  const id = useId().replace(/:/g, '');
  const [form, setForm] = useState<UrlForm>({ name: '', uri: '', disk_format: 'raw', container_format: 'bare', store: storeChoices?.defaultId ?? '' });
  const [formatTouched, setFormatTouched] = useState(false);
  const [started, setStarted] = useState<string[]>([]);
  const [running, setRunning] = useState<ReadonlySet<string>>(new Set());
  const qc = useQueryClient();
  const report = useCallback((imageId: string, busy: boolean) => {
    setRunning((r) => {
      if (r.has(imageId) === busy) return r;
      const next = new Set(r);
      if (busy) next.add(imageId);
      else next.delete(imageId);
      return next;
    });
  }, []);
  const anyRunning = running.size > 0;
  useEffect(() => onBusyChange?.(anyRunning), [anyRunning, onBusyChange]);
  const create = useMutation({
    mutationFn: () => createFromUrl(form, !!storeChoices),
    onSettled: () => qc.invalidateQueries({ queryKey: ['images'] }),
    onSuccess: (imageId) => {
      setStarted((s) => [imageId, ...s]);
      setForm((f) => ({ ...f, name: '', uri: '' }));
      setFormatTouched(false);
    },
  });
  const set = <K extends keyof UrlForm>(k: K, v: UrlForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const chosen = storeChoices?.stores.find((s) => s.id === form.store);

  return (
    <section aria-labelledby={`${id}-heading`} className="rounded-xl border border-slate-300 bg-white p-4" data-testid="url-import">
      <h3 id={`${id}-heading`} className="text-base font-medium">Create image from URL</h3>
      <p className="text-sm text-slate-500">The server downloads the file (web-download import); you can close this page meanwhile.</p>
      <form
        className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <div className="sm:col-span-2">
          <label htmlFor={`${id}-uri`} className="label">Image URL</label>
          <input
            id={`${id}-uri`}
            className="field"
            type="url"
            required
            name="uri"
            placeholder="https://example.com/cirros.qcow2"
            value={form.uri}
            aria-invalid={create.isError || undefined}
            aria-describedby={create.isError ? `${id}-error` : undefined}
            onChange={(e) => {
              const uri = e.target.value;
              const guessed = formatFromName(uri, DISK_FORMATS);
              setForm((f) => ({ ...f, uri, ...(guessed && !formatTouched ? { disk_format: guessed } : {}) }));
            }}
          />
        </div>
        <div className="sm:col-span-2">
          <label htmlFor={`${id}-name`} className="label">Image name</label>
          <input id={`${id}-name`} className="field" name="name" value={form.name} onChange={(e) => set('name', e.target.value)} />
        </div>
        <div>
          <label htmlFor={`${id}-disk`} className="label">Disk format</label>
          <select id={`${id}-disk`} className="field" name="disk_format" value={form.disk_format} onChange={(e) => { setFormatTouched(true); set('disk_format', e.target.value); }}>
            {DISK_FORMATS.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-container`} className="label">Container format</label>
          <select id={`${id}-container`} className="field" name="container_format" value={form.container_format} onChange={(e) => set('container_format', e.target.value)}>
            {CONTAINER_FORMATS.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
        {storeChoices && (
          <div className="sm:col-span-2">
            <label htmlFor={`${id}-store`} className="label">Store</label>
            <select id={`${id}-store`} className="field" name="store" value={form.store} onChange={(e) => set('store', e.target.value)} aria-describedby={`${id}-store-description`}>
              {storeChoices.stores.map((s) => (
                <option key={s.id} value={s.id}>{s.id}{s.id === storeChoices.defaultId ? ' (default)' : ''}{s.description ? ` — ${s.description}` : ''}</option>
              ))}
            </select>
            <p id={`${id}-store-description`} className="mt-1 text-xs text-slate-500">{chosen?.description ?? 'This store has no store_description.'}</p>
          </div>
        )}
        {create.isError && (
          <p id={`${id}-error`} role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800 sm:col-span-2" data-testid="url-import-error">
            {(create.error as Error).message}
          </p>
        )}
        <div className="sm:col-span-2">
          <button type="submit" className="btn-primary" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create from URL'}</button>
        </div>
      </form>
      {started.length > 0 && (
        <ul className="mt-3 space-y-2" aria-label="Images created from URLs">
          {started.map((imageId) => <StartedImport key={imageId} imageId={imageId} report={report} />)}
        </ul>
      )}
    </section>
  );
}

/** One image this form started: its status, followed while the import runs, and the failure if it fails. */
const inMotion = (d: ImageDetail | undefined) => !d || TRANSIENT.has(d.image.status) || importRunning(d.imports.tasks, d.image.os_glance_importing_to_stores);

function StartedImport({ imageId, report }: { imageId: string; report: (imageId: string, busy: boolean) => void }) {
  const detail = useQuery({
    queryKey: ['image', imageId],
    queryFn: () => api<ImageDetail>(`/images/${imageId}`),
    // Polled only while the import runs.
    refetchInterval: (q) => (inMotion(q.state.data) && !q.state.error ? 1000 : false),
  });
  const d = detail.data;
  const busy = inMotion(d) && !detail.isError;
  useEffect(() => report(imageId, busy), [imageId, busy, report]);
  const last = d?.imports.tasks.at(-1);
  const failed = last?.status === 'failure';
  return (
    <li className="rounded-lg border border-slate-200 p-3 text-sm" data-testid="url-import-card" data-image-id={imageId} data-status={d?.image.status} data-task-status={last?.status}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium break-all">{d?.image.name ?? imageId}</span>
        {d && <StatusBadge status={d.image.status} />}
        <span aria-live="polite" className="text-slate-600" data-testid="url-import-phase">
          {!d ? 'Starting…' : failed ? 'Import failed' : d.image.status === 'active' ? 'Active' : last?.status === 'processing' ? `Downloading… ${last.message ?? ''}` : 'Import queued…'}
        </span>
        <a className="btn-link ml-auto" href={`/dashboard/images/${imageId}`}>Open image</a>
      </div>
      {failed && last.message && <p role="alert" className="mt-1 text-red-800" data-testid="url-import-failure">{last.message}</p>}
    </li>
  );
}
