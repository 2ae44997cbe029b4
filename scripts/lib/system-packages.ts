// Installs the Debian packages a command needs when their programs are missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export interface Need {
  /** A file the package provides; its absence triggers the install. */
  file: string;
  pkg: string;
}

let updated = false;

export function ensureDebianPackages(needs: Need[], log: (m: string) => void = console.log): void {
  const missing = needs.filter((n) => !existsSync(n.file));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.map((m) => m.file).join(', ')}: install the Debian packages ${pkgs.join(' ')} (as root: apt-get install ${pkgs.join(' ')})`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    log('[setup] apt-get update');
    const u = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (u.status !== 0) throw new Error('apt-get update failed');
    updated = true;
  }
  log(`[setup] apt-get install ${pkgs.join(' ')}`);
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed`);
}

export const MARIADB: Need[] = [
  { file: '/usr/sbin/mariadbd', pkg: 'mariadb-server' },
  { file: '/usr/bin/mariadb-install-db', pkg: 'mariadb-server' },
  { file: '/usr/bin/mariadb', pkg: 'mariadb-client' },
];

/** What the test suite drives: curl for the seed's commands, the real OpenStack CLI, Chromium, a real Keystone. */
export const TEST_TOOLS: Need[] = [
  { file: '/usr/bin/curl', pkg: 'curl' },
  { file: '/usr/bin/openstack', pkg: 'python3-openstackclient' },
  { file: '/usr/bin/glance', pkg: 'python3-glanceclient' },
  { file: '/usr/bin/chromium', pkg: 'chromium' },
  // A real Keystone for the delegated-mode tests ([keystone_authtoken]); the library only, no daemon.
  { file: '/usr/bin/keystone-wsgi-public', pkg: 'python3-keystone' },
  // Real disk images (qcow2, vmdk, vhd, vhdx, vdi, ISO) for the format-inspection tests.
  { file: '/usr/bin/qemu-img', pkg: 'qemu-utils' },
  { file: '/usr/bin/genisoimage', pkg: 'genisoimage' },
];

/** A private Ceph with a RADOS Gateway (scripts/lib/ceph-rgw.ts) for the S3 tests and the benchmark. */
export const CEPH: Need[] = [
  { file: '/usr/bin/ceph-mon', pkg: 'ceph-mon' },
  { file: '/usr/bin/monmaptool', pkg: 'ceph-mon' }, // from ceph-base, which ceph-mon pulls in
  { file: '/usr/bin/ceph-osd', pkg: 'ceph-osd' },
  { file: '/usr/bin/radosgw', pkg: 'radosgw' },
  { file: '/usr/bin/ceph', pkg: 'ceph-common' },
  { file: '/usr/bin/radosgw-admin', pkg: 'ceph-common' },
  { file: '/usr/bin/uuidgen', pkg: 'uuid-runtime' },
];
