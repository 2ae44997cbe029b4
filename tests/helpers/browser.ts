// Headless Chromium (Debian's) driven by playwright-core, for the console's
// end-to-end tests: a fresh profile per test file, console errors collected,
// screenshots under $TEST_OUTPUT_DIR/screenshots.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { TestServer } from './server';

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface TestBrowser {
  context: BrowserContext;
  /** Errors the pages printed to their console or threw; tests assert it stays empty. */
  errors: string[];
  /** The errors so far, clearing them (for tests that provoke an API refusal on purpose). */
  takeErrors(): string[];
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'glance-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: DESKTOP,
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  };
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
  return {
    context,
    errors,
    takeErrors: () => errors.splice(0),
    async newPage(viewport = DESKTOP) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Sign in to the console. Against a noauth server there is nothing to do but
 * open it; when the identity work lands, this is the one place that fills in
 * the sign-in form.
 */
export async function signIn(page: Page, server: TestServer): Promise<void> {
  await page.goto(`${server.url}/dashboard`);
  await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(process.env.TEST_OUTPUT_DIR ?? path.join(os.tmpdir(), 'glance-test-output'), 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Drop files onto an element the way a user's drag-and-drop does (a real DataTransfer with Files). */
export async function dropFiles(page: Page, selector: string, files: { name: string; data: Buffer; lastModified?: number }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: f.data.toString('base64'), lastModified: f.lastModified ?? 1_700_000_000_000 }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name, { type: 'application/octet-stream', lastModified: f.lastModified }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

/** Holds tus PATCH requests after the first `allow` ones, so a test can act mid-upload deterministically. */
export async function gateChunks(page: Page, allow: number) {
  let passed = 0;
  const held: { abort: () => Promise<void> }[] = [];
  let heldSignal: () => void = () => {};
  const firstHeld = new Promise<void>((r) => (heldSignal = r));
  const pattern = '**/api/console/uploads/**';
  await page.route(pattern, async (route) => {
    if (route.request().method() !== 'PATCH' || passed < allow) {
      if (route.request().method() === 'PATCH') passed++;
      await route.continue().catch(() => {});
      return;
    }
    held.push({ abort: () => route.abort().catch(() => {}) });
    heldSignal();
  });
  return {
    /** Resolves once a chunk beyond the allowed ones is being held. */
    held: firstHeld,
    /** Drop the held requests and let everything through from now on. */
    async open() {
      await page.unroute(pattern);
      for (const h of held) await h.abort();
    },
  };
}

/** Through the console's sign-in form (keystone servers); resolves on the Images page. */
export async function signInWithPassword(page: Page, base: string, who: { username: string; password: string; project: string }): Promise<void> {
  await page.goto(`${base}/dashboard/login`);
  await page.fill('input[name=username]', who.username);
  await page.fill('input[name=password]', who.password);
  await page.fill('input[name=project]', who.project);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard$/);
  await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
}
