'use client';
// One namespace as `glance md-namespace-show` sees it: its fields, resource
// type associations (with prefixes), properties, objects and tags.
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import type { PropertyDef } from '../metadata/catalog';
import { nsPath, type Namespace } from './types';

export function NamespaceView({ name }: { name: string }) {
  const ns = useQuery({ queryKey: ['metadefs', name], queryFn: () => api<Namespace>(nsPath(name)) });
  if (ns.isLoading) return <p className="text-slate-500">Loading namespace…</p>;
  if (ns.isError || !ns.data) {
    return (
      <div role="alert" className="rounded-lg bg-red-50 p-4 text-red-800">
        <p>Could not load namespace {name}: {(ns.error as Error)?.message}</p>
        <Link href="/dashboard/metadefs" className="btn-link">Back to metadata definitions</Link>
      </div>
    );
  }
  const n = ns.data;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/dashboard/metadefs" className="btn-link">← Metadata definitions</Link>
        <h1 className="text-2xl font-semibold break-all">{n.display_name || n.namespace}</h1>
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <dt className="text-slate-600">Namespace</dt><dd className="font-mono text-xs" data-testid="ns-namespace">{n.namespace}</dd>
        <dt className="text-slate-600">Description</dt><dd>{n.description ?? '—'}</dd>
        <dt className="text-slate-600">Visibility</dt><dd>{n.visibility}</dd>
        <dt className="text-slate-600">Protected</dt><dd>{String(n.protected)}</dd>
        <dt className="text-slate-600">Owner</dt><dd className="font-mono text-xs">{n.owner}</dd>
        <dt className="text-slate-600">Resource types</dt>
        <dd>{(n.resource_type_associations ?? []).map((a) => `${a.name}${a.prefix ? ` (prefix ${a.prefix})` : ''}${a.properties_target ? ` → ${a.properties_target}` : ''}`).join(', ') || '—'}</dd>
      </dl>
      <Section title="Properties" testId="ns-properties">
        <Properties props={n.properties ?? {}} />
      </Section>
      <Section title="Objects" testId="ns-objects">
        {(n.objects ?? []).length === 0 ? <p className="text-sm text-slate-500">None.</p> : (n.objects ?? []).map((o) => (
          <div key={o.name} className="mt-2">
            <h3 className="font-medium">{o.name}</h3>
            {o.description && <p className="text-xs text-slate-600">{o.description}</p>}
            <Properties props={o.properties ?? {}} />
          </div>
        ))}
      </Section>
      <Section title="Tags" testId="ns-tags">
        <p className="text-sm">{(n.tags ?? []).map((t) => t.name).join(', ') || 'None.'}</p>
      </Section>
    </div>
  );
}

function Section({ title, testId, children }: { title: string; testId: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4" data-testid={testId}>
      <h2 className="font-semibold">{title}</h2>
      {children}
    </section>
  );
}

/** A property's type and constraints in a line, as a reader of the definition needs them. */
function constraints(d: PropertyDef): string {
  const parts = [d.type === 'array' ? `array of ${d.items?.type ?? 'any'}` : d.type ?? ''];
  const choices = d.enum ?? d.items?.enum;
  if (choices) parts.push(`one of ${choices.join(', ')}`);
  if (d.minimum !== undefined) parts.push(`≥ ${d.minimum}`);
  if (d.maximum !== undefined) parts.push(`≤ ${d.maximum}`);
  if (d.maxLength !== undefined) parts.push(`≤ ${d.maxLength} chars`);
  if (d.pattern) parts.push(`pattern ${d.pattern}`);
  if (d.default !== undefined) parts.push(`default ${d.default}`);
  return parts.filter(Boolean).join('; ');
}

function Properties({ props }: { props: Record<string, PropertyDef> }) {
  const rows = Object.entries(props);
  if (rows.length === 0) return <p className="text-sm text-slate-500">None.</p>;
  return (
    <table className="mt-1 w-full text-sm">
      <thead className="text-left text-xs text-slate-600">
        <tr><th scope="col" className="py-1 pr-3">Property</th><th scope="col" className="py-1 pr-3">Title</th><th scope="col" className="py-1">Type</th></tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map(([k, d]) => (
          <tr key={k} data-property={k}>
            <td className="py-1 pr-3 font-mono text-xs">{k}</td>
            <td className="py-1 pr-3" title={d.description}>{d.title ?? '—'}</td>
            <td className="py-1 text-xs break-all">{constraints(d)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
