// What the catalog's responses share: Glance's timestamps and links.

/** Glance's isotime: seconds, "Z". */
export function isoTime(d: Date | null | undefined): string | undefined {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

/** created_at / updated_at, each only when set (rows loaded from the definition files have no updated_at). */
export function times(row: { createdAt: Date; updatedAt: Date | null }) {
  return { created_at: isoTime(row.createdAt), ...(row.updatedAt ? { updated_at: isoTime(row.updatedAt) } : {}) };
}

export const namespaceHref = (ns: string) => `/v2/metadefs/namespaces/${ns}`;
export const objectHref = (ns: string, name: string) => `${namespaceHref(ns)}/objects/${name}`;

/** The row's time as Glance stores it: DATETIME without fractions. */
export function nowSeconds(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}
