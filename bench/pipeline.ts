// `npm run bench`: training speed of the kernels, bare and inside the default pipeline, measured side by
// side in one process. Not a test: it asserts nothing, it prints a table and writes bench-results/bench.json.
// See bench/README.md for how to read it and how to compare with the numpy and C yardsticks.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { lastValueFrom } from 'rxjs';
import {
  adagradUpdate,
  clipInPlace,
  createCorpus,
  createNetwork,
  initModel,
  type ModelType,
  initParams,
  kernelByName,
  paramsView,
  zerosLike,
  trainingSteps,
  type Corpus,
  type Kernel,
} from '../src/index.js';
import { median, projectRoot } from './common.js';

const HELP = `usage: npm run bench -- [options]
  --hidden LIST      hidden sizes, comma-separated (default 100,256,512)
  --kernels LIST     kernels to compare, comma-separated (default reference,js,wasm; reference is the baseline)
  --runs N           measured runs of each kind, after one warm-up (default 5; the median is reported)
  --seconds S        about how long one measured run lasts (default 1)
  --rss-iterations N iterations of the memory check (default 20000)
  --quick            short: --runs 3 --seconds 0.3 --rss-iterations 2000
  --models LIST      model families for the second table, comma-separated (default lstm,gru; none skips it)
  --model-size SPEC  their size: hidden,layers,batch,seq (default 128,2,8,32)
  --corpus FILE      text to train on (default ../shared/data/tinyshakespeare.txt, else data/default-corpus.txt)
  --out FILE         JSON output (default bench-results/bench.json)
`;

const SEQ = 25; // the classic window length

interface Options {
  hidden: number[];
  kernels: string[];
  runs: number;
  seconds: number;
  rssIterations: number;
  corpus: string;
  out: string;
  models: ModelType[];
  modelSize: { hidden: number; layers: number; batch: number; seq: number };
}

function parseOptions(argv: string[], root: string): Options {
  const shared = resolve(root, '../shared/data/tinyshakespeare.txt');
  const o: Options = {
    hidden: [100, 256, 512],
    kernels: ['reference', 'js', 'wasm'],
    runs: 5,
    seconds: 1,
    rssIterations: 20000,
    corpus: existsSync(shared) ? shared : join(root, 'data/default-corpus.txt'),
    out: join(root, 'bench-results/bench.json'),
    models: ['lstm', 'gru'],
    modelSize: { hidden: 128, layers: 2, batch: 8, seq: 32 },
  };
  const positiveInt = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--hidden':
        o.hidden = value().split(',').map((s) => positiveInt('--hidden', s));
        break;
      case '--kernels':
        o.kernels = value().split(',');
        break;
      case '--runs':
        o.runs = positiveInt('--runs', value());
        break;
      case '--seconds':
        o.seconds = Number(value());
        if (!(o.seconds > 0)) throw new Error('--seconds needs a positive number');
        break;
      case '--rss-iterations':
        o.rssIterations = positiveInt('--rss-iterations', value());
        break;
      case '--quick':
        o.runs = 3;
        o.seconds = 0.3;
        o.rssIterations = 2000;
        break;
      case '--corpus':
        o.corpus = resolve(value());
        break;
      case '--models': {
        const v = value();
        o.models = v === 'none' ? [] : (v.split(',') as ModelType[]);
        break;
      }
      case '--model-size': {
        const [hidden, layers, batch, seq] = value().split(',').map((x) => positiveInt('--model-size', x));
        if (seq === undefined) throw new Error('--model-size needs hidden,layers,batch,seq');
        o.modelSize = { hidden: hidden!, layers: layers!, batch: batch!, seq };
        break;
      }
      case '--out':
        o.out = resolve(value());
        break;
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        process.exit(0);
      // falls through (never reached)
      default:
        throw new Error(`unknown option ${flag}\n${HELP}`);
    }
  }
  return o;
}

/** Wall-clock and CPU (user + system) seconds of one run. */
interface Timing {
  wall: number;
  cpu: number;
}

