// Image rows through Prisma. Soft-deleted rows stay in the tables, as in Glance.
import { db, type Db } from '@/lib/db/client';
import type { ImageRow } from './view';

export const WITH_CHILDREN = {
  properties: { where: { deleted: false }, orderBy: { id: 'asc' } },
  tags: { where: { deleted: false }, orderBy: { id: 'asc' } },
} as const;

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function looksLikeImageId(id: string): boolean {
  return UUID.test(id);
}

/** A live (not deleted) image with its properties, tags and members, or null. */
export async function findLiveImage(id: string, client: Db | Tx = db()) {
  if (!looksLikeImageId(id)) return null;
  return client.image.findFirst({
    where: { id, deleted: false },
    include: { ...WITH_CHILDREN, members: { where: { deleted: false } } },
  });
}

export async function reload(id: string, client: Db | Tx = db()): Promise<ImageRow> {
  return client.image.findUniqueOrThrow({ where: { id }, include: WITH_CHILDREN });
}

export async function activeLocation(imageId: string, client: Db | Tx = db()) {
  return client.imageLocation.findFirst({ where: { imageId, deleted: false, status: 'active' }, orderBy: { id: 'asc' } });
}

/** Now, to the second: Glance's DATETIME columns carry no fraction. */
export function nowSeconds(): Date {
  const d = new Date();
  d.setMilliseconds(0);
  return d;
}
