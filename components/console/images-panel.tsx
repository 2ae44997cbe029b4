'use client';
// The Images page: uploads on top, the list below; both share react-query's
// cache, and the list keeps following statuses while uploads run here.
import { useState } from 'react';
import { ImagesTable } from './images-table';
import { Uploads } from './uploads';

/** `canUpload`: the policy lets the signed-in user create images (else no upload area). */
export function ImagesPanel({ canUpload }: { canUpload: boolean }) {
  const [uploading, setUploading] = useState(false);
  return (
    <div>
      <h1 className="mb-3 text-2xl font-semibold">Images</h1>
      {canUpload && <Uploads onBusyChange={setUploading} />}
      <ImagesTable live={uploading} />
    </div>
  );
}
