// An independent statement of Glance's list order, to check pages against:
// keys compared in turn, NULL first ascending and last descending (MariaDB),
// created_at and id appended as the final tiebreaks.
export type Dir = 'asc' | 'desc';
export type Spec = [key: string, dir: Dir][];
type Img = Record<string, unknown>;

function cmpValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // The test data is lower-case ASCII, where the database collation agrees with code-point order.
  return String(a) < String(b) ? -1 : 1;
}

export function compareBy(spec: Spec) {
  return (a: Img, b: Img): number => {
    for (const [key, dir] of spec) {
      const c = cmpValues(a[key], b[key]);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  };
}

/** Glance's complete order for sort keys/dirs as the API takes them. */
export function completeSpec(keys: string[] = ['created_at'], dirs: Dir[] = ['desc']): Spec {
  const spec: Spec = keys.map((k, i) => [k, dirs.length === 1 ? dirs[0] : dirs[i]]);
  const fallback: Dir = dirs.length === 1 ? dirs[0] : 'desc';
  for (const k of ['created_at', 'id']) if (!keys.includes(k)) spec.push([k, fallback]);
  return spec;
}

export function isSorted(images: Img[], spec: Spec): boolean {
  const cmp = compareBy(spec);
  return images.every((img, i) => i === 0 || cmp(images[i - 1], img) < 0);
}
