// Checkpoint format 1: JSON text, readable by any language (the numpy yardstick reads it as is).
import { requireScalarValues, vocabularyFromChars, type Vocabulary } from '../corpus/vocabulary.js';
import { CheckpointError, CorpusError } from '../errors.js';
import { PARAM_NAMES, paramShapes, paramsView, type ParamName, type Params } from '../model/params.js';
import { jsonText, numberJson, type JsonLike } from './json.js';
import { decodeTrainingState, encodeTrainingState, type TrainingCheckpoint, type TrainingState } from './training.js';

export { numberJson };

export const CHECKPOINT_FORMAT = 'min-char-rnn';
export const CHECKPOINT_VERSION = 1;

/** The weights a checkpoint holds, with the vocabulary that gives their rows and columns meaning. */
export interface ModelSnapshot {
  readonly vocab: Vocabulary;
  readonly params: Params;
}

/**
 * Writes format 1: `{ format, version, vocab, hiddenSize, params: { Wxh: [[..]..], Whh, Why, bh, by } }`,
 * plus any `extra` top-level fields (the training state is added this way, see
 * {@link serializeTrainingCheckpoint}; readers ignore fields they do not know). Numbers are written in
 * the shortest form that reads back to the same double, and −0 keeps its sign, so a round trip is
 * bit-identical. Non-finite numbers are refused, in `extra` too (Float64Arrays there are written as arrays).
 */
export function serializeCheckpoint(snapshot: ModelSnapshot, extra?: Readonly<Record<string, unknown>>): string {
  const { vocab, params } = snapshot;
  if (vocab.size !== params.vocabSize) {
    throw new CheckpointError(`vocabulary has ${vocab.size} characters but params expect ${params.vocabSize}`);
  }
  const shapes = paramShapes(params.hiddenSize, params.vocabSize);
  const tensors = PARAM_NAMES.map((name) => `    ${JSON.stringify(name)}: ${tensorJson(name, params[name], shapes[name])}`);
  const head: Record<string, unknown> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    vocab: vocab.chars,
    hiddenSize: params.hiddenSize,
  };
  const fields = Object.entries({ ...head, ...(extra ?? {}) })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${jsonText(v as JsonLike, k, '  ')}`);
  return `{\n${fields.join(',\n')},\n  "params": {\n${tensors.join(',\n')}\n  }\n}\n`;
}

function tensorJson(name: string, data: Float64Array, shape: readonly number[]): string {
  const row = (from: number, to: number): string => {
    const parts: string[] = [];
    for (let i = from; i < to; i++) parts.push(numberJson(name, data[i]));
    return `[${parts.join(',')}]`;
  };
  if (shape.length === 1) return row(0, data.length);
  const [rows, cols] = shape as [number, number];
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(row(r * cols, (r + 1) * cols));
  return `[\n      ${lines.join(',\n      ')}\n    ]`;
}

/**
 * Writes a checkpoint with its training state (when it has one) as the top-level `training` field of
 * format 1. Serialises completely before returning, so a value that cannot be saved (a NaN) fails here,
 * before any file is touched.
 *
 * @param checkpoint Weights, vocabulary and optional training state.
 * @returns The JSON text.
 */
export function serializeTrainingCheckpoint(checkpoint: TrainingCheckpoint): string {
  const { training, ...snapshot } = checkpoint;
  return serializeCheckpoint(snapshot, training ? { training: encodeTrainingState(training) } : undefined);
}

/**
 * Reads format 1 (ignoring fields it does not know), including the training state when present. Every
 * problem is a CheckpointError with one line saying what is wrong and where.
 */
export function parseCheckpoint(
  text: string,
): ModelSnapshot & { readonly raw: Record<string, unknown>; readonly training?: TrainingState } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the text it choked on, newlines and all: keep the message to one short line.
    const why = (e as Error).message.replace(/\s+/g, ' ').slice(0, 120);
    throw new CheckpointError(`not valid JSON (${why}); the file may be truncated`);
  }
  if (!isObject(raw)) throw new CheckpointError('not a checkpoint: expected a JSON object');
  if (raw.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`not a min-char-rnn checkpoint (format is ${JSON.stringify(raw.format)})`);
  }
  if (raw.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`unsupported checkpoint version ${JSON.stringify(raw.version)} (this program reads version 1)`);
  }
  if (!Array.isArray(raw.vocab) || raw.vocab.length === 0) {
    throw new CheckpointError('vocab must be a non-empty array of characters');
  }
  let vocab: Vocabulary;
  try {
    vocab = vocabularyFromChars(raw.vocab as string[]);
    requireScalarValues(vocab);
  } catch (e) {
    if (e instanceof CorpusError) throw new CheckpointError(e.message);
    throw e;
  }
  const H = raw.hiddenSize;
  if (typeof H !== 'number' || !Number.isSafeInteger(H) || H < 1) {
    throw new CheckpointError(`hiddenSize must be a positive integer, got ${JSON.stringify(H)}`);
  }
  if (!isObject(raw.params)) throw new CheckpointError('params must be an object holding Wxh, Whh, Why, bh, by');
  // Check the declared size against the data before allocating for it: a file claiming hiddenSize 1e12
  // must fail on its shapes, not on an allocation.
  const shapes = paramShapes(H, vocab.size);
  for (const name of PARAM_NAMES) checkOuterShape(name, raw.params[name], shapes[name]);
  const params = paramsView(H, vocab.size);
  for (const name of PARAM_NAMES) readTensor(name, raw.params[name], shapes[name], params[name]);
  if (raw.training === undefined) return { vocab, params, raw };
  return { vocab, params, raw, training: decodeTrainingState(raw.training, H, vocab.size) };
}

/** The outer length of a tensor (rows, or entries of a vector), checked before anything is allocated. */
function checkOuterShape(name: ParamName, value: unknown, shape: readonly number[]): void {
  const want = shape.join('×');
  if (value === undefined) throw new CheckpointError(`params.${name} is missing (expected ${want})`);
  if (!Array.isArray(value) || value.length !== shape[0]) {
    const what = shape.length === 1 ? 'vector has the wrong length' : `has ${Array.isArray(value) ? value.length : 'no'} rows`;
    throw new CheckpointError(`params.${name} ${what} (expected ${want})`);
  }
}

function readTensor(name: ParamName, value: unknown, shape: readonly number[], out: Float64Array): void {
  const want = shape.join('×');
  const fail = (why: string): never => {
    throw new CheckpointError(`params.${name} ${why} (expected ${want})`);
  };
  const readRow = (row: unknown, offset: number, label: string): void => {
    const cols = shape[shape.length - 1];
    if (!Array.isArray(row) || row.length !== cols) fail(`${label} has the wrong length`);
    for (let j = 0; j < cols; j++) {
      const x = (row as unknown[])[j];
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${label}[${j}] is ${JSON.stringify(x)}, not a finite number`);
      out[offset + j] = x as number;
    }
  };
  if (value === undefined) fail('is missing');
  if (shape.length === 1) return readRow(value, 0, 'vector');
  const [rows, cols] = shape as [number, number];
  if (!Array.isArray(value) || value.length !== rows) fail(`has ${Array.isArray(value) ? value.length : 'no'} rows`);
  for (let r = 0; r < rows; r++) readRow((value as unknown[])[r], r * cols, `row ${r}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
