// The browser test harness: finds a Chromium (CHROME_PATH, or `chromium` on PATH), launches it headless
// and offline-quiet, serves folders, bundles TypeScript entries with esbuild, and evaluates code in a
// page, returning JSON. No browser is downloaded: without a Chromium the browser tests skip with one
// line saying why.
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { serveStatic, type StaticServer } from '../../scripts/serve.js';

export { serveStatic, type StaticServer };

/** The project root (this file runs from dist/test/browser/). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where a Chromium was found, or why none was. */
export type ChromiumLookup = { readonly path: string } | { readonly reason: string };

const PATH_NAMES = ['chromium', 'chromium-browser'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `CHROME_PATH` when set (it must be an executable file), else the first `chromium` on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const given = env.CHROME_PATH;
  if (given !== undefined && given !== '') {
    return executable(given) ? { path: given } : { reason: `CHROME_PATH=${given} is not an executable file` };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of PATH_NAMES) {
      const path = join(dir, name);
      if (executable(path)) return { path };
    }
  }
  return { reason: 'no Chromium found (set CHROME_PATH, or put chromium on PATH)' };
}

/**
 * Flags for a headless Chromium in a container with no network: no sandbox (tests may run as root), no
 * GPU, and none of the background services that would otherwise keep calling out to the network.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A launched Chromium with its own empty profile, removed again by `close()`. */
