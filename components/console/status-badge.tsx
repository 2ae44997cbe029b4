// An image status as a coloured, readable badge; every status the server
// knows has its colour (the compiler checks the record is complete).
import type { ImageStatus } from '@/lib/images/constants';

const COLORS: Record<ImageStatus, string> = {
  active: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  queued: 'bg-slate-100 text-slate-700 ring-slate-300',
  saving: 'bg-sky-100 text-sky-800 ring-sky-300',
  uploading: 'bg-sky-100 text-sky-800 ring-sky-300',
  importing: 'bg-indigo-100 text-indigo-800 ring-indigo-300',
  deactivated: 'bg-amber-100 text-amber-800 ring-amber-300',
  killed: 'bg-red-100 text-red-800 ring-red-300',
  pending_delete: 'bg-orange-100 text-orange-800 ring-orange-300',
  deleted: 'bg-zinc-200 text-zinc-700 ring-zinc-300',
};

export function StatusBadge({ status }: { status: ImageStatus }) {
  return (
    <span data-status={status} className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${COLORS[status] ?? COLORS.queued}`}>
      {status}
    </span>
  );
}
