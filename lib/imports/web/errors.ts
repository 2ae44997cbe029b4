// Why a web-download failed, in words a task can record (Glance's wording
// where it has one: the filtering and redirect refusals, urllib's "HTTP Error").
export type WebDownloadFailure = 'filtering' | 'http' | 'connect' | 'timeout' | 'aborted' | 'truncated';

export class WebDownloadError extends Error {
  constructor(
    readonly failure: WebDownloadFailure,
    message: string,
    /** For the log: which filter refused (the message keeps Glance's wording). */
    readonly detail?: string,
    /** The HTTP status of an 'http' failure. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WebDownloadError';
  }
}

/** glance/api/v2/images.py's 400 for a refused web-download URI. */
export function notPassingFiltering(uri: string): string {
  return `URI for web-download does not pass filtering: ${uri}`;
}

const CAUSES: Record<string, string> = {
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed, try again later',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server\'s certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server\'s certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server\'s certificate is not trusted',
  CERT_HAS_EXPIRED: 'the server\'s certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server\'s certificate is not for this host',
};

/** A socket or TLS error of the request, before any response. */
export function requestFailure(uri: string, err: NodeJS.ErrnoException, label = 'web-download'): WebDownloadError {
  const cause = (err.code && CAUSES[err.code]) || err.message;
  return new WebDownloadError('connect', `${label} of ${uri} failed: ${cause}`);
}
