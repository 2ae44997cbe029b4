'use client';
// A modal confirmation on the native <dialog> (focus trap and Esc for free).
import { useEffect, useRef } from 'react';

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="p-5">
        <h2 id="confirm-title" className="text-lg font-semibold">{props.title}</h2>
        <div className="mt-2 text-sm text-slate-700">{props.children}</div>
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" onClick={props.onCancel} className="btn-secondary" autoFocus>Cancel</button>
          <button type="button" onClick={props.onConfirm} disabled={props.busy} className="btn-danger">
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}
