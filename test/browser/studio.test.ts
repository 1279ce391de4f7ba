// The training studio in headless Chromium: the real page, built as `npm run web:build` builds it,
// served on 127.0.0.1, driven through its public element ids.
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { buildStudio } from '../../scripts/web.js';
import { parseCheckpoint } from '../../src/index.js';
import { DEFAULT_CORPUS, removeDir, runCli, tempDir } from '../cli/helpers.js';
import {
  chromiumOrSkipNotice,
  downloadsTo,
  launchChromium,
  mainThreadTasks,
  openPage,
  PROJECT_ROOT,
  serveStatic,
  setValue,
  textOf,
  waitForPhase,
  type Chromium,
  type OpenedPage,
  type StaticServer,
} from './harness.js';

/** The ids the issue fixes as a public interface. */
const PUBLIC_IDS = [
  'corpus', 'start', 'pause', 'resume', 'stop', 'hidden-size', 'seq-length', 'learning-rate', 'temperature',
  'iteration', 'smooth-loss', 'chars-per-second', 'samples', 'chart', 'download-checkpoint', 'load-checkpoint', 'error',
];

const iterationOf = async (page: Page): Promise<number> => Number(await textOf(page, '#iteration'));

async function waitForIteration(page: Page, atLeast: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction((n) => Number(document.getElementById('iteration')!.textContent) >= n, { timeout, polling: 50 }, atLeast);
}

