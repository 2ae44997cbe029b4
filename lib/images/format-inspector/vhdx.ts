// VHDX (little-endian, structures named by GUIDs): the file identifier, the
// region table at 192 KiB, the metadata region it points to, and in it the
// "virtual disk size" item.
import { FormatInspector, ImageFormatError } from './inspector';
import { CaptureRegion } from './region';

const METADATA_REGION = '8B7CA206-4790-4B9A-B8FE-575F050F886E';
const VIRTUAL_DISK_SIZE = '2FA54224-CD1B-4876-B211-5DBED83BF4B8';
/** A table header and at most 2047 entries of 32 bytes (qemu's limit). */
const TABLE_MAX = 32 * 2048;

function guid(b: Buffer): string {
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  const tail = [...b.subarray(8, 16)].map((x) => hex(x, 2));
  return `${hex(b.readUInt32LE(0), 8)}-${hex(b.readUInt16LE(4), 4)}-${hex(b.readUInt16LE(6), 4)}-${tail.slice(0, 2).join('')}-${tail.slice(2).join('')}`;
}

export class VhdxInspector extends FormatInspector {
  readonly name = 'vhdx';

  constructor() {
    super();
    this.addRegion('ident', new CaptureRegion(0, 32));
    this.addRegion('regions', new CaptureRegion(192 * 1024, 64 * 1024));
    this.checks.set('null', () => null);
  }

  get formatMatch(): boolean {
    return this.bytes('ident').subarray(0, 8).equals(Buffer.from('vhdxfile', 'latin1'));
  }

  protected afterChunk(): void {
    if (this.region('regions').complete && !this.hasRegion('metadata')) {
      const offset = this.metadataOffset();
      if (offset !== null) this.addRegion('metadata', new CaptureRegion(offset, TABLE_MAX));
    } else if (this.hasRegion('metadata') && !this.hasRegion('vds')) {
      const item = this.findMetadataItem(VIRTUAL_DISK_SIZE);
      if (item) this.addRegion('vds', item);
    }
  }

  private metadataOffset(): number | null {
    const table = this.bytes('regions');
    if (table.readUInt32LE(0) !== 0x69676572) throw new ImageFormatError('Region signature not found at 30000');
    const count = table.readUInt32LE(8);
    if (count >= 2048) throw new ImageFormatError(`Region count is ${count} (limit 2047)`);
    for (let i = 0; i < count; i++) {
      const e = 16 + i * 32;
      if (guid(table.subarray(e, e + 16)) === METADATA_REGION) return Number(table.readBigUInt64LE(e + 16));
    }
    return null;
  }

  private findMetadataItem(wanted: string): CaptureRegion | null {
    const meta = this.region('metadata') as CaptureRegion;
    const data = meta.data;
    if (data.byteLength < 32) return null;
    if (!data.subarray(0, 8).equals(Buffer.from('metadata', 'latin1'))) {
      throw new ImageFormatError('Invalid signature for metadata region');
    }
    const count = data.readUInt16LE(10);
    if (count >= 2048) throw new ImageFormatError(`Metadata item count is ${count} (limit 2047)`);
    if (data.byteLength < 32 + count * 32) return null;
    for (let i = 0; i < count; i++) {
      const e = 32 + i * 32;
      if (guid(data.subarray(e, e + 16)) !== wanted) continue;
      const offset = data.readUInt32LE(e + 16);
      const length = Math.min(data.readUInt32LE(e + 20), TABLE_MAX);
      meta.truncate(); // the table is read; stop copying the metadata region
      return new CaptureRegion(meta.offset + offset, length);
    }
    return null;
  }

  get virtualSize(): number {
    if (!this.hasRegion('vds') || !this.region('vds').complete) return 0;
    return Number(this.bytes('vds').readBigUInt64LE(0));
  }
}
