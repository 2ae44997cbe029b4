'use client';
// One dropped file: its detected format and the new image's fields (and, for
// admins of a multi-store site, the store it goes to), then the upload's
// progress, speed and ETA with pause, resume, retry and cancel.
import { CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES } from '@/lib/images/constants';
import { formatBytes, formatDuration, type UploadStoreChoices } from './api';
import type { ImageForm, UploadItem } from './use-tus-uploads';

export function UploadCard(props: {
  item: UploadItem;
  storeChoices: UploadStoreChoices | null;
  onChange: (f: ImageForm) => void;
  onCreate: () => void;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  onDismiss: () => void;
}) {
  const { item } = props;
  const f = item.form;
  const set = <K extends keyof ImageForm>(k: K, v: ImageForm[K]) => props.onChange({ ...f, [k]: v });
  const id = item.key.replace(/[^\w-]/g, '');
  const pct = item.file.size ? Math.floor((item.sent / item.file.size) * 100) : 100;
  const eta = item.speed ? (item.file.size - item.sent) / item.speed : null;

  const label = {
    checking: 'Reading file…',
    ready: 'Ready to upload',
    creating: 'Creating image…',
    uploading: 'Uploading',
    paused: 'Paused',
    importing: f.store ? `Importing into store ${f.store}…` : 'Importing into the store…',
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
          {props.storeChoices && <StorePicker id={id} choices={props.storeChoices} value={f.store} onChange={(v) => set('store', v)} />}
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

/** The target store (admins, several stores): the default preselected, the chosen one's description under it. */
function StorePicker({ id, choices, value, onChange }: { id: string; choices: UploadStoreChoices; value: string; onChange: (v: string) => void }) {
  const chosen = choices.stores.find((s) => s.id === value);
  return (
    <div className="sm:col-span-2">
      <label htmlFor={`${id}-store`} className="label">Store</label>
      <select id={`${id}-store`} className="field" value={value} onChange={(e) => onChange(e.target.value)} name="store" aria-describedby={`${id}-store-description`}>
        {choices.stores.map((s) => (
          <option key={s.id} value={s.id}>{s.id}{s.id === choices.defaultId ? ' (default)' : ''}{s.description ? ` — ${s.description}` : ''}</option>
        ))}
      </select>
      <p id={`${id}-store-description`} className="mt-1 text-xs text-slate-500" data-testid="store-description">
        {chosen?.description ?? 'This store has no store_description.'}
      </p>
    </div>
  );
}
