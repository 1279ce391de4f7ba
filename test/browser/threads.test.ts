// The studio's threads in Chromium: LSTM and GRU runs on 1 and 2 threads (Web Workers over a shared
// WebAssembly memory, the page served cross-origin isolated) give the same checkpoint, byte for byte,
// and the same samples, as the same session does in Node; a page that is not isolated trains on one
// thread; stopping ends the matrix workers; a matrix worker that fails is one message on the page.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { Subject } from 'rxjs';
import { buildStudio } from '../../scripts/web.js';
import { createMatrixThreads } from '../../src/model/batched/nodeThreads.js';
import { wasmKernelWithThreads } from '../../src/model/rnn/classic/wasmKernel.js';
import type { StudioCommand, StudioEvent } from '../../src/web/protocol.js';
import { studioSession } from '../../src/web/session.js';
import { FAMILY_DEFAULTS, SETTING_FIELDS, type StudioSettings } from '../../src/web/settings.js';
import { DEFAULT_CORPUS, removeDir, tempDir } from '../cli/helpers.js';
import {
  chromiumOrSkipNotice,
  downloadsTo,
  launchChromium,
  openPage,
  serveStatic,
  setValue,
  textOf,
  waitForPhase,
  type Chromium,
  type OpenedPage,
  type StaticServer,
} from './harness.js';

/** Large enough that the products split between threads (threads.ts: MIN_SPLIT), small enough to be quick. */
const CONFIG = { hiddenSize: 64, layers: 2, batchSize: 8, seqLength: 32, iterations: 24, sampleEvery: 8, sampleLength: 60, evalEvery: 12 };
const FIELD_IDS: Record<keyof typeof CONFIG, string> = {
  hiddenSize: 'hidden-size', layers: 'layers', batchSize: 'batch-size', seqLength: 'seq-length',
  iterations: 'iterations', sampleEvery: 'sample-every', sampleLength: 'sample-length', evalEvery: 'eval-every',
};




/** The same run in Node: the studio session, on `threads` threads, its checkpoint and samples. */
async function nodeRun(settings: StudioSettings, threads: number): Promise<{ checkpoint: string; samples: string[] }> {
  const pool = threads > 1 ? createMatrixThreads(threads) : undefined;
  const kernel = pool && wasmKernelWithThreads(pool);
  const command$ = new Subject<StudioCommand>();
  const samples: string[] = [];
  try {
    return await new Promise((resolve, reject) => {
      const sub = command$.pipe(studioSession({ kernel: () => kernel })).subscribe((e: StudioEvent) => {
        if (e.type === 'sample') samples.push(e.text);
        else if (e.type === 'error') reject(new Error(e.message));
        else if (e.type === 'phase' && e.phase === 'stopped') command$.next({ type: 'save-checkpoint' });
        else if (e.type === 'file') {
          sub.unsubscribe();
          resolve({ checkpoint: new TextDecoder().decode(e.bytes), samples });
        }
      });
      command$.next({ type: 'start', text: readFileSync(DEFAULT_CORPUS, 'utf8'), settings, fromCheckpoint: false });
    });
  } finally {
    pool?.close();
  }
}

