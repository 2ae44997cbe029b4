// Test data for the console tests: image-like files and their digests.
import { createHash, randomBytes } from 'node:crypto';

/** Bytes that start with a valid qcow2 v3 header (so format detection says qcow2). */
export function qcow2Bytes(size: number, virtualSize = 1 << 30): Buffer {
  const buf = randomBytes(size);
  // A clean first sector: no backing file, no feature bits, nothing another format would match.
  buf.fill(0, 0, Math.min(size, 512));
  buf.write('QFI\xfb', 0, 'latin1');
  buf.writeUInt32BE(3, 4);
  buf.writeBigUInt64BE(BigInt(virtualSize), 24);
  return buf;
}

export function digests(data: Buffer) {
  return {
    md5: createHash('md5').update(data).digest('hex'),
    sha512: createHash('sha512').update(data).digest('hex'),
    size: data.length,
  };
}

/** Poll until `check` returns a value (not undefined), or fail after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
