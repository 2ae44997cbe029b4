// What an image's timeline may say about a failure. The stored reason is
// the raw error (errno codes, store paths, driver messages: for operators,
// who also find it in the log under the event's request id); people see one
// of these texts, each saying what happened and what to do.
const TEXTS = {
  storeFull: 'The image store ran out of space. Ask an administrator to free some, then upload the file again.',
  tooLarge: 'The image is larger than this cloud accepts.',
  storeUnwritable: 'The image store could not be written to. Ask an administrator to check it, then upload the file again.',
  interrupted: 'The upload was interrupted before all the data arrived. Upload the file again.',
  restarted: 'The service restarted during the upload. Upload the file again.',
  stagedLost: 'The uploaded data was lost before it could be imported. Upload the file again.',
  stalled: 'No data arrived for too long, so the unfinished upload was discarded. Upload the file again.',
  cancelled: 'The upload was cancelled.',
  refusedFormat: 'The data was refused: its format does not match the disk format, or it is not safe to use. Check the file and the disk format.',
  unknown: 'The upload failed on the server. Try again; if it fails again, ask an administrator.',
} as const;

const PUBLIC_TEXTS = new Set<string>(Object.values(TEXTS));

/** Matched in order against the raw reason; the first hit wins. */
const RULES: [RegExp, string][] = [
  [/ENOSPC|EDQUOT|no space left|storage media is full|not enough disk space/i, TEXTS.storeFull],
  [/too large|size cap|image_size_cap|exceeds/i, TEXTS.tooLarge],
  [/EROFS|EACCES|EPERM|read-only file system|permission/i, TEXTS.storeUnwritable],
  [/server stopped|restart/i, TEXTS.restarted],
  [/staged data|staged file/i, TEXTS.stagedLost],
  [/no data arrived/i, TEXTS.stalled],
  [/cancel/i, TEXTS.cancelled],
  [/closed the connection|body ended|ended after|aborted|interrupted|ECONNRESET|\bhas \d+ of \d+ bytes/i, TEXTS.interrupted],
  [/format|backing file|data[- ]file|descriptor|qcow2|vmdk|vhdx?|\bvdi\b|\biso\b|luks/i, TEXTS.refusedFormat],
];

/** Format inspection's refusals are Glance's own words, name no path and say what is wrong: shown as they are. */
const INSPECTION_REFUSAL = /^(Image failed safety checks|Image format inspection failed|Incomplete file cannot be safety checked|Image disk_format [\w-]+ does not match stream data [\w-]+|Multiple formats detected: [\w,-]+)$/;

/** web-download's failures are Glance's words about the URL (credentials already masked): the user can act on them. */
const WEB_DOWNLOAD_FAILURE = /^(HTTP Error \d{3}\b|Redirect to disallowed URL: |URI for web-download does not pass filtering: |web-download of \S+( failed: |: | was cancelled))/;

/** The text shown for a failure event's stored reason (null stays null). */
export function publicFailureReason(raw: string | null): string | null {
  if (raw === null) return null;
  if (PUBLIC_TEXTS.has(raw) || INSPECTION_REFUSAL.test(raw) || WEB_DOWNLOAD_FAILURE.test(raw)) return raw;
  return RULES.find(([pattern]) => pattern.test(raw))?.[1] ?? TEXTS.unknown;
}

/** Events whose reason is an error (others carry our own words: "add tag x", "1024 bytes staged"). */
export const FAILURE_ACTIONS: ReadonlySet<string> = new Set(['upload_failed', 'import_failed', 'upload_expired', 'upload_cancelled', 'reset_after_restart']);
