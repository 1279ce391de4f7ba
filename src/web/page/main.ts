// The studio page: a thin view. It reads the controls, sends commands to the training worker, and
// renders the worker's events (progress, samples, validation, files) into the DOM.
import corpora from 'studio:corpora';
import { recordLoss } from '../../checkpoint/training.js';
import type { Evaluation } from '../../operators/evaluateEvery.js';
import { lossChartSvg } from '../../plot/lossChart.js';
import type { CheckpointSummary, Phase, StudioEvent } from '../protocol.js';
import { defaultLearningRate, FAMILY_DEFAULTS, parseField, settingField, type StudioSettings } from '../settings.js';
import { connectStudioWorker } from './bridge.js';
import { buildSettingsForm } from './form.js';

const MAX_SAMPLES = 50;
/** Threads the page may choose: shared memory needs cross-origin isolation (COOP and COEP headers). */
const ISOLATED = self.crossOriginIsolated === true;
const MAX_THREADS = 16;
/** Past a few threads the products of a window split too thin to gain; each thread is a worker. */
const DEFAULT_THREADS = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8));
const CHART_EVERY_MS = 500;

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

const worker = connectStudioWorker('worker.js');
const form = buildSettingsForm(onLiveChange);

// ---- what the page shows ----------------------------------------------------------------------
let phase: Phase = 'idle';
let loaded: { readonly name: string; readonly summary: CheckpointSummary } | undefined;
/** Start continues the loaded checkpoint (until the user starts fresh or a run consumes it). */
let continueLoaded = false;
let seqLength = 25;
let chartTrain: Array<readonly [number, number]> = [];
let chartValidation: Evaluation[] = [];
let chartDirty = false;

function showError(message: string): void {
  $('error').textContent = message;
}
function clearError(): void {
  $('error').textContent = '';
}
function showStatus(message: string): void {
  $('status').textContent = message;
}

function refreshControls(): void {
  const running = phase === 'running' || phase === 'paused';
  ($('start') as HTMLButtonElement).disabled = running;
  ($('pause') as HTMLButtonElement).disabled = phase !== 'running';
  ($('resume') as HTMLButtonElement).disabled = phase !== 'paused';
  ($('stop') as HTMLButtonElement).disabled = !running;
  $('start').textContent = continueLoaded && loaded?.summary.training ? `Start from iteration ${loaded.summary.training.iteration}` : 'Start';
  $('phase').textContent = phase;
  form.lock({ running, fixedByCheckpoint: continueLoaded });
  for (const id of ['corpus', 'corpus-choice', 'corpus-file']) ($(id) as HTMLInputElement).disabled = running;
  ($('thread-count') as HTMLInputElement).disabled = running || !ISOLATED;
  $('forget-checkpoint').hidden = !continueLoaded || running;
}

function showNumbers(iteration: number, smoothLoss: number | undefined): void {
  $('iteration').textContent = String(iteration);
  if (smoothLoss === undefined || !Number.isFinite(smoothLoss)) return;
  $('smooth-loss').textContent = smoothLoss.toFixed(4); // as the command line's status line: six decimals overflow the box
  $('bits-per-char').textContent = (smoothLoss / seqLength / Math.LN2).toFixed(4);
}

