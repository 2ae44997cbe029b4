// Images: the list (filters, sorting, paging, actions) and the upload area.
import { ImagesPanel } from '@/components/console/images-panel';

export const metadata = { title: 'Images · Glance console' };

export default function ImagesPage() {
  return <ImagesPanel />;
}
