// The tus server behind /api/console/uploads: resumable, chunked browser
// uploads into the staging area. The protocol is @tus/server's; the hooks
// only tie each upload to its image (authorization, status changes).
import { AsyncLocalStorage } from 'node:async_hooks';
import { EVENTS, Server } from '@tus/server';
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { BadRequest, GlanceError } from '@/lib/errors';
import { serverActor } from '@/lib/images/actor';
import { looksLikeImageId } from '@/lib/images/repository';
import { loadVisible } from '@/lib/images/image-service';
import { InvalidTransitionError } from '@/lib/images/state-machine';
import { logger } from '@/lib/log';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '@/lib/db/unavailable';
import { storageError } from '@/lib/stores/errors';
import { enforceOnImage } from '@/lib/policy';
import { db } from '@/lib/db/client';
import { recordServingNode } from '@/lib/nodes/upload-owners';
import { abandonUpload, assertCanStage, finishStaging, markUploading } from './lifecycle';
import { findStaged, removeStaged, staging } from './staging';
import { checkUploadStore } from './store-choice';
import { UPLOAD_METADATA } from './upload-metadata';

export const TUS_PATH = '/api/console/uploads';

/**
 * The request being handled (tus hooks only get the request): its signed-in
 * context, and on a POST the store its Upload-Metadata names (tus parses the
 * metadata before the hook that checks the image, which needs it).
 */
interface TusRequestState {
  ctx: RequestContext;
  requestedStore?: string | null;
}
const current = new AsyncLocalStorage<TusRequestState>();

function state(): TusRequestState {
  const c = current.getStore();
  if (!c) throw new Error('tus hook outside a console request');
  return c;
}

const ctx = (): RequestContext => state().ctx;

/** tus answers errors thrown as {status_code, body}; ours carry Glance's status and message. */
function asTusError(err: unknown): unknown {
  if (err instanceof InvalidTransitionError) return { status_code: 409, body: err.message };
  if (err instanceof GlanceError) return { status_code: err.status, body: err.message };
  if (isDatabaseUnavailable(err)) return { status_code: 503, body: DATABASE_UNAVAILABLE_MESSAGE };
  const stored = storageError(err);
  if (stored instanceof GlanceError) return { status_code: stored.status, body: stored.message };
  return err;
}

/** A tus answer for an error outside the hooks (the staging area's own writes, the session lookup). */
export function tusErrorResponse(err: unknown): Response | null {
  const mapped = asTusError(err) as { status_code?: number; body?: string };
  if (!mapped?.status_code) return null;
  return new Response(mapped.body, { status: mapped.status_code, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Tus-Resumable': '1.0.0' } });
}

function guarded<A extends unknown[], R>(hook: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await hook(...args);
    } catch (err) {
      throw asTusError(err);
    }
  };
}

function createServer(): Server {
  const server = new Server({
    path: TUS_PATH,
    datastore: staging(),
    relativeLocation: true,
    maxSize: () => getConfig().imageSizeCap,
    disableTerminationForFinishedUploads: true,
    // One staged upload per image, named by it (see staging.ts).
    namingFunction: (_req, metadata) => {
      state().requestedStore = metadata?.[UPLOAD_METADATA.store] ?? null;
      const id = metadata?.[UPLOAD_METADATA.imageId] ?? '';
      if (!looksLikeImageId(id)) throw { status_code: 400, body: 'Upload-Metadata must name the imageId of a queued image.' };
      return id.toLowerCase();
    },
    onIncomingRequest: guarded(async (req, id) => {
      const image = await loadVisible(ctx(), id);
      enforceOnImage(ctx(), 'upload_image', image);
      if (req.method === 'POST') {
        // Before anything changes: a refused store leaves an earlier staged upload alone.
        checkUploadStore(ctx(), state().requestedStore);
        assertCanStage(image.status);
        // A fresh start replaces whatever an earlier tab staged for this image.
        await removeStaged(id);
        // This node is the upload's stage host: the other nodes send its requests here.
        await recordServingNode(db(), id);
      } else if (req.method === 'PATCH' && (await findStaged(id))) {
        // Only for an upload that exists: a late chunk after a cancel must not revive the image.
        await markUploading(ctx(), id, image.status);
      }
    }),
    onUploadCreate: guarded(async (_req, upload) => {
      if (upload.size === undefined) throw new BadRequest('Upload-Length is required: the image size must be known.');
      return {};
    }),
    // The staging area's own failures (read-only, full) in Glance's terms;
    // never tus's 500 with the raw error text.
    onResponseError: (_req, err) => {
      const mapped = asTusError(err) as { status_code?: number; body?: string };
      if (mapped?.status_code) return { status_code: mapped.status_code, body: mapped.body ?? '' };
      // tus would append the error's own text (paths included) to its 500.
      logger.error({ err }, 'tus request failed');
      return { status_code: 500, body: 'The server has either erred or is incapable of performing the requested operation.' };
    },
    onUploadFinish: guarded(async (_req, upload) => {
      await finishStaging(ctx(), upload.id, upload.size ?? upload.offset);
      return {};
    }),
  });
  server.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
    // Emitted while the DELETE is handled, so its context is at hand; the fallback is only defensive.
    const actor = current.getStore()?.ctx ?? serverActor('upload-cleanup');
    abandonUpload(actor, id, 'upload_cancelled', 'the upload was cancelled').catch((err) =>
      logger.error({ err, imageId: id }, 'could not return a cancelled upload to queued'),
    );
  });
  return server;
}

/**
 * The image a tus request is about: the last path segment, or for a creation
 * (POST) the imageId in its Upload-Metadata; null when there is none.
 */
export function tusImageId(req: Request): string | null {
  if (req.method === 'POST') {
    for (const pair of (req.headers.get('upload-metadata') ?? '').split(',')) {
      const [key, value] = pair.trim().split(' ');
      if (key === UPLOAD_METADATA.imageId && value) {
        const id = Buffer.from(value, 'base64').toString('utf8').toLowerCase();
        return looksLikeImageId(id) ? id : null;
      }
    }
    return null;
  }
  const path = new URL(req.url).pathname;
  if (!path.startsWith(`${TUS_PATH}/`)) return null;
  const id = path.slice(TUS_PATH.length + 1).toLowerCase();
  return looksLikeImageId(id) ? id : null; // an id needs no percent-decoding
}

const processGlobals = globalThis as unknown as { glanceTus?: Server };

/** Handle one tus request for the given signed-in context. */
export function handleTus(req: Request, context: RequestContext): Promise<Response> {
  processGlobals.glanceTus ??= createServer();
  const server = processGlobals.glanceTus;
  return current.run({ ctx: context }, () => server.handleWeb(req));
}
