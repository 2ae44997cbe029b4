// glance-api.conf, read the way Glance (oslo.config) reads it: INI sections,
// repeatable keys such as filesystem_store_datadirs, `#`/`;` comments.
// One loader for the start script, the server and the tests.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { decode } from 'ini';
import { ConfigError, type Section, all, bool, int, last, positiveInt, signedInt, str } from './ini';
import { fileStoreDirs, parseStores, type StoreDir, type StoresConfig } from './stores';
import { parseImportFiltering, type ImportFilteringConfig } from './import-filtering';
import { parseDelayedDelete, type DelayedDeleteConfig } from './scrubber';
import { parseImageCache, splitCacheFlavor, type ImageCacheConfig } from './image-cache';

export { ConfigError };
export type { StoreDir, StoresConfig, ImportFilteringConfig, ImageCacheConfig };
export type { BackendConfig, S3BackendConfig, StoreType } from './stores';

export type AuthFlavor = 'noauth' | 'trusted-headers' | 'keystone';

export interface GlanceConfig {
  configFile: string | null;
  bindHost: string;
  bindPort: number;
  /** Base URL that clients reach us at (Glance's public_endpoint); null = from the Host header. */
  publicEndpoint: string | null;
  /** This node's own URL, reachable by the other nodes (Glance's worker_self_reference_url); null = one node. */
  workerSelfReferenceUrl: string | null;
  /** Seconds between this node's heartbeats; a node silent for 4 of its intervals is taken as dead. */
  nodeHeartbeatInterval: number;
  imageSizeCap: number;
  /** Seconds a client connection may stay silent before it is closed; 0 = never (Glance's client_socket_timeout). */
  clientSocketTimeout: number;
  authFlavor: AuthFlavor;
  /** The project every noauth request acts for. */
  noauthProjectId: string;
  /** The image stores (glance_store): one, or several with ids (enabled_backends). */
  stores: StoresConfig;
  /** Every directory of every file store. */
  storeDirs: StoreDir[];
  /** Where the embedded MariaDB and other local state live when no DATABASE_URL is given. */
  dataDir: string;
  databaseUrl: string | null;
  logLevel: string;
  /** Where browser (tus) uploads are staged before import: Glance's node_staging_uri, as a path. */
  stagingDir: string;
  /** An unfinished staged upload idle this long is removed and its image returned to queued. */
  stagingExpirySeconds: number;
  /** [image_format] require_image_format_match: refuse uploads whose content is not their disk_format. */
  requireImageFormatMatch: boolean;
  /** The embedded identity service (Keystone v3 subset at /v3). */
  identity: IdentityConfig;
  /** [keystone_authtoken]: when set, tokens are validated by that Keystone and our /v3 is off. */
  keystoneAuthtoken: KeystoneAuthtokenConfig | null;
  /** [oslo_policy] policy_file: the operator's overrides of Glance's default rules; null = defaults only. */
  policyFile: string | null;
  /** oslo.middleware's max_request_body_size: the largest JSON request body, in bytes. */
  maxRequestBodySize: number;
  /** Behind a load balancer: the client's address is the last X-Forwarded-For entry (the one the balancer added). */
  enableProxyHeadersParsing: boolean;
  /** Glance's legacy per-image quotas ([DEFAULT] image_*_quota); a negative value means unlimited. */
  quotas: ImageQuotas;
  /** [DEFAULT] enabled_import_methods, as written; /v2/info/import lists those of them this service implements. */
  enabledImportMethods: string[];
  /** [task] task_time_to_live, hours: a finished task expires this long after it ends. */
  taskTimeToLiveHours: number;
  /** [import_filtering_opts]: which URIs web-download may fetch (Glance's options, plus disallowed_networks). */
  importFiltering: ImportFilteringConfig;
  /** [glance_download_properties] extra_properties: prefixes of the properties glance-download copies from the remote image. */
  glanceDownloadProperties: string[];
  /** [DEFAULT] delayed_delete and the scrubber's options. */
  delayedDelete: DelayedDeleteConfig;
  /** [DEFAULT] image_cache_*: the node-local image cache (lib/cache). */
  imageCache: ImageCacheConfig;
}

