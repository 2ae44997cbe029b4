// The stream format inspector over real disk images (qemu-img, genisoimage),
// fed in chunks of many sizes: what it detects, the virtual size, the safety
// verdict, and that the answer does not depend on where the chunks split.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { FormatDetector, SafetyCheckFailed } from '../../lib/images/format-inspector';
import { CaptureRegion, EndCaptureRegion } from '../../lib/images/format-inspector/region';
import { ContentInspection, FormatDetection } from '../../lib/images/content-check';

let dir: string;
const files = new Map<string, Buffer>();

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'format-inspector-'));
  const make = (name: string, ...args: string[]) => {
    execFileSync('qemu-img', ['create', '-q', ...args.slice(0, -1), path.join(dir, name), args.at(-1)!]);
    files.set(name, readFileSync(path.join(dir, name)));
  };
  make('a.qcow2', '-f', 'qcow2', '1G');
  make('b.qcow2', '-f', 'qcow2', '-b', path.join(dir, 'a.qcow2'), '-F', 'qcow2', '1G');
  make('a.vmdk', '-f', 'vmdk', '2G');
  make('s.vmdk', '-f', 'vmdk', '-o', 'subformat=streamOptimized', '2G');
  make('a.vhd', '-f', 'vpc', '1G');
  make('f.vhd', '-f', 'vpc', '-o', 'subformat=fixed', '1M');
  make('a.vhdx', '-f', 'vhdx', '3G');
  make('a.vdi', '-f', 'vdi', '4G');
  mkdirSync(path.join(dir, 'iso'));
  writeFileSync(path.join(dir, 'iso', 'x'), 'x');
  execFileSync('genisoimage', ['-quiet', '-o', path.join(dir, 'a.iso'), path.join(dir, 'iso')]);
  files.set('a.iso', readFileSync(path.join(dir, 'a.iso')));
});

after(() => rmSync(dir, { recursive: true, force: true }));

function detect(data: Buffer, chunk: number) {
  const d = new FormatDetector();
  for (let i = 0; i < data.length; i += chunk) d.eat(data.subarray(i, i + chunk));
  d.finish();
  return d;
}

const CHUNKS = [4 << 20, 65536, 4093, 512, 13];

test('each format is detected with its virtual size, whatever the chunk size', () => {
  const want: [string, string, number][] = [
    ['a.qcow2', 'qcow2', 1 << 30],
    ['a.vmdk', 'vmdk', 2 * 1024 ** 3],
    ['s.vmdk', 'vmdk', 2 * 1024 ** 3],
    ['a.vhdx', 'vhdx', 3 * 1024 ** 3],
    ['a.vdi', 'vdi', 4 * 1024 ** 3],
    ['a.iso', 'iso', files.get('a.iso')!.length],
  ];
  for (const [name, format, size] of want) {
    for (const chunk of CHUNKS) {
      if (chunk < 512 && files.get(name)!.length > 1 << 20) continue; // tiny chunks only for the small files
      const f = detect(files.get(name)!, chunk).format;
      assert.equal(f.name, format, `${name} in ${chunk}-byte chunks`);
      assert.equal(f.virtualSize, size, `${name} in ${chunk}-byte chunks`);
      f.safetyCheck();
    }
  }
});

test('VHD: the footer copy at the start (dynamic) or only the footer at the end (fixed)', () => {
  for (const name of ['a.vhd', 'f.vhd']) {
    const data = files.get(name)!;
    const footer = data.subarray(data.length - 512);
    for (const chunk of [4 << 20, 4093, 512]) {
      const f = detect(data, chunk).format;
      assert.equal(f.name, 'vhd');
      assert.equal(f.virtualSize, Number(footer.readBigUInt64BE(40)));
    }
  }
});

test('a qcow2 with a backing file fails its safety check by name', () => {
  const f = detect(files.get('b.qcow2')!, 4093).format;
  assert.equal(f.name, 'qcow2');
  assert.throws(() => f.safetyCheck(), (err: SafetyCheckFailed) => {
    assert.deepEqual(Object.keys(err.failures), ['backing_file']);
    return true;
  });
});

test('bytes of no known format are raw, with their own size; an empty stream too', () => {
  const data = Buffer.alloc(100_000, 0x11);
  const f = detect(data, 4093).format;
  assert.equal(f.name, 'raw');
  assert.equal(f.virtualSize, 100_000);
  assert.equal(detect(Buffer.alloc(0), 1).format.name, 'raw');
});

test('an ISO with a qcow2 header in its system area matches both, and format refuses to choose', () => {
  const polyglot = Buffer.from(files.get('a.iso')!);
  files.get('a.qcow2')!.copy(polyglot, 0, 0, 512);
  const d = detect(polyglot, 65536);
  assert.deepEqual(d.formats.map((f) => f.name), ['qcow2', 'iso']);
  assert.throws(() => d.format, /Multiple formats detected: qcow2,iso/);
});

test('capture regions take their bytes across chunk boundaries; end regions keep the last bytes', () => {
  const r = new CaptureRegion(3, 4);
  const stream = Buffer.from('abcdefghij');
  let pos = 0;
  for (const piece of ['ab', 'cde', 'f', 'ghij']) {
    pos += piece.length;
    r.capture(Buffer.from(piece), pos);
  }
  assert.equal(r.data.toString(), stream.subarray(3, 7).toString());
  assert.ok(r.complete);
  const end = new EndCaptureRegion(4);
  for (const piece of ['ab', 'cde', 'f', 'ghij', 'k']) end.capture(Buffer.from(piece));
  assert.equal(end.complete, false, 'complete only once the stream has ended');
  end.finish();
  assert.equal(end.data.toString(), 'hijk');
});

test('findings recorded at staging time and judged later give the verdict of inspecting the bytes at import time', () => {
  const verdict = (run: (c: ContentInspection) => void, disk: string, requireMatch: boolean) => {
    const c = new ContentInspection(disk, 'bare', requireMatch);
    try {
      run(c);
      return { virtualSize: c.virtualSize };
    } catch (err) {
      return { refused: (err as Error).message };
    }
  };
  const samples = [...files.entries(), ['random', Buffer.from('not an image at all'.repeat(100))] as const];
  for (const [name, data] of samples) {
    // As PUT /stage: detection only, its findings written down (JSON) and read back by the import.
    const staged = new FormatDetection();
    staged.eat(data);
    const findings = JSON.parse(JSON.stringify(staged.findings()));
    for (const disk of ['raw', 'qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso', 'ami']) {
      for (const requireMatch of [true, false]) {
        const live = verdict((c) => { c.eat(data); c.conclude(); }, disk, requireMatch);
        const later = verdict((c) => c.concludeFrom(findings), disk, requireMatch);
        assert.deepEqual(later, live, `${name} as ${disk}, require_image_format_match ${requireMatch}`);
      }
    }
  }
  // The cases the comparison must cover: a refusal, a safety failure and an accepted virtual size.
  const judge = (name: string, disk: string) => {
    const d = new FormatDetection();
    d.eat(files.get(name)!);
    return verdict((c) => c.concludeFrom(d.findings()), disk, true);
  };
  assert.deepEqual(judge('a.qcow2', 'qcow2'), { virtualSize: 1 << 30 });
  assert.deepEqual(judge('b.qcow2', 'qcow2'), { refused: 'Image failed safety checks' });
  assert.match(judge('a.qcow2', 'raw').refused ?? '', /does not match stream data qcow2/);
});
