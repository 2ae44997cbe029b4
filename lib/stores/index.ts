// The configured image store of this process.
import { getConfig } from '@/lib/config';
import { FilesystemStore } from './filesystem';

const g = globalThis as unknown as { glanceStore?: FilesystemStore };

export function store(): FilesystemStore {
  if (!g.glanceStore) g.glanceStore = new FilesystemStore(getConfig().storeDirs);
  return g.glanceStore;
}
