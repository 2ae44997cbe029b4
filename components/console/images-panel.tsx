'use client';
// The Images page: uploads on top, the list below; both share react-query's
// cache, and the list keeps following statuses while uploads run here.
import { useState } from 'react';
import type { UploadStoreChoices } from './api';
import { ImagesTable } from './images-table';
import { PendingDeletes } from './pending-deletes';
import { QuotaUsage } from './quota-usage';
import { Uploads } from './uploads';
import { UrlImport } from './url-import';

/**
 * `canUpload`: the policy lets the signed-in user create images (else no upload area).
 * `storeChoices`: the stores an upload may go to (admins on a multi-store site), else null.
 * `fromUrl`: web-download is an enabled import method (GET /v2/info/import lists it).
 * `pendingDeletes`: an admin on a delayed_delete site (sees and restores pending_delete images).
 */
export function ImagesPanel({ canUpload, storeChoices, fromUrl, pendingDeletes = false }: { canUpload: boolean; storeChoices: UploadStoreChoices | null; fromUrl: boolean; pendingDeletes?: boolean }) {
  const [uploading, setUploading] = useState(false);
  const [importing, setImporting] = useState(false);
  return (
    <div>
      <h1 className="mb-3 text-2xl font-semibold">Images</h1>
      <QuotaUsage />
      {canUpload && (
        <div className={fromUrl ? 'grid gap-3 lg:grid-cols-2' : ''}>
          <Uploads onBusyChange={setUploading} storeChoices={storeChoices} />
          {fromUrl && <UrlImport onBusyChange={setImporting} storeChoices={storeChoices} />}
        </div>
      )}
      <ImagesTable live={uploading || importing} />
      {pendingDeletes && <PendingDeletes />}
    </div>
  );
}
