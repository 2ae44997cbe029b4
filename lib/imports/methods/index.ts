// The import methods this service implements, one file each. What
// /v2/info/import lists and what POST /import accepts: the methods of
// [DEFAULT] enabled_import_methods that are here and can work with this
// configuration (copy-image needs several stores; glance-download is not in
// Glance's default list).
import { getConfig } from '@/lib/config';
import { copyImage } from './copy-image';
import { glanceDirect } from './glance-direct';
import { glanceDownload } from './glance-download';
import type { ImportMethod } from './types';
import { webDownload } from './web-download';

export type { ImportJob, ImportMethod, ImportSource } from './types';

// Read when asked, not at load: the methods import staging code that imports this file.
const implemented = (): readonly ImportMethod[] => [glanceDirect, webDownload, copyImage, glanceDownload];

/** Names of the enabled methods that work here, in enabled_import_methods' order. */
export function enabledImportMethods(): string[] {
  return getConfig().enabledImportMethods.filter((n) => implemented().some((m) => m.name === n && (m.available?.() ?? true)));
}

/** The method of this name, if it is enabled and implemented. */
export function importMethod(name: string): ImportMethod | null {
  return enabledImportMethods().includes(name) ? implemented().find((m) => m.name === name)! : null;
}

/** The method of this name if it is implemented, enabled or not (a task accepted earlier, the console's own uploads). */
export function implementedMethod(name: string): ImportMethod | null {
  return implemented().find((m) => m.name === name) ?? null;
}
