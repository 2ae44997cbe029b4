// The status-flow diagram in Chromium as a person reads it: every edge
// labeled on its own line, no two edges along one line, no label on a state,
// all inside the screen at 1280 and 390 px (left to right, then top to
// bottom); the deletes from every state show on hover/focus of their state
// (a note beside deleted says so); hover/focus lights a state's edges, a
// click lists its images, the SVG download opens on its own, counts follow an
// API change in place; and an image's timeline shows its time in each state.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { serverForFile, type TestServer } from '../helpers/server';
import { client } from '../helpers/http';
import { DESKTOP, launchBrowser, PHONE, screenshot, signIn, type TestBrowser } from '../helpers/browser';
import { eventually, qcow2Bytes } from '../helpers/images';
import { EDGES } from '../../lib/images/state-machine';
import { labelFaults, pathPoints, sharedRuns, type DrawnEdge } from '../helpers/flow-geometry';

let server: TestServer;
let browser: TestBrowser;
let api: ReturnType<typeof client>;

serverForFile((s) => {
  server = s;
  api = client(s.url);
});
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

type Rect = { x: number; y: number; width: number; height: number };
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function openFlow(page: Page): Promise<void> {
  await signIn(page, server);
  await page.goto(`${server.url}/dashboard/status-flow`);
  await page.getByTestId('status-flow-diagram').waitFor();
}

/** What the screen shows: each label's text box, each state's box, the viewport's width. */
async function drawn(page: Page): Promise<{ labels: { text: string; lines: Rect[] }[]; nodes: { id: string; box: Rect }[]; viewport: number; pageWidth: number }> {
  // A string, not a function: tsx's keepNames would wrap inner functions in a helper the page does not have.
  return page.evaluate(`(() => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const labels = [...document.querySelectorAll('[data-testid=edge-label]')].map((g) => ({
      text: [...g.querySelectorAll('text')].map((t) => t.textContent).join(' '),
      lines: [...g.querySelectorAll('text')].map(box),
    }));
    const nodes = [...document.querySelectorAll('[data-testid^=node-]')].filter((n) => n.tagName === 'a' || n.tagName === 'g').map((n) => ({ id: n.getAttribute('data-testid'), box: box(n.querySelector('rect')) }));
    return { labels, nodes, viewport: window.innerWidth, pageWidth: document.documentElement.scrollWidth };
  })()`);
}

/** The drawing in the SVG's own units: each edge's route (and whether it shows), each label's box. */
async function geometry(page: Page): Promise<{ edges: (DrawnEdge & { visible: boolean })[]; labels: (Rect & { for: string; note: boolean })[] }> {
  const raw: { edges: { id: string; group: string | null; d: string; visible: boolean }[]; labels: (Rect & { for: string; note: boolean })[] } = await page.evaluate(`(() => ({
    edges: [...document.querySelectorAll('[data-edge]')].map((p) => ({ id: p.getAttribute('data-edge'), group: p.getAttribute('data-group'), d: p.getAttribute('d'), visible: getComputedStyle(p).visibility === 'visible' })),
    labels: [...document.querySelectorAll('[data-testid=edge-label]')].map((g) => {
      const r = g.querySelector('rect');
      return { for: g.getAttribute('data-label-for'), note: g.hasAttribute('data-note'), x: +r.getAttribute('x'), y: +r.getAttribute('y'), width: +r.getAttribute('width'), height: +r.getAttribute('height') };
    }),
  }))()`);
  return { edges: raw.edges.map((e) => ({ ...e, points: pathPoints(e.d) })), labels: raw.labels };
}

/** The delete edges drawn (visible) now. */
const shownDeletes = async (page: Page) => (await geometry(page)).edges.filter((e) => e.group && e.visible).map((e) => e.id).sort();

