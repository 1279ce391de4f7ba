// Checkpoint format 1: JSON text, readable by any language (the numpy yardstick reads it as is).
import { vocabularyFromChars, type Vocabulary } from '../corpus/vocabulary.js';
import { CheckpointError, CorpusError } from '../errors.js';
import { PARAM_NAMES, paramShapes, paramsView, type ParamName, type Params } from '../model/params.js';

export const CHECKPOINT_FORMAT = 'min-char-rnn';
export const CHECKPOINT_VERSION = 1;

/** The weights a checkpoint holds, with the vocabulary that gives their rows and columns meaning. */
export interface ModelSnapshot {
  readonly vocab: Vocabulary;
  readonly params: Params;
}

/**
 * Writes format 1: `{ format, version, vocab, hiddenSize, params: { Wxh: [[..]..], Whh, Why, bh, by } }`,
 * plus any `extra` top-level fields (later format revisions add training state this way; readers ignore
 * fields they do not know). Numbers are written in the shortest form that reads back to the same double,
 * and −0 keeps its sign, so a round trip is bit-identical. Non-finite numbers are refused.
 */
export function serializeCheckpoint(snapshot: ModelSnapshot, extra?: Readonly<Record<string, unknown>>): string {
  const { vocab, params } = snapshot;
  if (vocab.size !== params.vocabSize) {
    throw new CheckpointError(`vocabulary has ${vocab.size} characters but params expect ${params.vocabSize}`);
  }
  const shapes = paramShapes(params.hiddenSize, params.vocabSize);
  const tensors = PARAM_NAMES.map((name) => `    ${JSON.stringify(name)}: ${tensorJson(name, params[name], shapes[name]!)}`);
  const head: Record<string, unknown> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    vocab: vocab.chars,
    hiddenSize: params.hiddenSize,
  };
  const fields = Object.entries({ ...head, ...(extra ?? {}) }).map(
    ([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`,
  );
  return `{\n${fields.join(',\n')},\n  "params": {\n${tensors.join(',\n')}\n  }\n}\n`;
}

function tensorJson(name: string, data: Float64Array, shape: readonly number[]): string {
  const row = (from: number, to: number): string => {
    const parts: string[] = [];
    for (let i = from; i < to; i++) parts.push(numberJson(name, data[i]!));
    return `[${parts.join(',')}]`;
  };
  if (shape.length === 1) return row(0, data.length);
  const [rows, cols] = shape as [number, number];
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(row(r * cols, (r + 1) * cols));
  return `[\n      ${lines.join(',\n      ')}\n    ]`;
}

/** A double as JSON text that parses back to the identical double. */
export function numberJson(name: string, x: number): string {
  if (!Number.isFinite(x)) throw new CheckpointError(`cannot save ${name}: it contains ${x}`);
  return Object.is(x, -0) ? '-0' : String(x);
}

/**
 * Reads format 1 (and later revisions, ignoring fields it does not know). Every problem is a
 * CheckpointError with one line saying what is wrong and where.
 */
export function parseCheckpoint(text: string): ModelSnapshot & { readonly raw: Record<string, unknown> } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`not valid JSON (${(e as Error).message}); the file may be truncated`);
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
  } catch (e) {
    if (e instanceof CorpusError) throw new CheckpointError(e.message);
    throw e;
  }
  const H = raw.hiddenSize;
  if (typeof H !== 'number' || !Number.isSafeInteger(H) || H < 1) {
    throw new CheckpointError(`hiddenSize must be a positive integer, got ${JSON.stringify(H)}`);
  }
  if (!isObject(raw.params)) throw new CheckpointError('params must be an object holding Wxh, Whh, Why, bh, by');
  const params = paramsView(H, vocab.size);
  const shapes = paramShapes(H, vocab.size);
  for (const name of PARAM_NAMES) readTensor(name, raw.params[name], shapes[name]!, params[name]);
  return { vocab, params, raw };
}

function readTensor(name: ParamName, value: unknown, shape: readonly number[], out: Float64Array): void {
  const want = shape.join('×');
  const fail = (why: string): never => {
    throw new CheckpointError(`params.${name} ${why} (expected ${want})`);
  };
  const readRow = (row: unknown, offset: number, label: string): void => {
    const cols = shape[shape.length - 1]!;
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
