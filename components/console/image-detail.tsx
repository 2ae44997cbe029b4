'use client';
// One image: the fields `openstack image show` prints plus custom properties,
// the stores holding its data (multi-store), members and (admins) locations;
// copy buttons, download, edit with the
// API's validation messages beside the field; "Copy to store"; its import
// progress, status flow and timeline (import tasks included).
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { importRunning } from '@/lib/console/import-timeline';
import { api, customProperties, formatBytes, TRANSIENT, type ImageDetail, type ImageStore } from './api';
import { ConfirmDialog } from './confirm-dialog';
import { CopyButton } from './copy-button';
import { CopyToStore } from './copy-to-store';
import { ImportProgress } from './import-progress';
import { ProjectName } from './project-name';
import { EditImageForm } from './edit-image';
import { StatusBadge } from './status-badge';
import { StatusFlowPanel } from './status-flow';
import { Timeline } from './timeline';
import { UpdateMetadata } from './metadata/update-metadata';
import { useImageActions } from './use-image-actions';

export function ImageDetailView({ id }: { id: string }) {
  const router = useRouter();
  const detail = useQuery({
    queryKey: ['image', id],
    queryFn: () => api<ImageDetail>(`/images/${id}`),
    // Polled only while something runs: a transient status, or an import task (copy-image keeps the image active).
    refetchInterval: (q) => (q.state.data && inMotion(q.state.data) ? 1500 : false),
  });
  const { act, remove } = useImageActions();
  const [confirm, setConfirm] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // The edit form starts again from the image after a metadata-dialog save (its own saves keep their "Saved.").
  const [metadataSaves, setMetadataSaves] = useState(0);

  if (detail.isLoading) return <p className="text-slate-500">Loading image…</p>;
  if (detail.isError || !detail.data) {
    return (
      <div role="alert" className="rounded-lg bg-red-50 p-4 text-red-800">
        <p>Could not load image {id}: {(detail.error as Error)?.message}</p>
        <Link href="/dashboard" className="btn-link">Back to images</Link>
      </div>
    );
  }
  const { image, members, stores, locations, events, allowed, imports, storeOptions, projectNames } = detail.data;
  const running = importRunning(imports.tasks, image.os_glance_importing_to_stores);
  // Copy to store: several stores, copy-image listed by /v2/info/import and allowed, an active image, stores left to copy to.
  const held = new Set([...(stores ?? []).map((s) => s.id), ...String(image.os_glance_importing_to_stores ?? '').split(',')]);
  const copyTargets = (storeOptions ?? []).filter((s) => !held.has(s.id));
  const canCopy = !!storeOptions && storeOptions.length > 1 && imports.methods.includes('copy-image') && imports.mayCopy && image.status === 'active' && copyTargets.length > 0;
  const run = (action: 'deactivate' | 'reactivate' | 'protect' | 'unprotect') => {
    setNotice(null);
    act.mutate({ id, action }, { onError: (e) => setNotice((e as Error).message) });
  };
  const rows: [string, React.ReactNode, string?][] = [
    ['checksum', image.checksum ?? '—', image.checksum ?? undefined],
    ['container_format', image.container_format ?? '—'],
    ['created_at', image.created_at],
    ['disk_format', image.disk_format ?? '—'],
    ['file', image.file],
    ['id', image.id, image.id],
    ['min_disk', image.min_disk],
    ['min_ram', image.min_ram],
    ['name', image.name ?? '—'],
    ['os_hash_algo', image.os_hash_algo ?? '—'],
    ['os_hash_value', <span key="h" className="break-all">{image.os_hash_value ?? '—'}</span>, image.os_hash_value ?? undefined],
    ['os_hidden', String(image.os_hidden)],
    ['owner', <ProjectName key="o" id={image.owner} names={projectNames} />, image.owner ?? undefined],
    ['properties', customProperties(image).map(([k, v]) => `${k}='${v}'`).join(', ') || '—'],
    ['protected', String(image.protected)],
    ['schema', image.schema],
    ['size', image.size === null ? '—' : `${image.size} (${formatBytes(image.size)})`],
    ['status', <StatusBadge key="s" status={image.status} />],
    // As `openstack image show`: only where stores have ids (enabled_backends).
    ...(stores ? [['stores', <StoreList key="st" stores={stores} />] as [string, React.ReactNode]] : []),
    ['tags', image.tags.join(', ') || '—'],
    ['updated_at', image.updated_at ?? '—'],
    ['virtual_size', image.virtual_size ?? '—'],
    ['visibility', image.visibility],
  ];

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/dashboard" className="btn-link">← Images</Link>
        <h1 className="text-2xl font-semibold break-all" data-testid="image-name">{image.name ?? image.id}</h1>
        <StatusBadge status={image.status} />
        <div className="ml-auto flex flex-wrap gap-2">
          {(image.status === 'active' || image.status === 'deactivated') && allowed.download && (
            <a className="btn-secondary" href={`/api/console/images/${id}/file`} download>Download</a>
          )}
          {image.status === 'active' && allowed.deactivate && <button type="button" className="btn-secondary" onClick={() => run('deactivate')}>Deactivate</button>}
          {image.status === 'deactivated' && allowed.reactivate && <button type="button" className="btn-secondary" onClick={() => run('reactivate')}>Activate</button>}
          {allowed.edit && <UpdateMetadata image={image} onSaved={() => void detail.refetch().then(() => setMetadataSaves((n) => n + 1))} />}
          {allowed.protect && <button type="button" className="btn-secondary" onClick={() => run(image.protected ? 'unprotect' : 'protect')}>{image.protected ? 'Unprotect' : 'Protect'}</button>}
          {allowed.delete && <button type="button" className="btn-danger" onClick={() => setConfirm(true)}>Delete</button>}
        </div>
      </div>
      {notice && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{notice}</p>}

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="fields-heading" className="rounded-lg border border-slate-200 bg-white">
          <h2 id="fields-heading" className="border-b border-slate-200 px-4 py-2 font-semibold">Fields</h2>
          <table className="w-full text-sm" data-testid="image-fields">
            <thead className="sr-only"><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map(([field, value, copy]) => (
                <tr key={field} data-field={field}>
                  <th scope="row" className="w-40 px-4 py-1.5 text-left align-top font-mono text-xs font-normal text-slate-600">{field}</th>
                  <td className="px-4 py-1.5 font-mono text-xs break-all">
                    <span data-testid={`field-${field}`}>{value}</span>
                    {copy && <CopyButton value={copy} label={field} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <div className="space-y-6">
          {allowed.edit && (
            <section id="edit" aria-labelledby="edit-heading" className="rounded-lg border border-slate-200 bg-white p-4">
              <h2 id="edit-heading" className="font-semibold">Edit</h2>
              <EditImageForm key={metadataSaves} image={image} onSaved={() => void detail.refetch()} />
            </section>
          )}
          <section aria-labelledby="members-heading" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="members-heading" className="font-semibold">Members</h2>
            {members.length === 0 ? (
              <p className="mt-1 text-sm text-slate-500">{image.visibility === 'shared' ? 'Not shared with any project yet.' : `Members apply to shared images; this one is ${image.visibility}.`}</p>
            ) : (
              <ul className="mt-1 text-sm" data-testid="members">{members.map((m) => <li key={m.member}><ProjectName id={m.member} names={projectNames} /> — {m.status}</li>)}</ul>
            )}
          </section>
          {canCopy && (
            <section className="rounded-lg border border-slate-200 bg-white p-4">
              <CopyToStore imageId={id} candidates={copyTargets} onStarted={() => void detail.refetch()} />
            </section>
          )}
          {locations && (
            <section aria-labelledby="locations-heading" className="rounded-lg border border-slate-200 bg-white p-4">
              <h2 id="locations-heading" className="font-semibold">Locations <span className="text-xs font-normal text-slate-500">(admin)</span></h2>
              {locations.length === 0 ? <p className="mt-1 text-sm text-slate-500">No data stored yet.</p> : (
                <ul className="mt-1 text-sm" data-testid="locations">
                  {locations.map((l) => (
                    <li key={l.url} className="font-mono text-xs break-all" data-store={l.store ?? undefined}>
                      {l.store && <span className="font-semibold">{l.store}: </span>}{l.url} <span className="text-slate-500">({l.status})</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
        </div>
      </div>

      <section aria-labelledby="flow-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="flow-heading" className="font-semibold">Status flow</h2>
        <p className="text-sm text-slate-600">The current state is filled; the transitions this image went through are traced.</p>
        <div className="mt-2"><ImportProgress image={image} tasks={imports.tasks} /></div>
        <StatusFlowPanel current={image.status} events={events} inProgress={running || TRANSIENT.has(image.status)} />
      </section>

      <section aria-labelledby="timeline-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="timeline-heading" className="mb-3 font-semibold">Status timeline</h2>
        <Timeline events={events} tasks={imports.tasks} />
      </section>

      <ConfirmDialog
        open={confirm}
        title={`Delete image “${image.name ?? image.id}”?`}
        confirmLabel="Delete image"
        busy={remove.isPending}
        onCancel={() => setConfirm(false)}
        onConfirm={() =>
          remove.mutate([id], {
            onSuccess: () => router.push('/dashboard'),
            onError: (e) => setNotice((e as Error).message),
            onSettled: () => setConfirm(false),
          })
        }
      >
        <p>The image data is removed and cannot be recovered.</p>
      </ConfirmDialog>
    </div>
  );
}

/** Store ids (the API's `stores` value, comma-separated) with the operator's descriptions beside them. */
function StoreList({ stores }: { stores: ImageStore[] }) {
  if (stores.length === 0) return <>—</>;
  return (
    <>
      {stores.map((s, n) => (
        <span key={s.id} data-store={s.id}>
          {n > 0 && ', '}
          {s.id}
          {s.description && <span className="font-sans text-slate-500"> ({s.description})</span>}
        </span>
      ))}
    </>
  );
}

/** Something is changing on its own: a transient status, or an import task running. */
function inMotion(d: ImageDetail): boolean {
  return TRANSIENT.has(d.image.status) || importRunning(d.imports.tasks, d.image.os_glance_importing_to_stores);
}
