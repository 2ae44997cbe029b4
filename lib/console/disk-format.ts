// Disk format from a file's own bytes (magic numbers), so the console can
// propose it before an upload. Runs in the browser on a File's first bytes
// and its last 512 (where a fixed VHD keeps its footer).

/** What detection can tell apart; each is one of the server's disk formats (a unit test holds it to that). */
export const DETECTABLE_FORMATS = ['qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso', 'raw'] as const;
export type DetectedFormat = (typeof DETECTABLE_FORMATS)[number];

/** How many leading bytes detection needs: the ISO 9660 volume descriptor sits at 32769. */
export const HEAD_BYTES = 32769 + 5;
export const TAIL_BYTES = 512;

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (bytes.length < offset + length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function u32le(bytes: Uint8Array, offset: number): number | null {
  if (bytes.length < offset + 4) return null;
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

export function detectDiskFormat(head: Uint8Array, tail: Uint8Array = new Uint8Array()): DetectedFormat {
  if (ascii(head, 0, 4) === 'QFI\xfb') return 'qcow2';
  if (ascii(head, 0, 8) === 'vhdxfile') return 'vhdx';
  if (ascii(head, 0, 4) === 'KDMV' || ascii(head, 0, 21) === '# Disk DescriptorFile') return 'vmdk';
  if (u32le(head, 64) === 0xbeda107f) return 'vdi';
  if (ascii(head, 0, 8) === 'conectix' || ascii(tail, tail.length - 512, 8) === 'conectix') return 'vhd';
  if (ascii(head, 32769, 5) === 'CD001') return 'iso';
  return 'raw';
}

/** Read the bytes detection needs from a browser File (or Blob). */
export async function detectFileFormat(file: Blob): Promise<DetectedFormat> {
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  const tail = file.size >= TAIL_BYTES ? new Uint8Array(await file.slice(file.size - TAIL_BYTES).arrayBuffer()) : new Uint8Array();
  return detectDiskFormat(head, tail);
}

/** A disk format named by a URL's or file's extension (`…/cirros.qcow2?x` → qcow2), else null. */
export function formatFromName(name: string, formats: readonly string[]): string | null {
  const path = name.split(/[?#]/)[0];
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext && formats.includes(ext) ? ext : null;
}
