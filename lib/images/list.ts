// GET /v2/images: Glance's filters, sorting and marker paging as one query
// over the live rows (lib/images/listing/ holds the pieces). Takes a parsed
// ListQuery; the page links are the serializer's (listing/links.ts).
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { BadRequest, Forbidden } from '@/lib/errors';
import { canSee, enforceList } from '@/lib/policy';
import { filterConditions, visibilityConditions } from './listing/filters';
import { afterMarker, orderBy } from './listing/order';
import type { ListQuery } from './listing/params';
import { findLiveImage, WITH_CHILDREN } from './repository';
import { imageView, type ImageView } from './view';
import { withStores } from './locations';

export interface ImagePage {
  images: ImageView[];
  /** The last image's id when the page is full (there may be more after it), else null. */
  nextMarker: string | null;
}

const IMAGE_ID_LENGTH = 36;

/** The marker image, which must exist and be visible, as Glance's _image_get. */
async function markerImage(ctx: RequestContext, id: string) {
  // Glance's own message for an over-long id, placeholder and all.
  if (id.length > IMAGE_ID_LENGTH) throw new BadRequest('Image with the given id %(image_id)s was not found');
  const image = await findLiveImage(id);
  if (!image) throw new BadRequest(`No image found with ID ${id}`);
  if (!canSee(ctx, image)) throw new Forbidden(`Forbidding request, image ${id} not visible`);
  return image;
}

export async function listImages(ctx: RequestContext, query: ListQuery): Promise<ImagePage> {
  enforceList(ctx);
  const where = [...filterConditions(query), ...visibilityConditions(ctx, query)];
  if (query.marker !== null) where.push(afterMarker(query.sort, await markerImage(ctx, query.marker)));
  const rows = query.limit === 0 ? [] : await db().image.findMany({
    where: { AND: where },
    orderBy: orderBy(query.sort),
    take: query.limit,
    include: WITH_CHILDREN,
  });
  // A full page may have more after it; Glance links the next page then.
  const nextMarker = rows.length > 0 && rows.length === query.limit ? rows[rows.length - 1].id : null;
  return { images: await withStores(ctx, rows.map(imageView)), nextMarker };
}
