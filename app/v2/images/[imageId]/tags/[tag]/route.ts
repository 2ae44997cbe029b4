// PUT/DELETE /v2/images/{id}/tags/{tag}.
import { noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { addTag, removeTag } from '@/lib/images/image-service';

export const dynamic = 'force-dynamic';

type Params = { imageId: string; tag: string };

export const PUT = glanceRoute<Params>(
  async ({ ctx, params }) => {
    await addTag(ctx, params.imageId, decodeURIComponent(params.tag));
    return noContent();
  },
  { rejectBody: true },
);

export const DELETE = glanceRoute<Params>(
  async ({ ctx, params }) => {
    await removeTag(ctx, params.imageId, decodeURIComponent(params.tag));
    return noContent();
  },
  { rejectBody: true },
);

export const { GET, HEAD, POST, PATCH, OPTIONS } = methodNotAllowed(['PUT', 'DELETE']);