export interface ImageQuotas {
  imageProperty: number;
  imageTag: number;
  imageMember: number;
  imageLocation: number;
  /** user_storage_quota in bytes: a project's image data (size x locations); 0 = unlimited. */
  userStorage: number;
  /** use_keystone_limits: per-project unified limits replace user_storage_quota. */
  useKeystoneLimits: boolean;
  /** [oslo_limit]: which endpoint's limits apply when they come from a delegated Keystone. */
  osloLimit: { endpointId: string | null; endpointServiceType: string | null; endpointRegionName: string | null };
}

export interface IdentityConfig {
  /** Token lifetime in seconds (Keystone's [token] expiration). */
  tokenExpiration: number;
  /** Failed password attempts before a user is locked out for lockoutDuration seconds. */
  lockoutFailureAttempts: number;
  lockoutDuration: number;
  /** Failed sign-ins one client address may make per loginThrottleWindow seconds before it gets 429; 0 = off. */
  loginThrottleFailures: number;
  loginThrottleWindow: number;
  region: string;
  /** keystone-manage bootstrap's inputs; OS_BOOTSTRAP_* env variables override them. */
  bootstrapUsername: string;
  bootstrapPassword: string | null;
  bootstrapProjectName: string;
  /** Where the first start writes the admin-openrc file; empty = do not write one. */
  adminOpenrc: string | null;
}

export interface KeystoneAuthtokenConfig {
  wwwAuthenticateUri: string;
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  /** How long a validated token is trusted without asking Keystone again (keystonemiddleware's token_cache_time). */
  tokenCacheTime: number;
}

const DEFAULT_IMAGE_SIZE_CAP = 1099511627776; // 1 TiB, Glance's default
const DEFAULT_STAGING_EXPIRY = 86400; // a day without progress
const DEFAULT_MAX_REQUEST_BODY_SIZE = 114688; // oslo.middleware's default (112 KiB)
const DEFAULT_CLIENT_SOCKET_TIMEOUT = 900; // Glance's default, seconds
const DEFAULT_NODE_HEARTBEAT_INTERVAL = 5; // seconds: a dead node's uploads are repaired within ~25 s

const DEFAULT_IMPORT_METHODS = ['glance-direct', 'web-download', 'copy-image']; // Glance's default
const DEFAULT_GLANCE_DOWNLOAD_PROPERTIES = ['hw_', 'trait:', 'os_distro', 'os_secure_boot', 'os_type']; // Glance's default

