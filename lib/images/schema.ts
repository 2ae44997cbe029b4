// The JSON Schema documents served at /v2/schemas/* are also what requests
// are validated against: one source, not two.
import Ajv, { type ErrorObject } from 'ajv';
import imageSchema from './schemas/image.json';
import imagesSchema from './schemas/images.json';
import memberSchema from './schemas/member.json';
import membersSchema from './schemas/members.json';
import taskSchema from './schemas/task.json';
import tasksSchema from './schemas/tasks.json';
import { BadRequest } from '@/lib/errors';
import { pformat, pyRepr } from './pyformat';

export { pyRepr };

export const SCHEMAS = {
  image: imageSchema,
  images: imagesSchema,
  member: memberSchema,
  members: membersSchema,
  task: taskSchema,
  tasks: tasksSchema,
} as const;

export type SchemaName = keyof typeof SCHEMAS;

export const IMAGE_PROPERTIES: Record<string, { readOnly?: boolean; type?: unknown; enum?: unknown[] }> = imageSchema.properties;

/** Attributes clients may never set (Glance's readOnly schema properties). */
export const READ_ONLY_ATTRIBUTES = Object.entries(IMAGE_PROPERTIES)
  .filter(([, p]) => p.readOnly)
  .map(([k]) => k);

export { CONTAINER_FORMATS, DISK_FORMATS, VISIBILITIES } from './constants';

// allErrors: jsonschema reports the first error in schema order, which Ajv's
// own evaluation order does not follow; we pick it ourselves (bestError).
const ajv = new Ajv({ strict: false, allErrors: true });
const validators = new Map(Object.entries(SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));

type Json = Record<string, unknown>;

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' || pointer === '#' ? [] : pointer.replace(/^#/, '').split('/').slice(1).map(unescapePointer);
}

function at(doc: unknown, segments: string[]): unknown {
  return segments.reduce<unknown>((acc, key) => (acc && typeof acc === 'object' ? (acc as Json)[key] : undefined), doc);
}

/** Position of `key` among `obj`'s keys; each object's keys are indexed once per validation. */
type KeyIndex = (obj: object, key: string) => number;

function keyIndex(): KeyIndex {
  const indexes = new Map<object, Map<string, number>>();
  return (obj, key) => {
    let index = indexes.get(obj);
    if (!index) indexes.set(obj, (index = new Map(Object.keys(obj).map((k, i) => [k, i]))));
    return index.get(key) ?? -1;
  };
}

