'use client';
// The images list, as Horizon's Images panel: Glance's filters and sorting,
// marker paging, multi-select with bulk delete, and per-row actions.
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { DISK_FORMATS, IMAGE_STATUSES, VISIBILITIES } from '@/lib/images/constants';
import { api, formatBytes, formatDate, TRANSIENT, type Image, type ImageActions, type ImagePage } from './api';
import { ConfirmDialog } from './confirm-dialog';
import { ProjectName } from './project-name';
import { StatusBadge } from './status-badge';
import { useImageActions } from './use-image-actions';

const PAGE_SIZE = 20;
// Lists never return deleted images, so filtering on that status is not offered.
const LISTED_STATUSES = IMAGE_STATUSES.filter((s) => s !== 'deleted');

const DONE = { deactivate: 'Deactivated', reactivate: 'Activated', protect: 'Protected', unprotect: 'Unprotected' } as const;

type SortKey = 'name' | 'status' | 'disk_format' | 'size' | 'created_at';
interface Filters { name: string; status: string; visibility: string; disk_format: string; tag: string }
const NO_FILTERS: Filters = { name: '', status: '', visibility: '', disk_format: '', tag: '' };

function imageType(image: Image): string {
  return image.image_type === 'snapshot' ? 'Snapshot' : 'Image';
}

