// Images: the list (filters, sorting, paging, actions) and the upload area.
import { ImagesPanel } from '@/components/console/images-panel';
import { consoleContext } from '@/http/console-session';
import { mayCreateImages } from '@/lib/policy';

export const metadata = { title: 'Images · Glance console' };

export default async function ImagesPage() {
  return <ImagesPanel canUpload={mayCreateImages(await consoleContext())} />;
}