/** An oslo.config ListOpt: comma-separated, optionally in brackets, items trimmed (and unquoted). */
export function listOpt(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  let v = raw.trim();
  if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
  return v.split(',').map((x) => x.trim().replace(/^(['"])(.*)\1$/, '$2')).filter((x) => x !== '');
}

/** worker_self_reference_url: an http(s) URL without path, as the other nodes reach this one. */
function selfReferenceUrl(raw: string | undefined): string | null {
  const v = (raw ?? '').trim().replace(/\/+$/, '');
  if (v === '') return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`[DEFAULT] worker_self_reference_url must be a URL such as http://10.0.0.11:9292, got "${v}"`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.pathname !== '/' || u.search || u.hash || u.username) {
    throw new ConfigError(`[DEFAULT] worker_self_reference_url must be http(s)://HOST[:PORT] without a path, got "${v}"`);
  }
  return v;
}

/** `file:///path` (Glance's form) or a bare path; default <data_dir>/staging. */
function stagingDirOf(raw: string | undefined, dataDir: string, baseDir: string): string {
  const v = (raw ?? '').trim();
  if (v === '') return path.join(dataDir, 'staging');
  if (v.startsWith('file://')) return path.resolve(v.slice('file://'.length));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) throw new ConfigError(`[DEFAULT] node_staging_uri must be a file:// URI, got "${v}"`);
  return path.resolve(baseDir, v);
}

export function defaultConfigFile(root = process.cwd()): string {
  return path.join(/*turbopackIgnore: true*/ root, 'etc', 'glance-api.conf');
}

/** Resolve the config file: explicit argument, GLANCE_CONFIG_FILE, then ./etc/glance-api.conf. */
export function configFilePath(explicit?: string | null): string | null {
  // The config file is chosen at run time; keep Next's file tracing out of it.
  const candidate = path.resolve(/*turbopackIgnore: true*/ explicit || process.env.GLANCE_CONFIG_FILE || defaultConfigFile());
  const present = existsSync(/*turbopackIgnore: true*/ candidate);
  if ((explicit || process.env.GLANCE_CONFIG_FILE) && !present) throw new ConfigError(`config file ${candidate} does not exist`);
  return present ? candidate : null;
}

function parseQuotas(dflt: Section, osloLimit: Section = {}): ImageQuotas {
  const quota = (key: string, fallback: number) => signedInt('DEFAULT', key, last(dflt[key]), fallback);
  return {
    imageProperty: quota('image_property_quota', 128),
    imageTag: quota('image_tag_quota', 128),
    imageMember: quota('image_member_quota', 128),
    imageLocation: quota('image_location_quota', 10),
    userStorage: storageQuota(last(dflt.user_storage_quota)),
    useKeystoneLimits: bool('DEFAULT', 'use_keystone_limits', last(dflt.use_keystone_limits), false),
    osloLimit: {
      endpointId: str(osloLimit, 'endpoint_id') || null,
      endpointServiceType: str(osloLimit, 'endpoint_service_type') || null,
      endpointRegionName: str(osloLimit, 'endpoint_region_name') || null,
    },
  };
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Glance's user_storage_quota: digits, optionally followed by B, KB, MB, GB or TB (binary units), no spaces. */
export function storageQuota(raw: string | undefined): number {
  const v = (raw ?? '').trim() || '0';
  const m = /^(\d+)((K|M|G|T)?B)?$/.exec(v);
  if (!m) throw new ConfigError(`[DEFAULT] user_storage_quota must be a number optionally followed by B, KB, MB, GB or TB, got "${v}"`);
  return Number(m[1]) * UNITS[m[2] ?? 'B'];
}

export function parseConfig(text: string, configFile: string | null, root = process.cwd()): GlanceConfig {
  const doc = decode(text, { bracketedArray: false }) as Record<string, Section>;
  const dflt: Section = doc.DEFAULT ?? {};
  const paste: Section = doc.paste_deploy ?? {};
  const db: Section = doc.database ?? {};
  const noauth: Section = doc.noauth ?? {};
  const identity: Section = doc.identity ?? {};
  const authtoken: Section = doc.keystone_authtoken ?? {};
  const imageFormat: Section = doc.image_format ?? {};
  const osloMiddleware: Section = doc.oslo_middleware ?? {};
  // Relative paths are taken from the project root (where npm start runs).
  const baseDir = root;
  const dataDir = path.resolve(baseDir, last(dflt.data_dir) || 'data');

  const stores = parseStores(doc, dataDir, baseDir);

  // Fail closed: without a flavor every request needs a token; noauth only when asked for.
  const { auth: flavorRaw, cacheFlavor } = splitCacheFlavor((last(paste.flavor) ?? '').trim());
  const flavor: AuthFlavor =
    flavorRaw === '' || flavorRaw === 'keystone' ? 'keystone'
      : flavorRaw === 'noauth' ? 'noauth'
      : flavorRaw === 'trusted-headers' || flavorRaw === 'trusted-auth' ? 'trusted-headers'
        : (() => { throw new ConfigError(`[paste_deploy] flavor "${flavorRaw}" is not one of noauth, trusted-headers, keystone`); })();

  const connection = (last(db.connection) ?? '').trim();
  return {
    configFile,
    bindHost: (last(dflt.bind_host) ?? '').trim() || '0.0.0.0',
    bindPort: int('DEFAULT', 'bind_port', last(dflt.bind_port), 9292),
    publicEndpoint: (last(dflt.public_endpoint) ?? '').trim().replace(/\/+$/, '') || null,
    workerSelfReferenceUrl: selfReferenceUrl(last(dflt.worker_self_reference_url)),
    nodeHeartbeatInterval: positiveInt('DEFAULT', 'node_heartbeat_interval', last(dflt.node_heartbeat_interval), DEFAULT_NODE_HEARTBEAT_INTERVAL),
    imageSizeCap: int('DEFAULT', 'image_size_cap', last(dflt.image_size_cap), DEFAULT_IMAGE_SIZE_CAP),
    clientSocketTimeout: int('DEFAULT', 'client_socket_timeout', last(dflt.client_socket_timeout), DEFAULT_CLIENT_SOCKET_TIMEOUT),
    authFlavor: flavor,
    noauthProjectId: (last(noauth.project_id) ?? '').trim() || 'admin',
    stores,
    storeDirs: fileStoreDirs(stores),
    dataDir,
    databaseUrl: process.env.DATABASE_URL || (connection ? connection.replace(/^mysql\+\w+:/, 'mysql:') : null),
    logLevel: (last(dflt.log_level) ?? '').trim() || (last(dflt.debug) === 'true' ? 'debug' : 'info'),
    stagingDir: stagingDirOf(last(dflt.node_staging_uri), dataDir, baseDir),
    stagingExpirySeconds: int('DEFAULT', 'node_staging_expiry', last(dflt.node_staging_expiry), DEFAULT_STAGING_EXPIRY),
    requireImageFormatMatch: bool('image_format', 'require_image_format_match', last(imageFormat.require_image_format_match), true),
    identity: parseIdentity(identity, baseDir),
    keystoneAuthtoken: parseAuthtoken(authtoken),
    policyFile: policyFileOf(last((doc.oslo_policy ?? {}).policy_file), configFile, baseDir),
    // [DEFAULT] max_request_body_size is oslo's deprecated spelling of the same option.
    maxRequestBodySize: int('oslo_middleware', 'max_request_body_size', last(osloMiddleware.max_request_body_size) ?? last(dflt.max_request_body_size), DEFAULT_MAX_REQUEST_BODY_SIZE),
    enableProxyHeadersParsing: bool('oslo_middleware', 'enable_proxy_headers_parsing', last(osloMiddleware.enable_proxy_headers_parsing), false),
    quotas: parseQuotas(dflt, doc.oslo_limit),
    enabledImportMethods: listOpt(last(dflt.enabled_import_methods)) ?? DEFAULT_IMPORT_METHODS,
    taskTimeToLiveHours: int('task', 'task_time_to_live', last((doc.task ?? {}).task_time_to_live), 48),
    importFiltering: parseImportFiltering(doc.import_filtering_opts),
    glanceDownloadProperties: listOpt(last((doc.glance_download_properties ?? {}).extra_properties)) ?? DEFAULT_GLANCE_DOWNLOAD_PROPERTIES,
    delayedDelete: parseDelayedDelete(dflt),
    imageCache: parseImageCache(dflt, baseDir, cacheFlavor),
  };
}

const DEFAULT_POLICY_FILE = 'policy.yaml';

/**
 * oslo.policy's policy_file: relative names are looked for beside the config
 * file, then in the project root. Unset: policy.yaml beside the config file if
 * there is one (as Glance), else the defaults alone. A named file must exist.
 */
function policyFileOf(raw: string | undefined, configFile: string | null, baseDir: string): string | null {
  const name = (raw ?? '').trim();
  const configDir = configFile ? [path.dirname(configFile)] : [];
  if (name === '') {
    const beside = configDir.map((d) => path.join(d, DEFAULT_POLICY_FILE)).find((f) => existsSync(/*turbopackIgnore: true*/ f));
    return beside ?? null;
  }
  const candidates = path.isAbsolute(name) ? [name] : [...configDir, baseDir].map((d) => path.resolve(d, name));
  const found = candidates.find((f) => existsSync(/*turbopackIgnore: true*/ f));
  if (found) return found;
  throw new ConfigError(`[oslo_policy] policy_file ${name} not found (looked in ${candidates.join(', ')})`);
}

function parseIdentity(s: Section, baseDir: string): IdentityConfig {
  const env = process.env;
  const openrc = s.admin_openrc === undefined ? 'admin-openrc' : str(s, 'admin_openrc');
  return {
    tokenExpiration: int('identity', 'token_expiration', last(s.token_expiration), 3600),
    lockoutFailureAttempts: int('identity', 'lockout_failure_attempts', last(s.lockout_failure_attempts), 5),
    lockoutDuration: int('identity', 'lockout_duration', last(s.lockout_duration), 60),
    loginThrottleFailures: int('identity', 'login_throttle_failures', last(s.login_throttle_failures), 20),
    loginThrottleWindow: int('identity', 'login_throttle_window', last(s.login_throttle_window), 300),
    region: str(s, 'region_id') || 'RegionOne',
    bootstrapUsername: env.OS_BOOTSTRAP_USERNAME || str(s, 'bootstrap_username') || 'admin',
    bootstrapPassword: env.OS_BOOTSTRAP_PASSWORD || str(s, 'bootstrap_password') || null,
    bootstrapProjectName: env.OS_BOOTSTRAP_PROJECT_NAME || str(s, 'bootstrap_project_name') || 'admin',
    adminOpenrc: openrc ? path.resolve(baseDir, openrc) : null,
  };
}

function parseAuthtoken(s: Section): KeystoneAuthtokenConfig | null {
  const authUrl = str(s, 'auth_url');
  if (!authUrl) return null;
  const need = (key: string) => {
    const v = str(s, key);
    if (!v) throw new ConfigError(`[keystone_authtoken] ${key} is required when auth_url is set`);
    return v;
  };
  return {
    authUrl: authUrl.replace(/\/+$/, ''),
    wwwAuthenticateUri: (str(s, 'www_authenticate_uri') || authUrl).replace(/\/+$/, ''),
    username: need('username'),
    password: need('password'),
    projectName: str(s, 'project_name') || 'service',
    userDomainName: str(s, 'user_domain_name') || 'Default',
    projectDomainName: str(s, 'project_domain_name') || 'Default',
    tokenCacheTime: int('keystone_authtoken', 'token_cache_time', last(s.token_cache_time), 60),
  };
}

export function loadConfig(explicit?: string | null): GlanceConfig {
  const file = configFilePath(explicit);
  const text = file ? readFileSync(/*turbopackIgnore: true*/ file, 'utf8') : '';
  const config = parseConfig(text, file);
  const { useKeystoneLimits, osloLimit } = config.quotas;
  // As oslo.limit: limits kept by another Keystone need the endpoint they belong to.
  if (useKeystoneLimits && config.keystoneAuthtoken && !osloLimit.endpointId && !osloLimit.endpointServiceType) {
    throw new ConfigError('[oslo_limit] endpoint_id (or endpoint_service_type) is required with use_keystone_limits and [keystone_authtoken]');
  }
  return config;
}

let cached: GlanceConfig | null = null;
/** The server's configuration, read once per process. */
export function getConfig(): GlanceConfig {
  if (!cached) cached = loadConfig();
  return cached;
}
