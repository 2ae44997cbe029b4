'use client';
// Row actions shared by the list and the image page; each refreshes what it changed.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './api';

export type RowAction = 'deactivate' | 'reactivate' | 'protect' | 'unprotect';

export function useImageActions() {
  const qc = useQueryClient();
  // Returned to react-query, so a mutation settles only once the lists show its effect.
  // Deleted images are not fetched again (that would only be a 404).
  const refresh = (deleted: string[] = []) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['images'] }),
      qc.invalidateQueries({ queryKey: ['image'], predicate: (q) => !deleted.includes(q.queryKey[1] as string) }),
      qc.invalidateQueries({ queryKey: ['status-flow'] }),
    ]);
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: RowAction }) => api(`/images/${id}/actions/${action}`, { method: 'POST' }),
    onSettled: () => refresh(),
  });
  const remove = useMutation({
    mutationFn: async (ids: string[]) => {
      // One at a time, so a protected image's refusal names that image.
      const failures: string[] = [];
      for (const id of ids) {
        try {
          await api(`/images/${id}`, { method: 'DELETE' });
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
      if (failures.length) throw new Error(failures.join(' '));
    },
    onSettled: (_data, _err, ids) => refresh(ids),
  });
  return { act, remove, refresh };
}
