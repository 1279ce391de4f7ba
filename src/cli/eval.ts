// `min-char-rnn eval`: the loss of a model on a whole text, the same measure validation reports.
import { loadCheckpointFile } from '../checkpoint/file.js';
import { createNetwork } from '../model/networks.js';
import { heldOutLoss } from '../operators/evaluateEvery.js';
import { formatHelp, parseFlags, UsageError, type FlagSpec } from './args.js';
import { loadCorpusFile } from './corpusFile.js';
import { formatInteger, processIO, type CommandIO } from './report.js';

export const EVAL_FLAGS: readonly FlagSpec[] = [
  { name: 'checkpoint', kind: 'string', value: 'FILE', help: 'the model: a checkpoint (.json) or a .safetensors file (required)' },
  { name: 'corpus', kind: 'string', value: 'FILE', help: 'UTF-8 text to measure the model on (required)' },
  { name: 'json', kind: 'boolean', help: 'print one JSON line instead of text' },
  { name: 'help', kind: 'boolean', help: 'show this help (also -h)' },
];

export const EVAL_HELP = formatHelp(
  'min-char-rnn eval --checkpoint FILE --corpus FILE [--json]',
  [
    'Runs the model over the whole text from a zero state, carrying the state from character to',
    'character, and reports the mean loss of predicting each next character: N = length − 1 predictions,',
    'the loss in nats and in bits per character (the measure training reports as validation). With --json:',
    '{"type":"eval","characters":N,"loss":X,"bitsPerChar":Y}. A character outside the model\'s vocabulary',
    'is an error.',
  ].join('\n'),
  EVAL_FLAGS,
);

/** Characters per forward pass: long enough to amortise a call, short enough to keep the buffers small. */
const CHUNK = 256;

/** Runs `min-char-rnn eval`; resolves with the exit code. */
export function evalCommand(argv: readonly string[], io: CommandIO = processIO()): Promise<number> {
  const f = parseFlags(argv, EVAL_FLAGS, 'eval');
  if (f.get('help')) {
    io.stdout.write(EVAL_HELP);
    return Promise.resolve(0);
  }
  const path = f.get('checkpoint') as string | undefined;
  const corpusPath = f.get('corpus') as string | undefined;
  if (!path) throw new UsageError('--checkpoint FILE is required (see min-char-rnn eval --help)');
  if (!corpusPath) throw new UsageError('--corpus FILE is required (see min-char-rnn eval --help)');
  const model = loadCheckpointFile(path);
  const { ids } = loadCorpusFile(corpusPath, model.vocab, path).corpus;
  if (ids.length < 2) throw new UsageError(`corpus ${corpusPath} has ${ids.length} character; eval needs at least 2`);
  const net = createNetwork(model.params.spec, model.vocab.size, { maxSeqLength: CHUNK });
  net.params.data.set(model.params.data);
  const loss = heldOutLoss(net, ids, CHUNK);
  const characters = ids.length - 1;
  const bitsPerChar = loss / Math.LN2;
  if (f.get('json') === true) {
    io.stdout.write(`${JSON.stringify({ type: 'eval', characters, loss, bitsPerChar })}\n`);
  } else {
    io.stdout.write(`${formatInteger(characters)} characters: loss ${loss.toFixed(6)} nats/char (${bitsPerChar.toFixed(4)} bits/char)\n`);
  }
  return Promise.resolve(0);
}