/** The order jsonschema meets errors in: schema keyword order, then instance key order. */
function orderKey(schema: unknown, doc: unknown, err: ErrorObject, indexOf: KeyIndex): number[] {
  const key: number[] = [];
  let node = schema;
  for (const seg of pointerSegments(err.schemaPath)) {
    key.push(node && typeof node === 'object' ? indexOf(node, seg) : 0);
    node = node && typeof node === 'object' ? (node as Json)[seg] : undefined;
  }
  const inst = pointerSegments(err.instancePath);
  const parent = at(doc, inst.slice(0, -1));
  if (inst.length && parent && typeof parent === 'object') key.push(indexOf(parent, inst[inst.length - 1]));
  return key;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * jsonschema's best_match: the shallowest error, first in iteration order.
 * One pass with each object's keys indexed once: a body with thousands of
 * bad values costs linear time, not a sort with a key scan per comparison.
 */
function bestError(schema: unknown, doc: unknown, errors: ErrorObject[]): ErrorObject {
  const indexOf = keyIndex();
  let best: { err: ErrorObject; depth: number; key: number[] } | null = null;
  for (const err of errors) {
    const depth = pointerSegments(err.instancePath).length;
    if (best && depth > best.depth) continue;
    const key = orderKey(schema, doc, err, indexOf);
    if (!best || depth < best.depth || compareKeys(key, best.key) < 0) best = { err, depth, key };
  }
  return best!.err;
}

/** jsonschema's one-line message for the failing keyword. */
function message(err: ErrorObject, instance: unknown, keywordValue: unknown, fragment: unknown): string {
  const v = pyRepr(instance);
  switch (err.keyword) {
    case 'type':
      return `${v} is not of type ${(Array.isArray(keywordValue) ? keywordValue : [keywordValue]).map((x) => pyRepr(x)).join(', ')}`;
    case 'enum':
      return `${v} is not one of ${pyRepr(keywordValue)}`;
    case 'maxLength':
    case 'maxItems':
      return `${v} is too long`;
    case 'minLength':
    case 'minItems':
      return `${v} is too short`;
    case 'pattern':
      return `${v} does not match ${pyRepr(keywordValue)}`;
    case 'maximum':
      return `${v} is greater than the maximum of ${pyRepr(keywordValue)}`;
    case 'minimum':
      return `${v} is less than the minimum of ${pyRepr(keywordValue)}`;
    case 'required':
      return `${pyRepr((err.params as { missingProperty: string }).missingProperty)} is a required property`;
    case 'uniqueItems':
      return `${v} has non-unique elements`;
    case 'additionalProperties': {
      // jsonschema names every extra key at once.
      const known = (fragment as { properties?: object } | undefined)?.properties ?? {};
      const extras = instance && typeof instance === 'object' ? Object.keys(instance).filter((k) => !Object.hasOwn(known, k)) : [];
      return `Additional properties are not allowed (${extras.map((x) => pyRepr(x)).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`;
    }
    default:
      return `${v} is not valid under the given schema`;
  }
}

function formatIndex(container: string, segments: (string | number)[]): string {
  return segments.length ? `${container}[${segments.map((x) => pyRepr(x)).join('][')}]` : container;
}

function indent4(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

/** A local "#/definitions/x" reference resolved, as jsonschema follows it. */
function deref(root: unknown, node: unknown): unknown {
  for (let i = 0; i < 8 && node && typeof node === 'object' && typeof (node as Json).$ref === 'string'; i++) {
    node = at(root, pointerSegments((node as Json).$ref as string));
  }
  return node;
}

/**
 * jsonschema's schema path where the failing value was reached through a
 * $ref (Ajv's path starts again at the reference's target): walk the
 * instance path through properties / additionalProperties / items, following
 * references without naming them, as jsonschema's relative_schema_path does.
 */
function pathThroughRefs(schema: unknown, doc: unknown, err: ErrorObject): { path: string[]; fragment: unknown } {
  let node = deref(schema, schema);
  const path: string[] = [];
  const inst = pointerSegments(err.instancePath);
  inst.forEach((seg, i) => {
    const parent = at(doc, inst.slice(0, i));
    const n = (node ?? {}) as Json;
    if (Array.isArray(parent)) {
      path.push('items');
      node = n.items;
    } else if (n.properties && Object.hasOwn(n.properties as object, seg)) {
      path.push('properties', seg);
      node = (n.properties as Json)[seg];
    } else {
      path.push('additionalProperties');
      node = n.additionalProperties;
    }
    node = deref(schema, node);
  });
  return { path: [...path, err.keyword], fragment: node };
}

/** str(jsonschema.ValidationError): the message, the failing schema fragment and the instance. */
function describe(schema: unknown, doc: unknown, err: ErrorObject): string {
  let schemaPath = pointerSegments(err.schemaPath);
  let fragment = at(schema, schemaPath.slice(0, -1));
  let keywordValue = at(schema, schemaPath);
  if (keywordValue === undefined || (err.parentSchema !== undefined && fragment !== err.parentSchema)) {
    // Reached through a $ref: Ajv's path is relative to the reference's target.
    const walked = pathThroughRefs(schema, doc, err);
    if ((walked.fragment as Json | undefined)?.[err.keyword] !== undefined) {
      schemaPath = walked.path;
      fragment = walked.fragment;
      keywordValue = (fragment as Json)[err.keyword];
    }
  }
  const instSegments = pointerSegments(err.instancePath);
  const instance = at(doc, instSegments);
  const instIndex = instSegments.map((s, i) => (Array.isArray(at(doc, instSegments.slice(0, i))) ? Number(s) : s));
  return (
    `${message(err, instance, keywordValue, fragment)}\n\n` +
    `Failed validating ${pyRepr(err.keyword)} in ${formatIndex('schema', schemaPath.slice(0, -1))}:\n${indent4(pformat(fragment))}\n\n` +
    `On ${formatIndex('instance', instIndex)}:\n${indent4(pformat(instance))}`
  );
}

/** Glance's InvalidObject text for a failed validation: jsonschema's best match, as str(ValidationError). */
export function invalidObjectMessage(name: string, schema: unknown, doc: unknown, errors: ErrorObject[]): string {
  return `Provided object does not match schema '${name}': ${describe(schema, doc, bestError(schema, doc, errors))}`;
}

/** Validate a document against one of the schemas like Glance: 400 with jsonschema's wording. */
export function assertValid(name: SchemaName, doc: unknown): void {
  const validate = validators.get(name)!;
  if (validate(doc)) return;
  throw new BadRequest(invalidObjectMessage(name, SCHEMAS[name], doc, validate.errors!));
}

/** Validate an image document (create body, or {attribute: value} of one PATCH op). */
export function assertValidImage(doc: Json): void {
  assertValid('image', doc);
}
