// What the console's images list shows beyond `GET /v2/images`: for each
// image, which actions the policy allows the caller (the table offers only those).
import type { RequestContext } from '@/lib/auth/context';
import { listImages, type ImagePage } from '@/lib/images/list';
import type { ListQuery } from '@/lib/images/listing/params';
import { imageActions, type ImageActions } from '@/lib/policy';

export interface ConsoleImagePage extends ImagePage {
  allowed: Record<string, ImageActions>;
}

export async function consoleImageList(ctx: RequestContext, query: ListQuery): Promise<ConsoleImagePage> {
  const list = await listImages(ctx, query);
  const allowed = list.images.map((view) => {
    const image = { id: String(view.id), owner: view.owner as string | null, visibility: String(view.visibility), status: String(view.status) };
    return [image.id, imageActions(ctx, image)];
  });
  return { ...list, allowed: Object.fromEntries(allowed) };
}
