// PUT /v2/images/{id}/file (upload) and GET (download, with Range), reached
// through a rewrite in next.config.js. A Pages API route, not an App Router
// one, to get Node's request and response for the data: see http/node-route.ts.
import { imageDataInput, imageDataResponse } from '@/http/image-data';
import { nodeRoute, type Answer } from '@/http/node-route';
import { noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { openImageData, uploadImageData } from '@/lib/images/upload-download';

export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

type Params = { imageId: string };

const notAllowed = methodNotAllowed(['GET', 'PUT']);

export default nodeRoute<Params>(
  {
    GET: glanceRoute<Params, Answer>(async ({ req, ctx, params }) =>
      imageDataResponse(await openImageData(ctx, params.imageId, req.headers.get('range'))),
    ),
    PUT: (req, segment, node) =>
      glanceRoute<Params>(async ({ req, ctx, params }) => {
        await uploadImageData(ctx, params.imageId, { ...imageDataInput(req, node), storeId: req.headers.get('x-image-meta-store') });
        return noContent({ 'Content-Type': 'text/html; charset=UTF-8' });
      })(req, segment),
  },
  (req) => notAllowed[req.method as 'POST']!(req),
);
