// Location URIs as people may see them: without credentials. Glance's s3 and
// swift drivers write `scheme://USER:SECRET@host/...`; locations recorded that
// way (by Glance, or imported) must not show their secret anywhere.

/** The URI with any user-info replaced by `***`; URIs without one are unchanged. */
export function withoutCredentials(uri: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/i.exec(uri);
  if (!m) return uri;
  const [, scheme, rest] = m;
  // s3: everything up to the last `@` (an AWS secret may contain `/`), as glance_store parses it.
  const authorityEnd = /^s3(\+https?)?:\/\//i.test(scheme) ? rest.length : rest.search(/[/?#]|$/);
  const at = rest.lastIndexOf('@', authorityEnd);
  if (at < 0) return uri;
  return `${scheme}***@${rest.slice(at + 1)}`;
}
