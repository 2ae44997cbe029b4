// Server start-up: refuse to run with unusable store directories, and put
// back any upload a crash left in `saving` (Glance would leave it stuck).
import { getConfig } from '@/lib/config';
import { db } from '@/lib/db/client';
import { logger } from '@/lib/log';
import { store } from '@/lib/stores';
import { StoreConfigError } from '@/lib/stores/filesystem';
import { changeStatus } from '@/lib/images/service';
import { bootstrapIdentity } from '@/lib/identity/bootstrap';
import { identityEnabled } from '@/lib/identity/route';
import { purgeExpiredTokens } from '@/lib/identity/tokens';

export async function startUp(): Promise<void> {
  const config = getConfig();
  try {
    await store().verify();
  } catch (err) {
    if (err instanceof StoreConfigError) {
      logger.fatal(err.message);
      console.error(`glance-api: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  await resetInterruptedUploads();
  await settleInterruptedDeletes();
  if (identityEnabled()) {
    const { created, openrc } = await bootstrapIdentity(config);
    await purgeExpiredTokens();
    if (created) logger.info({ user: config.identity.bootstrapUsername, project: config.identity.bootstrapProjectName }, 'identity bootstrapped');
    if (openrc) logger.info({ openrc }, 'wrote admin credentials: `. admin-openrc` to use the openstack CLI');
  }
  logger.info({ bind: `${config.bindHost}:${config.bindPort}`, auth: config.authFlavor, stores: config.storeDirs }, 'glance-api ready');
}

async function resetInterruptedUploads(): Promise<void> {
  const stuck = await db().image.findMany({ where: { status: 'saving', deleted: false }, select: { id: true } });
  for (const { id } of stuck) {
    await store().removeUnrecorded(id); // a `saving` image has no location yet
    await db().$transaction((tx) =>
      changeStatus(tx, null, id, 'saving', 'queued', 'reset_after_restart', {}, 'the server stopped during the upload'),
    );
    logger.warn({ imageId: id }, 'upload interrupted by a restart: image returned to queued');
  }
}

/** Image files a restart caught moved aside by a delete: back if the delete was not committed, else removed. */
async function settleInterruptedDeletes(): Promise<void> {
  for (const d of await store().detachedFiles()) {
    const recorded = await db().imageLocation.findFirst({ where: { value: d.location, deleted: false }, select: { id: true } });
    if (recorded) await store().reattach(d);
    else await store().purge(d);
    logger.warn({ location: d.location, restored: Boolean(recorded) }, 'delete interrupted by a restart: settled');
  }
}
