// `npm run bench:web`: training speed in the studio page (Chromium, in its Web Worker) against Node for
// the same config, measured side by side in alternating rounds; and how busy the page's main thread
// gets while it trains. Not a test: it asserts nothing, it prints a table and writes
// bench-results/web.json. Needs a Chromium (CHROME_PATH, or chromium on PATH).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { buildStudio } from '../scripts/web.js';
import type { StudioCommand, StudioEvent } from '../src/web/protocol.js';
import { studioSession } from '../src/web/session.js';
import { FAMILY_DEFAULTS, SETTING_FIELDS, type StudioSettings } from '../src/web/settings.js';
import { findChromium, launchChromium, mainThreadTasks, openPage, PROJECT_ROOT, serveStatic } from '../test/browser/harness.js';

const HELP = `usage: npm run bench:web -- [options]
  --model M          rnn (default), lstm or gru (these take the studio's family settings: 2 layers of 256,
                     batch 32, seq 64, Adam 0.002, unless --hidden or --layers say otherwise)
  --hidden H         hidden size (default 100 for rnn)
  --layers L         recurrent layers (lstm, gru)
  --threads N        threads of the page's run (the page is served cross-origin isolated; default 1)
  --vs-threads M     compare the page at N threads with the page at M threads, instead of with Node
  --iterations N     iterations a round (default 6000)
  --rounds R         rounds, each one page run and one Node run, in alternating order (default 5)
  --out FILE         JSON output (default bench-results/web.json)
Trains on data/default-corpus.txt with the studio's defaults otherwise (seq 25, Adagrad 0.1, a 200-character
sample every 100 iterations, validation every 250).`;

