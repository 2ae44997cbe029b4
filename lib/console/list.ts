// What the console's images list shows beyond `GET /v2/images`: for each
// image, which actions the policy allows the caller (the table offers only those),
// and the names of the owner projects (one lookup per page).
import type { RequestContext } from '@/lib/auth/context';
import { listImages, type ImagePage } from '@/lib/images/list';
import type { ListQuery } from '@/lib/images/listing/params';
import { imageActions, type ImageActions } from '@/lib/policy';
import { visibleProjectNames } from './project-names';

export interface ConsoleImagePage extends ImagePage {
  allowed: Record<string, ImageActions>;
  /** Owner project id -> name, for the ids the caller may see named (the rest show as ids). */
  projectNames: Record<string, string>;
}

export async function consoleImageList(ctx: RequestContext, query: ListQuery): Promise<ConsoleImagePage> {
  const list = await listImages(ctx, query);
  const allowed = list.images.map((view) => {
    const image = { id: String(view.id), owner: view.owner as string | null, visibility: String(view.visibility), status: String(view.status) };
    return [image.id, imageActions(ctx, image)];
  });
  const projectNames = await visibleProjectNames(ctx, list.images.map((view) => view.owner as string | null));
  return { ...list, allowed: Object.fromEntries(allowed), projectNames };
}
