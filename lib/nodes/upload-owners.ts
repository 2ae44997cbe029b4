// image_uploads: which node serves an image's upload. Written in the same
// transaction as the status change that starts it (lib/images/status.ts), so
// an image in saving/uploading/importing always names its node; a staged
// browser upload names its node from its creation on (the stage host).
import { db, type Db } from '@/lib/db/client';
import type { Tx } from '@/lib/images/repository';
import { MISSED_BEATS, thisNode } from './identity';

/** This node serves the image's upload (or holds its staged data) from now on. */
export async function recordServingNode(client: Db | Tx, imageId: string): Promise<void> {
  await client.$executeRaw`
    INSERT INTO image_uploads (image_id, node_id, created_at) VALUES (${imageId}, ${thisNode().id}, NOW(3))
    ON DUPLICATE KEY UPDATE node_id = VALUES(node_id)`;
}

/** The upload ended (active, queued again, deleted): no node serves it. */
export async function releaseUpload(client: Db | Tx, imageId: string): Promise<void> {
  await client.$executeRaw`DELETE FROM image_uploads WHERE image_id = ${imageId}`;
}

/** Release only if `nodeId` still serves it (a cleanup that must not undo another node's newer claim). */
export async function releaseUploadOf(imageId: string, nodeId: string): Promise<void> {
  await db().$executeRaw`DELETE FROM image_uploads WHERE image_id = ${imageId} AND node_id = ${nodeId}`;
}

export interface UploadOwner {
  nodeId: string;
  /** The node's worker_self_reference_url (null: none, or its row is gone). */
  url: string | null;
  /** Its row is gone or its heartbeat stopped. */
  dead: boolean;
  mine: boolean;
}

/** Who serves the image's upload; null when nobody is recorded. */
export async function uploadOwner(imageId: string): Promise<UploadOwner | null> {
  const [row] = await db().$queryRaw<{ node_id: string; url: string | null; known: string | null; stale: number | bigint | null }[]>`
    SELECT u.node_id, n.url, n.id AS known,
           n.heartbeat_at < NOW(3) - INTERVAL (n.interval_ms * ${MISSED_BEATS * 1000}) MICROSECOND AS stale
    FROM image_uploads u LEFT JOIN service_nodes n ON n.id = u.node_id
    WHERE u.image_id = ${imageId}`;
  if (!row) return null;
  return { nodeId: row.node_id, url: row.url, dead: row.known === null || Number(row.stale) === 1, mine: row.node_id === thisNode().id };
}

/**
 * Take over an upload from `fromNodeId` (null: from nobody recorded). Only one
 * node wins: false when another node changed or took it first.
 */
export async function claimUpload(imageId: string, fromNodeId: string | null): Promise<boolean> {
  const me = thisNode().id;
  const n = fromNodeId === null
    ? await db().$executeRaw`INSERT IGNORE INTO image_uploads (image_id, node_id, created_at) VALUES (${imageId}, ${me}, NOW(3))`
    : await db().$executeRaw`UPDATE image_uploads SET node_id = ${me} WHERE image_id = ${imageId} AND node_id = ${fromNodeId}`;
  return n === 1;
}

export interface TrackedUpload {
  imageId: string;
  status: string;
  /** Null: no node recorded (an upload begun before nodes were recorded). */
  nodeId: string | null;
}

/**
 * Uploads in progress (saving, uploading, importing) with their node, and
 * every other recorded upload (staged for a queued image, or left over: its
 * image active, deleted or gone) with the image's status.
 */
export async function trackedUploads(): Promise<TrackedUpload[]> {
  const rows = await db().$queryRaw<{ id: string; status: string; node_id: string | null }[]>`
    SELECT i.id, i.status, u.node_id FROM images i LEFT JOIN image_uploads u ON u.image_id = i.id
    WHERE i.deleted = 0 AND i.status IN ('saving', 'uploading', 'importing')
    UNION ALL
    SELECT u.image_id, IF(i.id IS NULL OR i.deleted = 1, 'deleted', i.status), u.node_id
    FROM image_uploads u LEFT JOIN images i ON i.id = u.image_id
    WHERE i.id IS NULL OR i.deleted = 1 OR i.status NOT IN ('saving', 'uploading', 'importing')`;
  return rows.map((r) => ({ imageId: r.id, status: r.status, nodeId: r.node_id }));
}

/** The node recorded for each of these images (those with one). */
export async function servingNodes(imageIds: string[]): Promise<Map<string, string>> {
  if (imageIds.length === 0) return new Map();
  const rows = await db().imageUpload.findMany({ where: { imageId: { in: imageIds } }, select: { imageId: true, nodeId: true } });
  return new Map(rows.map((r) => [r.imageId, r.nodeId]));
}
