// DELETE /v2/stores/{store_id}/{image_id}: remove an image's data from one store.
import { noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { deleteFromStore } from '@/lib/images/delete-from-store';

export const dynamic = 'force-dynamic';

type Params = { storeId: string; imageId: string };

export const DELETE = glanceRoute<Params>(
  async ({ ctx, params }) => {
    await deleteFromStore(ctx, params.storeId, params.imageId);
    return noContent();
  },
  { rejectBody: true },
);

export const { GET, POST, PUT, PATCH, HEAD, OPTIONS } = methodNotAllowed(['DELETE']);