/** `live`: uploads are running on this page, so keep following statuses even if none looks in motion yet. */
export function ImagesTable({ live = false }: { live?: boolean }) {
  // ?status= (the status-flow diagram links here): the list opens filtered by it.
  const linked = useSearchParams()?.get('status');
  const initial: Filters = { ...NO_FILTERS, status: linked && (LISTED_STATUSES as readonly string[]).includes(linked) ? linked : '' };
  const [filters, setFilters] = useState<Filters>(initial);
  const [draft, setDraft] = useState<Filters>(initial);
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'created_at', dir: 'desc' });
  const [markers, setMarkers] = useState<string[]>([]); // markers of the pages before this one
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<Image[] | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const { act, remove } = useImageActions();

  const params = useMemo(() => {
    const q = new URLSearchParams({ limit: String(PAGE_SIZE), sort: `${sort.key}:${sort.dir}` });
    for (const [k, v] of Object.entries(filters)) if (v.trim()) q.set(k, v.trim());
    if (filters.visibility === '') q.set('visibility', 'all');
    const marker = markers[markers.length - 1];
    if (marker) q.set('marker', marker);
    return q.toString();
  }, [filters, sort, markers]);

  const list = useQuery({
    queryKey: ['images', params],
    queryFn: () => api<ImagePage>(`/images?${params}`),
    // Live statuses: poll while something on the page is in motion, stop when nothing changes.
    refetchInterval: (q) => (live || q.state.data?.images.some((i) => TRANSIENT.has(i.status)) ? 1500 : false),
  });
  const images = list.data?.images ?? [];
  // Offered only what the server's policy allows; the routes refuse the rest anyway.
  const may = (image: Image): Partial<ImageActions> => list.data?.allowed?.[image.id] ?? {};
  const deletable = images.filter((i) => may(i).delete);
  const nextMarker = list.data?.next ? new URL(list.data.next, 'http://x').searchParams.get('marker') : null;

  const resetPaging = () => {
    setMarkers([]);
    setSelected(new Set());
  };
  const toggleSort = (key: SortKey) => {
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'created_at' ? 'desc' : 'asc' }));
    resetPaging();
  };
  const runAction = (image: Image, action: 'deactivate' | 'reactivate' | 'protect' | 'unprotect') => {
    setNotice(null);
    act.mutate(
      { id: image.id, action },
      {
        onSuccess: () => setNotice({ kind: 'ok', text: `${DONE[action]} image “${image.name ?? image.id}”.` }),
        onError: (err) => setNotice({ kind: 'error', text: (err as Error).message }),
      },
    );
  };
  const confirmDelete = () => {
    const doomed = confirm ?? [];
    remove.mutate(doomed.map((i) => i.id), {
      onSuccess: () => setNotice({ kind: 'ok', text: `Deleted ${doomed.length === 1 ? `image “${doomed[0].name ?? doomed[0].id}”` : `${doomed.length} images`}.` }),
      onError: (err) => setNotice({ kind: 'error', text: (err as Error).message }),
      onSettled: () => {
        setConfirm(null);
        setSelected(new Set());
      },
    });
  };
  const allSelected = deletable.length > 0 && deletable.every((i) => selected.has(i.id));

  return (
    <section aria-labelledby="images-heading" className="mt-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="images-heading" className="text-xl font-semibold">Images</h2>
        <button
          type="button"
          className="btn-danger"
          disabled={selected.size === 0}
          onClick={() => setConfirm(images.filter((i) => selected.has(i.id)))}
        >
          Delete selected{selected.size ? ` (${selected.size})` : ''}
        </button>
      </div>

      <form
        className="mt-3 grid grid-cols-2 gap-2 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-3 lg:grid-cols-6"
        aria-label="Filter images"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          resetPaging();
        }}
      >
        <label className="col-span-2 sm:col-span-1">
          <span className="label">Name</span>
          <input className="field" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} name="name" />
        </label>
        <Select label="Status" value={draft.status} options={LISTED_STATUSES} onChange={(v) => setDraft({ ...draft, status: v })} />
        <Select label="Visibility" value={draft.visibility} options={VISIBILITIES} onChange={(v) => setDraft({ ...draft, visibility: v })} />
        <Select label="Disk format" value={draft.disk_format} options={DISK_FORMATS} onChange={(v) => setDraft({ ...draft, disk_format: v })} />
        <label>
          <span className="label">Tag</span>
          <input className="field" value={draft.tag} onChange={(e) => setDraft({ ...draft, tag: e.target.value })} name="tag" />
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className="btn-primary">Filter</button>
          <button type="button" className="btn-secondary" onClick={() => { setDraft(NO_FILTERS); setFilters(NO_FILTERS); resetPaging(); }}>Clear</button>
        </div>
      </form>

      {notice && (
        <p role={notice.kind === 'error' ? 'alert' : 'status'} className={`mt-3 rounded-md px-3 py-2 text-sm ${notice.kind === 'error' ? 'bg-red-50 text-red-800' : 'bg-emerald-50 text-emerald-800'}`}>
          {notice.text}
        </p>
      )}

      <div className="mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm" aria-busy={list.isFetching}>
          <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="w-8 px-3 py-2">
                <input
                  type="checkbox"
                  aria-label="Select all images on this page"
                  checked={allSelected}
                  disabled={deletable.length === 0}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(deletable.map((i) => i.id)))}
                />
              </th>
              <SortHeader label="Name" k="name" sort={sort} onSort={toggleSort} />
              <th scope="col" className="hidden px-3 py-2 md:table-cell">Type</th>
              <SortHeader label="Status" k="status" sort={sort} onSort={toggleSort} />
              <th scope="col" className="hidden px-3 py-2 sm:table-cell">Visibility</th>
              <th scope="col" className="hidden px-3 py-2 lg:table-cell">Protected</th>
              <SortHeader label="Disk format" k="disk_format" sort={sort} onSort={toggleSort} className="hidden md:table-cell" />
              <SortHeader label="Size" k="size" sort={sort} onSort={toggleSort} className="hidden sm:table-cell" />
              <th scope="col" className="hidden px-3 py-2 xl:table-cell">Owner</th>
              <SortHeader label="Created" k="created_at" sort={sort} onSort={toggleSort} className="hidden lg:table-cell" />
              <th scope="col" className="px-3 py-2 text-right">Actions</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.isLoading && (
              <tr><td colSpan={11} className="px-3 py-6 text-center text-slate-500">Loading images…</td></tr>
            )}
            {list.isError && (
              <tr>
                <td colSpan={11} className="px-3 py-6 text-center" role="alert">
                  <span className="text-red-700">Could not load images: {(list.error as Error).message}</span>{' '}
                  <button type="button" className="btn-link" onClick={() => list.refetch()}>Try again</button>
                </td>
              </tr>
            )}
            {list.isSuccess && images.length === 0 && (
              <tr>
                <td colSpan={11} className="px-3 py-8 text-center text-slate-500" data-testid="empty-state">
                  {markers.length || Object.values(filters).some(Boolean) ? 'No images match these filters.' : 'No images yet. Drop an image file above to create one.'}
                </td>
              </tr>
            )}
            {images.map((image) => (
              <tr key={image.id} data-testid="image-row" data-image-id={image.id} data-status={image.status} className="hover:bg-slate-50">
                <td className="px-3 py-2">
                  {may(image).delete && <input
                    type="checkbox"
                    aria-label={`Select ${image.name ?? image.id}`}
                    checked={selected.has(image.id)}
                    onChange={() => {
                      const s = new Set(selected);
                      if (s.has(image.id)) s.delete(image.id);
                      else s.add(image.id);
                      setSelected(s);
                    }}
                  />}
                </td>
                <td className="max-w-[14rem] truncate px-3 py-2 font-medium">
                  <Link href={`/dashboard/images/${image.id}`} className="text-sky-800 hover:underline">{image.name ?? <span className="font-mono text-xs">{image.id}</span>}</Link>
                </td>
                <td className="hidden px-3 py-2 md:table-cell">{imageType(image)}</td>
                <td className="px-3 py-2"><StatusBadge status={image.status} /></td>
                <td className="hidden px-3 py-2 capitalize sm:table-cell">{image.visibility}</td>
                <td className="hidden px-3 py-2 lg:table-cell">{image.protected ? 'Yes' : 'No'}</td>
                <td className="hidden px-3 py-2 uppercase md:table-cell">{image.disk_format ?? '—'}</td>
                <td className="hidden whitespace-nowrap px-3 py-2 sm:table-cell">{formatBytes(image.size)}</td>
                <td className="hidden max-w-[10rem] truncate px-3 py-2 text-xs xl:table-cell" data-testid="owner-cell"><ProjectName id={image.owner} names={list.data?.projectNames} /></td>
                <td className="hidden whitespace-nowrap px-3 py-2 lg:table-cell">{formatDate(image.created_at)}</td>
                <td className="px-3 py-2">
                  <div className="flex flex-wrap justify-end gap-1">
                    {may(image).edit && <Link href={`/dashboard/images/${image.id}#edit`} className="btn-secondary">Edit</Link>}
                    {image.status === 'active' && may(image).deactivate && (
                      <button type="button" className="btn-secondary" onClick={() => runAction(image, 'deactivate')}>Deactivate</button>
                    )}
                    {image.status === 'deactivated' && may(image).reactivate && (
                      <button type="button" className="btn-secondary" onClick={() => runAction(image, 'reactivate')}>Activate</button>
                    )}
                    {may(image).protect && (
                      <button type="button" className="btn-secondary" onClick={() => runAction(image, image.protected ? 'unprotect' : 'protect')}>
                        {image.protected ? 'Unprotect' : 'Protect'}
                      </button>
                    )}
                    {may(image).delete && <button type="button" className="btn-danger" onClick={() => setConfirm([image])}>Delete</button>}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <nav className="mt-3 flex items-center justify-between text-sm" aria-label="Pages">
        <button type="button" className="btn-secondary" disabled={markers.length === 0} onClick={() => { setMarkers(markers.slice(0, -1)); setSelected(new Set()); }}>
          ← Previous
        </button>
        <span className="text-slate-500">Page {markers.length + 1}</span>
        <button type="button" className="btn-secondary" disabled={!nextMarker} onClick={() => { if (nextMarker) { setMarkers([...markers, nextMarker]); setSelected(new Set()); } }}>
          Next →
        </button>
      </nav>

      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.length === 1 ? `Delete image “${confirm[0].name ?? confirm[0].id}”?` : `Delete ${confirm?.length ?? 0} images?`}
        confirmLabel={confirm?.length === 1 ? 'Delete image' : 'Delete images'}
        busy={remove.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setConfirm(null)}
      >
        {confirm && confirm.length > 1 && (
          <ul className="mb-2 list-disc pl-5">
            {confirm.map((i) => <li key={i.id}>{i.name ?? i.id}</li>)}
          </ul>
        )}
        <p>The image data is removed and cannot be recovered.</p>
      </ConfirmDialog>
    </section>
  );
}

function Select({ label, value, options, onChange }: { label: string; value: string; options: readonly string[]; onChange: (v: string) => void }) {
  return (
    <label>
      <span className="label">{label}</span>
      <select className="field" value={value} onChange={(e) => onChange(e.target.value)} name={label.toLowerCase().replace(' ', '_')}>
        <option value="">Any</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );
}

function SortHeader({ label, k, sort, onSort, className = '' }: { label: string; k: SortKey; sort: { key: SortKey; dir: 'asc' | 'desc' }; onSort: (k: SortKey) => void; className?: string }) {
  const active = sort.key === k;
  return (
    <th scope="col" className={`px-3 py-2 ${className}`} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="inline-flex items-center gap-1 uppercase hover:text-slate-900" onClick={() => onSort(k)}>
        {label}
        <span aria-hidden="true">{active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>
  );
}