export interface Chromium {
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Launches the Chromium `findChromium` finds (throws with its reason when there is none). */
export async function launchChromium(lookup: ChromiumLookup = findChromium()): Promise<Chromium> {
  if (!('path' in lookup)) throw new Error(`cannot launch Chromium: ${lookup.reason}`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'min-char-rnn-chromium-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: lookup.path,
      headless: true,
      userDataDir,
      args: [...CHROMIUM_FLAGS],
      timeout: 120_000,
      protocolTimeout: 300_000,
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

let skipNoticeShown = false;

/**
 * For a mocha `before` hook: the Chromium to use, or `undefined` after printing (once per run) the one
 * line that says why the browser tests are skipped. Call `this.skip()` on `undefined`.
 */
export function chromiumOrSkipNotice(): ChromiumLookup & { readonly path: string } | undefined {
  const lookup = findChromium();
  if ('path' in lookup) return lookup;
  if (!skipNoticeShown) {
    skipNoticeShown = true;
    console.log(`\n  browser tests skipped: ${lookup.reason}`);
  }
  return undefined;
}

/**
 * Bundles TypeScript (or JavaScript) entries with esbuild into `outdir`, for the browser: one ES module
 * per entry, named by the keys of `entries` (`{ main: 'test/browser/fixtures/x.ts' }` → `main.js`).
 * Paths are relative to the project root.
 */
export async function bundle(
  entries: Readonly<Record<string, string>>,
  outdir: string,
  options: { readonly format?: 'esm' | 'iife'; readonly minify?: boolean } = {},
): Promise<void> {
  mkdirSync(outdir, { recursive: true });
  const entryPoints: Record<string, string> = {};
  for (const [name, path] of Object.entries(entries)) entryPoints[name] = resolve(PROJECT_ROOT, path);
  await build({
    entryPoints,
    outdir,
    bundle: true,
    format: options.format ?? 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? false,
    sourcemap: true,
    logLevel: 'silent',
  });
}

/** A page opened by {@link openPage}, with every console error and uncaught exception it has shown. */
export interface OpenedPage {
  readonly page: Page;
  /** Console messages of type error, and uncaught exceptions, in order. */
  readonly errors: string[];
}

/** Opens `url` in a new tab and records its console errors and uncaught exceptions. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport: { readonly width: number; readonly height: number } = { width: 1280, height: 800 },
): Promise<OpenedPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e instanceof Error ? e.message : String(e)));
  await page.setViewport({ width: viewport.width, height: viewport.height });
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors };
}

/**
 * Runs a module in Chromium and returns what it computes: `entry` (a path from the project root) must
 * `export default` a function returning a JSON-able value or a promise of one. It is bundled with
 * esbuild, served from a temporary folder on 127.0.0.1 and imported into an empty page; the value comes
 * back through JSON, so typed arrays arrive as objects (convert them to arrays first).
 *
 * ```ts
 * const chromium = await launchChromium();
 * const losses = await runInChromium(chromium.browser, 'test/browser/fixtures/first-losses.ts');
 * await chromium.close();
 * ```
 */
export async function runInChromium(browser: Browser, entry: string): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'min-char-rnn-page-'));
  let server: StaticServer | undefined;
  let opened: OpenedPage | undefined;
  try {
    await bundle({ entry }, dir);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>harness</title><link rel="icon" href="data:,">\n');
    server = await serveStatic(dir);
    opened = await openPage(browser, server.url);
    const json = await opened.page.evaluate(async (src: string) => {
      const m = (await import(src)) as { default: () => unknown };
      return JSON.stringify(await m.default());
    }, `${server.url}entry.js`);
    if (opened.errors.length > 0) throw new Error(`the page reported errors: ${opened.errors.join('; ')}`);
    return JSON.parse(json) as unknown;
  } finally {
    await opened?.page.close().catch(() => undefined);
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Lets pages of `browser` download files into `dir`, and returns a function that waits (up to
 * `timeoutMs`) for a finished download whose name matches `pattern` and gives its path.
 */
export async function downloadsTo(browser: Browser, dir: string): Promise<(pattern: RegExp, timeoutMs?: number) => Promise<string>> {
  mkdirSync(dir, { recursive: true });
  const session = await browser.target().createCDPSession();
  await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
  return async (pattern, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const name = readdirSync(dir).find((n) => pattern.test(n) && !n.endsWith('.crdownload'));
      if (name) return join(dir, name);
      if (Date.now() > deadline) throw new Error(`no download matching ${pattern} in ${dir} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}

interface TraceEvent {
  readonly ph: string;
  readonly name: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string; readonly data?: { readonly url?: string; readonly functionName?: string } };
}

/**
 * The page's main-thread tasks in a Chromium trace: wall and CPU (thread) time of each, in ms, and
 * what ran inside it (the events of more than 5 ms, with the script and function they ran).
 */
export function mainThreadTasks(trace: Uint8Array | undefined, pageUrl: string): Array<{ wallMs: number; cpuMs: number; what: string }> {
  const events = (JSON.parse(Buffer.from(trace ?? new Uint8Array()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  // The trace covers every renderer (Chromium's own pages too): keep the one running our page's script.
  const ours = new Set(events.filter((e) => e.args?.data?.url?.startsWith(pageUrl)).map((e) => e.pid));
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && ours.has(e.pid))
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  const tasks = onMain.filter((e) => e.name === 'RunTask');
  const within = (task: TraceEvent): TraceEvent[] =>
    onMain.filter((e) => e !== task && e.pid === task.pid && e.tid === task.tid && e.ts >= task.ts && e.ts < task.ts + (task.dur ?? 0));
  return tasks
    // Puppeteer's own scripts in the page (its polling for waitForFunction) are the test's, not the page's.
    .filter((task) => !within(task).some((e) => e.args?.data?.url?.startsWith('pptr:')))
    .map((task) => {
      const inside = within(task).filter((e) => (e.dur ?? 0) > 5000);
      const what = inside
        .map((e) => `${e.name} ${((e.dur ?? 0) / 1000).toFixed(0)} ms${e.args?.data?.url ? ` (${e.args.data.url.split('/').pop()} ${e.args.data.functionName ?? ''})` : ''}`)
        .join(', ');
      return { wallMs: (task.dur ?? 0) / 1000, cpuMs: (task.tdur ?? task.dur ?? 0) / 1000, what };
    });
}

/** A control's text. */
export const textOf = (page: Page, selector: string): Promise<string> => page.$eval(selector, (el) => el.textContent ?? '');

/** Sets a control's value as a user would, firing `input` and `change`. */
export async function setValue(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(
    selector,
    (el, v) => {
      (el as unknown as { value: string }).value = v; // runs in the page; this file compiles without DOM types
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

/** Waits until the studio's `#phase` says `phase`. */
export async function waitForPhase(page: Page, phase: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(`document.getElementById('phase').textContent === ${JSON.stringify(phase)}`, { timeout, polling: 20 });
}
