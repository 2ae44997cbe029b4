// Glance's legacy per-image quotas (image_property_quota, image_tag_quota,
// image_member_quota in [DEFAULT]; negative = unlimited), with its 413 texts.
import { getConfig } from '@/lib/config';
import { RequestEntityTooLarge } from '@/lib/errors';

/** Properties in Glance's own namespace (set by imports) do not count. */
const RESERVED_NAMESPACE = 'os_glance';

function exceeded(what: string, attempted: number, maximum: number): string | null {
  if (maximum < 0 || attempted <= maximum) return null;
  return `The limit has been exceeded on the number of allowed image ${what}. Attempted: ${attempted}, Maximum: ${maximum}`;
}

/** On create, and on a PATCH that adds a property: the properties the image would have. */
export function assertPropertyQuota(names: Iterable<string>): void {
  let attempted = 0;
  for (const name of names) if (!name.startsWith(RESERVED_NAMESPACE)) attempted++;
  const msg = exceeded('properties', attempted, getConfig().quotas.imageProperty);
  if (msg) throw new RequestEntityTooLarge(msg);
}

/** On create and `replace /tags`: the list as sent (Glance counts duplicates too). */
export function assertTagQuota(tags: readonly unknown[]): void {
  const msg = exceeded('tags', tags.length, getConfig().quotas.imageTag);
  if (msg) throw new RequestEntityTooLarge(msg);
}

/** PUT /tags/{tag}: the tags after adding this one, in the tags API's wording. */
export function assertTagQuotaForNewTag(imageId: string, tagsAfter: number): void {
  const msg = exceeded('tags', tagsAfter, getConfig().quotas.imageTag);
  if (msg) throw new RequestEntityTooLarge(`Image tag limit exceeded for image ${imageId}: ${msg}:`);
}

/** POST /members: the members (any status) after adding one. */
export function assertMemberQuota(imageId: string, currentMembers: number): void {
  const msg = exceeded('members for this image', currentMembers + 1, getConfig().quotas.imageMember);
  if (msg) throw new RequestEntityTooLarge(`Image member limit exceeded for image ${imageId}: ${msg}:`);
}
