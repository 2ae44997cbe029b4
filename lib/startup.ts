// Server start-up: refuse to run with unusable store directories or a bad
// policy file, warn when nobody is asked who they are (noauth), and put
// back any upload a crash left in `saving` (Glance would leave it stuck).
import { ConfigError, getConfig, type GlanceConfig } from '@/lib/config';
import { logger } from '@/lib/log';
import { stores } from '@/lib/stores';
import { StoreConfigError } from '@/lib/stores/driver';
import { isLocationRecorded } from '@/lib/images/repository';
import { repairInterruptedUploads } from '@/lib/images/status';
import { bootstrapIdentity } from '@/lib/identity/bootstrap';
import { identityEnabled } from '@/lib/identity/enabled';
import { purgeExpiredTokens } from '@/lib/identity/tokens';
import { ruleSet } from '@/lib/policy';
import { PolicyFileError } from '@/lib/policy/rules';

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
  await repairInterruptedUploads();
  await settleInterruptedDeletes();
  if (identityEnabled()) {
    const { created, openrc } = await bootstrapIdentity(config);
    await purgeExpiredTokens();
    if (created) logger.info({ user: config.identity.bootstrapUsername, project: config.identity.bootstrapProjectName }, 'identity bootstrapped');
    if (openrc) logger.info({ openrc }, 'wrote admin credentials: `. admin-openrc` to use the openstack CLI');
  }
  logger.info({ bind: `${config.bindHost}:${config.bindPort}`, auth: config.authFlavor, stores: config.stores.backends.map((b) => `${b.id}:${b.type}`), defaultStore: config.stores.defaultBackend }, 'glance-api ready');
}

/** Image files a restart caught moved aside by a delete: back if the delete was not committed, else removed. */
async function settleInterruptedDeletes(): Promise<void> {
  for (const s of stores().all()) {
    for (const d of await s.detachedData()) {
      const recorded = await isLocationRecorded(d.location);
      if (recorded) await s.reattach(d);
      else await s.purge(d);
      logger.warn({ store: s.id, location: d.location, restored: Boolean(recorded) }, 'delete interrupted by a restart: settled');
    }
  }
}
