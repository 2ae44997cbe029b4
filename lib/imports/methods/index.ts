// The import methods this service implements, one file each. What
// /v2/info/import lists and what POST /import accepts: the methods of
// [DEFAULT] enabled_import_methods that are here and can work with this
// configuration (copy-image needs several stores; glance-download is still
// to come).
import { getConfig } from '@/lib/config';
import { copyImage } from './copy-image';
import { glanceDirect } from './glance-direct';
import type { ImportMethod } from './types';
import { webDownload } from './web-download';

export type { ImportJob, ImportMethod, ImportSource } from './types';

const IMPLEMENTED: readonly ImportMethod[] = [glanceDirect, webDownload, copyImage];

/** Names of the enabled methods that work here, in enabled_import_methods' order. */
export function enabledImportMethods(): string[] {
  return getConfig().enabledImportMethods.filter((n) => IMPLEMENTED.some((m) => m.name === n && (m.available?.() ?? true)));
}

/** The method of this name, if it is enabled and implemented. */
export function importMethod(name: string): ImportMethod | null {
  return enabledImportMethods().includes(name) ? IMPLEMENTED.find((m) => m.name === name)! : null;
}

/** The method of this name if it is implemented, enabled or not (a task accepted earlier, the console's own uploads). */
export function implementedMethod(name: string): ImportMethod | null {
  return IMPLEMENTED.find((m) => m.name === name) ?? null;
}
