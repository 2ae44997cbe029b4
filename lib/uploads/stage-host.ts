// Which node a browser (tus) upload's requests belong to: the node that
// staged it, as Glance's os_glance_stage_host. A request for an upload staged
// on another live node is forwarded there (the HTTP layer's proxy); one whose
// node is dead has that upload repaired first (its image back to queued) and
// is then answered here, where the data is not (tus 404: the console starts
// the upload again).
import { logger } from '@/lib/log';
import { repairUploadOf } from '@/lib/nodes/repair';
import { uploadOwner } from '@/lib/nodes/upload-owners';

export type StageRoute = { to: 'here' } | { to: 'node'; url: string };

const HERE: StageRoute = { to: 'here' };

export async function stageRoute(imageId: string | null): Promise<StageRoute> {
  if (imageId === null) return HERE;
  const owner = await uploadOwner(imageId);
  if (!owner || owner.mine) return HERE;
  if (!owner.dead) {
    // A live node without worker_self_reference_url cannot be reached: this node takes the upload over.
    return owner.url ? { to: 'node', url: owner.url } : HERE;
  }
  logger.warn({ imageId, node: owner.url ?? owner.nodeId }, 'a browser upload\'s staging node stopped: repairing it');
  await repairUploadOf(imageId, owner.nodeId, owner.url ?? owner.nodeId);
  return HERE;
}
