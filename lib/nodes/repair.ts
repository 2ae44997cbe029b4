// Uploads whose node stopped, repaired by a node that is alive: at start-up
// those of this node's own earlier run (at once), and on every heartbeat
// those of nodes whose heartbeat went stale. An upload another live node
// serves is never touched. Each repair first claims the upload (one node
// wins), then, by status:
//   saving     back to queued, partial data removed (as a restart always did)
//   importing  imported again if the staged data is here, else back to queued
//   uploading  kept if the staged data is here (it resumes), else back to queued
//   queued     a staged upload's record: kept if the data is here, else dropped
import { serverActor, type Actor } from '@/lib/images/actor';
import { settleInterruptedDeletes } from '@/lib/images/interrupted-deletes';
import { findLiveImage, liveProperty } from '@/lib/images/repository';
import { requeueOrphanedUpload } from '@/lib/images/status';
import { logger } from '@/lib/log';
import { importStaged } from '@/lib/uploads/lifecycle';
import { resumeImports, resumeImportOf } from '@/lib/imports/resume';
import { findStaged, removeStaged } from '@/lib/uploads/staging';
import { STAGE_METADATA } from '@/lib/imports/stage';
import { LOCK_PROPERTY } from '@/lib/imports/lock';
import { thisNode, type NodeSelf } from './identity';
import { deadNodes, namesakes, type RepairMode } from './liveness';
import { forgetNode, otherNodes, type NodeRow } from './registry';
import { claimUpload, releaseUploadOf, trackedUploads, type TrackedUpload } from './upload-owners';

/** Statuses in which an image may have a node serving its upload (queued: a staged upload's first chunk not yet in). */
const UPLOAD_STATUSES = ['queued', 'saving', 'uploading', 'importing'];

/** Repair every upload whose node is gone; the number of uploads taken over. */
export async function repairOrphanedUploads(mode: RepairMode): Promise<number> {
  const self = thisNode();
  // Uploads before nodes: a node that starts in between registered before it served anything.
  const uploads = await trackedUploads();
  const nodes = await otherNodes(self);
  const dead = deadNodes(nodes, mode, self);
  const others = nodes.filter((n) => !dead.includes(n));
  if (mode === 'startup') warnAboutConfig(nodes, others, self);
  const alive = new Set(others.map((n) => n.id).concat(self.id));
  const names = new Map(nodes.map((n) => [n.id, n.name]));
  const actor = serverActor(mode === 'startup' ? 'startup-repair' : 'node-repair');
  let repaired = 0;
  for (const upload of uploads) {
    const leftover = !UPLOAD_STATUSES.includes(upload.status);
    if (leftover) {
      // A copy-image run names its node while its active image holds the import lock (resumeImports looks after it).
      if (upload.status === 'active' && (await liveProperty(upload.imageId, LOCK_PROPERTY)) !== null) continue;
      await releaseUploadOf(upload.imageId, upload.nodeId!); // its image moved on: nobody serves it
      continue;
    }
    if (upload.nodeId !== null && alive.has(upload.nodeId)) continue;
    const owner = upload.nodeId === null ? 'unknown' : (names.get(upload.nodeId) ?? upload.nodeId);
    try {
      if (await takeOver(actor, upload, owner)) repaired++;
    } catch (err) {
      logger.error({ err, imageId: upload.imageId, node: owner }, 'could not repair an upload of a stopped node');
    }
  }
  // Their uploads are ours now; a row removed too early only makes its uploads ownerless, which is repaired the same way.
  for (const n of dead) await forgetNode(n.id);
  // A node that died may have been in the middle of a delete (start-up settles these on its own).
  if (mode === 'periodic' && dead.length > 0) await settleInterruptedDeletes();
  // Import tasks whose run stopped (their node's, or this node's own earlier run).
  await resumeImports().catch((err) => logger.error({ err }, 'could not resume interrupted import tasks'));
  return repaired;
}

/** Repair one upload found to belong to a dead node (a request for it arrived here). */
export async function repairUploadOf(imageId: string, deadNodeId: string, owner: string): Promise<void> {
  const image = await findLiveImage(imageId);
  const status = image?.status ?? 'deleted';
  if (UPLOAD_STATUSES.includes(status)) await takeOver(serverActor('node-repair'), { imageId, status, nodeId: deadNodeId }, owner);
  else await releaseUploadOf(imageId, deadNodeId);
}

async function takeOver(actor: Actor, upload: TrackedUpload, owner: string): Promise<boolean> {
  const id = upload.imageId;
  const staged = await findStaged(id);
  if (upload.status === 'queued') {
    if (staged) return claimUpload(id, upload.nodeId);
    await releaseUploadOf(id, upload.nodeId!);
    return false;
  }
  if (!(await claimUpload(id, upload.nodeId))) return false; // another node was first
  const log = { imageId: id, status: upload.status, node: owner };
  if (upload.status === 'saving') {
    await requeueOrphanedUpload(actor, id, 'saving', 'reset_after_restart', `the server serving the upload (${owner}) stopped`);
    logger.warn(log, 'upload interrupted: its server stopped; image returned to queued');
  } else if (upload.status === 'importing') {
    if (await resumeImportOf(id)) {
      logger.warn(log, 'import interrupted: its server stopped; its task runs again here');
    } else if (staged && staged.size !== undefined && staged.offset === staged.size) {
      logger.warn(log, 'import interrupted: its server stopped; importing again from the staged data');
      void importStaged(actor, id).catch((err) => logger.error({ err, imageId: id }, 'resumed import failed'));
    } else {
      await requeueOrphanedUpload(actor, id, 'importing', 'import_failed', `the server importing the upload (${owner}) stopped`);
      logger.warn(log, 'import interrupted: its server stopped and the staged data is not here; image returned to queued');
    }
  } else if (staged && staged.metadata?.via === STAGE_METADATA.via && staged.offset !== staged.size) {
    // A PUT /stage cut short: unlike a browser upload it cannot resume.
    await requeueOrphanedUpload(actor, id, 'uploading', 'upload_expired', `the server staging the data (${owner}) stopped`);
    await removeStaged(id);
    logger.warn(log, 'stage interrupted: its server stopped; image returned to queued');
  } else if (!staged) {
    await requeueOrphanedUpload(actor, id, 'uploading', 'upload_expired', `the server staging the upload (${owner}) stopped`);
    logger.warn(log, 'staged upload lost: its server stopped; image returned to queued');
  } else {
    logger.info(log, 'staged upload taken over: its data is here, it can resume');
  }
  return true;
}

/** Node settings that break the others' work: no URL to reach this node, or a name two live processes share. */
function warnAboutConfig(nodes: NodeRow[], others: NodeRow[], self: NodeSelf): void {
  if (!self.url && others.length > 0) {
    logger.warn({ nodes: others.map((n) => n.name) }, 'other nodes use this database but [DEFAULT] worker_self_reference_url is not set here: browser uploads staged here cannot be continued through them');
  }
  for (const n of namesakes(nodes, self)) {
    logger.warn({ node: n.name }, 'another server process with this node name has a fresh heartbeat: if it still runs, give each node its own [DEFAULT] worker_self_reference_url');
  }
}
