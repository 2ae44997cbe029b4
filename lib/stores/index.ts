// The configured image store of this process.
import { getConfig } from '@/lib/config';
import { FilesystemStore } from './filesystem';

// Deliberately per module instance, not on globalThis: instrumentation and
// the route handlers are separate bundles with their own copies of the error
// classes, and errors thrown by one bundle's store would not be `instanceof`
// the other's (a 413 would turn into a 500).
let instance: FilesystemStore | null = null;

export function store(): FilesystemStore {
  instance ??= new FilesystemStore(getConfig().storeDirs);
  return instance;
}
