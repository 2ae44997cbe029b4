// Compares Prisma's model metadata with a live MariaDB schema
// (information_schema): the migrations are hand-written, so nothing else
// checks that they build what prisma/schema.prisma declares.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import type { Connection } from 'mariadb';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isUnique: boolean;
  nativeType?: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { fields: string[] } | null;
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'normal' | 'unique' | 'fulltext';
  dbName?: string | null;
  fields: { name: string; length?: number }[];
}
export interface Datamodel {
  models: DmmfModel[];
  enums: { name: string; values: { name: string; dbName?: string | null }[] }[];
  indexes: DmmfIndex[];
}

/** The full DMMF (nullability, native types, indexes) of a schema file, from Prisma's own schema parser. */
export function readDatamodel(schemaFile: string): Datamodel {
  const schema = readFileSync(schemaFile, 'utf8');
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [[path.basename(schemaFile), schema]] })));
  return dmmf.datamodel as Datamodel;
}

interface Column {
  TABLE_NAME: string;
  COLUMN_NAME: string;
  IS_NULLABLE: 'YES' | 'NO';
  DATA_TYPE: string;
  COLUMN_TYPE: string;
  CHARACTER_MAXIMUM_LENGTH: number | null;
  DATETIME_PRECISION: number | null;
}
interface IndexColumn {
  TABLE_NAME: string;
  INDEX_NAME: string;
  NON_UNIQUE: number;
  SEQ_IN_INDEX: number;
  COLUMN_NAME: string;
  SUB_PART: number | null;
}

const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (f: DmmfField) => f.dbName ?? f.name;

/** What Prisma's MySQL connector creates for a field (type, and length or precision where it matters). */
function expectedType(field: DmmfField, enums: Datamodel['enums']): { dataType: string; columnType?: string; length?: number; precision?: number } {
  const [native, args = []] = field.nativeType ?? [undefined, []];
  if (field.kind === 'enum') {
    const values = enums.find((e) => e.name === field.type)!.values.map((v) => `'${v.dbName ?? v.name}'`);
    return { dataType: 'enum', columnType: `enum(${values.join(',')})` };
  }
  switch (field.type) {
    case 'String':
      if (native === 'Text') return { dataType: 'text' };
      if (native === 'VarChar' || native === undefined) return { dataType: 'varchar', length: Number(args[0] ?? 191) };
      return { dataType: native.toLowerCase() };
    case 'Int': return { dataType: 'int' };
    case 'BigInt': return { dataType: 'bigint' };
    case 'Boolean': return { dataType: 'tinyint', columnType: 'tinyint(1)' };
    case 'DateTime': return { dataType: 'datetime', precision: Number(args[0] ?? 3) };
    default: return { dataType: field.type.toLowerCase() };
  }
}

