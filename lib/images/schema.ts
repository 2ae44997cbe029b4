// The JSON Schema documents served at /v2/schemas/* are also what requests
// are validated against: one source, not two.
import Ajv, { type ErrorObject } from 'ajv';
import imageSchema from './schemas/image.json';
import imagesSchema from './schemas/images.json';
import memberSchema from './schemas/member.json';
import membersSchema from './schemas/members.json';
import { BadRequest } from '@/lib/errors';

export const SCHEMAS = {
  image: imageSchema,
  images: imagesSchema,
  member: memberSchema,
  members: membersSchema,
} as const;

export type SchemaName = keyof typeof SCHEMAS;

export const IMAGE_PROPERTIES: Record<string, { readOnly?: boolean; type?: unknown; enum?: unknown[] }> = imageSchema.properties;

/** Attributes clients may never set (Glance's readOnly schema properties). */
export const READ_ONLY_ATTRIBUTES = Object.entries(IMAGE_PROPERTIES)
  .filter(([, p]) => p.readOnly)
  .map(([k]) => k);

export const DISK_FORMATS = (imageSchema.properties.disk_format.enum as (string | null)[]).filter((f): f is string => f !== null);
export const CONTAINER_FORMATS = (imageSchema.properties.container_format.enum as (string | null)[]).filter((f): f is string => f !== null);
export const VISIBILITIES = imageSchema.properties.visibility.enum as string[];

const ajv = new Ajv({ strict: false, allErrors: false });
const validateImage = ajv.compile(imageSchema);

/** Python repr, as Glance's jsonschema messages print values. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return String(v);
}

function pyType(t: unknown): string {
  return Array.isArray(t) ? pyRepr(t) : pyRepr(t);
}

function describe(err: ErrorObject, value: unknown): string {
  switch (err.keyword) {
    case 'enum':
      return `${pyRepr(value)} is not one of ${pyRepr(err.params.allowedValues)}`;
    case 'type':
      return `${pyRepr(value)} is not of type ${pyType(err.params.type).replace(/^'(.*)'$/, "'$1'")}`;
    case 'maxLength':
      return `${pyRepr(value)} is too long`;
    case 'minLength':
      return `${pyRepr(value)} is too short`;
    case 'pattern':
      return `${pyRepr(value)} does not match ${pyRepr(err.params.pattern)}`;
    case 'maximum':
      return `${pyRepr(value)} is greater than the maximum of ${err.params.limit}`;
    case 'minimum':
      return `${pyRepr(value)} is less than the minimum of ${err.params.limit}`;
    default:
      return err.message ?? 'is invalid';
  }
}

function valueAt(doc: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((acc, key) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[key] : undefined), doc);
}

/** Validate an image document (create body or an image after PATCH) like Glance: 400 with jsonschema's wording. */
export function assertValidImage(doc: Record<string, unknown>): void {
  if (validateImage(doc)) return;
  const err = validateImage.errors![0];
  const value = valueAt(doc, err.instancePath);
  throw new BadRequest(`Provided object does not match schema 'image': ${describe(err, value)}`);
}
