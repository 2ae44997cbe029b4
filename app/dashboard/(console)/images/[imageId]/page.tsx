// One image: every field, edit, members, locations, its status flow and timeline.
import { ImageDetailView } from '@/components/console/image-detail';

export const metadata = { title: 'Image · Glance console' };

export default async function ImagePage({ params }: { params: Promise<{ imageId: string }> }) {
  const { imageId } = await params;
  return <ImageDetailView id={imageId} />;
}
