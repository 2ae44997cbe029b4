'use client';
// Horizon's "Import Namespace": a namespace definition (the JSON files
// Glance ships, or the API's create body) pasted or read from a file.
import { useId, useState } from 'react';
import { api, sendJson } from '../api';

export function ImportNamespace({ onImported }: { onImported: (name: string) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return setError(`Not JSON: ${(err as Error).message}`);
    }
    setBusy(true);
    try {
      const ns = await api<{ namespace: string }>('/metadefs/namespaces', sendJson('POST', doc));
      setText('');
      onImported(ns.namespace);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="rounded-lg border border-slate-200 bg-white p-3">
      <summary className="cursor-pointer font-semibold">Import namespace</summary>
      <form onSubmit={submit} className="mt-2 space-y-2" aria-label="Import namespace">
        <label className="block">
          <span className="label">Definition file</span>
          <input type="file" accept="application/json,.json" className="text-sm" onChange={async (e) => setText((await e.target.files?.[0]?.text()) ?? text)} />
        </label>
        <label className="block">
          <span className="label">Namespace definition (JSON)</span>
          <textarea
            className="field h-48 font-mono text-xs"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-err` : undefined}
          />
        </label>
        {error && <p id={`${id}-err`} role="alert" className="text-sm text-red-700" data-testid="import-error">{error}</p>}
        <button type="submit" className="btn-primary" disabled={busy || !text.trim()}>{busy ? 'Importing…' : 'Import namespace'}</button>
      </form>
    </details>
  );
}
