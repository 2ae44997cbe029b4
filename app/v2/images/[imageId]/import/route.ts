// POST /v2/images/{id}/import: interoperable image import (202, the work runs as a task).
import { glanceRoute, methodNotAllowed, readJson } from '@/http/glance-route';
import { forwardImport } from '@/lib/imports/forward';
import { startImport } from '@/lib/imports/start';

export const dynamic = 'force-dynamic';

type Params = { imageId: string };

export const POST = glanceRoute<Params>(async ({ req, ctx, params }) => {
  const body = await readJson(req);
  const started = await startImport(ctx, params.imageId, body, req.headers.get('x-image-meta-store'));
  if ('forwardTo' in started) await forwardImport(started.forwardTo, `/v2/images/${params.imageId}/import`, req.headers, body);
  // webob's empty 202.
  return new Response(null, { status: 202, headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': '0' } });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['POST']);