function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}:${String(s % 60).padStart(2, '0')}` : `${(ms / 1000).toFixed(1)} s`;
}

function resetChart(train: ReadonlyArray<readonly [number, number]>, validation: readonly Evaluation[]): void {
  chartTrain = train.map(([i, l]) => [i, l] as const);
  chartValidation = [...validation];
  chartDirty = true;
  drawChart();
}

function drawChart(): void {
  if (!chartDirty) return;
  chartDirty = false;
  // Drawn at the size it is shown, so its text stays readable on a phone.
  const width = Math.max(440, Math.round($('chart').clientWidth || 800));
  const height = Math.round(Math.min(450, Math.max(220, width * 0.56)));
  // A few hundred points are as many as the chart's width shows; fewer keep each redraw short.
  const every = Math.ceil(chartTrain.length / 500);
  const train = every > 1 ? chartTrain.filter((_, i) => i % every === 0 || i === chartTrain.length - 1) : chartTrain;
  $('chart').innerHTML = lossChartSvg(
    { seqLength, train, validation: chartValidation },
    { title: 'Loss (bits per character)', width, height },
  );
}
setInterval(drawChart, CHART_EVERY_MS);
window.addEventListener('resize', () => (chartDirty = true));

function addSample(iteration: number, text: string, temperature: number): void {
  const box = $('samples');
  const pre = document.createElement('pre');
  pre.className = 'sample';
  pre.dataset.iteration = String(iteration);
  pre.dataset.temperature = String(temperature);
  pre.textContent = text;
  box.append(pre);
  while (box.childElementCount > MAX_SAMPLES) box.firstElementChild!.remove();
  box.scrollTop = box.scrollHeight;
}

function download(name: string, mime: string, bytes: ArrayBuffer): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// ---- events from the worker ---------------------------------------------------------------------
const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

// Progress and samples arrive many times a second: they are drawn once per animation frame (the latest
// numbers, the newest samples), so the page does a few small DOM updates a frame, not one per message.
// Every other event draws what is pending first, so the page never shows them out of order.
type ProgressEvent = Extract<StudioEvent, { type: 'progress' }>;
type SampleEvent = Extract<StudioEvent, { type: 'sample' }>;
let pendingProgress: ProgressEvent | undefined;
let pendingSamples: SampleEvent[] = [];
let frame = 0;

function flush(): void {
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  const e = pendingProgress;
  pendingProgress = undefined;
  if (e) {
    showNumbers(e.iteration, e.smoothLoss);
    if (phase === 'running' || e.charsPerSecond > 0) $('chars-per-second').textContent = String(Math.round(e.charsPerSecond));
    $('elapsed').textContent = formatElapsed(e.elapsedMs);
    $('elapsed').dataset.ms = String(e.elapsedMs); // exact, for scripts (the benchmark reads it)
  }
  const samples = pendingSamples;
  pendingSamples = [];
  for (const x of samples) addSample(x.iteration, x.text, x.temperature);
}

function schedule(): void {
  frame ||= requestAnimationFrame(flush);
}

worker.on('phase').subscribe((e) => {
  flush();
  phase = e.phase;
  if (e.reason) showStatus(`Stopped: ${e.reason}.`);
  refreshControls();
});
worker.on('run').subscribe((e) => {
  flush();
  seqLength = e.seqLength;
  continueLoaded = false;
  $('samples').replaceChildren();
  resetChart(e.lossHistory, e.validation);
  showNumbers(e.startIteration, undefined);
  $('run-info').textContent = `${capitalized(e.note)}.`;
});
worker.on('progress').subscribe((e) => {
  for (const [i, l] of e.points) recordLoss(chartTrain, i, l);
  if (e.points.length > 0) chartDirty = true;
  pendingProgress = e;
  schedule();
});
worker.on('sample').subscribe((e) => {
  pendingSamples.push(e);
  if (pendingSamples.length > MAX_SAMPLES) pendingSamples.shift(); // a hidden page draws no frames
  schedule();
});
worker.on('validation').subscribe((e) => {
  chartValidation.push(e.evaluation);
  chartDirty = true;
});
worker.on('checkpoint-loaded').subscribe((e) => {
  flush();
  onCheckpointLoaded(e.name, e.summary);
});
worker.on('file').subscribe((e) => {
  download(e.name, e.mime, e.bytes);
  showStatus(`Saved ${e.name}.`);
});
worker.on('generated').subscribe((e) => {
  $('generated').append(e.text);
  if (e.done) $<HTMLButtonElement>('stop-generating').disabled = true;
});
worker.on('threads').subscribe((e) => {
  $('threads').textContent = String(e.threads);
  $('threads-note').textContent = e.note;
});
worker.on('error').subscribe((e) => {
  flush();
  showError(capitalized(e.message));
});

function onCheckpointLoaded(name: string, summary: CheckpointSummary): void {
  loaded = { name, summary };
  const t = summary.training;
  const what = `${name}: hidden size ${summary.hiddenSize}, ${summary.vocabSize} characters`;
  if (t && phase !== 'running' && phase !== 'paused') {
    continueLoaded = true;
    seqLength = t.seqLength;
    form.fill(t.settings);
    showNumbers(t.iteration, t.smoothLoss);
    resetChart(t.lossHistory, t.validation);
    $('checkpoint-info').textContent = `Loaded ${what}, at iteration ${t.iteration}. Start continues it on the training text; Generate uses it.`;
  } else if (phase !== 'running' && phase !== 'paused') {
    continueLoaded = true;
    form.fill(summary.model);
    $('checkpoint-info').textContent = `Loaded ${what} (weights only). Start trains a new run from these weights; Generate uses them.`;
  } else {
    $('checkpoint-info').textContent = `Loaded ${what}. Generate and the downloads use it; training goes on.`;
  }
  refreshControls();
}

// ---- threads ----------------------------------------------------------------------------------------
/** The `#thread-count` field, checked like the settings. */
function chosenThreads(): number {
  const raw = $<HTMLInputElement>('thread-count').value.trim();
  const n = Number(raw);
  if (raw === '' || !Number.isSafeInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new Error(`Threads must be a whole number from 1 to ${MAX_THREADS}, got ${raw === '' ? 'nothing' : JSON.stringify(raw)}.`);
  }
  return n;
}