/** Every difference between the datamodel and the database, as readable lines (empty = none). */
export async function schemaDrift(conn: Connection, database: string, dm: Datamodel): Promise<string[]> {
  const problems: string[] = [];
  const tables = new Set(
    ((await conn.query('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database])) as { TABLE_NAME: string }[]).map((t) => t.TABLE_NAME),
  );
  const columns: Column[] = await conn.query(
    'SELECT TABLE_NAME, COLUMN_NAME, IS_NULLABLE, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, DATETIME_PRECISION FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?',
    [database],
  );
  const indexColumns: IndexColumn[] = await conn.query(
    'SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
    [database],
  );
  const indexOf = (table: string, name: string) => indexColumns.filter((c) => c.TABLE_NAME === table && c.INDEX_NAME === name);
  const describe = (cols: IndexColumn[]) => cols.map((c) => (c.SUB_PART ? `${c.COLUMN_NAME}(${c.SUB_PART})` : c.COLUMN_NAME)).join(', ');

  for (const model of dm.models) {
    const table = tableOf(model);
    if (!tables.has(table)) {
      problems.push(`table ${table} (model ${model.name}) is missing`);
      continue;
    }
    const scalar = model.fields.filter((f) => f.kind !== 'object');
    for (const field of scalar) {
      const where = `${table}.${columnOf(field)} (${model.name}.${field.name})`;
      const col = columns.find((c) => c.TABLE_NAME === table && c.COLUMN_NAME === columnOf(field));
      if (!col) {
        problems.push(`column ${where} is missing`);
        continue;
      }
      const nullable = col.IS_NULLABLE === 'YES';
      if (nullable === field.isRequired) problems.push(`column ${where} is ${nullable ? 'NULL' : 'NOT NULL'} but the model says ${field.isRequired ? 'required' : 'optional'}`);
      const want = expectedType(field, dm.enums);
      const got = col.DATA_TYPE.toLowerCase();
      if (got !== want.dataType) problems.push(`column ${where} is ${col.COLUMN_TYPE}, expected type ${want.dataType}`);
      else if (want.columnType && col.COLUMN_TYPE.toLowerCase() !== want.columnType) problems.push(`column ${where} is ${col.COLUMN_TYPE}, expected ${want.columnType}`);
      else if (want.length !== undefined && Number(col.CHARACTER_MAXIMUM_LENGTH) !== want.length) problems.push(`column ${where} is ${col.COLUMN_TYPE}, expected length ${want.length}`);
      else if (want.precision !== undefined && Number(col.DATETIME_PRECISION) !== want.precision) problems.push(`column ${where} is ${col.COLUMN_TYPE}, expected precision ${want.precision}`);
    }
    for (const col of columns.filter((c) => c.TABLE_NAME === table)) {
      if (!scalar.some((f) => columnOf(f) === col.COLUMN_NAME)) problems.push(`column ${table}.${col.COLUMN_NAME} is not in model ${model.name}`);
    }

    // Primary key, @unique fields, @@unique and @@index: same columns, same order, same kind.
    const fieldColumn = (name: string) => columnOf(model.fields.find((f) => f.name === name)!);
    const declared: { name: string; unique: boolean; columns: string }[] = [];
    for (const idx of dm.indexes.filter((i) => i.model === model.name)) {
      const cols = idx.fields.map((f) => (f.length ? `${fieldColumn(f.name)}(${f.length})` : fieldColumn(f.name))).join(', ');
      if (idx.type === 'id') declared.push({ name: 'PRIMARY', unique: true, columns: cols });
      // A field-level @unique without map: is named `<table>_<column>_key` by Prisma.
      else declared.push({ name: idx.dbName ?? `${table}_${idx.fields.map((f) => fieldColumn(f.name)).join('_')}_key`, unique: idx.type === 'unique', columns: cols });
    }
    for (const want of declared) {
      const got = indexOf(table, want.name);
      if (got.length === 0) problems.push(`index ${table}.${want.name} (${want.columns}) is missing`);
      else if (describe(got) !== want.columns) problems.push(`index ${table}.${want.name} is on (${describe(got)}), expected (${want.columns})`);
      else if ((got[0].NON_UNIQUE === 0) !== want.unique) problems.push(`index ${table}.${want.name} is ${got[0].NON_UNIQUE === 0 ? '' : 'not '}unique, expected ${want.unique ? '' : 'not '}unique`);
    }
    // Foreign-key columns get an index from MariaDB when none covers them; other undeclared indexes are drift.
    const foreignKeyIndex = (name: string) => /_fkey$/.test(name);
    for (const name of new Set(indexColumns.filter((c) => c.TABLE_NAME === table).map((c) => c.INDEX_NAME))) {
      if (!declared.some((d) => d.name === name) && !foreignKeyIndex(name)) problems.push(`index ${table}.${name} (${describe(indexOf(table, name))}) is not declared in model ${model.name}`);
    }
  }
  const modelled = new Set(dm.models.map(tableOf));
  for (const t of tables) if (!modelled.has(t) && t !== '_prisma_migrations') problems.push(`table ${t} is not in the schema`);
  return problems;
}
