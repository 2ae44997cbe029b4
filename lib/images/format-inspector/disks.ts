// Block-level layouts: ISO 9660/UDF, MBR/GPT partition tables, and VHD
// (whose 512-byte footer is at the end, with a copy at the start for
// dynamic disks).
import { FormatInspector } from './inspector';
import { CaptureRegion, EndCaptureRegion } from './region';

const CONECTIX = Buffer.from('conectix', 'latin1');

/**
 * VHD: the footer copy at offset 0 (dynamic and differencing disks), or the
 * footer in the last 512 bytes (fixed disks: raw data plus a footer).
 */
export class VhdInspector extends FormatInspector {
  readonly name = 'vhd';

  constructor() {
    super();
    this.addRegion('header', new CaptureRegion(0, 512));
    this.addRegion('footer', new EndCaptureRegion(512));
    this.checks.set('null', () => null);
  }

  /** Only the footer at the end says VHD: a fixed disk, whose data before the footer is raw. */
  get fixedOnly(): boolean {
    return !this.headerMatch && this.footerMatch;
  }

  private get headerMatch(): boolean {
    return this.bytes('header').subarray(0, 8).equals(CONECTIX);
  }

  private get footerMatch(): boolean {
    return this.region('footer').complete && this.bytes('footer').subarray(0, 8).equals(CONECTIX);
  }

  get formatMatch(): boolean {
    return this.headerMatch || this.footerMatch;
  }

  /** The footer's "original size" field, as Glance reads it. */
  get virtualSize(): number {
    const footer = this.headerMatch ? this.bytes('header') : this.footerMatch ? this.bytes('footer') : null;
    return footer && footer.byteLength >= 48 ? Number(footer.readBigUInt64BE(40)) : 0;
  }
}

const KIB = 1024;

/** ISO 9660 (or UDF): after a 32 KiB system area, a volume descriptor that starts with CD001 (NSR02/NSR03). */
export class IsoInspector extends FormatInspector {
  readonly name = 'iso';

  constructor() {
    super();
    this.addRegion('header', new CaptureRegion(32 * KIB, 2 * KIB));
    this.checks.set('null', () => null);
  }

  get formatMatch(): boolean {
    if (!this.complete) return false;
    const id = this.bytes('header').subarray(1, 6).toString('latin1');
    return id === 'CD001' || id === 'NSR02' || id === 'NSR03';
  }

  /** The primary volume descriptor's block count × block size (both stored little- and big-endian). */
  get virtualSize(): number {
    if (!this.formatMatch) return 0;
    const pvd = this.bytes('header');
    if (pvd[0] !== 1) return 0;
    return pvd.readUInt32LE(80) * pvd.readUInt16LE(128);
  }
}

/** An MBR (or GPT's protective MBR): 0x55AA at 510, four partition entries at 446. */
export class GptInspector extends FormatInspector {
  readonly name = 'gpt';

  constructor() {
    super();
    this.addRegion('mbr', new CaptureRegion(0, 512));
    this.checks.set('mbr', () => this.checkPartitions());
  }

  get formatMatch(): boolean {
    if (!this.region('mbr').complete) return false;
    const mbr = this.bytes('mbr');
    // A FAT filesystem's boot sector carries the same signature: two FATs on a fixed disk gives it away.
    const fat = mbr[0x10] === 2 && mbr[0x15] === 0xf8;
    return mbr.readUInt16LE(510) === 0xaa55 && !fat;
  }

  private checkPartitions(): string | null {
    const mbr = this.bytes('mbr');
    const used: number[] = [];
    let gpt = false;
    for (let i = 0; i < 4; i++) {
      const e = 446 + 16 * i;
      const boot = mbr[e];
      const type = mbr[e + 4];
      if (boot !== 0x00 && boot !== 0x80) return `MBR PTE ${i} has invalid boot flag`;
      if (type !== 0) used.push(i);
      if (type === 0xee) {
        gpt = true;
        if (mbr[e + 1] !== 0x00 || mbr[e + 2] !== 0x02 || mbr[e + 3] !== 0x00) return 'GPT MBR has invalid start CHS';
        if (mbr.readUInt32LE(e + 8) !== 1) return 'GPT MBR has invalid start LBA';
      }
    }
    if (gpt && !(used.length === 1 && used[0] === 0)) return 'GPT MBR defines invalid extra partitions';
    if (used.length === 0) return 'GPT MBR has no partitions defined';
    return null;
  }
}