describe('studio threads in Chromium', function () {
  this.timeout(300_000);
  let chromium: Chromium | undefined;
  let isolated: StaticServer | undefined;
  let plain: StaticServer | undefined;
  let broken: StaticServer | undefined;
  let site = '';
  let brokenSite = '';
  let work = '';
  const opened: OpenedPage[] = [];

  before(async function () {
    const found = chromiumOrSkipNotice();
    if (!found) this.skip();
    site = tempDir();
    brokenSite = tempDir();
    work = tempDir();
    await buildStudio(site);
    await buildStudio(brokenSite);
    writeFileSync(join(brokenSite, 'gemm-worker.js'), "throw new Error('this matrix worker is broken on purpose');\n");
    isolated = await serveStatic(site);
    plain = await serveStatic(site, 0, { isolated: false });
    broken = await serveStatic(brokenSite);
    chromium = await launchChromium(found);
  });
  after(async () => {
    await chromium?.close();
    for (const s of [isolated, plain, broken]) await s?.close();
    for (const d of [site, brokenSite, work]) if (d) removeDir(d);
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.page.close().catch(() => undefined);
  });

  async function open(server: StaticServer): Promise<OpenedPage> {
    const o = await openPage(chromium!.browser, server.url);
    opened.push(o);
    await o.page.waitForFunction(() => (document.getElementById('corpus') as HTMLTextAreaElement).value.length > 0);
    return o;
  }

  /** The page's workers as the browser sees them: the training worker, and the matrix workers of a running pool. */
  const workerCount = (page: Page): number => page.workers().length;

  async function configure(page: Page, model: 'lstm' | 'gru', threads: number): Promise<void> {
    await page.select('#model-type', model);
    for (const [key, id] of Object.entries(FIELD_IDS)) await setValue(page, `#${id}`, String(CONFIG[key as keyof typeof CONFIG]));
    await setValue(page, '#thread-count', String(threads));
  }

  /** One run in the page: its checkpoint (downloaded), samples and the thread count it showed. */
  async function pageRun(model: 'lstm' | 'gru', threads: number): Promise<{ checkpoint: string; samples: string[]; shown: string; settings: StudioSettings }> {
    const { page, errors } = await open(isolated!);
    await configure(page, model, threads);
    const dir = join(work, `${model}-${threads}`);
    const waitForDownload = await downloadsTo(chromium!.browser, dir);
    await page.click('#start');
    await waitForPhase(page, 'stopped', 120_000);
    const shown = await textOf(page, '#threads');
    const samples = await page.$$eval('#samples > *', (els) => els.map((e) => e.textContent ?? ''));
    await page.click('#download-checkpoint');
    const checkpoint = readFileSync(await waitForDownload(/^min-char-rnn-iter-\d+\.json$/), 'utf8');
    expect(await textOf(page, '#error')).to.equal('');
    expect(errors).to.deep.equal([]);
    const defaults = Object.fromEntries(SETTING_FIELDS.map((f) => [f.key, f.default])) as unknown as StudioSettings;
    // What the page's form sends: the defaults, the family's (choosing the model fills them in), and ours.
    const settings: StudioSettings = { ...defaults, ...FAMILY_DEFAULTS[model], modelType: model, ...CONFIG };
    return { checkpoint, samples, shown, settings };
  }

  for (const model of ['lstm', 'gru'] as const) {
    it(`${model}: 1 and 2 threads in the page give the same checkpoint and samples, bit for bit, as Node's session`, async () => {
      const one = await pageRun(model, 1);
      const two = await pageRun(model, 2);
      expect(one.shown).to.equal('1');
      expect(two.shown).to.equal('2');
      expect(one.samples).to.have.length(CONFIG.iterations / CONFIG.sampleEvery);
      expect(two.samples).to.deep.equal(one.samples);
      expect(two.checkpoint).to.equal(one.checkpoint);
      const node = await nodeRun(one.settings, 2);
      expect(node.samples).to.deep.equal(one.samples);
      expect(node.checkpoint).to.equal(one.checkpoint);
    });
  }

  it('without cross-origin isolation the page trains an LSTM on one thread', async () => {
    const { page, errors } = await open(plain!);
    expect(await page.evaluate(() => crossOriginIsolated)).to.equal(false);
    expect(await page.$eval('#thread-count', (el) => (el as HTMLInputElement).disabled)).to.equal(true);
    await configure(page, 'lstm', 1);
    await page.$eval('#thread-count', (el) => ((el as HTMLInputElement).value = '2')); // as if it were chosen anyway
    await page.click('#start');
    await waitForPhase(page, 'stopped', 120_000);
    expect(await textOf(page, '#threads')).to.equal('1');
    expect(await textOf(page, '#threads-note')).to.match(/not cross-origin isolated/);
    expect(await textOf(page, '#iteration')).to.equal(String(CONFIG.iterations));
    expect(await textOf(page, '#error')).to.equal('');
    expect(errors).to.deep.equal([]);
  });

  it('stopping a run ends its matrix workers: no leak over several start/stop cycles', async () => {
    const { page, errors } = await open(isolated!);
    await configure(page, 'lstm', 3);
    await setValue(page, '#iterations', '');
    const idle = workerCount(page);
    for (let cycle = 0; cycle < 4; cycle++) {
      await page.click('#start');
      await waitForPhase(page, 'running');
      await page.waitForFunction(() => Number(document.getElementById('iteration')!.textContent) >= 2, { timeout: 60_000, polling: 20 });
      expect(await textOf(page, '#threads')).to.equal('3');
      expect(workerCount(page), `cycle ${cycle}: the training worker and two matrix workers`).to.equal(idle + 2);
      await page.click('#stop');
      await waitForPhase(page, 'stopped', 120_000);
      const deadline = Date.now() + 10_000;
      while (workerCount(page) !== idle && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(workerCount(page), `cycle ${cycle}: after stop`).to.equal(idle);
    }
    expect(await textOf(page, '#error')).to.equal('');
    expect(errors).to.deep.equal([]);
  });

  it('a matrix worker that fails is one clear message, and the run trains on one thread', async () => {
    const { page } = await open(broken!);
    await configure(page, 'gru', 2);
    await page.click('#start');
    await waitForPhase(page, 'stopped', 120_000);
    expect(await textOf(page, '#error')).to.match(/^Could not start 2 threads \(matrix worker 1 failed: .*broken on purpose.*\); training on one thread$/);
    expect(await textOf(page, '#threads')).to.equal('1');
    expect(await textOf(page, '#iteration')).to.equal(String(CONFIG.iterations));
  });
});
