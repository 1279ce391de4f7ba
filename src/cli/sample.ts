import type { Subscription } from 'rxjs';
import { loadCheckpointFile } from '../checkpoint/file.js';
import { CorpusError } from '../errors.js';
import { defaultPrime, generate } from '../model/generate.js';
import { defaultKernel } from '../model/kernels.js';
import { now } from '../util/macrotask.js';
import { formatHelp, parseFlags, UsageError, type FlagSpec } from './args.js';
import { checkMemory } from './memoryCheck.js';
import { processIO, type CommandIO } from './report.js';

export const SAMPLE_FLAGS: readonly FlagSpec[] = [
  { name: 'checkpoint', kind: 'string', value: 'FILE', help: 'the model: a checkpoint (.json) or a .safetensors export (required)' },
  { name: 'length', kind: 'count', value: 'N', help: 'characters to generate after the prime', default: '1000' },
  { name: 'temperature', kind: 'positive-number', value: 'X', help: 'softmax temperature: lower is safer, higher is wilder', default: '1' },
  { name: 'prime', kind: 'string', value: 'TEXT', help: 'text to warm the hidden state on; printed before the generated text', default: 'a newline, or the first vocabulary character' },
  { name: 'seed', kind: 'string', value: 'S', help: 'seed of the sampler: the same seed gives the same text', default: '1' },
  { name: 'argmax', kind: 'boolean', help: 'always take the most likely character (no randomness)' },
  { name: 'top-k', kind: 'positive-integer', value: 'K', help: 'draw only among the K most likely characters', default: 'all' },
  { name: 'json', kind: 'boolean', help: 'print JSON lines instead of plain text' },
  { name: 'help', kind: 'boolean', help: 'show this help (also -h)' },
];

export const SAMPLE_HELP = formatHelp(
  'min-char-rnn sample --checkpoint FILE [options]',
  [
    'Generates text from a trained model. The hidden state is warmed up on the prime text, then the prime',
    'and N generated characters are written to stdout as they are generated. With --json the output is',
    'JSON lines: {"type":"start",...}, then {"type":"text","text":CHUNK} as text arrives, then',
    '{"type":"sample","prime":...,"text":GENERATED,...}.',
  ].join('\n'),
  SAMPLE_FLAGS,
);

/** How often, at most, generated text is flushed to stdout (it also flushes at the end). */
const FLUSH_MS = 20;

/** Runs `min-char-rnn sample`; resolves with the exit code. */
export function sampleCommand(argv: readonly string[], io: CommandIO = processIO()): Promise<number> {
  const f = parseFlags(argv, SAMPLE_FLAGS, 'sample');
  if (f.get('help')) {
    io.stdout.write(SAMPLE_HELP);
    return Promise.resolve(0);
  }
  const path = f.get('checkpoint') as string | undefined;
  if (path === undefined || path === '') throw new UsageError('--checkpoint FILE is required (see min-char-rnn sample --help)');
  const greedy = f.get('argmax') === true;
  const topK = f.get('top-k') as number | undefined;
  if (greedy && topK !== undefined) throw new UsageError('--argmax and --top-k cannot be combined (--argmax takes the top 1)');
  const length = (f.get('length') as number | undefined) ?? 1000;
  const temperature = (f.get('temperature') as number | undefined) ?? 1;
  const seed = (f.get('seed') as string | undefined) ?? '1';
  const json = f.get('json') === true;
  if (greedy && f.has('temperature')) {
    io.stderr.write('min-char-rnn: --temperature has no effect with --argmax (the most likely character is the same at any temperature)\n');
  }

  const model = loadCheckpointFile(path);
  const prime = (f.get('prime') as string | undefined) ?? defaultPrime(model.vocab);
  if (prime === '') throw new UsageError('--prime must not be empty');
  // A model larger than WebAssembly memory samples with the js kernel (one line says so), as train does.
  const fit = checkMemory({
    hiddenSize: model.params.hiddenSize,
    vocabSize: model.vocab.size,
    seqLength: 1,
    optimizerSlots: 0,
    validation: false,
    checkpoints: false,
    kernel: defaultKernel(),
    auto: true,
  });
  if (fit.notice) io.stderr.write(`min-char-rnn: ${fit.notice}\n`);
  let text$;
  try {
    text$ = generate(model, { prime, length, temperature, seed, argmax: greedy, kernel: fit.kernel, ...(topK !== undefined ? { topK } : {}) });
  } catch (e) {
    if (e instanceof CorpusError) throw new UsageError(`--prime: ${e.message} of checkpoint ${path}`);
    throw e;
  }

  const stdout = io.stdout;
  const write = (s: string): void => {
    stdout.write(s);
  };
  const started = now();
  if (json) {
    write(
      `${JSON.stringify({
        type: 'start',
        checkpoint: path,
        prime,
        length,
        temperature,
        seed,
        argmax: greedy,
        ...(topK !== undefined ? { topK } : {}),
        hiddenSize: model.params.hiddenSize,
        vocabSize: model.vocab.size,
        model: model.params.spec,
      })}\n`,
    );
  } else {
    write(prime);
  }

  return new Promise<number>((resolve) => {
    let pending = '';
    let generated = '';
    let lastFlush = now();
    let subscription: Subscription | undefined;
    let done = false;
    const flush = (): void => {
      if (pending === '') return;
      write(json ? `${JSON.stringify({ type: 'text', text: pending })}\n` : pending);
      pending = '';
      lastFlush = now();
    };
    const end = (code: number): void => {
      if (done) return;
      done = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      subscription?.unsubscribe();
      resolve(code);
    };
    const onSignal = (): void => {
      flush();
      if (!json && stdout.isTTY) write('\n');
      end(130);
    };
    // A closed pipe (`| head`) is not an error worth a message: stop generating.
    stdout.on?.('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') end(0);
    });
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    subscription = text$.subscribe({
      next: (ch) => {
        pending += ch;
        generated += ch;
        if (now() - lastFlush >= FLUSH_MS) flush();
      },
      error: (e: Error) => {
        flush();
        io.stderr.write(`min-char-rnn: ${e.message}\n`);
        end(1);
      },
      complete: () => {
        flush();
        if (json) {
          write(
            `${JSON.stringify({ type: 'sample', prime, text: generated, length: [...generated].length, seed, seconds: (now() - started) / 1000 })}\n`,
          );
        } else if (stdout.isTTY && !(prime + generated).endsWith('\n')) {
          write('\n'); // leave the shell prompt on its own line; pipes get exactly prime + text
        }
        end(0);
      },
    });
    if (done) subscription.unsubscribe();
  });
}
