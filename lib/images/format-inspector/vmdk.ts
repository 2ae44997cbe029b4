// VMDK: a "hosted sparse extent" header (KDMV) followed by an embedded text
// descriptor at sector 1, or a descriptor-only text file. Only the
// single-file subformats are accepted (monolithicSparse, streamOptimized),
// and every extent line must name a file in the same place (no '/'): an
// extent elsewhere would make qemu read a file of the host.
import { FormatInspector, ImageFormatError } from './inspector';
import { CaptureRegion, EndCaptureRegion } from './region';

const DESCRIPTOR_OFFSET = 0x200;
/** qemu's bound on a descriptor. */
const DESCRIPTOR_MAX = (1 << 20) - 1;
const SPARSE_HEADER = 64;
const GD_AT_END = 0xffffffffffffffffn;
const MARKER_EOS = 0;
const MARKER_FOOTER = 3;
const ALLOWED_TYPES = new Set(['monolithicsparse', 'streamoptimized']);
const EXTENT_ACCESS = new Set(['rw', 'rdonly', 'noaccess']);

interface SparseHeader {
  magic: string;
  version: number;
  descriptorSector: bigint;
  descriptorSectors: bigint;
  gdOffset: bigint;
}

function parseSparseHeader(b: Buffer): SparseHeader {
  return {
    magic: b.subarray(0, 4).toString('latin1'),
    version: b.readUInt32LE(4),
    descriptorSector: b.readBigUInt64LE(28),
    descriptorSectors: b.readBigUInt64LE(36),
    gdOffset: b.readBigUInt64LE(56),
  };
}

/** Printable ASCII or whitespace only (a descriptor file, not a binary header). */
function looksLikeText(b: Buffer): boolean {
  for (let i = 0; i < b.byteLength; i++) {
    const c = b[i];
    if (!((c >= 0x20 && c < 0x7f) || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f))) return false;
  }
  return true;
}

export class VmdkInspector extends FormatInspector {
  readonly name = 'vmdk';
  private descriptorText: string | null = null;
  private createType = 'formatnotfound';
  /** Set when the stream starts with a sparse header (as opposed to a descriptor-only text file). */
  private sparse = false;

  constructor() {
    super();
    this.addRegion('header', new CaptureRegion(0, 512, SPARSE_HEADER));
    this.checks.set('descriptor', () => this.checkDescriptor());
  }

  protected afterChunk(): void {
    if (this.sparse || this.descriptorText !== null || !this.hasRegion('header') || !this.region('header').complete) return;
    const head = this.bytes('header');
    const h = parseSparseHeader(head);
    if (h.magic !== 'KDMV') {
      if (!looksLikeText(head)) throw new ImageFormatError(`Signature KDMV not found`);
      // A descriptor-only file: the descriptor starts at byte 0.
      this.removeRegion('header');
      if (!this.hasRegion('descriptor')) this.addRegion('descriptor', new CaptureRegion(0, DESCRIPTOR_MAX, 4));
      return;
    }
    if (h.version < 1 || h.version > 3) throw new ImageFormatError(`Unsupported format version ${h.version}`);
    if (h.descriptorSector * 512n !== BigInt(DESCRIPTOR_OFFSET)) throw new ImageFormatError('Wrong descriptor location');
    this.sparse = true;
    const size = Math.min(Number(h.descriptorSectors > 4096n ? 4096n : h.descriptorSectors) * 512, DESCRIPTOR_MAX);
    this.addRegion('descriptor', new CaptureRegion(DESCRIPTOR_OFFSET, size));
    if (h.gdOffset === GD_AT_END) {
      // streamOptimized: the real header is a footer near the end (footer marker, footer, end-of-stream marker).
      this.addRegion('footer', new EndCaptureRegion(1536));
      this.checks.set('footer', () => this.checkFooter());
    }
  }

  protected regionComplete(name: string): void {
    if (name === 'descriptor') this.parseDescriptor();
  }

  private parseDescriptor(): void {
    let data = this.bytes('descriptor');
    const nul = data.indexOf(0);
    if (nul >= 0) data = data.subarray(0, nul); // the embedded descriptor is NUL-padded
    if (!looksLikeText(data)) return;
    const text = data.toString('latin1').toLowerCase();
    this.descriptorText = text;
    const at = text.indexOf('createtype="');
    if (at < 0) return;
    const from = at + 'createtype="'.length;
    const to = text.indexOf('"', from);
    if (to >= 0 && to - from < 64) this.createType = text.slice(from, to);
  }

  get formatMatch(): boolean {
    if (this.hasRegion('header')) return this.bytes('header').subarray(0, 4).toString('latin1') === 'KDMV';
    return this.descriptorText !== null && this.createType !== 'formatnotfound';
  }

  /** The capacity in the sparse header (sectors × 512). */
  get virtualSize(): number {
    if (!this.sparse || this.descriptorText === null || !ALLOWED_TYPES.has(this.createType)) return 0;
    return Number(this.bytes('header').readBigUInt64LE(12)) * 512;
  }

  private checkDescriptor(): string | null {
    if (this.descriptorText === null) return 'No descriptor found';
    if (!this.sparse) return 'A descriptor without its data refers to other files';
    if (!ALLOWED_TYPES.has(this.createType)) return 'Unsupported subformat';
    const extents: string[] = [];
    for (const raw of this.descriptorText.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith('ddb')) continue;
      const eq = line.indexOf('=');
      if (eq >= 0 && !line.slice(0, eq).includes(' ')) continue; // a header field
      if (EXTENT_ACCESS.has(line.split(' ')[0])) extents.push(line);
      else return 'Invalid VMDK descriptor data';
    }
    if (extents.length === 0) return 'No extents found';
    if (extents.some((e) => e.includes('/'))) return 'Invalid extent filenames found';
    return null;
  }

  private checkFooter(): string | null {
    const head = parseSparseHeader(this.bytes('header'));
    const tail = this.bytes('footer');
    const foot = parseSparseHeader(tail.subarray(512, 512 + SPARSE_HEADER));
    if (head.magic !== foot.magic) return 'Header and footer signature do not match';
    if (head.version !== foot.version) return 'Header and footer versions do not match';
    if (head.descriptorSector !== foot.descriptorSector || head.descriptorSectors !== foot.descriptorSectors) {
      return 'Footer specifies a different descriptor than header';
    }
    if (foot.gdOffset === GD_AT_END) return 'Footer indicates another footer';
    const marker = (at: number) => ({
      value: tail.readBigUInt64LE(at),
      size: tail.readUInt32LE(at + 8),
      type: tail.readUInt32LE(at + 12),
      zero: tail.subarray(at + 16, at + 512).every((b) => b === 0),
    });
    const f = marker(0);
    if (f.size !== 0 || f.type !== MARKER_FOOTER || !f.zero) return 'Footer marker is invalid';
    const eos = marker(1024);
    if (eos.value !== 0n || eos.size !== 0 || eos.type !== MARKER_EOS || !eos.zero) return 'End-of-stream marker is invalid';
    return null;
  }
}