async function checkReadable(page: Page, direction: string, shot: string) {
  await page.locator(`[data-testid=status-flow-diagram][data-direction=${direction}]`).waitFor();
  const d = await drawn(page);
  const want = [...new Set(EDGES.map((e) => (e.label === 'delete' ? 'delete (from any state)' : e.label)))].sort();
  assert.deepEqual([...new Set(d.labels.map((l) => l.text))].sort(), want, 'every action label is drawn, the deletes as one');
  assert.equal(d.nodes.length, 9);
  assert.ok(d.pageWidth <= d.viewport, `no sideways scrolling: ${d.pageWidth} > ${d.viewport}`);
  for (const l of d.labels) {
    for (const line of l.lines) {
      assert.ok(line.x >= 0 && line.x + line.width <= d.viewport, `“${l.text}” inside the ${d.viewport} px screen: ${JSON.stringify(line)}`);
      assert.ok(line.height >= 9, `“${l.text}” is readable (${line.height.toFixed(1)} px high)`);
      for (const n of d.nodes) assert.ok(!overlap(line, n.box), `“${l.text}” covers ${n.id}`);
    }
  }
  // Each label on its own edge and on no other; no two edges along one line. The deletes are hidden until lit, a note says so.
  const g = await geometry(page);
  const visible = g.edges.filter((e) => e.visible);
  assert.deepEqual(g.edges.filter((e) => !e.visible).map((e) => e.id).sort(), EDGES.filter((e) => e.label === 'delete').map((e) => `${e.from}>${e.to}`).sort());
  for (const l of g.labels.filter((l) => !l.note)) assert.deepEqual(labelFaults(l, visible), [], `“${l.for}”'s label sits on its own edge alone`);
  assert.deepEqual(sharedRuns(visible), [], 'no two edges run along one line');
  assert.deepEqual(g.labels.filter((l) => l.note).map((l) => l.for), ['delete>deleted']);
  const smallest = Math.min(...d.labels.flatMap((l) => l.lines.map((b) => b.height)));
  console.log(`status flow at ${d.viewport} px (${direction}): ${d.labels.length} labels, smallest line ${smallest.toFixed(1)} px high`);
  await screenshot(page, shot);
}

test('labeled edges, readable and inside the screen at 1280 px (left to right) and 390 px (top to bottom)', async () => {
  const page = await browser.newPage(DESKTOP);
  await openFlow(page);
  // Every transition of the table is an edge.
  const edges = await page.locator('[data-edge]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-edge')} ${e.getAttribute('data-label')}`).sort());
  assert.deepEqual(edges, EDGES.map((e) => `${e.from}>${e.to} ${e.label}`).sort());
  await checkReadable(page, 'RIGHT', 'status-flow-1280');
  await page.setViewportSize(PHONE);
  await checkReadable(page, 'DOWN', 'status-flow-390');
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});

test('hover or Tab on a state lights its edges, with a visible focus ring', async () => {
  const page = await browser.newPage(DESKTOP);
  await openFlow(page);
  const lit = () => page.locator('[data-highlighted]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')).sort());
  const touching = (s: string) => EDGES.filter((e) => e.from === s || e.to === s).map((e) => `${e.from}>${e.to}`).sort();
  assert.deepEqual(await lit(), []);
  await page.getByTestId('node-importing').hover();
  assert.deepEqual(await lit(), touching('importing'));
  await page.mouse.move(0, 0);
  assert.deepEqual(await lit(), []);

  // The keyboard: from the diagram's region, Tab walks the states.
  await page.getByTestId('status-flow-scroll').focus();
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  assert.match(first ?? '', /^node-/, 'Tab from the diagram reaches a state');
  const state = first!.slice('node-'.length);
  assert.deepEqual(await lit(), touching(state));
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement!);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.ok(ring.style !== 'none' && ring.width >= 2, `the focused state shows a ring: ${JSON.stringify(ring)}`);
  // The deletes: hidden until their state is lit, by the mouse or the keyboard; deleted lights all seven.
  const deletes = EDGES.filter((e) => e.label === 'delete').map((e) => `${e.from}>${e.to}`).sort();
  assert.deepEqual(await shownDeletes(page), touching(state).filter((id) => deletes.includes(id)));
  await page.getByTestId('node-active').focus();
  assert.ok((await lit()).includes('active>deleted'));
  assert.deepEqual(await shownDeletes(page), ['active>deleted']);
  await screenshot(page, 'status-flow-focus-active');
  await page.getByTestId('node-active').blur();
  assert.deepEqual(await shownDeletes(page), []);
  await page.getByTestId('node-deleted').hover();
  assert.deepEqual(await shownDeletes(page), deletes);
  assert.deepEqual((await lit()).filter((id) => deletes.includes(id!)), deletes);
  await screenshot(page, 'status-flow-hover-deleted');
  await page.getByTestId('node-killed').hover();
  assert.deepEqual(await shownDeletes(page), ['killed>deleted']);
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});

test('a click (or Enter) on a state opens the images list filtered by it', async () => {
  const waiting = await api.create({ name: 'flow-queued', disk_format: 'raw', container_format: 'bare' });
  const done = await api.createWithData(qcow2Bytes(16 * 1024), { name: 'flow-active', disk_format: 'qcow2', container_format: 'bare' });
  const page = await browser.newPage(DESKTOP);
  await openFlow(page);
  await page.getByTestId('node-queued').click();
  await page.waitForURL(`${server.url}/dashboard?status=queued`);
  await page.locator(`[data-testid=image-row][data-image-id="${waiting.id}"]`).waitFor();
  const statuses = await page.getByTestId('image-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
  assert.ok(statuses.length >= 1 && statuses.every((s) => s === 'queued'), statuses.join());
  assert.equal(await page.locator(`[data-image-id="${done.id}"]`).count(), 0);
  assert.equal(await page.getByLabel('Status').inputValue(), 'queued');

  await page.goto(`${server.url}/dashboard/status-flow`);
  await page.getByTestId('node-active').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.url}/dashboard?status=active`);
  await page.locator(`[data-testid=image-row][data-image-id="${done.id}"]`).waitFor();
  assert.equal(await page.locator(`[data-image-id="${waiting.id}"]`).count(), 0);
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});

