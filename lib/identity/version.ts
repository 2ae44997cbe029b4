// GET /v3: Keystone's version document; keystoneauth posts to its self link + auth/tokens.
export function versionDocument(v3: string) {
  return {
    version: {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${v3}/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    },
  };
}
