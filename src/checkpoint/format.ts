// Checkpoint formats 1 and 2: JSON text, readable by any language (the numpy yardstick reads format 1
// as is). Format 2 adds `model` (the spec) and holds every model family's tensors by name; the classic
// model keeps writing format 1 unless its training state needs 2 (B > 1 streams, dropout).
import { requireScalarValues, vocabularyFromChars, type Vocabulary } from '../corpus/vocabulary.js';
import { CheckpointError, ConfigError, CorpusError } from '../errors.js';
import { modelParams, paramTable } from '../model/families.js';
import { isClassicSpec, resolveModelSpec, type ModelSpec, type ResolvedModelSpec } from '../model/spec.js';
import type { ModelParams } from '../model/tensors.js';
import { jsonText, numberJson, type JsonLike } from './json.js';
import { decodeTrainingState, encodeTrainingState, type TrainingCheckpoint, type TrainingState } from './training.js';

export { numberJson };

export const CHECKPOINT_FORMAT = 'min-char-rnn';
/** The version the classic model writes (and every reader reads). */
export const CHECKPOINT_VERSION = 1;
/** The version that holds a model spec and named tensors of any family. */
export const CHECKPOINT_VERSION_MODELS = 2;

/** The weights a checkpoint holds, with the vocabulary that gives their rows and columns meaning. */
export interface ModelSnapshot {
  readonly vocab: Vocabulary;
  readonly params: ModelParams;
}

/** The version a checkpoint of these weights (and training state) is written in: 1 when that suffices. */
export function checkpointVersion(params: ModelParams, training?: { readonly batchSize?: number }): number {
  const classic = isClassicSpec(params.spec) && params.spec.dropout === 0 && (training?.batchSize ?? 1) === 1;
  return classic ? CHECKPOINT_VERSION : CHECKPOINT_VERSION_MODELS;
}

/**
 * Writes format 1: `{ format, version, vocab, hiddenSize, params: { Wxh: [[..]..], Whh, Why, bh, by } }`,
 * plus any `extra` top-level fields (the training state is added this way, see
 * {@link serializeTrainingCheckpoint}; readers ignore fields they do not know). Numbers are written in
 * the shortest form that reads back to the same double, and −0 keeps its sign, so a round trip is
 * bit-identical. Non-finite numbers are refused, in `extra` too (Float64Arrays there are written as arrays).
 */
export function serializeCheckpoint(
  snapshot: ModelSnapshot,
  extra?: Readonly<Record<string, unknown>>,
  version = checkpointVersion(snapshot.params),
): string {
  const { vocab, params } = snapshot;
  if (vocab.size !== params.vocabSize) {
    throw new CheckpointError(`vocabulary has ${vocab.size} characters but params expect ${params.vocabSize}`);
  }
  const tensors = params.tensors.map((t) => `    ${JSON.stringify(t.name)}: ${tensorJson(t.name, t.data, t.shape)}`);
  const { type, hiddenSize, layers, dropout, precision } = params.spec;
  const head: Record<string, unknown> = {
    format: CHECKPOINT_FORMAT,
    version,
    vocab: vocab.chars,
    hiddenSize: params.hiddenSize,
    ...(version >= CHECKPOINT_VERSION_MODELS ? { model: { type, hiddenSize, layers, dropout, ...(precision === 'f32' ? { precision } : {}) } } : {}),
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
  return serializeCheckpoint(
    snapshot,
    training ? { training: encodeTrainingState(training) } : undefined,
    checkpointVersion(snapshot.params, training),
  );
}

/**
 * Reads formats 1 and 2 (ignoring fields it does not know), including the training state when present. Every
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
  if (raw.version !== CHECKPOINT_VERSION && raw.version !== CHECKPOINT_VERSION_MODELS) {
    throw new CheckpointError(`unsupported checkpoint version ${JSON.stringify(raw.version)} (this program reads versions 1 and 2)`);
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
  const spec = raw.version === CHECKPOINT_VERSION ? resolveModelSpec({ type: 'rnn', hiddenSize: H }) : checkpointSpec(raw.model, H);
  const table = paramTable(spec, vocab.size);
  const names = table.map((t) => t.name);
  if (!isObject(raw.params)) throw new CheckpointError(`params must be an object holding ${names.join(', ')}`);
  const extra = Object.keys(raw.params).find((k) => !names.includes(k));
  if (extra !== undefined) {
    throw new CheckpointError(`params.${extra} is not a tensor of the model (${describeModel(spec)} has ${names.join(', ')})`);
  }
  // Check the declared sizes against the data before allocating for them: a file claiming hiddenSize 1e12
  // must fail on its shapes, not on an allocation.
  for (const t of table) checkOuterShape(t.name, raw.params[t.name], t.shape);
  const params = modelParams(spec, vocab.size);
  for (const t of params.tensors) readTensor(t.name, raw.params[t.name], t.shape, t.data);
  if (raw.training === undefined) return { vocab, params, raw };
  return { vocab, params, raw, training: decodeTrainingState(raw.training, spec, vocab.size, params.data.length) };
}

/** The `model` field of a format 2 checkpoint, checked (its hiddenSize must agree with the top-level one). */
function checkpointSpec(value: unknown, hiddenSize: number): ResolvedModelSpec {
  if (!isObject(value)) throw new CheckpointError('model must be an object { type, hiddenSize, layers, dropout, precision }');
  let spec: ResolvedModelSpec;
  try {
    spec = resolveModelSpec(value as unknown as ModelSpec);
  } catch (e) {
    if (e instanceof ConfigError) throw new CheckpointError(`model: ${e.message}`);
    throw e;
  }
  if (spec.hiddenSize !== hiddenSize) {
    throw new CheckpointError(`model.hiddenSize is ${spec.hiddenSize} but hiddenSize is ${hiddenSize}`);
  }
  return spec;
}

function describeModel(spec: ResolvedModelSpec): string {
  return `${spec.type} with ${spec.layers} layer${spec.layers === 1 ? '' : 's'} of ${spec.hiddenSize}`;
}

/** The outer length of a tensor (rows, or entries of a vector), checked before anything is allocated. */
function checkOuterShape(name: string, value: unknown, shape: readonly number[]): void {
  const want = shape.join('×');
  if (value === undefined) throw new CheckpointError(`params.${name} is missing (expected ${want})`);
  if (!Array.isArray(value) || value.length !== shape[0]) {
    const what = shape.length === 1 ? 'vector has the wrong length' : `has ${Array.isArray(value) ? value.length : 'no'} rows`;
    throw new CheckpointError(`params.${name} ${what} (expected ${want})`);
  }
}

function readTensor(name: string, value: unknown, shape: readonly number[], out: Float64Array): void {
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
