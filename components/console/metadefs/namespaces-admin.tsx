'use client';
// Horizon's Admin › Metadata Definitions: every namespace with its resource
// types, public/protected switches and delete (after a confirmation), and
// "Import namespace" from a JSON document. Refusals are the API's own text.
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, sendJson } from '../api';
import { ConfirmDialog } from '../confirm-dialog';
import { ImportNamespace } from './import-namespace';
import { namespaceUpdate, nsPath, type Namespace } from './types';

const LIST = '/metadefs/namespaces?limit=1000&sort_key=namespace&sort_dir=asc';

export function NamespacesAdmin() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['metadefs'], queryFn: () => api<{ namespaces: Namespace[] }>(LIST) });
  const [notice, setNotice] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [doomed, setDoomed] = useState<Namespace | null>(null);
  // The list is re-read before the mutation settles: a second switch must start from the namespace as it is now.
  const done = async (text: string) => {
    await Promise.all([qc.invalidateQueries({ queryKey: ['metadefs'] }), qc.invalidateQueries({ queryKey: ['metadefs-catalog'] })]);
    setNotice({ kind: 'ok', text });
  };
  const failed = (e: unknown) => setNotice({ kind: 'error', text: (e as Error).message });
  const update = useMutation({
    mutationFn: ({ ns, change }: { ns: Namespace; change: Parameters<typeof namespaceUpdate>[1] }) => api(nsPath(ns.namespace), sendJson('PUT', namespaceUpdate(ns, change))),
    onSuccess: (_, { ns, change }) => done(`Updated ${ns.namespace}: ${Object.entries(change).map(([k, v]) => `${k} ${v}`).join(', ')}.`),
    onError: failed,
  });
  const remove = useMutation({
    mutationFn: (ns: Namespace) => api(nsPath(ns.namespace), { method: 'DELETE' }),
    onSuccess: (_, ns) => done(`Deleted namespace ${ns.namespace}.`),
    onError: failed,
    onSettled: () => setDoomed(null),
  });

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Metadata definitions</h1>
      <p className="max-w-3xl text-sm text-slate-600">
        The catalog of properties Horizon, Nova and the image page's “Update metadata” offer. Namespaces apply to resource types; a protected one cannot be deleted.
      </p>
      <ImportNamespace onImported={(name) => void done(`Imported namespace ${name}.`)} />
      {notice && (
        <p role={notice.kind === 'error' ? 'alert' : 'status'} className={`rounded-md px-3 py-2 text-sm ${notice.kind === 'error' ? 'bg-red-50 text-red-800' : 'bg-emerald-50 text-emerald-800'}`}>
          {notice.text}
        </p>
      )}
      {list.isLoading && <p className="text-slate-500">Loading namespaces…</p>}
      {list.isError && <p role="alert" className="text-red-700">{(list.error as Error).message}</p>}
      {list.data && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm" data-testid="namespaces">
            <caption className="sr-only">Metadata definitions namespaces</caption>
            <thead className="bg-slate-50 text-left text-xs text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="px-3 py-2">Namespace</th>
                <th scope="col" className="px-3 py-2">Resource types</th>
                <th scope="col" className="px-3 py-2">Public</th>
                <th scope="col" className="px-3 py-2">Protected</th>
                <th scope="col" className="px-3 py-2">Owner</th>
                <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.data.namespaces.map((ns) => (
                <tr key={ns.namespace} data-testid="namespace-row" data-namespace={ns.namespace}>
                  <td className="px-3 py-1.5">
                    <Link className="btn-link" href={`/dashboard/metadefs/${encodeURIComponent(ns.namespace)}`}>{ns.display_name || ns.namespace}</Link>
                  </td>
                  <td className="px-3 py-1.5 font-mono text-xs break-all">{ns.namespace}</td>
                  <td className="px-3 py-1.5 text-xs">{(ns.resource_type_associations ?? []).map((a) => a.name).join(', ') || '—'}</td>
                  <td className="px-3 py-1.5">
                    <input
                      type="checkbox"
                      aria-label={`Public: ${ns.namespace}`}
                      checked={ns.visibility === 'public'}
                      disabled={update.isPending}
                      onChange={(e) => update.mutate({ ns, change: { visibility: e.target.checked ? 'public' : 'private' } })}
                    />
                  </td>
                  <td className="px-3 py-1.5">
                    <input
                      type="checkbox"
                      aria-label={`Protected: ${ns.namespace}`}
                      checked={ns.protected}
                      disabled={update.isPending}
                      onChange={(e) => update.mutate({ ns, change: { protected: e.target.checked } })}
                    />
                  </td>
                  <td className="px-3 py-1.5 font-mono text-xs break-all">{ns.owner}</td>
                  <td className="px-3 py-1.5 text-right">
                    <button type="button" className="btn-danger" aria-label={`Delete ${ns.namespace}`} onClick={() => setDoomed(ns)}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={doomed !== null}
        title={`Delete namespace “${doomed?.namespace ?? ''}”?`}
        confirmLabel="Delete namespace"
        busy={remove.isPending}
        onCancel={() => setDoomed(null)}
        onConfirm={() => doomed && remove.mutate(doomed)}
      >
        <p>Its properties, objects, tags and resource type associations are deleted with it.</p>
      </ConfirmDialog>
    </div>
  );
}
