// The /v2/schemas/metadefs/* documents and the request validation that uses
// them: the five item schemas are Glance 25.1's (served by it, recorded in
// tests/fixtures/metadefs-schemas/), the collections are built from them as
// glance.schema.CollectionSchema / DictCollectionSchema build theirs.
import Ajv, { type ValidateFunction } from 'ajv';
import { BadRequest } from '@/lib/errors';
import { invalidObjectMessage } from '@/lib/images/schema';
import namespaceSchema from './schemas/namespace.json';
import objectSchema from './schemas/object.json';
import propertySchema from './schemas/property.json';
import resourceTypeSchema from './schemas/resource_type.json';
import tagSchema from './schemas/tag.json';

type Doc = Record<string, unknown>;

const LINKS = [
  { rel: 'first', href: '{first}' },
  { rel: 'next', href: '{next}' },
  { rel: 'describedby', href: '{schema}' },
];

/** CollectionSchema.raw(): the item schema's definitions move up beside the links. */
function collection(name: string, item: Doc, asDict = false): Doc {
  const { definitions, ...rest } = item;
  const itemSchema = asDict ? { ...rest, required: (rest.required as string[]).filter((r) => r !== 'name') } : rest;
  return {
    name,
    properties: {
      [name]: asDict ? { type: 'object', additionalProperties: itemSchema } : { type: 'array', items: itemSchema },
      first: { type: 'string' },
      next: { type: 'string' },
      schema: { type: 'string' },
    },
    links: LINKS,
    ...(definitions ? { definitions } : {}),
  };
}

/** GET /v2/schemas/metadefs/{name}. */
export const METADEF_SCHEMAS: Record<string, Doc> = {
  namespace: namespaceSchema,
  namespaces: collection('namespaces', namespaceSchema),
  object: objectSchema,
  objects: collection('objects', objectSchema),
  property: propertySchema,
  properties: collection('properties', propertySchema, true),
  tag: tagSchema,
  tags: collection('tags', tagSchema),
  resource_type: resourceTypeSchema,
  resource_types: collection('resource_type_associations', resourceTypeSchema),
};

// Glance validates with jsonschema without a format checker: formats are not checked.
// verbose: each error carries its schema, so paths through $ref can be told apart.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, verbose: true });

/** A property inside an object or a namespace: its name is the key (get_schema(require_name=False)). */
const unnamedPropertySchema = { ...propertySchema, required: propertySchema.required.filter((r) => r !== 'name') };

/** The bulk tag body (metadef_tags.py get_schema_for_list). */
const tagListSchema = {
  name: 'tags',
  properties: {
    tags: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
    },
  },
  additionalProperties: false,
  definitions: namespaceSchema.definitions,
};

const validators = new Map<string, { schema: Doc; validate: ValidateFunction }>();
function validatorFor(kind: string, schema: Doc) {
  let v = validators.get(kind);
  if (!v) validators.set(kind, (v = { schema, validate: ajv.compile(schema) }));
  return v;
}

const BY_KIND: Record<string, Doc> = {
  namespace: namespaceSchema,
  object: objectSchema,
  property: propertySchema,
  unnamedProperty: unnamedPropertySchema,
  tag: tagSchema,
  tagList: tagListSchema,
  resource_type: resourceTypeSchema,
};

export type SchemaKind = 'namespace' | 'object' | 'property' | 'unnamedProperty' | 'tag' | 'tagList' | 'resource_type';

/** Glance's Schema.validate: 400 "Provided object does not match schema '<name>': <jsonschema's error>". */
export function assertValidMetadef(kind: SchemaKind, doc: unknown): void {
  const { schema, validate } = validatorFor(kind, BY_KIND[kind]);
  if (validate(doc)) return;
  throw new BadRequest(invalidObjectMessage(String(schema.name), schema, doc, validate.errors!));
}
