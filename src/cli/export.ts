import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkWritable, fsReason, loadCheckpointFile, writeFileAtomic } from '../checkpoint/file.js';
import { serializeTrainingCheckpoint } from '../checkpoint/format.js';
import { encodeModelSafetensors, isSafetensors } from '../checkpoint/safetensors.js';
import { decodeCheckpoint } from '../checkpoint/decode.js';
import { CheckpointError, OutputError } from '../errors.js';
import { isClassicSpec } from '../model/spec.js';
import { formatHelp, parseFlags, UsageError, type FlagSpec } from './args.js';
import { formatInteger, processIO, type CommandIO } from './report.js';

export const EXPORT_FLAGS: readonly FlagSpec[] = [
  { name: 'checkpoint', kind: 'string', value: 'FILE', help: 'the model to export: a checkpoint (.json) or a .safetensors file (required)' },
  { name: 'out', kind: 'string', value: 'FILE', help: 'where to write it (required; replaced atomically)' },
  { name: 'format', kind: 'string', value: 'F', help: 'safetensors or json', default: 'json when FILE ends in .json, else safetensors' },
  { name: 'names', kind: 'string', value: 'N', help: 'safetensors tensor names: native (the classic Wxh, ... for the classic RNN) or torch (PyTorch\'s rnn.weight_ih_l0, ...)', default: 'native' },
  { name: 'dtype', kind: 'string', value: 'T', help: 'safetensors number type: f64 or f32 (rounded to nearest)', default: 'f64' },
  { name: 'json', kind: 'boolean', help: 'report as a JSON line' },
  { name: 'help', kind: 'boolean', help: 'show this help (also -h)' },
];

export const EXPORT_HELP = formatHelp(
  'min-char-rnn export --checkpoint FILE --out FILE.safetensors',
  [
    'Writes a model in the safetensors format, readable from PyTorch, numpy and others, with the vocabulary',
    '(a JSON array), the model spec and the hyperparameters as strings in __metadata__. The classic RNN',
    'writes tensors Wxh (H, V), Whh (H, H), Why (V, H), bh (H), by (V); LSTM, GRU, stacked models (and the',
    'classic one with --names torch) use PyTorch\'s names, rnn.weight_ih_l0, ..., fc.weight, fc.bias, so that',
    'load_state_dict takes the file as is (docs/pytorch.md). Little-endian float64, or float32 with --dtype f32.',
    '`train --init`, `sample` and `eval` read it back. With --format json (or an --out ending in .json) it',
    'writes a JSON checkpoint instead (format 1 for the classic model, 2 for the others).',
  ].join('\n'),
  EXPORT_FLAGS,
);

/** Runs `min-char-rnn export`; resolves with the exit code. */
export function exportCommand(argv: readonly string[], io: CommandIO = processIO()): Promise<number> {
  const f = parseFlags(argv, EXPORT_FLAGS, 'export');
  if (f.get('help')) {
    io.stdout.write(EXPORT_HELP);
    return Promise.resolve(0);
  }
  const from = f.get('checkpoint') as string | undefined;
  const out = f.get('out') as string | undefined;
  if (!from) throw new UsageError('--checkpoint FILE is required (see min-char-rnn export --help)');
  if (!out) throw new UsageError('--out FILE is required (see min-char-rnn export --help)');
  const format = (f.get('format') as string | undefined) ?? (out.toLowerCase().endsWith('.json') ? 'json' : 'safetensors');
  if (format !== 'json' && format !== 'safetensors') {
    throw new UsageError(`--format must be safetensors or json, got ${JSON.stringify(format)}`);
  }
  const names = (f.get('names') as string | undefined) ?? 'native';
  if (names !== 'native' && names !== 'torch') throw new UsageError(`--names must be native or torch, got ${JSON.stringify(names)}`);
  const dtype = ((f.get('dtype') as string | undefined) ?? 'f64').toLowerCase();
  if (dtype !== 'f64' && dtype !== 'f32') throw new UsageError(`--dtype must be f64 or f32, got ${JSON.stringify(f.get('dtype'))}`);
  if (format === 'json' && (f.has('names') || f.has('dtype'))) {
    throw new UsageError(`--${f.has('names') ? 'names' : 'dtype'} applies to --format safetensors only`);
  }
  if (resolve(from) === resolve(out)) throw new UsageError(`--out ${out} is the checkpoint itself; choose another file`);

  const model = loadCheckpointFile(from);
  try {
    checkWritable(out, 'export');
  } catch (e) {
    if (e instanceof CheckpointError) throw new UsageError(e.message);
    throw e;
  }
  if (existsSync(out)) refuseForeign(out, format);
  const bytes =
    format === 'safetensors'
      ? encodeModelSafetensors(model, { names, dtype: dtype === 'f32' ? 'F32' : 'F64' })
      : new TextEncoder().encode(serializeTrainingCheckpoint(model));
  try {
    writeFileAtomic(out, bytes);
  } catch (e) {
    throw new OutputError(`cannot write ${out}: ${fsReason(e)}; an existing file there is unchanged`);
  }
  const parameters = model.params.data.length;
  const tensors = model.params.tensors.length + (format === 'safetensors' && names === 'torch' && isClassicSpec(model.params.spec) ? 1 : 0);
  if (f.get('json') === true) {
    io.stdout.write(`${JSON.stringify({ type: 'export', path: out, format, bytes: bytes.length, tensors, parameters })}\n`);
  } else {
    io.stdout.write(
      `wrote ${out} (${format}: ${tensors} tensors, ${formatInteger(parameters)} parameters, ${formatInteger(bytes.length)} bytes)\n`,
    );
  }
  return Promise.resolve(0);
}

/** An existing file at `--out` is replaced only when it is a model file of the kind being written. */
function refuseForeign(path: string, format: string): void {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path} to check it before replacing it: ${fsReason(e)}`);
  }
  const ok = format === 'safetensors' ? isSafetensors(bytes) : isJsonCheckpoint(bytes);
  if (!ok) throw new UsageError(`refusing to replace ${path}: it exists and is not a ${format} model file`);
}

function isJsonCheckpoint(bytes: Uint8Array): boolean {
  if (isSafetensors(bytes)) return false;
  try {
    decodeCheckpoint(bytes);
    return true;
  } catch {
    return false;
  }
}
