import { BadRequest } from '@/lib/errors';

// A property definition as Glance keeps and shows it: passed through wsme's
// PropertyType (glance/api/v2/model/metadef_property_type.py), i.e. only its
// known attributes, in that class's order, unset ones left out.
type Json = Record<string, unknown>;

const ORDER = [
  'name', 'type', 'title', 'description', 'operators', 'default', 'readonly', 'minimum', 'maximum', 'enum',
  'pattern', 'minLength', 'maxLength', 'confidential', 'items', 'uniqueItems', 'minItems', 'maxItems',
  'additionalItems', 'properties',
] as const;
const ITEM_ORDER = ['type', 'enum'] as const;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** wsme's types.bytes: a default is kept as text. */
function asText(v: unknown): unknown {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}

export function propertyType(value: unknown): Json {
  const out: Json = {};
  if (!isObject(value)) return out;
  for (const key of ORDER) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (key === 'items') {
      if (!isObject(v)) continue;
      const items: Json = {};
      for (const k of ITEM_ORDER) if (v[k] !== undefined && v[k] !== null) items[k] = v[k];
      out.items = items;
    } else if (key === 'properties') out.properties = propertyTypes(v);
    else out[key] = key === 'default' ? asText(v) : v;
  }
  return out;
}

/** {name: PropertyType} of an object's or a namespace's properties. */
export function propertyTypes(value: unknown): Json {
  const out: Json = {};
  if (isObject(value)) for (const [name, def] of Object.entries(value)) out[name] = propertyType(def);
  return out;
}

/**
 * wsme refuses attributes PropertyType does not have; Glance lets that
 * escape as a 500, here it is a 400 in wsme's words.
 */
export function assertKnownAttributes(defs: unknown, argument = 'properties'): void {
  if (!isObject(defs)) return;
  for (const def of Object.values(defs)) {
    if (!isObject(def)) continue;
    const unknown = Object.keys(def).filter((k) => !(ORDER as readonly string[]).includes(k));
    if (unknown.length) throw new BadRequest(`Unknown attribute for argument ${argument}: ${unknown.join(', ')}`);
    if (def.properties !== undefined) assertKnownAttributes(def.properties, argument);
  }
}
