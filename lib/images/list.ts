// GET /v2/images: Glance's filters, sorting and marker paging as one query
// over the live rows (lib/images/listing/ holds the pieces).
import type { RequestContext } from '@/lib/auth/context';
import { db } from '@/lib/db/client';
import { BadRequest, Forbidden } from '@/lib/errors';
import { canSee, enforceList } from '@/lib/policy';
import { filterConditions, visibilityConditions } from './listing/filters';
import { pageLinks } from './listing/links';
import { afterMarker, orderBy } from './listing/order';
import { parseListRequest } from './listing/params';
import { findLiveImage, WITH_CHILDREN } from './repository';
import { imageView, type ImageView } from './view';

export interface ImageList {
  images: ImageView[];
  first: string;
  schema: string;
  next?: string;
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

export async function listImages(ctx: RequestContext, query: URLSearchParams): Promise<ImageList> {
  const req = parseListRequest(query);
  enforceList(ctx);
  const where = [...filterConditions(req), ...visibilityConditions(ctx, req)];
  if (req.marker !== null) where.push(afterMarker(req.sort, await markerImage(ctx, req.marker)));
  const rows = req.limit === 0 ? [] : await db().image.findMany({
    where: { AND: where },
    orderBy: orderBy(req.sort),
    take: req.limit,
    include: WITH_CHILDREN,
  });
  // A full page may have more after it; Glance links the next page then.
  const nextMarker = rows.length > 0 && rows.length === req.limit ? rows[rows.length - 1].id : null;
  const { first, next } = pageLinks(query, nextMarker);
  return { images: rows.map(imageView), first, schema: '/v2/schemas/images', ...(next ? { next } : {}) };
}
