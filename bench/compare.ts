// `node dist/bench/compare.js --base DIR`: the training step of this checkout against another built
// checkout of the project (an earlier commit, say), side by side in ONE process: the two are loaded as
// separate module graphs and timed in alternating rounds, so a slow patch of a shared machine hits both
// alike; it prints each one's median time per step and the median of the per-round ratios. Not a test:
// it asserts nothing.
//
//   git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build)
//   npm run build && node dist/bench/compare.js --base /tmp/base --hidden 100 --kernel wasm
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const HELP = `usage: node dist/bench/compare.js --base DIR [options]
  --base DIR        another built checkout of min-char-rnn (its dist/src/index.js is loaded)
  --hidden N        hidden size (default 100)
  --kernel NAME     reference | js | wasm (default wasm)
  --what KIND       step: lossFun + clip + Adagrad on the kernel's own memory (default);
                    pipeline: the default trainingSteps pipeline, sampling 200 characters every 100;
                    sample: one character of sampling (sampleStep + draw)
  --rounds N        alternating rounds (default 11)
  --iterations N    steps (or characters) per round (default 1000)
  --corpus FILE     text to train on (default ../shared/data/tinyshakespeare.txt, else data/default-corpus.txt)
`;

/** The part of the package this compares (what both checkouts export). */
interface Lib {
  createCorpus(text: string): { ids: Int32Array; vocab: { size: number } };
  kernelByName(name: string): {
    createModel(H: number, V: number, T: number): {
      params: { data: Float64Array };
      grads: { data: Float64Array };
      hs: Float64Array;
      lossFun(inputs: Int32Array, targets: Int32Array): number;
      sampleStep(ix: number, h: Float64Array, temperature: number, probs: Float64Array): void;
      allocate(n: number): Float64Array;
      clipInPlace?(x: Float64Array, limit: number): void;
      adagradUpdate?(p: Float64Array, g: Float64Array, m: Float64Array, lr: number, eps: number): boolean;
    };
  };
  initParams(H: number, V: number, seed: number): { data: Float64Array };
  clipInPlace(x: Float64Array, limit: number): void;
  adagradUpdate(p: Float64Array, g: Float64Array, m: Float64Array, lr: number, eps: number): void;
  drawIndex(probs: Float64Array, u: number): number;
  seededRandom(seed: number): () => number;
  trainingSteps(corpus: unknown, config: object): { subscribe(o: { error(e: unknown): void; complete(): void }): unknown };
}

function options(argv: string[]): { base: string; hidden: number; kernel: string; what: string; rounds: number; iterations: number; corpus: string } {
  const o = { base: '', hidden: 100, kernel: 'wasm', what: 'step', rounds: 11, iterations: 1000, corpus: '' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const v = argv[++i];
    if (flag === '--help') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    if (v === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--base' || flag === '--kernel' || flag === '--what' || flag === '--corpus') o[flag.slice(2) as 'base'] = v;
    else if (flag === '--hidden' || flag === '--rounds' || flag === '--iterations') {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${v}`);
      o[flag.slice(2) as 'hidden'] = n;
    } else throw new Error(`unknown option ${flag}`);
  }
  if (o.base === '') throw new Error('--base DIR is required');
  if (!['step', 'pipeline', 'sample'].includes(o.what)) throw new Error(`--what must be step, pipeline or sample, got ${o.what}`);
  return o;
}

/** One round of the chosen work for `lib`, set up once. */
function workload(lib: Lib, text: string, o: ReturnType<typeof options>): () => Promise<void> {
  const corpus = lib.createCorpus(text);
  const H = o.hidden;
  const V = corpus.vocab.size;
  const kernel = lib.kernelByName(o.kernel);
  if (o.what === 'pipeline') {
    return () =>
      new Promise((done, fail) =>
        lib.trainingSteps(corpus, { hiddenSize: H, iterations: o.iterations, kernel }).subscribe({ error: fail, complete: done }),
      );
  }
  const model = kernel.createModel(H, V, 25);
  model.params.data.set(lib.initParams(H, V, 1).data);
  if (o.what === 'sample') {
    const h = new Float64Array(H);
    const probs = new Float64Array(V);
    const random = lib.seededRandom(1);
    let ix = 0;
    return async () => {
      for (let n = 0; n < o.iterations; n++) {
        model.sampleStep(ix, h, 1, probs);
        ix = lib.drawIndex(probs, random());
      }
    };
  }
  const mem = model.allocate(model.params.data.length);
  let p = 0;
  return async () => {
    for (let n = 0; n < o.iterations; n++) {
      if (p + 26 >= corpus.ids.length) p = 0;
      model.lossFun(corpus.ids.subarray(p, p + 25), corpus.ids.subarray(p + 1, p + 26));
      model.hs.copyWithin(0, 25 * H, 26 * H); // carry the hidden state, as training does
      if (model.clipInPlace) model.clipInPlace(model.grads.data, 5);
      else lib.clipInPlace(model.grads.data, 5);
      if (!model.adagradUpdate?.(model.params.data, model.grads.data, mem, 0.1, 1e-8)) {
        lib.adagradUpdate(model.params.data, model.grads.data, mem, 0.1, 1e-8);
      }
      p += 25;
    }
  };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const root = resolve(new URL('../..', import.meta.url).pathname);
  const baseIndex = join(resolve(o.base), 'dist/src/index.js');
  if (!existsSync(baseIndex)) throw new Error(`${baseIndex} does not exist (build the other checkout first)`);
  const shared = resolve(root, '../shared/data/tinyshakespeare.txt');
  const corpusFile = o.corpus || (existsSync(shared) ? shared : join(root, 'data/default-corpus.txt'));
  const text = readFileSync(corpusFile, 'utf8');
  const ours = (await import(pathToFileURL(join(root, 'dist/src/index.js')).href)) as Lib;
  const base = (await import(pathToFileURL(baseIndex).href)) as Lib;
  const a = workload(ours, text, o);
  const b = workload(base, text, o);
  for (let i = 0; i < 2; i++) {
    await a();
    await b(); // warm-up: both compiled by the JIT before timing
  }
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    let t0 = cpuMs();
    await a();
    const da = cpuMs() - t0;
    t0 = cpuMs();
    await b();
    const db = cpuMs() - t0;
    ta.push(da);
    tb.push(db);
    ratios.push(da / db);
  }
  const per = (ms: number): string => `${((ms / o.iterations) * 1000).toFixed(1)} µs`;
  process.stdout.write(
    `${o.what}, H ${o.hidden}, ${o.kernel} kernel, ${o.rounds} alternating rounds of ${o.iterations} (CPU time, medians; node ${process.version}):\n` +
      `  this checkout ${per(median(ta))}, base ${per(median(tb))}, this/base ${median(ratios).toFixed(3)}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`compare: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
