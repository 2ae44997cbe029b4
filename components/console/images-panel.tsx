'use client';
// The Images page: uploads on top, the list below; both share react-query's
// cache, and the list keeps following statuses while uploads run here.
import { useState } from 'react';
import type { UploadStoreChoices } from './api';
import { ImagesTable } from './images-table';
import { Uploads } from './uploads';

/**
 * `canUpload`: the policy lets the signed-in user create images (else no upload area).
 * `storeChoices`: the stores an upload may go to (admins on a multi-store site), else null.
 */
export function ImagesPanel({ canUpload, storeChoices }: { canUpload: boolean; storeChoices: UploadStoreChoices | null }) {
  const [uploading, setUploading] = useState(false);
  return (
    <div>
      <h1 className="mb-3 text-2xl font-semibold">Images</h1>
      {canUpload && <Uploads onBusyChange={setUploading} storeChoices={storeChoices} />}
      <ImagesTable live={uploading} />
    </div>
  );
}
