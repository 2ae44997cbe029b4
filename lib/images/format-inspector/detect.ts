// Detecting a stream's format: every inspector sees every chunk; one that
// finds the content cannot be its format drops out. At the end, the formats
// that match (raw when none does).
import { GptInspector, IsoInspector, VhdInspector } from './disks';
import { FormatInspector, ImageFormatError } from './inspector';
import { LuksInspector, Qcow2Inspector, QedInspector, RawInspector, VdiInspector } from './simple';
import { VhdxInspector } from './vhdx';
import { VmdkInspector } from './vmdk';

/** Every format that can be recognized, in the order they are reported. */
export const INSPECTABLE_FORMATS = ['raw', 'qcow2', 'vhd', 'vhdx', 'vmdk', 'vdi', 'qed', 'iso', 'gpt', 'luks'] as const;
export type InspectableFormat = (typeof INSPECTABLE_FORMATS)[number];

const INSPECTORS: Record<InspectableFormat, () => FormatInspector> = {
  raw: () => new RawInspector(),
  qcow2: () => new Qcow2Inspector(),
  vhd: () => new VhdInspector(),
  vhdx: () => new VhdxInspector(),
  vmdk: () => new VmdkInspector(),
  vdi: () => new VdiInspector(),
  qed: () => new QedInspector(),
  iso: () => new IsoInspector(),
  gpt: () => new GptInspector(),
  luks: () => new LuksInspector(),
};

export function isInspectable(format: string | null): format is InspectableFormat {
  return (INSPECTABLE_FORMATS as readonly string[]).includes(format ?? '');
}

export class FormatDetector {
  private readonly live: FormatInspector[] = INSPECTABLE_FORMATS.map((f) => INSPECTORS[f]());
  private readonly raw = this.live[0];
  private ended = false;

  /** Present the next chunk; never throws (an inspector that fails just stops being a candidate). */
  eat(chunk: Uint8Array): void {
    for (let i = this.live.length - 1; i >= 0; i--) {
      try {
        this.live[i].eat(chunk);
      } catch {
        this.live.splice(i, 1);
      }
    }
  }

  /** The stream has ended. */
  finish(): void {
    this.ended = true;
    for (const i of this.live) i.finish();
  }

  /**
   * Every specific format that matched, or [raw] when none did. More than one
   * can match (a bootable ISO has a partition table in its system area).
   */
  get formats(): FormatInspector[] {
    if (!this.ended) throw new Error('formats asked before the stream ended');
    const matches = this.live.filter((i) => i !== this.raw && i.formatMatch);
    return matches.length ? matches : [this.raw];
  }

  /** The one format of the content; ImageFormatError when several match. */
  get format(): FormatInspector {
    const matches = this.formats;
    if (matches.length > 1) throw new ImageFormatError(`Multiple formats detected: ${matches.map((m) => m.name).join(',')}`);
    return matches[0];
  }
}
