// PUT /v2/images/{id}/stage (glance-direct's staging), reached through a
// rewrite in next.config.js. A Pages API route for Node's request body, as
// PUT /file (http/node-route.ts).
import { imageDataInput } from '@/http/image-data';
import { nodeRoute } from '@/http/node-route';
import { noContent } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { assertStageAvailable, stageImageData } from '@/lib/imports/stage';

export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

type Params = { imageId: string };

const notAllowed = methodNotAllowed(['PUT']);

export default nodeRoute<Params>(
  {
    PUT: (req, segment, node) =>
      glanceRoute<Params>(async ({ req, ctx, params }) => {
        assertStageAvailable();
        await stageImageData(ctx, params.imageId, imageDataInput(req, node));
        return noContent();
      })(req, segment),
  },
  (req) => notAllowed[req.method as 'POST']!(req),
);