function startTiming(): () => Timing {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    return { wall: (performance.now() - wall0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };
}

/**
 * The bare kernel loop: the pipeline's arithmetic without RxJS. Same set-up (initial weights, model),
 * same windows (the classic wrap rule), hidden state carried from window to window, clipping at 5 and
 * Adagrad with lr 0.1, each with the kernel's own fast version when it has one, as the operators call them.
 */
function bareRun(kernel: Kernel, corpus: Corpus<Int32Array>, H: number, iterations: number): Timing {
  const stop = startTiming(); // the set-up counts, as it does in the pipeline
  const V = corpus.vocab.size;
  const ids = corpus.ids;
  const model = kernel.createModel(H, V, SEQ);
  model.params.data.set(initParams(H, V, 1).data);
  const memory = model.allocate(model.params.data.length);
  const { params, grads, hs } = model;
  let p = 0;
  for (let n = 0; n < iterations; n++) {
    if (p + SEQ + 1 >= ids.length || n === 0) {
      p = 0;
      hs.fill(0, 0, H);
    } else {
      hs.copyWithin(0, SEQ * H, (SEQ + 1) * H);
    }
    const loss = model.lossFun(ids.subarray(p, p + SEQ), ids.subarray(p + 1, p + SEQ + 1));
    if (!Number.isFinite(loss)) throw new Error(`loss ${loss} at iteration ${n}`);
    if (model.clipInPlace) model.clipInPlace(grads.data, 5);
    else clipInPlace(grads.data, 5);
    if (!model.adagradUpdate?.(params.data, grads.data, memory, 0.1, 1e-8)) {
      adagradUpdate(params.data, grads.data, memory, 0.1, 1e-8);
    }
    p += SEQ;
  }
  return stop();
}

/** The default pipeline (`trainingSteps`) run to completion; `sampleEvery` 0 leaves sampling out. */
async function pipelineRun(
  kernel: Kernel,
  corpus: Corpus<Int32Array>,
  H: number,
  iterations: number,
  sampleEvery: number,
): Promise<Timing> {
  const stop = startTiming();
  await lastValueFrom(trainingSteps(corpus, { hiddenSize: H, iterations, kernel, sampleEvery }));
  return stop();
}

/**
 * A kernel that computes nothing: run through the pipeline it leaves only the pipeline's own cost
 * per step (windows, RxJS stages, yielding to the event loop), a steadier figure on a busy machine
 * than the difference of two long timings.
 */
const nullKernel: Kernel = {
  name: 'null',
  createModel(H, V, maxSeqLength) {
    const params = paramsView(H, V);
    return {
      kernel: nullKernel,
      maxSeqLength,
      params,
      grads: zerosLike(params),
      hs: new Float64Array((maxSeqLength + 1) * H),
      lossFun: () => 1,
      loss: () => 1,
      sampleStep: () => undefined,
      allocate: (n) => new Float64Array(n),
      adagradUpdate: () => true,
      clipInPlace: () => undefined,
    };
  },
};

/**
 * A model family's training speed: the bare network (forward, backward and Adagrad over the flat buffer,
 * B streams of T) and the default pipeline with that model (Adam, clip-norm 5, no sampling), in
 * characters (B·T per iteration) per second. The kernel is whatever `createNetwork` picks: the batched
 * kernels (one thread) where WebAssembly SIMD is available; bench/gated.ts compares them with PyTorch.
 */
async function familyRun(
  type: ModelType,
  corpus: Corpus,
  size: Options['modelSize'],
  iterations: number,
  kind: 'bare' | 'pipeline',
): Promise<Timing> {
  const { hidden, layers, batch, seq } = size;
  const model = { type, hiddenSize: hidden, layers };
  const stop = startTiming();
  if (kind === 'pipeline') {
    await lastValueFrom(
      trainingSteps(corpus, { model, batchSize: batch, seqLength: seq, iterations, sampleEvery: 0, optimizer: { name: 'adam' }, clip: null, clipNorm: 5 }),
    );
    return stop();
  }
  const V = corpus.vocab.size;
  const net = createNetwork(model, V, { maxSeqLength: seq, batchSize: batch });
  net.params.data.set(initModel(model, V, 1).data);
  const memory = net.allocate(net.params.data.length);
  const N = Math.floor(corpus.ids.length / batch);
  const inputs = new Int32Array(batch * seq);
  const targets = new Int32Array(batch * seq);
  let p = 0;
  for (let n = 0; n < iterations; n++) {
    if (p + seq + 1 >= N || n === 0) {
      p = 0;
      net.hprev.fill(0);
    } else net.carry();
    for (let b = 0; b < batch; b++) {
      inputs.set(corpus.ids.subarray(b * N + p, b * N + p + seq), b * seq);
      targets.set(corpus.ids.subarray(b * N + p + 1, b * N + p + seq + 1), b * seq);
    }
    const loss = net.lossFun(inputs, targets);
    if (!Number.isFinite(loss)) throw new Error(`loss ${loss} at iteration ${n}`);
    clipInPlace(net.grads.data, 5);
    adagradUpdate(net.params.data, net.grads.data, memory, 0.1, 1e-8);
    p += seq;
  }
  return stop();
}

interface FamilyResult {
  model: ModelType;
  hidden: number;
  layers: number;
  batch: number;
  seq: number;
  parameters: number;
  kernel: string;
  iterationsPerRun: number;
  charsPerSecond: { bare: number; pipeline: number };
  charsPerCpuSecond: { bare: number; pipeline: number };
}

/** Measures each family, runs interleaved family by family so drift hits all alike. */
async function measureFamilies(corpus: Corpus, o: Options): Promise<FamilyResult[]> {
  const { hidden, layers, batch, seq } = o.modelSize;
  const iters = new Map<ModelType, number>();
  for (const type of o.models) {
    const s = (await familyRun(type, corpus, o.modelSize, 1, 'bare')).wall; // warm-up and sizing
    iters.set(type, Math.max(1, Math.round(o.seconds / s)));
  }
  const runs = new Map<ModelType, { bare: Timing[]; pipeline: Timing[] }>(o.models.map((t) => [t, { bare: [], pipeline: [] }]));
  for (let r = 0; r < o.runs; r++) {
    for (const type of o.models) {
      const n = iters.get(type)!;
      runs.get(type)!.bare.push(await familyRun(type, corpus, o.modelSize, n, 'bare'));
      runs.get(type)!.pipeline.push(await familyRun(type, corpus, o.modelSize, n, 'pipeline'));
    }
  }
  const V = corpus.vocab.size;
  return o.models.map((type) => {
    const n = iters.get(type)!;
    const rec = runs.get(type)!;
    const chars = n * batch * seq;
    const rate = (ts: Timing[], clock: keyof Timing): number => median(ts.map((t) => chars / t[clock]));
    const net = createNetwork({ type, hiddenSize: hidden, layers }, V, { maxSeqLength: seq, batchSize: batch });
    return {
      model: type,
      hidden,
      layers,
      batch,
      seq,
      parameters: net.params.data.length,
      kernel: net.kernelName,
      iterationsPerRun: n,
      charsPerSecond: { bare: rate(rec.bare, 'wall'), pipeline: rate(rec.pipeline, 'wall') },
      charsPerCpuSecond: { bare: rate(rec.bare, 'cpu'), pipeline: rate(rec.pipeline, 'cpu') },
    };
  });
}

const KINDS = ['bare', 'pipeline', 'pipelineNoSample'] as const;
type Kind = (typeof KINDS)[number];
type PerKind<T> = Record<Kind, T>;

interface KernelResult {
  kernel: string;
  iterationsPerRun: number;
  /** Median chars/s of each kind by the wall clock: the headline figures. */
  charsPerSecond: PerKind<number>;
  /** Median chars/s by CPU time (user + system): steadier when other processes share the machine. */
  charsPerCpuSecond: PerKind<number>;
  /** Every run's wall-clock chars/s. */
  runs: PerKind<number[]>;
  /** bare / pipelineNoSample − 1 (ratio of medians, wall clock): what RxJS and yielding add. */
  pipelineOverhead: number;
  /** The same by CPU time. */
  pipelineOverheadCpu: number;
  /** The null kernel's pipeline cost per step as a share of this kernel's bare step. */
  pipelineOverheadNullKernel: number;
  /** pipelineNoSample / pipeline − 1: what sampling 200 characters every 100 iterations adds. */
  samplingCost: number;
}

interface SizeResult {
  hidden: number;
  vocab: number;
  kernels: KernelResult[];
  /** Median chars/s of each kernel over the first kernel's (the reference), per kind, wall clock. */
  ratios: Record<string, PerKind<number>>;
}

/** Measures every kernel at hidden size H; kinds and kernels interleaved run by run so drift hits all alike. */
async function measureSize(
  kernels: Kernel[],
  corpus: Corpus<Int32Array>,
  H: number,
  o: Options,
  nullStepSeconds: number,
): Promise<SizeResult> {
  // Size each kernel's runs to about o.seconds from a timed warm-up (which also lets V8 optimise).
  const iters = new Map<Kernel, number>();
  for (const k of kernels) {
    let n = 4;
    let s = bareRun(k, corpus, H, n).wall;
    while (s < 0.1) {
      n *= 2;
      s = bareRun(k, corpus, H, n).wall;
    }
    // A whole number of sampling periods (100 iterations) when runs are that long, so that the
    // sample drawn at iteration 0 does not weigh more than its share.
    const sized = Math.max(10, Math.round((n * o.seconds) / s));
    iters.set(k, sized >= 50 ? Math.max(100, Math.round(sized / 100) * 100) : sized);
    await pipelineRun(k, corpus, H, Math.min(n, 200), 100);
    await pipelineRun(k, corpus, H, Math.min(n, 200), 0);
  }
  const runs = new Map<Kernel, PerKind<Timing[]>>();
  for (const k of kernels) runs.set(k, { bare: [], pipeline: [], pipelineNoSample: [] });
  for (let r = 0; r < o.runs; r++) {
    for (const k of kernels) {
      const n = iters.get(k)!;
      const rec = runs.get(k)!;
      rec.bare.push(bareRun(k, corpus, H, n));
      rec.pipeline.push(await pipelineRun(k, corpus, H, n, 100));
      rec.pipelineNoSample.push(await pipelineRun(k, corpus, H, n, 0));
    }
  }
  const results: KernelResult[] = kernels.map((k) => {
    const n = iters.get(k)!;
    const rec = runs.get(k)!;
    const rate = (clock: keyof Timing): PerKind<number> => ({
      bare: median(rec.bare.map((t) => (n * SEQ) / t[clock])),
      pipeline: median(rec.pipeline.map((t) => (n * SEQ) / t[clock])),
      pipelineNoSample: median(rec.pipelineNoSample.map((t) => (n * SEQ) / t[clock])),
    });
    const wall = rate('wall');
    const cpu = rate('cpu');
    return {
      kernel: k.name,
      iterationsPerRun: n,
      charsPerSecond: wall,
      charsPerCpuSecond: cpu,
      runs: {
        bare: rec.bare.map((t) => (n * SEQ) / t.wall),
        pipeline: rec.pipeline.map((t) => (n * SEQ) / t.wall),
        pipelineNoSample: rec.pipelineNoSample.map((t) => (n * SEQ) / t.wall),
      },
      pipelineOverhead: wall.bare / wall.pipelineNoSample - 1,
      pipelineOverheadCpu: cpu.bare / cpu.pipelineNoSample - 1,
      pipelineOverheadNullKernel: nullStepSeconds / (SEQ / wall.bare),
      samplingCost: wall.pipelineNoSample / wall.pipeline - 1,
    };
  });
  const base = results[0]!;
  const ratios: Record<string, PerKind<number>> = {};
  for (const r of results) {
    ratios[r.kernel] = {
      bare: r.charsPerSecond.bare / base.charsPerSecond.bare,
      pipeline: r.charsPerSecond.pipeline / base.charsPerSecond.pipeline,
      pipelineNoSample: r.charsPerSecond.pipelineNoSample / base.charsPerSecond.pipelineNoSample,
    };
  }
  return { hidden: H, vocab: corpus.vocab.size, kernels: results, ratios };
}

/** The pipeline's own cost per step, in seconds: the null kernel through the default pipeline (no sampling). */
async function nullKernelStep(corpus: Corpus<Int32Array>): Promise<number> {
  const n = 20000;
  await pipelineRun(nullKernel, corpus, 100, n, 0); // warm-up
  const steps: number[] = [];
  for (let r = 0; r < 5; r++) steps.push((await pipelineRun(nullKernel, corpus, 100, n, 0)).wall / n);
  return median(steps);
}

interface MemoryResult {
  kernel: string;
  hidden: number;
  iterations: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  heapUsedBeforeMiB: number;
  heapUsedAfterMiB: number;
}

/** RSS and heap before and after a long run of the full default pipeline: flat means nothing kept per step. */
async function memoryCheck(kernel: Kernel, corpus: Corpus<Int32Array>, iterations: number): Promise<MemoryResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const mib = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
  await pipelineRun(kernel, corpus, 100, 200, 100); // reach steady state first
  gc?.();
  const before = process.memoryUsage();
  await pipelineRun(kernel, corpus, 100, iterations, 100);
  gc?.();
  const after = process.memoryUsage();
  return {
    kernel: kernel.name,
    hidden: 100,
    iterations,
    rssBeforeMiB: mib(before.rss),
    rssAfterMiB: mib(after.rss),
    heapUsedBeforeMiB: mib(before.heapUsed),
    heapUsedAfterMiB: mib(after.heapUsed),
  };
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const root = projectRoot();
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2), root);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const kernels = o.kernels.map((name) => kernelByName(name));
  const corpus = createCorpus(readFileSync(o.corpus, 'utf8'));
  const auto = kernelByName('auto');
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(
    `corpus ${o.corpus} (${fmt(corpus.ids.length)} chars, vocab ${corpus.vocab.size}), seq ${SEQ}; ` +
      `${o.runs} runs of ~${o.seconds} s per cell after a warm-up, medians; node ${process.version}; auto kernel: ${auto.name}`,
  );
  // Memory first, while the process holds nothing else: RSS flat over a long run means nothing is kept per step.
  const memory = await memoryCheck(auto, corpus, o.rssIterations);
  out(
    `memory, ${memory.kernel} kernel, H 100, full pipeline: RSS ${memory.rssBeforeMiB} MiB before, ` +
      `${memory.rssAfterMiB} MiB after ${fmt(memory.iterations)} iterations ` +
      `(heap used ${memory.heapUsedBeforeMiB} → ${memory.heapUsedAfterMiB} MiB` +
      `${(globalThis as { gc?: unknown }).gc ? ', after gc' : ', run node with --expose-gc to collect first'})`,
  );
  const nullStep = await nullKernelStep(corpus);
  out(`pipeline's own cost per step (null kernel, no sampling): ${(nullStep * 1e6).toFixed(2)} µs\n`);
  out(
    '| H | kernel | bare chars/s | pipeline chars/s | pipeline, no sampling | × reference (bare / pipeline) | ' +
      'pipeline overhead (measured / null kernel) | sampling |',
  );
  out('|---|---|---:|---:|---:|---:|---:|---:|');
  const sizes: SizeResult[] = [];
  for (const H of o.hidden) {
    const s = await measureSize(kernels, corpus, H, o, nullStep);
    sizes.push(s);
    for (const r of s.kernels) {
      const ratio = s.ratios[r.kernel]!;
      out(
        `| ${H} | ${r.kernel} | ${fmt(r.charsPerSecond.bare)} | ${fmt(r.charsPerSecond.pipeline)} | ` +
          `${fmt(r.charsPerSecond.pipelineNoSample)} | ${ratio.bare.toFixed(2)} / ${ratio.pipeline.toFixed(2)} | ` +
          `${pct(r.pipelineOverhead)} / ${pct(r.pipelineOverheadNullKernel)} | ${pct(r.samplingCost)} |`,
      );
    }
  }
  let families: FamilyResult[] = [];
  if (o.models.length > 0) {
    const { hidden, layers, batch, seq } = o.modelSize;
    out(`\nmodel families: hidden ${hidden}, ${layers} layers, ${batch} streams of ${seq} (chars = streams × steps)\n`);
    out('| model | parameters | kernel | bare chars/s | pipeline chars/s (Adam, clip-norm 5) |');
    out('|---|---:|---|---:|---:|');
    families = await measureFamilies(corpus, o);
    for (const f of families) {
      out(`| ${f.model} | ${fmt(f.parameters)} | ${f.kernel} | ${fmt(f.charsPerSecond.bare)} | ${fmt(f.charsPerSecond.pipeline)} |`);
    }
  }
  mkdirSync(dirname(o.out), { recursive: true });
  const json = {
    families,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    corpus: o.corpus,
    seqLength: SEQ,
    runs: o.runs,
    secondsPerRun: o.seconds,
    autoKernel: auto.name,
    pipelineStepSecondsNullKernel: nullStep,
    sizes,
    memory,
  };
  writeFileSync(o.out, JSON.stringify(json, null, 2) + '\n');
  out(`wrote ${o.out}`);
}

await main();
