'use client';
// "Copy to store": an active image's data copied into stores that do not hold
// it yet (Glance's copy-image import). Offered only where several stores
// exist, /v2/info/import lists copy-image and the copy_image rule allows it.
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, sendJson, type StoreOption } from './api';

export function CopyToStore({ imageId, candidates, onStarted }: { imageId: string; candidates: StoreOption[]; onStarted: () => void }) {
  const id = useId().replace(/:/g, '');
  const [picked, setPicked] = useState<string[]>([]);
  const [mustSucceed, setMustSucceed] = useState(true);
  const copy = useMutation({
    mutationFn: () =>
      api(`/images/${imageId}/import`, sendJson('POST', { method: { name: 'copy-image' }, stores: picked, all_stores_must_succeed: mustSucceed })),
    onSuccess: () => {
      setPicked([]);
      onStarted();
    },
  });
  const toggle = (store: string, on: boolean) => setPicked((p) => (on ? [...p, store] : p.filter((s) => s !== store)));
  return (
    <form
      data-testid="copy-to-store"
      aria-labelledby={`${id}-heading`}
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        copy.mutate();
      }}
    >
      <h2 id={`${id}-heading`} className="font-semibold">Copy to store</h2>
      <fieldset aria-describedby={`${id}-hint`}>
        <legend className="text-sm text-slate-600">Stores that do not hold this image yet</legend>
        <p id={`${id}-hint`} className="sr-only">Choose one or more stores; the image stays active while it is copied.</p>
        <ul className="mt-1 space-y-1">
          {candidates.map((s) => (
            <li key={s.id}>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="stores" value={s.id} checked={picked.includes(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} />
                <span className="font-mono">{s.id}</span>
                {s.description && <span className="text-slate-500">({s.description})</span>}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {picked.length > 1 && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="all_stores_must_succeed" checked={mustSucceed} onChange={(e) => setMustSucceed(e.target.checked)} />
          Every store must succeed (otherwise keep the copies that worked)
        </label>
      )}
      {copy.isError && <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800" data-testid="copy-error">{(copy.error as Error).message}</p>}
      <button type="submit" className="btn-primary" disabled={picked.length === 0 || copy.isPending}>
        {copy.isPending ? 'Starting copy…' : 'Copy to store'}
      </button>
    </form>
  );
}
