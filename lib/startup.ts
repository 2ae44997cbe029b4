// Server start-up: refuse to run with unusable store directories or a bad
// policy file, warn when nobody is asked who they are (noauth), join the
// other nodes on the database (repairing the uploads this node's earlier run
// left: Glance would leave them stuck), settle deletes a stop interrupted.
import { ConfigError, getConfig, type GlanceConfig } from '@/lib/config';
import { logger } from '@/lib/log';
import { stores } from '@/lib/stores';
import { StoreConfigError } from '@/lib/stores/driver';
import { settleInterruptedDeletes } from '@/lib/images/interrupted-deletes';
import { joinNodes } from '@/lib/nodes/heartbeat';
import { consoleSecret } from '@/lib/identity/console-secret';
import { bootstrapIdentity } from '@/lib/identity/bootstrap';
import { identityEnabled } from '@/lib/identity/enabled';
import { purgeExpiredTokens } from '@/lib/identity/tokens';
import { ruleSet } from '@/lib/policy';
import { PolicyFileError } from '@/lib/policy/rules';
import { loadShippedMetadefsIfEmpty } from '@/lib/metadefs/load';
import { imageCache } from '@/lib/cache/cache';
import { startPrefetcher } from '@/lib/cache/prefetcher';

export const NOAUTH_WARNING =
  '[paste_deploy] flavor = noauth: every request is served as an admin without authentication; use it only for tests and development';

/** Read the policy rules now, so a bad policy file stops the start instead of a request. */
function loadPolicy(): void {
  try {
    const rules = ruleSet();
    if (rules.source) logger.info({ policyFile: rules.source }, 'policy rules overridden by the policy file');
    for (const name of rules.unused) logger.warn({ policyFile: rules.source, rule: name }, `policy file defines rule "${name}", which this service does not check and no rule refers to`);
  } catch (err) {
    if (!(err instanceof PolicyFileError)) throw err;
    logger.fatal(err.message);
    console.error(`glance-api: ${err.message}`);
    process.exit(1);
  }
}

/** The configuration, or stop: Next keeps serving when instrumentation throws, and a bad config must not serve. */
function configOrStop(): GlanceConfig {
  try {
    return getConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger.fatal(err.message);
    console.error(`glance-api: ${err.message}`);
    process.exit(1);
  }
}

export async function startUp(): Promise<void> {
  const config = configOrStop();
  if (config.authFlavor === 'noauth') {
    logger.warn(NOAUTH_WARNING);
    console.warn(`glance-api: WARNING: ${NOAUTH_WARNING}`);
  }
  loadPolicy();
  try {
    for (const s of stores().all()) await s.verify();
  } catch (err) {
    if (err instanceof StoreConfigError) {
      logger.fatal(err.message);
      console.error(`glance-api: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  await joinNodes();
  // The node's image cache: its directory made and checked now, its prefetcher started.
  const cache = imageCache();
  if (cache) {
    startPrefetcher();
    logger.info({ dir: cache.dir, maxSize: cache.config.maxSize, cached: cache.cached().length }, 'image cache on');
  }
  await settleInterruptedDeletes();
  // Glance's operators run db_load_metadefs once; here the first start does it.
  const metadefs = await loadShippedMetadefsIfEmpty();
  if (metadefs > 0) logger.info({ files: metadefs }, 'loaded the shipped metadata definitions (etc/metadefs)');
  // Read (or made) now: a sign-in never waits for it, and a database problem shows at start.
  if (config.authFlavor === 'keystone') await consoleSecret();
  if (identityEnabled()) {
    const { created, openrc } = await bootstrapIdentity(config);
    await purgeExpiredTokens();
    if (created) logger.info({ user: config.identity.bootstrapUsername, project: config.identity.bootstrapProjectName }, 'identity bootstrapped');
    if (openrc) logger.info({ openrc }, 'wrote admin credentials: `. admin-openrc` to use the openstack CLI');
  }
  logger.info({ bind: `${config.bindHost}:${config.bindPort}`, auth: config.authFlavor, stores: config.stores.backends.map((b) => `${b.id}:${b.type}`), defaultStore: config.stores.defaultBackend }, 'glance-api ready');
}

