// Disk-format detection from file content (the console proposes it before an
// upload), over headers laid out as each format's specification describes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { detectDiskFormat, HEAD_BYTES, TAIL_BYTES } from '../../lib/console/disk-format';

function file(size: number, write: (b: Buffer) => void): { head: Uint8Array; tail: Uint8Array } {
  const b = Buffer.alloc(size);
  randomBytes(size).copy(b);
  b.fill(0, 0, Math.min(size, 512)); // no accidental magic in the first sector
  write(b);
  return { head: b.subarray(0, HEAD_BYTES), tail: b.subarray(Math.max(0, size - TAIL_BYTES)) };
}

const cases: [string, ReturnType<typeof file>][] = [
  ['qcow2', file(65536, (b) => { b.write('QFI\xfb', 0, 'latin1'); b.writeUInt32BE(3, 4); })],
  ['vmdk', file(65536, (b) => b.write('KDMV', 0, 'latin1'))],
  ['vmdk', file(4096, (b) => b.write('# Disk DescriptorFile\nversion=1\n', 0))],
  ['vhdx', file(1 << 20, (b) => b.write('vhdxfile', 0))],
  ['vhd', file(1 << 20, (b) => b.write('conectix', b.length - 512))], // fixed VHD: footer in the last sector
  ['vhd', file(1 << 20, (b) => b.write('conectix', 0))], // dynamic VHD: footer copy first
  ['vdi', file(65536, (b) => { b.write('<<< Oracle VM VirtualBox Disk Image >>>\n', 0); b.writeUInt32LE(0xbeda107f, 64); })],
  ['iso', file(64 * 1024, (b) => { b[32768] = 1; b.write('CD001', 32769); })],
  ['raw', file(64 * 1024, () => {})],
  ['raw', file(10, () => {})],
];

for (const [want, bytes] of cases) {
  test(`detects ${want} (${bytes.head.length + bytes.tail.length} bytes examined)`, () => {
    assert.equal(detectDiskFormat(bytes.head, bytes.tail), want);
  });
}

test('a raw file that merely mentions a magic word later is still raw', () => {
  const { head, tail } = file(65536, (b) => b.write('QFI\xfb', 4096, 'latin1'));
  assert.equal(detectDiskFormat(head, tail), 'raw');
});
