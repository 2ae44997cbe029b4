// What the image tables can hold, checked before anything is written so bad
// input gets a 400 in Glance's words instead of a database error (a 500).
import { BadRequest, Conflict, GlanceError } from '@/lib/errors';

/** image_properties.name is VARCHAR(255): characters, as Python's len() counts them. */
export const MAX_PROPERTY_NAME_CHARS = 255;
/** image_properties.value is TEXT: 65535 bytes of UTF-8. */
export const MAX_PROPERTY_VALUE_BYTES = 65535;
/** images.min_disk and min_ram are INT (Glance's _validate_db_int). */
export const MAX_DB_INT = 2 ** 31 - 1;

/** Code points, counted without walking strings that are clearly short or clearly long. */
function tooManyChars(s: string, max: number): boolean {
  if (s.length <= max) return false;
  if (s.length > 2 * max) return true;
  return [...s].length > max;
}

/** Glance's create-time rule, applied to PATCH too (where Glance fails with a 500). */
export function assertPropertyName(name: string): void {
  if (tooManyChars(name, MAX_PROPERTY_NAME_CHARS)) throw new BadRequest('Custom property should not be greater than 255 characters.');
}

export function assertPropertyValue(value: unknown): void {
  if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MAX_PROPERTY_VALUE_BYTES) {
    throw new BadRequest(`Custom property value should not be greater than ${MAX_PROPERTY_VALUE_BYTES} bytes.`);
  }
}

/** Glance's "'min_disk' value out of range" (min_disk first, as its DB layer checks). */
export function assertDbIntegers(doc: Record<string, unknown>): void {
  for (const key of ['min_disk', 'min_ram']) {
    const v = doc[key];
    if (typeof v === 'number' && v > MAX_DB_INT) throw new BadRequest(`'${key}' value out of range, must not exceed ${MAX_DB_INT}.`);
  }
}

/**
 * MariaDB compares property names by its collation (utf8mb4_unicode_ci: case,
 * accents and trailing spaces do not count), so `Foo` and `foo` are one row.
 * This folds names about the same way, to name the pair in the message.
 */
function collationFold(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/ +$/, '');
}

/** Two names of one request that the database would take for the same property, if any. */
export function findNameClash(names: Iterable<string>): [string, string] | null {
  const seen = new Map<string, string>();
  for (const name of names) {
    const key = collationFold(name);
    const earlier = seen.get(key);
    if (earlier !== undefined && earlier !== name) return [earlier, name];
    seen.set(key, name);
  }
  return null;
}

/** 409: a property the database cannot tell apart from another one. */
export function propertyNameClash(existing: string | null, added: string | null): GlanceError {
  const detail =
    existing !== null && added !== null
      ? `Property ${added} conflicts with property ${existing}: property names are compared without regard to case.`
      : 'Two properties have names that differ only in case: property names are compared without regard to case.';
  return GlanceError.withDetail(new Conflict(), detail);
}