/** Until a run says how many it uses: what Start would use. */
function previewThreads(): void {
  if (phase === 'running' || phase === 'paused') return;
  const rnn = form.control('modelType').value === 'rnn';
  let n = 1;
  try {
    n = ISOLATED && !rnn ? chosenThreads() : 1;
  } catch {
    return;
  }
  $('threads').textContent = String(n);
  $('threads-note').textContent = !ISOLATED
    ? 'one thread: this page is not cross-origin isolated'
    : rnn
      ? 'the classic RNN computes on one thread'
      : `for the LSTM and GRU, up to ${navigator.hardwareConcurrency || 1} cores`;
}

{
  const input = $<HTMLInputElement>('thread-count');
  input.value = String(ISOLATED ? DEFAULT_THREADS : 1);
  input.disabled = !ISOLATED;
  input.addEventListener('input', previewThreads);
  form.control('modelType').addEventListener('change', previewThreads);
  previewThreads();
}

// ---- commands -------------------------------------------------------------------------------------
/** Runs a user action; a problem it finds in the input is shown instead of sent. */
function act(action: () => void): void {
  try {
    clearError();
    action();
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
  }
}

function onLiveChange(key: keyof StudioSettings, raw: string): void {
  act(() => {
    const value = parseField(settingField(key === 'learningRate' ? 'learning-rate' : 'temperature'), raw) as number;
    worker.send({ type: 'set', ...(key === 'learningRate' ? { learningRate: value } : { temperature: value }) });
  });
}

$('start').addEventListener('click', () =>
  act(() => {
    const text = ($('corpus') as HTMLTextAreaElement).value;
    if (text.length === 0) throw new Error('The training text is empty: paste some text, open a file or choose a corpus.');
    const settings = form.read();
    worker.send({ type: 'start', text, settings, fromCheckpoint: continueLoaded, threads: chosenThreads() });
  }),
);
$('pause').addEventListener('click', () => act(() => worker.send({ type: 'pause' })));
$('resume').addEventListener('click', () => act(() => worker.send({ type: 'resume' })));
$('stop').addEventListener('click', () => act(() => worker.send({ type: 'stop' })));
$('download-checkpoint').addEventListener('click', () => act(() => worker.send({ type: 'save-checkpoint' })));
$('download-safetensors').addEventListener('click', () => act(() => worker.send({ type: 'save-safetensors' })));
$('forget-checkpoint').addEventListener('click', () =>
  act(() => {
    continueLoaded = false;
    $('checkpoint-info').textContent = loaded ? `${loaded.name} stays loaded for Generate; Start begins a new run.` : '';
    refreshControls();
  }),
);
form.control('modelType').addEventListener('change', () =>
  act(() => {
    const type = parseField(settingField('model-type'), form.control('modelType').value) as StudioSettings['modelType'];
    form.fill(FAMILY_DEFAULTS[type]);
  }),
);
form.control('optimizer').addEventListener('change', () =>
  act(() => {
    const optimizer = parseField(settingField('optimizer'), form.control('optimizer').value) as StudioSettings['optimizer'];
    form.fill({ learningRate: defaultLearningRate(optimizer) });
  }),
);