describe('studio in Chromium', function () {
  this.timeout(300_000);
  let chromium: Chromium | undefined;
  let server: StaticServer | undefined;
  let site = '';
  let work = '';
  const opened: OpenedPage[] = [];

  before(async function () {
    const found = chromiumOrSkipNotice();
    if (!found) this.skip();
    site = tempDir();
    work = tempDir();
    await buildStudio(site);
    server = await serveStatic(site);
    chromium = await launchChromium(found);
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    if (site) removeDir(site);
    if (work) removeDir(work);
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.page.close().catch(() => undefined);
  });

  async function open(viewport?: { width: number; height: number }): Promise<OpenedPage> {
    const o = await openPage(chromium!.browser, server!.url, viewport);
    opened.push(o);
    await o.page.waitForFunction(() => (document.getElementById('corpus') as HTMLTextAreaElement).value.length > 0);
    return o;
  }

  it('loads with no console errors, every public id present, #error empty', async () => {
    const { page, errors } = await open();
    for (const id of PUBLIC_IDS) expect(await page.$(`#${id}`), `#${id}`).to.not.equal(null);
    expect(await textOf(page, '#error')).to.equal('');
    expect(await textOf(page, '#iteration')).to.equal('0');
    expect(await page.$eval('#load-checkpoint', (el) => (el as HTMLInputElement).type)).to.equal('file');
    expect(await page.$eval('#corpus', (el) => el.tagName)).to.equal('TEXTAREA');
    // Every control has a label a screen reader can read.
    const unlabelled = await page.$$eval('input, select, textarea, button', (els) =>
      els.filter((el) => {
        const e = el as HTMLInputElement;
        return e.labels?.length === 0 && !e.getAttribute('aria-label') && !(el.tagName === 'BUTTON' && el.textContent?.trim());
      }).map((el) => el.id),
    );
    expect(unlabelled).to.deep.equal([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(errors).to.deep.equal([]);
  });

  it('500 iterations lower the smooth loss; samples and the chart appear; no main-thread task over 50 ms', async () => {
    const { page, errors } = await open();
    // Long tasks from the moment training starts (PerformanceObserver on the page's main thread).
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    // A trace of the same stretch gives each main-thread task's CPU time, to tell a page that blocks
    // from a machine so busy that the page's thread waited for a core (the PerformanceObserver counts
    // wall time).
    // Puppeteer injects its helper scripts into the page at their first use: do that before tracing.
    await page.click('#iteration');
    await page.$$eval('#samples > *', (els) => els.length);
    await page.waitForFunction(() => true);
    await page.tracing.start({ categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await page.click('#start');
    await waitForPhase(page, 'running');
    const vocabSize = new Set(readFileSync(DEFAULT_CORPUS, 'utf8')).size;
    const initial = Math.log(vocabSize) * 25;
    await waitForIteration(page, 500);
    const smooth = Number(await textOf(page, '#smooth-loss'));
    expect(smooth).to.be.below(initial - 3);
    expect(Number(await textOf(page, '#chars-per-second'))).to.be.above(0);
    // Keep training a while longer, with samples, validation and chart redraws on the page.
    await waitForIteration(page, 3000);
    const samples = await page.$$eval('#samples > *', (els) => els.map((e) => e.textContent ?? ''));
    expect(samples.length).to.be.at.least(2);
    expect([...samples[samples.length - 1]!]).to.have.length(200);
    expect(await page.$$eval('#chart svg polyline, #chart svg path', (els) => els.length)).to.be.above(0);
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const tasks = mainThreadTasks(await page.tracing.stop(), server!.url);
    expect(tasks.length).to.be.above(10);
    const top = tasks.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
    const busiest = top.cpuMs;
    expect(busiest, `the CPU time of the busiest main-thread task (ms): ${top.what}`).to.be.below(50);
    if (longTasks.length > 0) {
      // Long in wall time only: the OS gave the thread no core (a shared machine), the page did not block.
      console.log(`\n  note: ${longTasks.length} long task(s) of ${longTasks.map((d) => d.toFixed(0)).join(', ')} ms wall time, ` +
        `but no main-thread task used more than ${busiest.toFixed(1)} ms of CPU: the machine was busy`);
    }
    await page.click('#stop');
    await waitForPhase(page, 'stopped');
    expect(errors).to.deep.equal([]);
  });

  it('pause freezes #iteration and resume continues it (driven from the keyboard)', async () => {
    const { page } = await open();
    await page.focus('#start');
    await page.keyboard.press('Enter');
    await waitForIteration(page, 100);
    await page.focus('#pause');
    await page.keyboard.press('Space');
    await waitForPhase(page, 'paused');
    const paused = await iterationOf(page);
    await new Promise((r) => setTimeout(r, 700));
    expect(await iterationOf(page)).to.equal(paused);
    expect(await page.$eval('#resume', (b) => (b as HTMLButtonElement).disabled)).to.equal(false);
    await page.focus('#resume');
    await page.keyboard.press('Enter');
    await waitForIteration(page, paused + 50);
    await page.click('#stop');
  });

  it('moving the temperature slider changes the next sample\'s temperature', async () => {
    const { page } = await open();
    await setValue(page, '#sample-every', '50');
    await setValue(page, '#sample-length', '50');
    await page.click('#start');
    await page.waitForFunction(() => document.getElementById('samples')!.childElementCount >= 2);
    const before = await page.$eval('#samples', (s) => Number((s.lastElementChild as HTMLElement).dataset.iteration));
    expect(await page.$eval('#samples', (s) => (s.lastElementChild as HTMLElement).dataset.temperature)).to.equal('1');
    await setValue(page, '#temperature', '0.3');
    // The change reaches the worker between two stretches of training (it yields every 16 ms); from
    // then on every sample is drawn at 0.3. Wait for two of those.
    await page.waitForFunction(
      () => [...document.getElementById('samples')!.children].filter((e) => (e as HTMLElement).dataset.temperature === '0.3').length >= 2,
      { polling: 20, timeout: 60_000 },
    );
    const after = await page.$$eval('#samples > *', (els) => els.map((e) => [Number((e as HTMLElement).dataset.iteration), (e as HTMLElement).dataset.temperature] as const));
    // Every sample is at 1 until the change arrives, and at 0.3 from then on.
    const firstLow = after.findIndex(([, t]) => t === '0.3');
    expect(firstLow).to.be.at.least(0); // (the oldest samples may have scrolled out: the page keeps 50)
    expect(after.slice(firstLow).every(([, t]) => t === '0.3')).to.equal(true);
    expect(after.slice(0, firstLow).every(([, t]) => t === '1')).to.equal(true);
    expect(after[firstLow]![0]).to.be.above(before);
    await page.click('#stop');
  });

  it('a downloaded checkpoint is accepted by min-char-rnn sample and train --resume; safetensors too', async () => {
    const { page } = await open();
    const downloads = join(work, 'downloads');
    const waitForDownload = await downloadsTo(chromium!.browser, downloads);
    await setValue(page, '#iterations', '300');
    await page.click('#start');
    await waitForPhase(page, 'stopped');
    expect(await textOf(page, '#iteration')).to.equal('300');
    await page.click('#download-checkpoint');
    const file = await waitForDownload(/^min-char-rnn-iter-300\.json$/);
    const checkpoint = parseCheckpoint(readFileSync(file, 'utf8'));
    expect(checkpoint.training!.iteration).to.equal(300);
    expect(checkpoint.training!.corpus!.sha256).to.match(/^[0-9a-f]{64}$/);
    const sample = runCli(['sample', '--checkpoint', file, '--length', '80', '--prime', 'The '], work);
    expect(sample.status, sample.stderr).to.equal(0);
    expect([...sample.stdout.trimEnd()].length).to.be.at.least(80);
    const resumed = runCli(['train', '--resume', file, '--corpus', DEFAULT_CORPUS, '--iterations', '350', '--checkpoint', join(work, 'resumed.json')], work);
    expect(resumed.status, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.match(/resuming .*min-char-rnn-iter-300\.json at iteration 300 \(to 350\)/);
    expect(resumed.stderr).to.not.match(/fine-tuning/);
    expect(parseCheckpoint(readFileSync(join(work, 'resumed.json'), 'utf8')).training!.iteration).to.equal(350);

    await page.click('#download-safetensors');
    const st = await waitForDownload(/^min-char-rnn-iter-300\.safetensors$/);
    const fromSt = runCli(['sample', '--checkpoint', st, '--length', '40'], work);
    expect(fromSt.status, fromSt.stderr).to.equal(0);
  });

  it('choosing LSTM fills in the family\'s settings; a stacked, batched LSTM trains and saves as one', async () => {
    const { page, errors } = await open();
    await page.select('#model-type', 'lstm');
    const shown = await page.$$eval(['#hidden-size', '#layers', '#batch-size', '#seq-length', '#optimizer'].join(','), (els) =>
      els.map((e) => (e as HTMLInputElement).value),
    );
    expect(shown).to.deep.equal(['256', '2', '64', 'adam', '32']); // document order: hidden, layers, seq, optimizer, batch
    await setValue(page, '#hidden-size', '24');
    await setValue(page, '#batch-size', '4');
    await setValue(page, '#seq-length', '16');
    await setValue(page, '#iterations', '60');
    const waitForDownload = await downloadsTo(chromium!.browser, join(work, 'lstm-downloads'));
    await page.click('#start');
    await waitForPhase(page, 'stopped');
    expect(await textOf(page, '#iteration')).to.equal('60');
    await page.click('#download-checkpoint');
    const saved = parseCheckpoint(readFileSync(await waitForDownload(/^min-char-rnn-iter-60\.json$/), 'utf8'));
    expect(saved.params.spec).to.deep.equal({ type: 'lstm', hiddenSize: 24, layers: 2, dropout: 0 });
    expect(saved.training!.batchSize).to.equal(4);
    expect(errors).to.deep.equal([]);
  });

  it('a CLI checkpoint loaded in the page continues from its iteration, as the CLI would, and generates text from it', async () => {
    const cli = (args: string[]) => {
      const r = runCli(['train', '--corpus', DEFAULT_CORPUS, '--sample-every', '0', ...args], work);
      expect(r.status, r.stderr).to.equal(0);
    };
    cli(['--iterations', '1000', '--checkpoint', join(work, 'cli.json')]);
    cli(['--iterations', '1100', '--checkpoint', join(work, 'cli-1100.json')]);
    const { page, errors } = await open();
    const input = await page.$('#load-checkpoint');
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(join(work, 'cli.json'));
    await page.waitForFunction(() => document.getElementById('iteration')!.textContent === '1000');
    expect(await textOf(page, '#start')).to.equal('Start from iteration 1000');
    expect(await page.$eval('#hidden-size', (el) => (el as HTMLInputElement).disabled)).to.equal(true);

    await page.click('#generate');
    await page.waitForFunction(() => [...(document.getElementById('generated')!.textContent ?? '')].length >= 4 + 500, { timeout: 30_000 });
    const generated = await textOf(page, '#generated');
    const sampled = runCli(['sample', '--checkpoint', join(work, 'cli.json'), '--prime', 'The ', '--length', '500', '--temperature', '0.8', '--seed', '7'], work);
    expect(generated).to.equal(sampled.stdout.replace(/\n$/, ''));

    await setValue(page, '#iterations', '1100');
    await setValue(page, '#sample-every', '100'); // samples do not change the training
    await page.click('#start');
    await waitForPhase(page, 'stopped');
    expect(await textOf(page, '#run-info')).to.equal('Continuing cli.json at iteration 1000.');
    expect(await textOf(page, '#iteration')).to.equal('1100');
    expect(await page.$eval('#samples', (s) => Number((s.firstElementChild as HTMLElement | null)?.dataset.iteration))).to.equal(1000);
    // The page continued exactly where the CLI would have: the same smooth loss at 1100.
    const straight = parseCheckpoint(readFileSync(join(work, 'cli-1100.json'), 'utf8')).training!.smoothLoss;
    expect(await textOf(page, '#smooth-loss')).to.equal(straight.toFixed(4));
    expect(errors).to.deep.equal([]);
  });

  it('bad inputs show one message in #error; nothing crashes and training in progress goes on', async () => {
    const { page, errors } = await open();
    const corpusText = await page.$eval('#corpus', (el) => (el as HTMLTextAreaElement).value);

    await setValue(page, '#corpus', '');
    await page.click('#start');
    expect(await textOf(page, '#error')).to.match(/training text is empty/);
    expect(await textOf(page, '#phase')).to.equal('idle');

    await setValue(page, '#corpus', corpusText);
    await setValue(page, '#hidden-size', '0');
    await page.click('#start');
    expect(await textOf(page, '#error')).to.equal('Hidden size must be a whole number from 1 to 1024, got "0"');
    await setValue(page, '#hidden-size', '100');

    const notUtf8 = join(work, 'latin1.txt');
    writeFileSync(notUtf8, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe]));
    await (await page.$('#corpus-file') as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(notUtf8);
    await page.waitForFunction(() => /not UTF-8/.test(document.getElementById('error')!.textContent ?? ''));
    expect(await page.$eval('#corpus', (el) => (el as HTMLTextAreaElement).value)).to.equal(corpusText);

    await page.click('#start');
    await waitForIteration(page, 100);
    expect(await textOf(page, '#error')).to.equal('');
    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{"format": "min-char-rnn", "version": 1, "vocab": ["a"');
    await (await page.$('#load-checkpoint') as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(broken);
    await page.waitForFunction(() => /broken\.json/.test(document.getElementById('error')!.textContent ?? ''));
    expect(await textOf(page, '#error')).to.match(/^Cannot read checkpoint broken\.json: not valid JSON/);
    await setValue(page, '#learning-rate-value', '-1');
    expect(await textOf(page, '#error')).to.match(/^Learning rate must be a number from/);
    const at = await iterationOf(page);
    await waitForIteration(page, at + 100);
    expect(await textOf(page, '#phase')).to.equal('running');
    await page.click('#stop');
    expect(errors).to.deep.equal([]);
  });

  it('screenshots of the page at laptop and phone sizes (SCREENSHOTS=dir keeps them)', async () => {
    const out = process.env.SCREENSHOTS ? join(PROJECT_ROOT, process.env.SCREENSHOTS) : join(work, 'screenshots');
    mkdirSync(out, { recursive: true });
    for (const [name, viewport] of [
      ['studio.png', { width: 1280, height: 900 }],
      ['studio-phone.png', { width: 390, height: 844 }],
    ] as const) {
      const { page } = await open(viewport);
      await setValue(page, '#sample-length', '120');
      await page.click('#start');
      await waitForIteration(page, 2500);
      await page.click('#pause');
      await waitForPhase(page, 'paused');
      await new Promise((r) => setTimeout(r, 700)); // the chart redraws every 500 ms
      const path = join(out, name);
      await page.screenshot({ path, fullPage: name !== 'studio.png' });
      expect(readFileSync(path).subarray(1, 4).toString()).to.equal('PNG');
      // Nothing is wider than the screen, and every number fits its box.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(viewport.width);
      expect(await page.$$eval('.stats dd', (els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.id))).to.deep.equal([]);
    }
  });
});
