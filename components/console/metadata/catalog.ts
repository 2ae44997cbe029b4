// The "Update metadata" dialog's model, without React: the catalog grouped by
// namespace, each property's default, its value checked against its
// definition, array values written as Nova's filters read them, and the one
// JSON patch from the image's properties before to after.

/** A property definition as /v2/metadefs shows it (Glance's PropertyType). */
export interface PropertyDef {
  type?: string;
  title?: string;
  description?: string;
  default?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  readonly?: boolean;
  operators?: string[];
  items?: { type?: string; enum?: string[] };
}

export interface CatalogNamespace {
  namespace: string;
  display_name?: string;
  description?: string;
  properties?: Record<string, PropertyDef>;
  objects?: { name: string; description?: string; properties?: Record<string, PropertyDef> }[];
}

export interface CatalogItem {
  /** The image property's name (the resource type's prefix applied). */
  key: string;
  def: PropertyDef;
  /** The object it belongs to, if any (Horizon shows these as sub-groups). */
  object?: string;
}

export interface CatalogGroup {
  namespace: string;
  title: string;
  description?: string;
  items: CatalogItem[];
}

/** Namespaces to groups: the namespace's own properties, then each object's. */
export function catalogGroups(namespaces: CatalogNamespace[]): CatalogGroup[] {
  return namespaces
    .map((ns) => ({
      namespace: ns.namespace,
      title: ns.display_name || ns.namespace,
      description: ns.description,
      items: [
        ...Object.entries(ns.properties ?? {}).map(([key, def]) => ({ key, def })),
        ...(ns.objects ?? []).flatMap((o) => Object.entries(o.properties ?? {}).map(([key, def]) => ({ key, def, object: o.name }))),
      ],
    }))
    .filter((g) => g.items.length > 0);
}

/** Groups whose items match the filter text (name, title or namespace), case-insensitively; `taken` keys left out. */
export function filterGroups(groups: CatalogGroup[], text: string, taken: ReadonlySet<string>): CatalogGroup[] {
  const t = text.trim().toLowerCase();
  return groups
    .map((g) => {
      const whole = t !== '' && g.title.toLowerCase().includes(t);
      const items = g.items.filter(
        (i) => !taken.has(i.key) && (t === '' || whole || i.key.toLowerCase().includes(t) || (i.def.title ?? '').toLowerCase().includes(t) || (i.object ?? '').toLowerCase().includes(t)),
      );
      return { ...g, items };
    })
    .filter((g) => g.items.length > 0);
}

export const isMulti = (def: PropertyDef) => def.type === 'array' && !!def.items?.enum;

/** What a newly added property starts as: its default, else the first choice of an enum, false, or empty. */
export function initialValue(def: PropertyDef): string {
  if (def.default !== undefined) return String(def.default);
  if (def.type === 'boolean') return 'false';
  if (def.enum && def.enum.length) return def.enum[0];
  return '';
}

/** Nova's extra-spec syntax for a list of values: `<or> a <or> b`, `<all-in> a b`, else `a,b`. */
export function joinArray(values: string[], operator: string | undefined): string {
  if (!operator) return values.join(',');
  if (operator === '<or>') return values.map((v) => `<or> ${v}`).join(' ');
  return `${operator} ${values.join(' ')}`;
}

/** The values and operator back out of a stored array value. */
export function splitArray(value: string, operators: string[] | undefined): { operator?: string; values: string[] } {
  const v = value.trim();
  const op = operators?.find((o) => v.startsWith(o));
  if (!op) return { operator: operators?.[0], values: v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [] };
  if (op === '<or>') return { operator: op, values: v.split('<or>').map((s) => s.trim()).filter(Boolean) };
  return { operator: op, values: v.slice(op.length).trim().split(/\s+/).filter(Boolean) };
}

/** Why a value does not fit its definition, in the words of a JSON-schema check, or null. */
export function problemWith(def: PropertyDef | undefined, value: string): string | null {
  if (!def) return null;
  if (def.type === 'integer' || def.type === 'number') {
    const ok = def.type === 'integer' ? /^-?\d+$/.test(value.trim()) : value.trim() !== '' && Number.isFinite(Number(value));
    if (!ok) return `Must be ${def.type === 'integer' ? 'an integer' : 'a number'}.`;
    const n = Number(value);
    if (def.minimum !== undefined && n < def.minimum) return `Must be at least ${def.minimum}.`;
    if (def.maximum !== undefined && n > def.maximum) return `Must be at most ${def.maximum}.`;
  }
  if (def.type === 'string') {
    if (def.minLength !== undefined && value.length < def.minLength) return `Must be at least ${def.minLength} characters.`;
    if (def.maxLength !== undefined && value.length > def.maxLength) return `Must be at most ${def.maxLength} characters.`;
    if (def.pattern && !matches(def.pattern, value)) return `Must match the pattern ${def.pattern}.`;
    if (def.enum && !def.enum.includes(value)) return `Must be one of ${def.enum.join(', ')}.`;
  }
  return null;
}

/** A definition's pattern (Python's syntax, mostly JavaScript's too); one JavaScript cannot read checks nothing. */
function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}

type Op = { op: 'add' | 'replace' | 'remove'; path: string; value?: string };

/** A JSON pointer to a property (RFC 6901 escapes). */
const pointer = (k: string) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** One JSON patch from the properties before to after: removes, then adds and replaces. */
export function metadataPatch(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Op[] {
  const ops: Op[] = [];
  for (const k of before.keys()) if (!after.has(k)) ops.push({ op: 'remove', path: pointer(k) });
  for (const [k, v] of after) {
    if (!before.has(k)) ops.push({ op: 'add', path: pointer(k), value: v });
    else if (before.get(k) !== v) ops.push({ op: 'replace', path: pointer(k), value: v });
  }
  return ops;
}
