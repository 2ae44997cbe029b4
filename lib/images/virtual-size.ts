// virtual_size, as Glance's format inspector fills it: the file size for raw,
// the size in the header for qcow2, unknown (null) otherwise or when the header
// is not a valid qcow2 one.
import { open } from 'node:fs/promises';
import { FilesystemStore } from '@/lib/stores/filesystem';

const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"

export async function virtualSizeOf(diskFormat: string | null, location: string, size: number): Promise<number | null> {
  if (diskFormat === 'raw') return size;
  if (diskFormat !== 'qcow2' || size < 32) return null;
  const fh = await open(FilesystemStore.pathOf(location), 'r');
  try {
    const header = Buffer.alloc(32);
    await fh.read(header, 0, 32, 0);
    if (header.readUInt32BE(0) !== QCOW2_MAGIC) return null;
    const version = header.readUInt32BE(4);
    if (version !== 2 && version !== 3) return null;
    return Number(header.readBigUInt64BE(24));
  } finally {
    await fh.close();
  }
}
