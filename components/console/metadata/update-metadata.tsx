'use client';
// Horizon's "Update Metadata" for an image: the catalog's properties for
// OS::Glance::Image on the left (filterable, by namespace), the image's own
// custom properties on the right, each edited with a control of its type;
// Save sends one JSON patch and shows the API's refusal in its own words.
// A native modal <dialog>: focus stays inside, Escape closes, focus returns.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { api, sendJson, type Image } from '../api';
import { editableProperties } from '../edit-image';
import { catalogGroups, filterGroups, initialValue, metadataPatch, problemWith, type CatalogNamespace, type PropertyDef } from './catalog';
import { PropertyControl } from './property-control';

interface Entry {
  key: string;
  value: string;
}

export function UpdateMetadata({ image, onSaved }: { image: Image; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    opener.current?.focus();
  };
  return (
    <>
      <button ref={opener} type="button" className="btn-secondary" onClick={() => setOpen(true)}>Update metadata</button>
      {open && <MetadataDialog image={image} onClose={close} onSaved={onSaved} />}
    </>
  );
}

function MetadataDialog({ image, onClose: closed, onSaved }: { image: Image; onClose: () => void; onSaved: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  // Closed before unmounting: the page outside stays inert while the modal is open, so focus could not return.
  const onClose = () => {
    ref.current?.close();
    closed();
  };
  const uid = useId();
  // By name, as Horizon lists them.
  const before = useMemo(() => new Map(editableProperties(image).sort(([a], [b]) => a.localeCompare(b))), [image]);
  const [entries, setEntries] = useState<Entry[]>(() => [...before].map(([key, value]) => ({ key, value })));
  const [filter, setFilter] = useState('');
  const [custom, setCustom] = useState('');
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const catalog = useQuery({
    queryKey: ['metadefs-catalog', 'OS::Glance::Image'],
    queryFn: () => api<{ namespaces: CatalogNamespace[] }>('/metadefs/catalog?resource_type=OS::Glance::Image'),
  });

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  const groups = useMemo(() => catalogGroups(catalog.data?.namespaces ?? []), [catalog.data]);
  const defs = useMemo(() => {
    const m = new Map<string, PropertyDef>();
    for (const g of groups) for (const i of g.items) if (!m.has(i.key)) m.set(i.key, i.def);
    return m;
  }, [groups]);
  const taken = new Set(entries.map((e) => e.key));
  const shown = filterGroups(groups, filter, taken);
  const problems = new Map(entries.map((e) => [e.key, problemWith(defs.get(e.key), e.value)]).filter(([, p]) => p) as [string, string][]);

  const add = (key: string, value: string) => {
    if (!key || taken.has(key)) return setFocusKey(key);
    setEntries([...entries, { key, value }]);
    setFocusKey(key);
  };
  const save = async () => {
    setError(null);
    const ops = metadataPatch(before, new Map(entries.map((e) => [e.key, e.value])));
    if (ops.length === 0) return onClose();
    setSaving(true);
    try {
      await api(`/images/${image.id}`, sendJson('PATCH', ops));
      onSaved();
      onClose();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${uid}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      data-testid="metadata-dialog"
      className="m-auto w-[min(64rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="flex max-h-[calc(100vh-4rem)] flex-col p-5">
        <h2 id={`${uid}-title`} className="text-lg font-semibold">Update metadata</h2>
        <p className="text-sm text-slate-600">Add properties from the metadata definitions catalog or your own; Save applies every change at once.</p>
        <div className="mt-3 grid min-h-0 flex-1 gap-4 overflow-y-auto md:grid-cols-2">
          <section aria-labelledby={`${uid}-available`} className="min-h-0">
            <h3 id={`${uid}-available`} className="font-semibold">Available metadata</h3>
            <label className="mt-2 block">
              <span className="label">Filter available metadata</span>
              <input className="field" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
            </label>
            <form
              className="mt-2 flex items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                add(custom.trim(), '');
                setCustom('');
              }}
            >
              <label className="flex-1">
                <span className="label">Custom property</span>
                <input className="field" value={custom} onChange={(e) => setCustom(e.target.value)} />
              </label>
              <button type="submit" className="btn-secondary" disabled={!custom.trim()}>Add custom</button>
            </form>
            {catalog.isLoading && <p className="mt-2 text-sm text-slate-500">Loading the catalog…</p>}
            {catalog.isError && <p role="alert" className="mt-2 text-sm text-red-700">{(catalog.error as Error).message}</p>}
            <div className="mt-2 space-y-1" data-testid="available-metadata">
              {shown.map((g) => (
                <details key={g.namespace} open={filter.trim() !== ''} className="rounded border border-slate-200" data-namespace={g.namespace}>
                  <summary className="cursor-pointer px-2 py-1 text-sm font-medium">{g.title} <span className="text-xs font-normal text-slate-500">({g.items.length})</span></summary>
                  {g.description && <p className="px-2 text-xs text-slate-600">{g.description}</p>}
                  <ul className="divide-y divide-slate-100">
                    {g.items.map((i) => (
                      <li key={i.key} className="flex items-center gap-2 px-2 py-1 text-sm" data-key={i.key}>
                        <span className="flex-1">
                          {i.def.title ?? i.key}
                          <span className="block font-mono text-xs text-slate-500">{i.key}{i.object && ` · ${i.object}`}</span>
                        </span>
                        <button type="button" className="btn-secondary" aria-label={`Add ${i.key}`} onClick={() => add(i.key, initialValue(i.def))}>Add</button>
                      </li>
                    ))}
                  </ul>
                </details>
              ))}
              {catalog.data && shown.length === 0 && <p className="text-sm text-slate-500">No metadata definitions match.</p>}
            </div>
          </section>
          <section aria-labelledby={`${uid}-existing`} className="min-h-0">
            <h3 id={`${uid}-existing`} className="font-semibold">Existing metadata</h3>
            {entries.length === 0 && <p className="mt-2 text-sm text-slate-500">No custom properties.</p>}
            <ul className="mt-2 space-y-3" data-testid="existing-metadata">
              {entries.map((e, n) => {
                const def = defs.get(e.key);
                const id = `${uid}-v${n}`;
                const problem = problems.get(e.key);
                const notes = [def?.description && `${id}-d`, problem && `${id}-e`].filter(Boolean).join(' ') || undefined;
                return (
                  <li key={e.key} data-key={e.key} className="rounded border border-slate-200 p-2">
                    <div className="flex items-start gap-2">
                      <label htmlFor={id} className="flex-1 text-sm font-medium">
                        {def?.title ?? e.key}
                        <span className="block font-mono text-xs font-normal text-slate-500">{e.key}</span>
                      </label>
                      <button type="button" className="btn-secondary" aria-label={`Remove ${e.key}`} onClick={() => setEntries(entries.filter((x) => x.key !== e.key))}>Remove</button>
                    </div>
                    <div className="mt-1">
                      <PropertyControl
                        id={id}
                        def={def}
                        value={e.value}
                        invalid={!!problem}
                        describedBy={notes}
                        autoFocus={focusKey === e.key}
                        onChange={(v) => setEntries(entries.map((x) => (x.key === e.key ? { ...x, value: v } : x)))}
                      />
                    </div>
                    {def?.description && <p id={`${id}-d`} className="mt-1 text-xs text-slate-600">{def.description}</p>}
                    {problem && <p id={`${id}-e`} className="mt-1 text-xs text-red-700">{problem}</p>}
                  </li>
                );
              })}
            </ul>
          </section>
        </div>
        {error && <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="metadata-error">{error}</p>}
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
          <button type="button" className="btn-primary" disabled={saving || problems.size > 0} onClick={() => void save()}>{saving ? 'Saving…' : 'Save'}</button>
        </div>
      </div>
    </dialog>
  );
}