test('Download SVG saves a standalone SVG file with the labels, which Chromium opens', async () => {
  const page = await browser.newPage(DESKTOP);
  await openFlow(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download SVG' }).click()]);
  assert.equal(download.suggestedFilename(), 'image-status-flow.svg');
  const file = path.join(server.dir, 'image-status-flow.svg');
  await download.saveAs(file);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (const word of ['upload', 'started', 'restart', 'repair', 'deactivate', 'scrub', 'delete (from', 'queued', 'pending_delete']) assert.ok(text.includes(`>${word}<`), `the file has “${word}”`);
  assert.doesNotMatch(text, /class=|data-/, 'no page classes or test ids: it stands alone');

  const view = await browser.newPage(DESKTOP);
  await view.goto(`file://${file}`);
  const opened = await view.evaluate(() => ({ root: document.documentElement.tagName, errors: document.getElementsByTagName('parsererror').length, texts: document.querySelectorAll('text').length, width: document.documentElement.getBoundingClientRect().width }));
  assert.deepEqual({ root: opened.root, errors: opened.errors }, { root: 'svg', errors: 0 });
  assert.ok(opened.texts > 30 && opened.width > 600, JSON.stringify(opened));
  await view.close();
  // As an image (no page, no stylesheet): it draws at its own size.
  const asImage = await browser.newPage(DESKTOP);
  await asImage.setContent(`<img alt="status flow" src="data:image/svg+xml;base64,${Buffer.from(text).toString('base64')}">`);
  const size = await asImage.locator('img').evaluate(async (img: HTMLImageElement) => (await img.decode(), [img.naturalWidth, img.naturalHeight]));
  assert.ok(size[0] > 600 && size[1] > 200, `the SVG draws as an image: ${size}`);
  await screenshot(asImage, 'status-flow-svg-file');
  await asImage.close();
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});

test('counts follow an API change within seconds, updated in place (no re-layout)', async () => {
  const page = await browser.newPage(DESKTOP);
  await openFlow(page);
  const count = async () => Number(await page.getByTestId('count-queued').innerText());
  const before = await count();
  // Mark the drawn nodes and edges: a re-render that replaced them would lose the marks.
  const routes = () => page.locator('[data-edge]').evaluateAll((els) => els.map((e) => e.getAttribute('d')).join('|'));
  const drawnBefore = await routes();
  await page.evaluate(() => document.querySelectorAll('[data-edge], [data-testid^=node-]').forEach((el) => el.setAttribute('data-mark', '1')));
  const started = Date.now();
  await api.create({ name: 'flow-counted', disk_format: 'raw', container_format: 'bare' });
  await eventually('the queued count to grow', async () => ((await count()) === before + 1 ? true : undefined), 10_000);
  const took = Date.now() - started;
  console.log(`queued count updated ${took} ms after POST /v2/images`);
  assert.ok(took < 4000, `within a few seconds: ${took} ms`);
  assert.match(await page.getByTestId('node-count-queued').textContent() ?? '', new RegExp(`^${before + 1} image`));
  assert.equal(await page.locator('[data-edge]:not([data-mark]), [data-testid^=node-]:not([data-mark])').count(), 0, 'the same elements, updated in place');
  assert.equal(await routes(), drawnBefore, 'the same layout');
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});

test("an image's page: the diagram traces its path with time per state; the timeline's bar shows each stay, the failure with what to do", async () => {
  const img = await api.create({ name: 'flow-timed', disk_format: 'raw', container_format: 'bare' });
  // An upload that fails in the store (its directory gone), then one that works.
  const images = path.join(server.dir, 'images');
  rmSync(images, { recursive: true });
  try {
    const failed = await api.put(`/v2/images/${img.id}/file`, randomBytes(4096), { 'Content-Type': 'application/octet-stream' });
    assert.ok(failed.status >= 400, `the upload fails (${failed.status})`);
  } finally {
    mkdirSync(images, { recursive: true });
  }
  await new Promise((r) => setTimeout(r, 1200)); // a visible stay in queued
  assert.equal((await api.put(`/v2/images/${img.id}/file`, randomBytes(4096), { 'Content-Type': 'application/octet-stream' })).status, 204);

  const page = await browser.newPage(DESKTOP);
  await signIn(page, server);
  await page.goto(`${server.url}/dashboard/images/${img.id}`);
  await page.getByTestId('state-bar').waitFor();
  const segments = await page.getByTestId('state-bar-segment').evaluateAll((els) =>
    els.map((e) => ({ status: e.getAttribute('data-status'), ms: Number(e.getAttribute('data-ms')), width: e.getBoundingClientRect().width, failed: e.getAttribute('data-failed') === 'true' })),
  );
  assert.deepEqual(segments.map((s) => s.status), ['queued', 'saving', 'queued', 'saving']);
  assert.deepEqual(segments.map((s) => s.failed), [false, true, false, false]);
  // Widths proportional to the time (segments are at least 3 px, so small ones are left out of the check).
  const totalMs = segments.reduce((n, s) => n + s.ms, 0);
  const totalPx = segments.reduce((n, s) => n + s.width, 0);
  const longest = segments.reduce((a, b) => (b.ms > a.ms ? b : a));
  assert.equal(longest.status, 'queued');
  assert.ok(Math.abs(longest.width / totalPx - longest.ms / totalMs) < 0.05, JSON.stringify(segments));
  // The text says the same, and the failure says what to do (never a path or an errno).
  const texts = await page.getByTestId('state-bar-text').allInnerTexts();
  assert.equal(texts.length, 4);
  assert.match(texts[0], /^queued \d/);
  const failure = await page.getByTestId('state-bar-failure').innerText();
  assert.match(failure, /upload failed: .*(Upload the file again|ask an administrator)/i);
  assert.doesNotMatch(failure, /ENOENT|EACCES|errno|\//);
  assert.match(await page.getByTestId('state-bar-now').innerText(), /^now active, for /);
  // The diagram: the path traced, the failed edge marked, the time spent on the visited states.
  // It loads its layout after the timeline has drawn, so wait for it before reading its edges.
  await page.getByTestId('status-flow-diagram').waitFor();
  const traced = await page.locator('[data-traced]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')).sort());
  assert.deepEqual(traced, ['queued>saving', 'saving>active', 'saving>queued']);
  assert.equal(await page.locator('path[data-failed]').getAttribute('data-edge'), 'saving>queued');
  for (const s of ['queued', 'saving', 'active']) assert.match(await page.getByTestId(`node-spent-${s}`).textContent() ?? '', /\d+(\.\d)? (ms|s|min)/);
  assert.equal(await page.getByTestId('node-spent-importing').count(), 0);
  await screenshot(page, 'status-flow-image-trace');
  await page.close();
  assert.deepEqual(browser.takeErrors(), []);
});
