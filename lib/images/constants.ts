// The image vocabulary the server owns (statuses, transitions, formats,
// visibilities, member statuses, core attributes), in a module with no server
// code in its imports, so the console's browser bundle reads the very lists
// the API validates against. Formats and visibilities come from the schema
// documents served at /v2/schemas/*.
import imageSchema from './schemas/image.json';
import memberSchema from './schemas/member.json';
import type { ImageStatus } from './state-machine';

export { IMAGE_STATUSES, STATUS_DESCRIPTIONS, TRANSITIONS, type ImageStatus } from './state-machine';

const withoutNull = (values: readonly (string | null)[]): string[] => values.filter((v): v is string => v !== null);

/** Statuses the server leaves without a client's request (an upload or import running, a delayed delete). */
export const TRANSIENT_STATUSES: readonly ImageStatus[] = ['saving', 'uploading', 'importing', 'pending_delete'];

export const DISK_FORMATS: readonly string[] = withoutNull(imageSchema.properties.disk_format.enum);
export const CONTAINER_FORMATS: readonly string[] = withoutNull(imageSchema.properties.container_format.enum);
export const VISIBILITIES: readonly string[] = imageSchema.properties.visibility.enum;
export const MEMBER_STATUSES: readonly string[] = memberSchema.properties.status.enum;

/** Image attributes that are not custom properties: what Glance's image view prints besides them. */
export const CORE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'name', 'disk_format', 'container_format', 'visibility', 'size', 'virtual_size', 'status', 'checksum', 'protected',
  'min_ram', 'min_disk', 'owner', 'os_hidden', 'os_hash_algo', 'os_hash_value', 'id', 'created_at', 'updated_at',
  'tags', 'self', 'file', 'schema', 'direct_url', 'locations', 'stores',
]);
