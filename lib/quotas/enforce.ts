// Glance's unified limits (glance/quota/keystone.py with oslo.limit's flat
// enforcer), on when [DEFAULT] use_keystone_limits is true: per-project limits
// from the identity service's registered limits and project limits, usage
// counted from the image tables. Which operation checks what is Glance's.
import type { RequestContext } from '@/lib/auth/context';
import { getConfig } from '@/lib/config';
import { RequestEntityTooLarge } from '@/lib/errors';
import { findLimits } from './limit-source';
import { imageCountOf, stagingUsageOf, storageUsageOf, uploadingCountOf } from '@/lib/images/repository';

export const IMAGE_SIZE_TOTAL = 'image_size_total';
export const IMAGE_STAGE_TOTAL = 'image_stage_total';
export const IMAGE_COUNT_TOTAL = 'image_count_total';
export const IMAGE_COUNT_UPLOADING = 'image_count_uploading';
export const RESOURCES = [IMAGE_SIZE_TOTAL, IMAGE_STAGE_TOTAL, IMAGE_COUNT_TOTAL, IMAGE_COUNT_UPLOADING] as const;
type Resource = (typeof RESOURCES)[number];

const MiB = 1024 * 1024;

/** Current usage of one resource by a project (sizes in whole MiB, as Glance). */
const USAGE: Record<Resource, (owner: string) => Promise<number>> = {
  [IMAGE_SIZE_TOTAL]: async (o) => Math.floor((await storageUsageOf(o)) / MiB),
  [IMAGE_STAGE_TOTAL]: async (o) => Math.floor((await stagingUsageOf(o)) / MiB),
  [IMAGE_COUNT_TOTAL]: (o) => imageCountOf(o),
  [IMAGE_COUNT_UPLOADING]: (o) => uploadingCountOf(o),
};

/** Glance's LimitExceeded(body=str(ProjectOverLimit)): its message, as raised by the API. */
export class LimitExceeded extends RequestEntityTooLarge {
  constructor(projectId: string | null, over: string[]) {
    super(
      'The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a quota threshold was breached.' +
        `\n\nThe response body:\nProject ${projectId ?? 'None'} is over a limit for [${over.join(', ')}]`,
    );
  }
}

function enabled(): boolean {
  return getConfig().quotas.useKeystoneLimits;
}

/** The limits that apply to a project: its own, else the image service's registered default; missing = 0. */
export async function projectLimits(projectId: string | null, names: readonly Resource[]): Promise<Map<string, number>> {
  const found = await findLimits(projectId, [...names]);
  return new Map(names.map((n) => [n, found.get(n) ?? 0]));
}

/** oslo.limit's enforce(): usage + delta over a non-negative limit refuses the request. */
export async function enforce(projectId: string | null, deltas: Partial<Record<Resource, number>>): Promise<void> {
  if (!enabled()) return;
  const names = Object.keys(deltas) as Resource[];
  const limits = await projectLimits(projectId, names);
  const over: string[] = [];
  for (const name of names) {
    const limit = limits.get(name)!;
    if (limit < 0) continue;
    const current = projectId === null ? 0 : await USAGE[name](projectId);
    const delta = deltas[name] ?? 0;
    if (current + delta > limit) over.push(`Resource ${name} is over limit of ${limit} due to current usage ${current} and delta ${delta}`);
  }
  if (over.length) throw new LimitExceeded(projectId, over);
}

/** The project Glance charges: the caller's (context.owner). */
export const owner = (ctx: Pick<RequestContext, 'projectId'>) => ctx.projectId;

/**
 * The upload APIs' checks: `upload` (PUT /file, before anything: image_size_total
 * with the Content-Length in MiB), `stage` (PUT /stage, before anything:
 * image_stage_total likewise), `uploading` (once the image is saving/uploading:
 * image_count_uploading, delta 0, so this image is counted), `import`
 * (POST /import: image_size_total, delta 0).
 */
export async function assertUploadLimits(ctx: Pick<RequestContext, 'projectId'>, step: 'upload' | 'stage' | 'uploading' | 'import', size: number | null = null): Promise<void> {
  const delta = size === null ? 0 : Math.floor(size / MiB);
  if (step === 'upload' || step === 'import') await enforce(owner(ctx), { [IMAGE_SIZE_TOTAL]: delta });
  else if (step === 'stage') await enforce(owner(ctx), { [IMAGE_STAGE_TOTAL]: delta });
  else await enforce(owner(ctx), { [IMAGE_COUNT_UPLOADING]: 0 });
}

/**
 * An import task once its image is marked importing (Glance's assert_quota in
 * the api_image_import flow): glance-direct's staged size against
 * image_size_total; the methods that stage (web-download, copy-image,
 * glance-download) against image_stage_total and image_count_uploading.
 */
export async function assertImportLimits(ctx: Pick<RequestContext, 'projectId'>, method: string, size: number | null): Promise<void> {
  const delta = Math.floor((size ?? 0) / MiB);
  if (method === 'glance-direct') return enforce(owner(ctx), { [IMAGE_SIZE_TOTAL]: delta });
  await enforce(owner(ctx), { [IMAGE_STAGE_TOTAL]: delta });
  await enforce(owner(ctx), { [IMAGE_COUNT_UPLOADING]: 0 });
}

/** POST /v2/images: one more image. */
export async function assertCanCreateImage(ctx: Pick<RequestContext, 'projectId'>): Promise<void> {
  await enforce(owner(ctx), { [IMAGE_COUNT_TOTAL]: 1 });
}

/** GET /v2/info/usage: {} when unified limits are off, as Glance. */
export async function usageOf(projectId: string | null): Promise<Record<string, { usage: number; limit: number }>> {
  if (!enabled() || projectId === null) return {};
  const limits = await projectLimits(projectId, RESOURCES);
  const out: Record<string, { usage: number; limit: number }> = {};
  // Glance's key order: usage, then limit.
  for (const name of RESOURCES) out[name] = { usage: await USAGE[name](projectId), limit: limits.get(name)! };
  return out;
}
