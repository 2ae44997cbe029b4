// The hand-written migrations must build exactly what prisma/schema.prisma
// declares (and what the generated client was generated from): tables,
// @map'ed columns, type families, nullability, keys and indexes; and the
// `_prisma_migrations` bookkeeping must look like Prisma's own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as mariadb from 'mariadb';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaClient } from '../../../lib/generated/prisma/client';
import { migrate, migrationsDir } from '../../../lib/db/migrate';
import { databaseName, poolConfigFromUrl } from '../../../lib/db/url';
import { ROOT } from '../../../scripts/lib/server';
import { databaseUrlFor } from '../../helpers/server';
import { readDatamodel, schemaDrift, type Datamodel } from '../../helpers/schema-drift';

const MIGRATIONS = migrationsDir(ROOT);
const migrationNames = readdirSync(MIGRATIONS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
let datamodel: Datamodel;
const opened: { url: string; conn: mariadb.Connection }[] = [];

/** A freshly migrated database of its own. */
async function freshDatabase() {
  const url = databaseUrlFor(`drift_${randomBytes(5).toString('hex')}`);
  const result = await migrate(url, MIGRATIONS);
  const conn = await mariadb.createConnection({ ...poolConfigFromUrl(url), bigIntAsNumber: true });
  opened.push({ url, conn });
  return { url, conn, result, database: databaseName(url) };
}

before(() => {
  datamodel = readDatamodel(path.join(ROOT, 'prisma', 'schema.prisma'));
});

after(async () => {
  for (const { url, conn } of opened) {
    await conn.query(`DROP DATABASE IF EXISTS \`${databaseName(url)}\``);
    await conn.end();
  }
});

test('the generated client was generated from prisma/schema.prisma as it is now', async () => {
  const { url } = await freshDatabase();
  const client = new PrismaClient({ adapter: new PrismaMariaDb(poolConfigFromUrl(url), { database: databaseName(url) }) });
  // Prisma 7 keeps only this runtime data model in the generated client (no Prisma.dmmf any more).
  const runtime = (client as unknown as { _runtimeDataModel: { models: Record<string, { dbName: string | null; fields: { name: string; kind: string; type: string; dbName?: string }[] }> } })._runtimeDataModel;
  const fromClient = Object.entries(runtime.models).map(([name, m]) => ({
    name,
    dbName: m.dbName,
    fields: m.fields.map((f) => `${f.name}:${f.kind}:${f.type}:${f.dbName ?? f.name}`),
  }));
  const fromSchema = datamodel.models.map((m) => ({
    name: m.name,
    dbName: m.dbName,
    fields: m.fields.map((f) => `${f.name}:${f.kind}:${f.type}:${f.dbName ?? f.name}`),
  }));
  assert.deepEqual(fromClient, fromSchema, 'run `prisma generate` after editing the schema');
  await client.$disconnect();
});

test('a freshly migrated database has every table, column, type, nullability, key and index the schema declares', async () => {
  const { conn, result, database } = await freshDatabase();
  assert.deepEqual(result.applied, migrationNames);
  assert.deepEqual(await schemaDrift(conn, database, datamodel), []);
  // The comparison really covered the schema.
  assert.ok(datamodel.models.length >= 6);
  assert.ok(datamodel.indexes.filter((i) => i.type === 'normal').length >= 15);
});

test('the comparison catches drift: a dropped column, a changed type or nullability, a missing or extra index', async () => {
  const { conn, database } = await freshDatabase();
  await conn.query('ALTER TABLE images DROP COLUMN os_hash_algo');
  await conn.query('ALTER TABLE images MODIFY name VARCHAR(100) NULL');
  await conn.query('ALTER TABLE image_tags MODIFY value VARCHAR(255) NULL');
  await conn.query('ALTER TABLE image_members MODIFY created_at DATETIME(3) NOT NULL');
  await conn.query('ALTER TABLE image_tags DROP INDEX ix_image_tags_value_deleted');
  await conn.query('ALTER TABLE image_properties DROP INDEX ix_image_properties_image_id_name, ADD INDEX ix_image_properties_image_id_name (image_id, name)');
  await conn.query('CREATE INDEX stray_idx ON images (min_ram)');
  await conn.query('ALTER TABLE image_events ADD COLUMN extra INT NULL');
  await conn.query('CREATE TABLE leftovers (id INT PRIMARY KEY)');
  const problems = await schemaDrift(conn, database, datamodel);
  const expected = [
    'column images.os_hash_algo (Image.osHashAlgo) is missing',
    'column images.name (Image.name) is varchar(100), expected length 255',
    'column image_tags.value (ImageTag.value) is NULL but the model says required',
    'column image_members.created_at (ImageMember.createdAt) is datetime(3), expected precision 0',
    'index image_tags.ix_image_tags_value_deleted (value, deleted) is missing',
    'index image_properties.ix_image_properties_image_id_name is not unique, expected unique',
    'index images.stray_idx (min_ram) is not declared in model Image',
    'column image_events.extra is not in model ImageEvent',
    'table leftovers is not in the schema',
  ];
  assert.deepEqual([...problems].sort(), [...expected].sort());
});

test('_prisma_migrations rows look like `prisma migrate deploy` wrote them, and a second run applies nothing', async () => {
  const { url, conn } = await freshDatabase();
  const rows: Record<string, unknown>[] = await conn.query('SELECT * FROM _prisma_migrations ORDER BY migration_name');
  assert.deepEqual(rows.map((r) => r.migration_name), migrationNames);
  for (const row of rows) {
    const name = row.migration_name as string;
    const file = readFileSync(path.join(MIGRATIONS, name, 'migration.sql'));
    assert.equal(row.checksum, createHash('sha256').update(file).digest('hex'), `${name}: checksum is sha256 of the file`);
    assert.match(String(row.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(row.finished_at instanceof Date, `${name}: finished_at set`);
    assert.ok(row.started_at instanceof Date && row.started_at <= row.finished_at);
    assert.equal(row.rolled_back_at, null);
    assert.equal(row.logs, null);
    assert.ok(Number(row.applied_steps_count) >= 1);
  }
  const columns: { COLUMN_NAME: string; COLUMN_TYPE: string; IS_NULLABLE: string }[] = await conn.query(
    "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = '_prisma_migrations' ORDER BY ORDINAL_POSITION",
    [databaseName(url)],
  );
  // Prisma's own table definition for MySQL.
  assert.deepEqual(columns.map((c) => `${c.COLUMN_NAME} ${c.COLUMN_TYPE} ${c.IS_NULLABLE}`), [
    'id varchar(36) NO', 'checksum varchar(64) NO', 'finished_at datetime(3) YES', 'migration_name varchar(255) NO',
    'logs text YES', 'rolled_back_at datetime(3) YES', 'started_at datetime(3) NO', 'applied_steps_count int(10) unsigned NO',
  ]);
  const again = await migrate(url, MIGRATIONS);
  assert.deepEqual(again, { applied: [], alreadyApplied: migrationNames });
  assert.equal((await conn.query('SELECT COUNT(*) AS n FROM _prisma_migrations'))[0].n, migrationNames.length);
});
