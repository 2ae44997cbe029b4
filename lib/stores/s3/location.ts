// S3 location URIs and endpoint settings, as glance_store's s3 driver makes
// them (glance_store/_drivers/s3.py: StoreLocation, configure_add,
// _create_s3_client). Pure functions: no SDK, no I/O.
//
// Glance writes `s3://ACCESS:SECRET@host/bucket/key` (`s3+https://` for an
// https host). We write the same without the credentials, so they never reach
// the database, an API response or a log; URIs Glance wrote with them are
// still understood (and their credentials ignored).
export type S3Scheme = 's3' | 's3+http' | 's3+https';

export interface S3Location {
  scheme: S3Scheme;
  /** The service as written in the URI: host[:port][/path], no scheme, no credentials. */
  host: string;
  bucket: string;
  key: string;
}

/** Glance's configure_add: an https host gives `s3+https`, anything else (http or no scheme) `s3`. */
export function schemeOf(host: string): S3Scheme {
  return host.startsWith('https://') ? 's3+https' : 's3';
}

/** s3_store_host without its scheme and surrounding slashes: the host part of a location URI. */
export function serviceOf(host: string): string {
  return host.replace(/^https?:\/\//, '').replace(/^\/+|\/+$/g, '');
}

/** The endpoint URL: s3_store_host as given, http:// when it has no scheme (Glance's full_s3_host). */
export function endpointOf(host: string): string {
  const full = /^https?:\/\//.test(host) ? host : `http://${host}`;
  return full.replace(/\/+$/, '');
}

export function buildLocation(host: string, bucket: string, key: string): string {
  return `${schemeOf(host)}://${serviceOf(host)}/${bucket}/${key}`;
}

/**
 * Parse an s3 location the way glance_store's StoreLocation.parse_uri does:
 * one scheme only, optional `access:secret@` (dropped here: an AWS secret may
 * contain `/`, so everything up to the last `@` goes), then
 * host[/path]/bucket/key. Null when it is not a well-formed s3 URI.
 */
export function parseLocation(uri: string): S3Location | null {
  const m = /^(s3|s3\+http|s3\+https):\/\/(.*)$/.exec(uri);
  if (!m || uri.split('://').length !== 2) return null;
  let rest = m[2];
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    // Glance requires ACCESS:SECRET before the @.
    if (!rest.slice(0, at).includes(':')) return null;
    rest = rest.slice(at + 1);
  }
  const parts = rest.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length < 3) return null;
  const key = parts.pop()!;
  const bucket = parts.pop()!;
  const host = parts.join('/').replace(/^\/+|\/+$/g, '');
  if (!key || !bucket || !host) return null;
  return { scheme: m[1] as S3Scheme, host, bucket, key };
}

/** http for `s3` and `s3+http`, https for `s3+https`: the schemes that name the same service. */
export function sameTransport(a: S3Scheme, b: S3Scheme): boolean {
  return (a === 's3+https') === (b === 's3+https');
}

/** Host names compare without case; the port and any path must match exactly. */
export function sameService(a: string, b: string): boolean {
  const split = (s: string) => {
    const slash = s.indexOf('/');
    return slash < 0 ? [s, ''] : [s.slice(0, slash), s.slice(slash)];
  };
  const [ha, pa] = split(a);
  const [hb, pb] = split(b);
  return ha.toLowerCase() === hb.toLowerCase() && pa === pb;
}

// glance_store's get_s3_location(): Amazon's legacy regional host names.
const AWS_REGIONS: Record<string, string> = {
  's3.amazonaws.com': '',
  's3-us-east-1.amazonaws.com': 'us-east-1',
  's3-us-east-2.amazonaws.com': 'us-east-2',
  's3-us-west-1.amazonaws.com': 'us-west-1',
  's3-us-west-2.amazonaws.com': 'us-west-2',
  's3-ap-east-1.amazonaws.com': 'ap-east-1',
  's3-ap-south-1.amazonaws.com': 'ap-south-1',
  's3-ap-northeast-1.amazonaws.com': 'ap-northeast-1',
  's3-ap-northeast-2.amazonaws.com': 'ap-northeast-2',
  's3-ap-northeast-3.amazonaws.com': 'ap-northeast-3',
  's3-ap-southeast-1.amazonaws.com': 'ap-southeast-1',
  's3-ap-southeast-2.amazonaws.com': 'ap-southeast-2',
  's3-ca-central-1.amazonaws.com': 'ca-central-1',
  's3-cn-north-1.amazonaws.com.cn': 'cn-north-1',
  's3-cn-northwest-1.amazonaws.com.cn': 'cn-northwest-1',
  's3-eu-central-1.amazonaws.com': 'eu-central-1',
  's3-eu-west-1.amazonaws.com': 'eu-west-1',
  's3-eu-west-2.amazonaws.com': 'eu-west-2',
  's3-eu-west-3.amazonaws.com': 'eu-west-3',
  's3-eu-north-1.amazonaws.com': 'eu-north-1',
  's3-sa-east-1.amazonaws.com': 'sa-east-1',
};

/** The Amazon host name of s3_store_host (scheme, port and path dropped), or null for any other service. */
function awsHostOf(host: string): string | null {
  const name = serviceOf(host).split('/')[0].replace(/:\d+$/, '').toLowerCase();
  return name in AWS_REGIONS ? name : null;
}

/** get_s3_location(): the region of a known Amazon host, '' for anything else. */
export function regionOfHost(host: string): string {
  const aws = awsHostOf(host);
  return aws === null ? '' : AWS_REGIONS[aws];
}

export type BucketUrlFormat = 'auto' | 'virtual' | 'path';

export interface EndpointSettings {
  endpoint: string;
  /** The region requests are signed for. */
  region: string;
  forcePathStyle: boolean;
}

/**
 * How Glance's boto3 client addresses the bucket. Glance passes an
 * endpoint_url unless s3_store_region_name is empty and the host is a known
 * Amazon one; botocore then uses path style for `auto` and `path` whenever an
 * endpoint_url is given (botocore/args.py: force_path_style =
 * addressing_style != 'virtual'), and virtual hosting with a path fallback
 * (non-DNS bucket names) for `auto` on Amazon's own hosts. `virtual` is
 * always virtual hosting (the bucket must be a DNS name: checked in verify).
 * The SDK signs for us-east-1 when neither the option nor the host gives a
 * region, as botocore does for S3 without a region.
 */
export function endpointSettings(host: string, regionName: string | null, format: BucketUrlFormat): EndpointSettings {
  const region = regionName || regionOfHost(host);
  const customEndpoint = Boolean(regionName) || awsHostOf(host) === null;
  const forcePathStyle = format === 'path' || (format === 'auto' && customEndpoint);
  return { endpoint: endpointOf(host), region: region || 'us-east-1', forcePathStyle };
}

/**
 * botocore's check_dns_name: a bucket name usable for virtual hosting. 3 to
 * 63 lower-case letters, digits and `-`, starting and ending with a letter or
 * digit; no `.` (it breaks TLS certificate checks on virtual hosts).
 */
export function isDnsBucketName(bucket: string): boolean {
  return bucket.length >= 3 && bucket.length <= 63 && /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(bucket);
}
