// A request body of the catalog as Glance's deserializers read it:
// _check_allowed (read-only attributes: 403) and then the item's JSON schema (400).
import { BadRequest, Forbidden } from '@/lib/errors';
import { assertValidMetadef, type SchemaKind } from './schemas';

export type Json = Record<string, unknown>;

/** Namespaces and objects refuse their links too; properties, tags and associations only the times. */
const READ_ONLY: Record<SchemaKind, string[]> = {
  namespace: ['self', 'schema', 'created_at', 'updated_at'],
  object: ['self', 'schema', 'created_at', 'updated_at'],
  property: ['created_at', 'updated_at'],
  unnamedProperty: [],
  tag: ['created_at', 'updated_at'],
  tagList: ['created_at', 'updated_at'],
  resource_type: ['created_at', 'updated_at'],
};

export function checkBody(kind: SchemaKind, body: unknown): Json {
  // Glance's schemas do not say "object", so a list passes them and then fails with a 500.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('Unexpected body type. Expected dict.');
  if (body && typeof body === 'object') {
    for (const key of READ_ONLY[kind]) if (Object.hasOwn(body, key)) throw new Forbidden(`Attribute '${key}' is read-only.`);
  }
  assertValidMetadef(kind, body);
  return body as Json;
}

export const str = (v: unknown) => (typeof v === 'string' ? v : null);