/** Calls `use` with the bytes of the file chosen in the file input `id` (each choice, even the same file again). */
function onFileChosen(id: string, use: (name: string, bytes: ArrayBuffer) => void): void {
  const input = $<HTMLInputElement>(id);
  input.addEventListener('change', () =>
    act(() => {
      const file = input.files?.[0];
      if (!file) return;
      void file.arrayBuffer().then(
        (bytes) => act(() => use(file.name, bytes)),
        () => showError(`Cannot read ${file.name}.`),
      );
      input.value = '';
    }),
  );
}

onFileChosen('load-checkpoint', (name, bytes) => worker.send({ type: 'load-checkpoint', name, bytes }));

$('generate').addEventListener('click', () =>
  act(() => {
    const length = Number(($('generate-length') as HTMLInputElement).value);
    const temperature = Number(($('generate-temperature') as HTMLInputElement).value);
    if (!Number.isSafeInteger(length) || length < 1 || length > 100_000) {
      throw new Error(`Length must be a whole number from 1 to 100000, got ${JSON.stringify(($('generate-length') as HTMLInputElement).value)}`);
    }
    if (!(temperature >= 0.05 && temperature <= 3)) {
      throw new Error(`Temperature must be a number from 0.05 to 3, got ${JSON.stringify(($('generate-temperature') as HTMLInputElement).value)}`);
    }
    const prime = ($('prime') as HTMLInputElement).value;
    $('generated').textContent = prime;
    ($('stop-generating') as HTMLButtonElement).disabled = false;
    worker.send({ type: 'generate', prime, length, temperature, seed: ($('generate-seed') as HTMLInputElement).value || '1' });
  }),
);
$('stop-generating').addEventListener('click', () =>
  act(() => {
    worker.send({ type: 'stop-generating' });
    ($('stop-generating') as HTMLButtonElement).disabled = true;
  }),
);

// ---- the text -----------------------------------------------------------------------------------
const corpusBox = $('corpus') as HTMLTextAreaElement;
const choice = $('corpus-choice') as HTMLSelectElement;
for (const c of corpora) choice.append(new Option(c.name, c.name));
choice.append(new Option('your own text', ''));

function describeText(): void {
  const text = corpusBox.value;
  const chars = [...text];
  $('corpus-info').textContent = `${chars.length} characters, ${new Set(chars).size} distinct`;
}

choice.addEventListener('change', () => {
  const c = corpora.find((x) => x.name === choice.value);
  if (c) corpusBox.value = c.text;
  describeText();
});
corpusBox.addEventListener('input', () => {
  choice.value = '';
  describeText();
});
onFileChosen('corpus-file', (name, bytes) => {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error(`${name} is not UTF-8 text; the training text is unchanged.`);
  }
  if (text.length === 0) throw new Error(`${name} is empty; the training text is unchanged.`);
  corpusBox.value = text;
  choice.value = '';
  describeText();
  showStatus(`Opened ${name}.`);
});

if (corpora.length > 0) {
  choice.value = corpora[0].name;
  corpusBox.value = corpora[0].text;
}
describeText();
resetChart([], []); // the empty frame, so the chart's place is visible before training
refreshControls();
