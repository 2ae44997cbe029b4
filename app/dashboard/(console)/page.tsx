// Images: the list (filters, sorting, paging, actions) and the upload area.
import { ImagesPanel } from '@/components/console/images-panel';
import { consoleContext } from '@/http/console-session';
import { getConfig } from '@/lib/config';
import { enabledImportMethods } from '@/lib/imports/methods';
import { mayCreateImages } from '@/lib/policy';
import { uploadStoreChoices } from '@/lib/uploads/store-choice';

export const metadata = { title: 'Images · Glance console' };

export default async function ImagesPage() {
  const ctx = await consoleContext();
  return <ImagesPanel canUpload={mayCreateImages(ctx)} storeChoices={uploadStoreChoices(ctx)} fromUrl={enabledImportMethods().includes('web-download')} pendingDeletes={ctx.isAdmin && getConfig().delayedDelete.enabled} />;
}
