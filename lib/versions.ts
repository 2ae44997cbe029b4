// The API versions document Glance answers at / and /versions.
const VERSIONS: [string, string][] = [
  ['v2.15', 'CURRENT'],
  ...['v2.9', 'v2.7', 'v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2', 'v2.1', 'v2.0'].map((v): [string, string] => [v, 'SUPPORTED']),
];

export function versionsDocument(base: string) {
  return {
    versions: VERSIONS.map(([id, status]) => ({ id, status, links: [{ rel: 'self', href: `${base}/v2/` }] })),
  };
}
