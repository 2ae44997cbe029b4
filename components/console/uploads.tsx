'use client';
// Create images by dropping files: the drop zone, the interrupted uploads
// this browser can continue, and a card per file. The upload lifecycle
// (tus, resume, import) lives in useTusUploads; this only lays it out.
import { useEffect } from 'react';
import type { PreviousUpload } from 'tus-js-client';
import { formatBytes, type UploadStoreChoices } from './api';
import { DropZone } from './drop-zone';
import { UploadCard } from './upload-card';
import { useTusUploads } from './use-tus-uploads';

export function Uploads({ onBusyChange, storeChoices }: { onBusyChange?: (busy: boolean) => void; storeChoices: UploadStoreChoices | null }) {
  const uploads = useTusUploads(storeChoices);
  const { busy } = uploads;
  useEffect(() => onBusyChange?.(busy), [busy, onBusyChange]);

  return (
    <section aria-labelledby="upload-heading">
      <h2 id="upload-heading" className="sr-only">Create images</h2>
      <DropZone onFiles={(files) => void uploads.addFiles(files)} />
      <InterruptedUploads uploads={uploads.interrupted} />
      <ul className="mt-3 space-y-3" aria-label="Uploads">
        {uploads.items.map((item) => (
          <UploadCard
            key={item.key}
            item={item}
            storeChoices={storeChoices}
            onChange={(form) => uploads.setForm(item, form)}
            onCreate={() => void uploads.create(item)}
            onPause={() => void uploads.pause(item)}
            onResume={() => uploads.resume(item)}
            onCancel={() => void uploads.cancel(item)}
            onDismiss={() => uploads.dismiss(item)}
          />
        ))}
      </ul>
    </section>
  );
}

function InterruptedUploads({ uploads }: { uploads: PreviousUpload[] }) {
  if (uploads.length === 0) return null;
  return (
    <div className="mt-3 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="interrupted-uploads">
      <p className="font-medium text-amber-900">Interrupted uploads — drop or choose the same file again to continue where it stopped:</p>
      <ul className="mt-1 list-disc pl-5 text-amber-900">
        {uploads.map((p) => (
          <li key={p.urlStorageKey}>
            {p.metadata?.filename ?? 'file'} ({formatBytes(p.size)}) for image <span className="font-mono text-xs">{p.metadata?.imageId}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
