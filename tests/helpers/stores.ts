// Multi-store test configurations: two file stores, `fast` (the default) and
// `bulk`, each with its own directory and store_description.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const STORE_DESCRIPTIONS = { fast: 'Fast SSD pool', bulk: 'Bulk HDD pool' } as const;

/** For ServerOptions.storeConfig: the [glance_store] lines plus the sections they need. */
export function twoFileStores(dir: string): string {
  for (const id of ['fast', 'bulk']) mkdirSync(path.join(dir, id), { recursive: true });
  return [
    'default_backend = fast',
    '[DEFAULT]',
    'enabled_backends = fast:file, bulk:file',
    '[fast]',
    `filesystem_store_datadir = ${path.join(dir, 'fast')}`,
    `store_description = ${STORE_DESCRIPTIONS.fast}`,
    '[bulk]',
    `filesystem_store_datadir = ${path.join(dir, 'bulk')}`,
    `store_description = ${STORE_DESCRIPTIONS.bulk}`,
  ].join('\n');
}
