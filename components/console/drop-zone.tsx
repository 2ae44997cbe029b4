'use client';
// Where files are dropped or chosen; it only hands the files on.
import { useRef, useState } from 'react';
import { DETECTABLE_FORMATS } from '@/lib/console/disk-format';

export function DropZone({ onFiles }: { onFiles: (files: File[]) => void }) {
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const formats = DETECTABLE_FORMATS.filter((f) => f !== 'raw').join(', ');
  return (
    <div
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        onFiles([...e.dataTransfer.files]);
      }}
      className={`flex flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed px-4 py-6 text-center transition ${dragging ? 'border-sky-600 bg-sky-50' : 'border-slate-300 bg-white'}`}
    >
      <p className="text-base font-medium">Drop image files here to create images</p>
      <p className="text-sm text-slate-500">{formats} or raw — uploads are chunked and resume after a dropped connection or a reload.</p>
      <button type="button" className="btn-primary" onClick={() => inputRef.current?.click()}>Choose files…</button>
      <input
        ref={inputRef}
        type="file"
        multiple
        className="sr-only"
        tabIndex={-1}
        data-testid="file-input"
        aria-label="Image files"
        onChange={(e) => {
          onFiles([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
    </div>
  );
}
