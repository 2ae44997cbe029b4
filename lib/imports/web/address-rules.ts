// The addresses web-download never connects to unless the operator names the
// host in allowed_hosts: this machine (loopback, unspecified), the link
// (link-local, where cloud metadata services answer), multicast and reserved
// ranges, known metadata addresses outside them; plus disallowed_networks.
// Checked on the address actually connected to, after DNS.
import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';

const SPECIAL: [string, number, Family, string][] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified ("this network") address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address (cloud metadata services answer there)'],
  ['100.100.100.200', 32, 'ipv4', 'a cloud metadata address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fd00:ec2::254', 128, 'ipv6', 'a cloud metadata address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

// One BlockList per range, to name the range in the refusal. BlockList checks
// an IPv4-mapped IPv6 address (::ffff:127.0.0.1) against the IPv4 ranges too.
const special = SPECIAL.map(([net, prefix, family, what]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, what };
});

function familyOf(address: string): Family | null {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : null;
}

/** Why the address may not be connected to, or null. `networks`: disallowed_networks (ADDRESS/PREFIX). */
export function refusedAddress(address: string, networks: readonly string[] = []): string | null {
  const family = familyOf(address);
  if (!family) return 'not an IP address';
  for (const { list, what } of special) if (list.check(address, family)) return what;
  for (const cidr of networks) {
    const [net, prefix] = cidr.split('/');
    const list = new BlockList();
    list.addSubnet(net, Number(prefix), familyOf(net)!);
    if (list.check(address, family)) return `in [import_filtering_opts] disallowed_networks (${cidr})`;
  }
  return null;
}
