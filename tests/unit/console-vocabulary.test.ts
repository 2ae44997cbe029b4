// The console speaks the server's vocabulary: its statuses, formats,
// visibilities and core attributes are the very lists the API validates
// against (not copies), no console source declares a list of its own, and
// nothing the browser bundle imports reaches server-only code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import imageSchema from '../../lib/images/schemas/image.json';
import memberSchema from '../../lib/images/schemas/member.json';
import * as vocabulary from '../../lib/images/constants';
import * as schema from '../../lib/images/schema';
import * as stateMachine from '../../lib/images/state-machine';
import { INSPECTABLE_FORMATS } from '../../lib/images/format-inspector';
import { imageView, type ImageRow } from '../../lib/images/view';
import { DETECTABLE_FORMATS } from '../../lib/console/disk-format';

const ROOT = path.resolve(__dirname, '..', '..');
const CLIENT_DIRS = ['components', 'app/dashboard'];

test('statuses and the transition table are the state machine’s own objects', () => {
  assert.equal(vocabulary.IMAGE_STATUSES, stateMachine.IMAGE_STATUSES);
  assert.equal(vocabulary.TRANSITIONS, stateMachine.TRANSITIONS);
  assert.equal(vocabulary.STATUS_DESCRIPTIONS, stateMachine.STATUS_DESCRIPTIONS);
  for (const s of vocabulary.TRANSIENT_STATUSES) assert.ok(stateMachine.isImageStatus(s), s);
});

test('formats and visibilities are the schema’s (the same objects the validator module exports)', () => {
  assert.equal(schema.DISK_FORMATS, vocabulary.DISK_FORMATS);
  assert.equal(schema.CONTAINER_FORMATS, vocabulary.CONTAINER_FORMATS);
  assert.equal(schema.VISIBILITIES, vocabulary.VISIBILITIES);
  assert.deepEqual(vocabulary.DISK_FORMATS, imageSchema.properties.disk_format.enum.filter((f) => f !== null));
  assert.deepEqual(vocabulary.CONTAINER_FORMATS, imageSchema.properties.container_format.enum.filter((f) => f !== null));
  assert.deepEqual(vocabulary.VISIBILITIES, imageSchema.properties.visibility.enum);
  assert.deepEqual(vocabulary.MEMBER_STATUSES, memberSchema.properties.status.enum);
  assert.deepEqual([...vocabulary.IMAGE_STATUSES].sort(), [...imageSchema.properties.status.enum].sort());
});

test('every format the console detects is a disk format the server accepts and inspects', () => {
  for (const f of DETECTABLE_FORMATS) {
    assert.ok(vocabulary.DISK_FORMATS.includes(f), `${f} is a disk format`);
    assert.ok((INSPECTABLE_FORMATS as readonly string[]).includes(f), `${f} is inspected by the server`);
  }
});

test('core attributes are exactly what the image view prints besides custom properties', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const row = {
    id: '11111111-2222-3333-4444-555555555555', name: 'n', diskFormat: 'raw', containerFormat: 'bare', visibility: 'shared',
    size: 1n, virtualSize: null, status: 'active', checksum: null, protected: false, minRam: 0, minDisk: 0, owner: 'p',
    osHidden: false, osHashAlgo: null, osHashValue: null, createdAt: at, updatedAt: at,
    properties: [{ name: 'kernel_id', value: 'k', deleted: false }], tags: [],
  } as unknown as ImageRow;
  const printed = Object.keys(imageView(row)).filter((k) => k !== 'kernel_id');
  for (const k of printed) assert.ok(vocabulary.CORE_ATTRIBUTES.has(k), `${k} is core`);
  assert.ok(!vocabulary.CORE_ATTRIBUTES.has('kernel_id'), 'a custom property is not core');
  // The rest (direct_url, locations, stores) are base attributes of the schema that only some callers see.
  for (const k of vocabulary.CORE_ATTRIBUTES) assert.ok(Object.hasOwn(imageSchema.properties, k), `${k} is in the image schema`);
  assert.deepEqual([...vocabulary.CORE_ATTRIBUTES].filter((k) => !printed.includes(k)).sort(), ['direct_url', 'locations', 'stores']);
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

const clientSources = CLIENT_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d)));

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

test('no console source declares its own list of statuses, formats, visibilities or core attributes', () => {
  // A list all of whose words are of one of these kinds is a copy (a form's few field names are not).
  const kinds: { words: ReadonlySet<string>; least: number }[] = [
    { words: new Set(vocabulary.IMAGE_STATUSES), least: 2 },
    { words: new Set(vocabulary.DISK_FORMATS), least: 2 },
    { words: new Set(vocabulary.CONTAINER_FORMATS), least: 2 },
    { words: new Set(vocabulary.VISIBILITIES), least: 2 },
    { words: new Set(vocabulary.MEMBER_STATUSES), least: 2 },
    { words: vocabulary.CORE_ATTRIBUTES, least: vocabulary.CORE_ATTRIBUTES.size / 2 },
  ];
  const copies: string[] = [];
  for (const file of clientSources) {
    walk(parse(file), (n) => {
      if (!ts.isArrayLiteralExpression(n)) return;
      const words = n.elements.map((e) => (ts.isStringLiteral(e) ? e.text : null));
      const copy = kinds.some((k) => words.length >= k.least && words.every((w) => w !== null && k.words.has(w)));
      if (copy) copies.push(`${path.relative(ROOT, file)}: [${words.join(', ')}]`);
    });
  }
  assert.ok(clientSources.length > 10, 'the console sources were found');
  assert.deepEqual(copies, []);
});

// What the browser must never load: the database, Node's own modules, the server's validator and framework internals.
const SERVER_ONLY = [/^node:/, /^(fs|path|crypto|stream|http)$/, /^@prisma\//, /^mariadb$/, /^ajv/, /^pino$/, /^@tus\/server/, /^next\/(headers|server)$/, /lib\/(db|generated)\//];

function resolveLocal(from: string, spec: string): string | null {
  const base = spec.startsWith('@/') ? path.join(ROOT, spec.slice(2)) : spec.startsWith('.') ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${from}: cannot resolve ${spec}`);
}

/** Module specifiers a file loads at run time (type-only imports and exports are erased). */
function runtimeImports(file: string): string[] {
  if (file.endsWith('.json')) return [];
  const specs: string[] = [];
  for (const s of parse(file).statements) {
    if (ts.isImportDeclaration(s)) {
      const c = s.importClause;
      const typeOnly = c && (c.isTypeOnly || (!c.name && c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specs.push((s.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier && !s.isTypeOnly) {
      specs.push((s.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specs;
}

test('what the console’s client components import reaches no server-only module', () => {
  const entries = clientSources.filter((f) => /^['"]use client['"]/m.test(readFileSync(f, 'utf8')));
  assert.ok(entries.some((f) => f.endsWith('upload-card.tsx')), 'client components were found');
  const seen = new Set<string>();
  const offences: string[] = [];
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      const here = [...chain, path.relative(ROOT, file)];
      if (SERVER_ONLY.some((re) => re.test(spec))) offences.push(`${here.join(' → ')} → ${spec}`);
      const local = resolveLocal(file, spec);
      if (local) visit(local, here);
    }
  };
  for (const f of entries) visit(f, []);
  assert.ok(seen.has(path.join(ROOT, 'lib/images/constants.ts')), 'the constants module is part of the client graph');
  assert.deepEqual(offences, []);
});