interface Options {
  model: 'rnn' | 'lstm' | 'gru';
  hidden: number | undefined;
  layers: number | undefined;
  threads: number;
  vsThreads: number | undefined;
  iterations: number;
  rounds: number;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { model: 'rnn', hidden: undefined, layers: undefined, threads: 1, vsThreads: undefined, iterations: 6000, rounds: 5, out: join(PROJECT_ROOT, 'bench-results/web.json') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      console.log(HELP);
      process.exit(0);
    }
    const value = argv[++i];
    const n = Number(value);
    const positive = (): number => {
      if (!Number.isSafeInteger(n) || n < 1) {
        console.error(`bench:web: ${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
        process.exit(2);
      }
      return n;
    };
    if (flag === '--model' && (value === 'rnn' || value === 'lstm' || value === 'gru')) o.model = value;
    else if (flag === '--hidden') o.hidden = positive();
    else if (flag === '--layers') o.layers = positive();
    else if (flag === '--threads') o.threads = positive();
    else if (flag === '--vs-threads') o.vsThreads = positive();
    else if (flag === '--iterations') o.iterations = positive();
    else if (flag === '--rounds') o.rounds = positive();
    else if (flag === '--out' && value) o.out = value;
    else {
      console.error(`bench:web: unknown option ${flag}\n${HELP}`);
      process.exit(2);
    }
  }
  return o;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One run of the studio session in this Node process: training milliseconds as the session counts them. */
async function nodeRun(text: string, settings: StudioSettings): Promise<number> {
  const command$ = new Subject<StudioCommand>();
  let elapsed = NaN;
  await new Promise<void>((resolve, reject) => {
    const sub = command$.pipe(studioSession()).subscribe((e: StudioEvent) => {
      if (e.type === 'progress') elapsed = e.elapsedMs;
      if (e.type === 'error') reject(new Error(e.message));
      if (e.type === 'phase' && e.phase === 'stopped') {
        sub.unsubscribe();
        resolve();
      }
    });
    command$.next({ type: 'start', text, settings, fromCheckpoint: false });
  });
  return elapsed;
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const lookup = findChromium();
  if (!('path' in lookup)) {
    console.error(`bench:web: ${lookup.reason}`);
    process.exit(2);
  }
  const text = readFileSync(join(PROJECT_ROOT, 'data/default-corpus.txt'), 'utf8');
  const defaults = Object.fromEntries(SETTING_FIELDS.map((f) => [f.key, f.default])) as unknown as StudioSettings;
  const settings: StudioSettings = {
    ...defaults,
    ...FAMILY_DEFAULTS[o.model],
    modelType: o.model,
    ...(o.hidden !== undefined ? { hiddenSize: o.hidden } : {}),
    ...(o.layers !== undefined ? { layers: o.layers } : {}),
    iterations: o.iterations,
  };
  const site = join(PROJECT_ROOT, 'bench-results/web-site');
  await buildStudio(site);
  const server = await serveStatic(site);
  const chromium = await launchChromium(lookup);
  const { page } = await openPage(chromium.browser, server.url);

  /** One run in the page: training milliseconds (the worker's count), and the main thread's longest stretches. */
  const pageRun = async (trace = false, threads = o.threads): Promise<{ ms: number; longTasks: number[]; maxTimerLateMs: number; maxTaskCpuMs: number; maxTaskWallMs: number }> => {
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction('document.getElementById("corpus").value.length > 0');
    await page.evaluate(`(() => {
      const set = (id, v) => { const el = document.getElementById(id); el.value = v; el.dispatchEvent(new Event('input')); el.dispatchEvent(new Event('change')); };
      set('model-type', '${settings.modelType}');
      set('hidden-size', '${settings.hiddenSize}');
      set('layers', '${settings.layers}');
      set('iterations', '${o.iterations}');
      set('thread-count', '${threads}');
      window.__longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
      // How late a 10 ms timer fires: what a user's click would wait for, at most.
      window.__late = 0;
      let due = performance.now() + 10;
      window.__probe = setInterval(() => { const t = performance.now(); window.__late = Math.max(window.__late, t - due); due = t + 10; }, 10);
    })()`);
    // Tracing costs time on every thread, so only an extra run is traced, not the timed ones.
    if (trace) await page.tracing.start({ categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    await page.click('#start');
    await page.waitForFunction('document.getElementById("phase").textContent === "stopped"', { timeout: 600_000, polling: 50 });
    const tasks = trace ? mainThreadTasks(await page.tracing.stop(), server.url) : [];
    const measured = (await page.evaluate(`(() => {
      clearInterval(window.__probe);
      return { ms: Number(document.getElementById('elapsed').dataset.ms), longTasks: window.__longTasks, maxTimerLateMs: window.__late,
        threads: Number(document.getElementById('threads').textContent), error: document.getElementById('error').textContent };
    })()`)) as { ms: number; longTasks: number[]; maxTimerLateMs: number; threads: number; error: string };
    if (measured.error) throw new Error(`the page says: ${measured.error}`);
    if (settings.modelType !== 'rnn' && measured.threads !== threads) throw new Error(`the page ran ${measured.threads} threads, not ${threads}`);
    return {
      ...measured,
      maxTaskCpuMs: tasks.length > 0 ? Math.max(...tasks.map((t) => t.cpuMs)) : NaN,
      maxTaskWallMs: tasks.length > 0 ? Math.max(...tasks.map((t) => t.wallMs)) : NaN,
    };
  };

  const chars = o.iterations * settings.seqLength * settings.batchSize;
  // The other program: Node's session, or the page at --vs-threads.
  const vs = o.vsThreads;
  const otherName = vs === undefined ? 'node' : `page ×${vs}`;
  const thisName = vs === undefined ? 'page' : `page ×${o.threads}`;
  const otherRun = async (): Promise<number> => (vs === undefined ? nodeRun(text, settings) : (await pageRun(false, vs)).ms);
  const rows: Array<{
    round: number;
    order: string;
    pageCharsPerSecond: number;
    nodeCharsPerSecond: number;
    longTasks: number[];
    maxTimerLateMs: number;
    maxTaskCpuMs: number;
    maxTaskWallMs: number;
  }> = [];
  // A warm-up of each (JIT, caches), not counted.
  await pageRun();
  await otherRun();
  for (let r = 0; r < o.rounds; r++) {
    const pageFirst = r % 2 === 0;
    let p: Awaited<ReturnType<typeof pageRun>>;
    let n: number;
    if (pageFirst) {
      p = await pageRun();
      n = await otherRun();
    } else {
      n = await otherRun();
      p = await pageRun();
    }
    const row = {
      round: r + 1,
      order: pageFirst ? `${thisName}, ${otherName}` : `${otherName}, ${thisName}`,
      pageCharsPerSecond: (chars * 1000) / p.ms,
      nodeCharsPerSecond: (chars * 1000) / n,
      longTasks: p.longTasks,
      maxTimerLateMs: p.maxTimerLateMs,
      maxTaskCpuMs: p.maxTaskCpuMs,
      maxTaskWallMs: p.maxTaskWallMs,
    };
    rows.push(row);
    console.log(
      `round ${row.round} (${row.order}): ${thisName} ${Math.round(row.pageCharsPerSecond)} chars/s, ${otherName} ${Math.round(row.nodeCharsPerSecond)} chars/s, ` +
        `${thisName} / ${otherName} ${(row.pageCharsPerSecond / row.nodeCharsPerSecond).toFixed(3)}, long tasks ${row.longTasks.length}, ` +
        `timer late ≤ ${row.maxTimerLateMs.toFixed(1)} ms`,
    );
  }
  const traced = await pageRun(true);
  await chromium.close();
  await server.close();
  rmSync(site, { recursive: true, force: true });

  const pageMedian = median(rows.map((x) => x.pageCharsPerSecond));
  const nodeMedian = median(rows.map((x) => x.nodeCharsPerSecond));
  const ratio = median(rows.map((x) => x.pageCharsPerSecond / x.nodeCharsPerSecond));
  const allLong = rows.flatMap((x) => x.longTasks);
  console.log('');
  const what = `${settings.modelType} ${settings.layers}×${settings.hiddenSize}, B ${settings.batchSize}, T ${settings.seqLength}`;
  console.log(
    vs === undefined
      ? `| ${what}, ${o.iterations} iterations, ${o.rounds} rounds | page (Chromium, worker, ${o.threads} thread${o.threads > 1 ? 's' : ''}) | Node (1 thread) | page / Node |`
      : `| ${what}, ${o.iterations} iterations, ${o.rounds} rounds | page, ${o.threads} threads | page, ${vs} threads | ratio |`,
  );
  console.log('|---|---:|---:|---:|');
  console.log(`| median chars/s | ${Math.round(pageMedian)} | ${Math.round(nodeMedian)} | ${ratio.toFixed(3)} |`);
  console.log('');
  console.log(
    `main thread while training: in a traced run, the longest task used ${traced.maxTaskCpuMs.toFixed(1)} ms of CPU ` +
      `(${traced.maxTaskWallMs.toFixed(1)} ms wall); in the timed rounds, ` +
      `${allLong.length} long tasks (> 50 ms wall)${allLong.length ? `, longest ${Math.max(...allLong).toFixed(1)} ms` : ''}; ` +
      `a 10 ms timer fired at most ${Math.max(...rows.map((x) => x.maxTimerLateMs)).toFixed(1)} ms late`,
  );
  mkdirSync(join(o.out, '..'), { recursive: true });
  writeFileSync(o.out, JSON.stringify({ options: o, chromium: lookup.path, rows, traced, pageMedian, nodeMedian, ratio }, null, 2) + '\n');
  console.log(`wrote ${o.out}`);
}

await main();
