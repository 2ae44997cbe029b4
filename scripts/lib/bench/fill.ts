// Populating the list test's 10,000 images quickly: rows written the way
// createImage() writes them (an images row plus its `created` event), in
// multi-row INSERTs. Used only when creating them through the API would take
// too long; the report says which way was used.
import { randomUUID } from 'node:crypto';
import * as mariadb from 'mariadb';
import { poolConfigFromUrl } from '../../../lib/db/url';

export async function countLiveImages(databaseUrl: string): Promise<number> {
  const conn = await mariadb.createConnection(poolConfigFromUrl(databaseUrl));
  try {
    const [row] = await conn.query({ sql: 'SELECT COUNT(*) AS n FROM images WHERE deleted = 0', bigIntAsNumber: true });
    return Number(row.n);
  } finally {
    await conn.end();
  }
}

export async function insertImages(databaseUrl: string, n: number, namePrefix: string, firstIndex: number, owner: string): Promise<void> {
  const conn = await mariadb.createConnection(poolConfigFromUrl(databaseUrl));
  const batch = 1000;
  try {
    for (let start = 0; start < n; start += batch) {
      const count = Math.min(batch, n - start);
      const now = new Date();
      now.setMilliseconds(0);
      const ids = Array.from({ length: count }, () => randomUUID());
      await conn.beginTransaction();
      await conn.batch(
        `INSERT INTO images (id, name, status, created_at, updated_at, deleted, disk_format, container_format, owner,
           min_disk, min_ram, protected, visibility, os_hidden)
         VALUES (?, ?, 'queued', ?, ?, 0, 'raw', 'bare', ?, 0, 0, 0, 'shared', 0)`,
        ids.map((id, i) => [id, `${namePrefix}-${firstIndex + start + i}`, now, now, owner]),
      );
      await conn.batch(
        `INSERT INTO image_events (image_id, action, to_status, project_id, created_at) VALUES (?, 'created', 'queued', ?, ?)`,
        ids.map((id) => [id, owner, new Date()]),
      );
      await conn.commit();
    }
  } finally {
    await conn.end();
  }
}
