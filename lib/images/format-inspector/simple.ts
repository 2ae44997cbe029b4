// Formats whose first sector says everything: raw (nothing to see), qcow2,
// qed, vdi and luks (version 1).
import { FormatInspector } from './inspector';
import { CaptureRegion } from './region';

export class RawInspector extends FormatInspector {
  readonly name = 'raw';

  get formatMatch(): boolean {
    return true; // raw is whatever nothing else recognized
  }
}

const QCOW2_MAGIC = Buffer.from('QFI\xfb', 'latin1');
/** Incompatible feature bits understood: dirty, corrupt, external data file, compression type (as oslo.utils). */
const QCOW2_KNOWN_INCOMPATIBLE = 0b1111n;
const QCOW2_DATA_FILE_BIT = 1n << 2n;

/** qcow2 (big-endian header): magic, version, backing file offset, virtual size, incompatible features. */
export class Qcow2Inspector extends FormatInspector {
  readonly name = 'qcow2';

  constructor() {
    super();
    this.addRegion('header', new CaptureRegion(0, 512));
    this.checks.set('backing_file', () => (this.header.readBigUInt64BE(8) !== 0n ? 'Image has a backing file' : null));
    this.checks.set('data_file', () => (this.incompatible & QCOW2_DATA_FILE_BIT ? 'Image has data_file set' : null));
    this.checks.set('unknown_features', () => {
      if (this.version === 2) return null; // version 2 has no feature bits
      if (this.version !== 3) return 'Unsupported qcow2 version';
      return this.incompatible & ~QCOW2_KNOWN_INCOMPATIBLE ? 'Unknown QCOW2 features found' : null;
    });
  }

  private get header(): Buffer {
    return this.bytes('header');
  }

  private get version(): number {
    return this.header.readUInt32BE(4);
  }

  private get incompatible(): bigint {
    return this.header.readBigUInt64BE(72);
  }

  get formatMatch(): boolean {
    return this.region('header').complete && this.header.subarray(0, 4).equals(QCOW2_MAGIC);
  }

  get virtualSize(): number {
    return this.formatMatch ? Number(this.header.readBigUInt64BE(24)) : 0;
  }
}

/** QED: recognized only to be refused; nothing supports it and its safety cannot be checked. */
export class QedInspector extends FormatInspector {
  readonly name = 'qed';

  constructor() {
    super();
    this.addRegion('header', new CaptureRegion(0, 512));
    this.checks.set('banned', () => 'This file format is not allowed');
  }

  get formatMatch(): boolean {
    return this.region('header').complete && this.bytes('header').subarray(0, 4).equals(Buffer.from('QED\0', 'latin1'));
  }
}

/** VirtualBox VDI (little-endian): magic at 0x40, disk size at 0x170. */
export class VdiInspector extends FormatInspector {
  readonly name = 'vdi';

  constructor() {
    super();
    this.addRegion('header', new CaptureRegion(0, 512));
    this.checks.set('null', () => null);
  }

  get formatMatch(): boolean {
    return this.region('header').complete && this.bytes('header').readUInt32LE(0x40) === 0xbeda107f;
  }

  get virtualSize(): number {
    return this.formatMatch ? Number(this.bytes('header').readBigUInt64LE(0x170)) : 0;
  }
}

/** LUKS version 1 (an encrypted block device): the header, and the payload after it. */
export class LuksInspector extends FormatInspector {
  readonly name = 'luks';

  constructor() {
    super();
    this.addRegion('header', new CaptureRegion(0, 592));
    this.checks.set('version', () => {
      const v = this.bytes('header').readUInt16BE(6);
      return v === 1 ? null : `LUKS version ${v} is not supported`;
    });
  }

  get formatMatch(): boolean {
    return this.region('header').complete && this.bytes('header').subarray(0, 6).equals(Buffer.from('LUKS\xba\xbe', 'latin1'));
  }

  /** The payload: everything after the header and key material (known only once all bytes are seen). */
  get virtualSize(): number {
    return this.formatMatch ? this.position - this.bytes('header').readUInt32BE(104) * 512 : 0;
  }
}
