// What Glance does with an upload's detected format (since CVE-2024-32498):
// the content must be the image's disk_format and pass that format's safety
// checks, or the upload is refused before the image becomes active. Fed by
// the store while the bytes are written (ContentObserver); judged once they
// are all there, before the file is put in place. Every path that stores
// image data uses it: PUT /file, the imports; PUT /stage detects as it
// writes (FormatDetection) and the import judges those findings.
import { getConfig } from '@/lib/config';
import { GlanceError } from '@/lib/errors';
import { logger } from '@/lib/log';
import type { ContentObserver } from '@/lib/stores/ingest';
import { FormatDetector, ImageFormatError, isInspectable, SafetyCheckFailed, VhdInspector } from './format-inspector';

/**
 * Glance's answer to refused image data (InvalidImageData): webob's 415 page
 * with the reason as its detail. `message` is the reason alone (what the
 * image's event and the console show).
 */
export class InvalidImageData extends GlanceError {
  constructor(reason: string) {
    super(415, reason);
  }

  body(escape: (s: string) => string = (s) => s): string {
    return `${escape('The request media type application/octet-stream is not supported by this server.')}\n<br /><br />\n${escape(this.message)}`;
  }
}

/**
 * Detected formats that a disk_format `raw` image may hold: block-device
 * content (a partitioned disk, an ISO, a LUKS-encrypted volume as Cinder
 * uploads it) is raw to anything that reads it. Virtual disk formats (qcow2,
 * vmdk, vhd, vhdx, vdi, qed) are not: a qcow2 labelled raw is refused, where
 * Glance only logs it.
 */
const RAW_COMPATIBLE = new Set(['raw', 'gpt', 'iso', 'luks']);

/** What a value or a check came to, in a form that can be written down (a staged upload's sidecar). */
type Outcome<T> = { ok: T } | { formatError: string } | { error: string };

/** One detected format, as its judgment needs it. */
export interface FormatFinding {
  name: string;
  virtualSize: Outcome<number>;
  actualSize: number;
  /** VHD only: the footer at the end is all that says VHD. */
  fixedOnly?: boolean;
  /** Its safety checks: ok, the failures by check name, or why it could not be judged. */
  safety: Outcome<true> | { failures: Record<string, string> };
}

/**
 * Everything a finished FormatDetector found, independent of the image's
 * disk_format: computed once where the bytes pass (PUT /stage) and judged
 * later against the format the image has then (the import).
 */
export interface FormatFindings {
  formats: FormatFinding[];
}

function outcome<T>(f: () => T): Outcome<T> {
  try {
    return { ok: f() };
  } catch (err) {
    return err instanceof ImageFormatError ? { formatError: err.message } : { error: err instanceof Error ? err.message : String(err) };
  }
}

function unwrap<T>(o: Outcome<T>): T {
  if ('ok' in o) return o.ok;
  throw 'formatError' in o ? new ImageFormatError(o.formatError) : new Error(o.error);
}

/** The findings of a detector that has seen the whole stream (its finish() called). */
export function findingsOf(detector: FormatDetector): FormatFindings {
  return {
    formats: detector.formats.map((f) => ({
      name: f.name,
      virtualSize: outcome(() => f.virtualSize),
      actualSize: f.actualSize,
      ...(f instanceof VhdInspector ? { fixedOnly: f.fixedOnly } : {}),
      safety: (() => {
        try {
          f.safetyCheck();
          return { ok: true as const };
        } catch (err) {
          if (err instanceof SafetyCheckFailed) return { failures: err.failures };
          return outcome(() => { throw err; });
        }
      })(),
    })),
  };
}

/** Detection alone, for data whose image format is judged later (see FormatFindings). */
export class FormatDetection implements ContentObserver {
  private readonly detector = new FormatDetector();

  eat(chunk: Uint8Array): void {
    this.detector.eat(chunk);
  }

  conclude(): void {}

  /** Once every byte has been eaten. */
  findings(): FormatFindings {
    this.detector.finish();
    return findingsOf(this.detector);
  }
}

export class ContentInspection implements ContentObserver {
  private readonly detector: FormatDetector | null;
  /** The virtual size from the content's header, once judged; null when unknown. */
  virtualSize: number | null = null;

  constructor(
    private readonly diskFormat: string | null,
    containerFormat: string | null,
    private readonly requireMatch = getConfig().requireImageFormatMatch,
  ) {
    // As Glance: only bare images are inspected (a container's own format is not a disk's).
    this.detector = containerFormat === 'bare' ? new FormatDetector() : null;
  }

  eat(chunk: Uint8Array): void {
    this.detector?.eat(chunk);
  }

  /**
   * All bytes are in: refuse (InvalidImageData) or accept and set virtualSize.
   * Unlike Glance, the detected format's safety checks run even when a
   * mismatch is let through (require_image_format_match off).
   */
  conclude(): void {
    if (!this.detector) return;
    this.detector.finish();
    this.judge(() => findingsOf(this.detector!));
  }

  /** As conclude(), on findings made when the bytes passed earlier (nothing was eaten here). */
  concludeFrom(findings: FormatFindings): void {
    if (!this.detector) return;
    this.judge(() => findings);
  }

  private judge(findings: () => FormatFindings): void {
    try {
      const inspector = this.chosen(findings().formats);
      let size = 0;
      let mismatch: ImageFormatError | null = null;
      try {
        size = this.sizeFor(inspector);
      } catch (err) {
        if (!(err instanceof ImageFormatError) || this.requireMatch) throw err;
        mismatch = err;
      }
      if ('failures' in inspector.safety) {
        logger.warn({ format: inspector.name, failures: inspector.safety.failures }, 'image data failed safety checks');
        throw new InvalidImageData('Image failed safety checks');
      }
      unwrap(inspector.safety);
      if (mismatch) throw mismatch;
      this.virtualSize = size > 0 ? size : null;
    } catch (err) {
      if (err instanceof InvalidImageData) throw err;
      if (err instanceof ImageFormatError) {
        if (this.requireMatch) throw new InvalidImageData(err.message);
        logger.warn({ diskFormat: this.diskFormat, reason: err.message }, 'image format did not match; virtual size unknown');
        return;
      }
      logger.error({ err }, 'image format inspection failed');
      if (this.requireMatch) throw new InvalidImageData('Image format inspection failed');
    }
  }

  /** The one detected format; an ISO with a partition table (bootable as a disk) is an ISO. */
  private chosen(formats: FormatFinding[]): FormatFinding {
    const byName = new Map(formats.map((f) => [f.name, f]));
    if (formats.length === 2 && byName.has('gpt')) {
      if (byName.has('iso')) return byName.get('iso')!;
      // A fixed VHD is a raw disk with a footer: its partition table is expected.
      const vhd = byName.get('vhd');
      if (vhd?.fixedOnly) return vhd;
    }
    if (formats.length > 1) throw new ImageFormatError(`Multiple formats detected: ${formats.map((m) => m.name).join(',')}`);
    return formats[0];
  }

  /** The virtual size the content gives for this image's disk_format, or a mismatch. */
  private sizeFor(inspector: FormatFinding): number {
    const detected = inspector.name;
    if (detected === this.diskFormat) return unwrap(inspector.virtualSize);
    // Formats that cannot be inspected (ami, ari, aki, ploop) accept what is not recognized.
    if (detected === 'raw' && !isInspectable(this.diskFormat)) return 0;
    if (this.diskFormat === 'raw' && RAW_COMPATIBLE.has(detected)) return inspector.actualSize;
    throw new ImageFormatError(`Image disk_format ${this.diskFormat ?? 'None'} does not match stream data ${detected}`);
  }
}
