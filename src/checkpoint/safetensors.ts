// The safetensors format (Hugging Face), written and read without dependencies, browser-safe:
//   8 bytes   N, the header length, unsigned 64-bit little-endian
//   N bytes   UTF-8 JSON header, starting with '{', padded with spaces (0x20) at the end:
//             { "NAME": { "dtype": "F64", "shape": [..], "data_offsets": [begin, end] }, ...,
//               "__metadata__": { string: string } }
//             offsets count bytes from the start of the data section; tensors tile it with no hole
//   the rest  the tensors' raw bytes, little-endian, row-major
// so `np.frombuffer(data[begin:end], '<f8').reshape(shape)` reads a tensor in numpy.
import { requireScalarValues, vocabularyFromChars, type Vocabulary } from '../corpus/vocabulary.js';
import { CheckpointError, CorpusError } from '../errors.js';
import { PARAM_NAMES, paramShapes, paramsView, type Params } from '../model/params.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type ModelSnapshot } from './format.js';
import type { TrainingCheckpoint } from './training.js';

/** One tensor to write: float64 values in row-major order. */
export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** A tensor as read: its stored dtype and its values widened to float64. */
export interface DecodedTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** The contents of a safetensors file. */
export interface SafetensorsContents {
  /** Tensors by name, in data order. */
  readonly tensors: ReadonlyMap<string, DecodedTensor>;
  /** The `__metadata__` strings (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length reads as huge). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const BYTES_PER: Readonly<Record<string, number>> = { F64: 8, F32: 4 };

/**
 * Encodes float64 tensors and string metadata as safetensors bytes. Tensors are laid out in the order
 * given, back to back; the header lists `__metadata__` first, then the tensors in data order, and is
 * padded with spaces to a multiple of 8 bytes so the data section stays 8-byte aligned.
 *
 * ```ts
 * import { encodeSafetensors } from 'min-char-rnn';
 * const bytes = encodeSafetensors([{ name: 'w', shape: [2], data: Float64Array.of(1, 2) }], { note: 'hi' });
 * console.log(bytes.length);
 * // 112
 * ```
 *
 * @param tensors Name, shape and values of each tensor (values must be finite).
 * @param metadata Free-form string pairs for `__metadata__`. Default: none.
 * @returns The file's bytes.
 */
export function encodeSafetensors(
  tensors: readonly TensorEntry[],
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new CheckpointError(`safetensors metadata ${k} must be a string`);
    }
    header.__metadata__ = { ...metadata };
  }
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || t.name in header) throw new CheckpointError(`tensor name ${JSON.stringify(t.name)} is used twice`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new CheckpointError(`tensor ${t.name} has ${t.data.length} values but shape [${t.shape.join(', ')}]`);
    }
    header[t.name] = { dtype: 'F64', shape: [...t.shape], data_offsets: [offset, offset + 8 * count] };
    offset += 8 * count;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) {
      const x = t.data[i];
      if (!Number.isFinite(x)) throw new CheckpointError(`cannot save ${t.name}: it contains ${x}`);
      view.setFloat64(at, x, true);
      at += 8;
    }
  }
  return out;
}

/**
 * True when `bytes` look like a safetensors file: a header length that fits the file, followed by '{'.
 * A JSON checkpoint never passes (its first eight characters read as an enormous length).
 */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

/**
 * Decodes safetensors bytes, checking everything the specification requires: the header length against
 * the file, a JSON object header starting with '{', string-only metadata, each tensor's dtype, shape and
 * offsets, and that the tensors tile the data section exactly (no hole, no overlap, nothing after).
 * F64 and F32 tensors are read (F32 widened exactly to float64); other dtypes are refused.
 *
 * @param bytes The whole file.
 * @returns Tensors and metadata.
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  const fail = (why: string): never => {
    throw new CheckpointError(`not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n64} exceeds the 100 MB limit`);
  const N = Number(n64);
  if (8 + N > bytes.length) fail(`header length ${N} runs past the end of the file (${bytes.length} bytes); it may be truncated`);
  if (bytes[8] !== 0x7b) fail("the header does not start with '{'");
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + N)));
  } catch (e) {
    fail(`the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const entries = Object.entries(header as Record<string, unknown>);
  const dataStart = 8 + N;
  const dataLength = bytes.length - dataStart;

  const metadata: Record<string, string> = {};
  const spans: Array<{ name: string; dtype: string; shape: number[]; begin: number; end: number }> = [];
  for (const [name, value] of entries) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`tensor ${name} is not an object`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string') fail(`tensor ${name} has no dtype`);
    const size = BYTES_PER[dtype as string];
    if (size === undefined) fail(`tensor ${name} has dtype ${JSON.stringify(dtype)}; only F64 and F32 are read`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor ${name} has a bad shape ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(`tensor ${name} has bad data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) fail(`tensor ${name} ends at byte ${end} of a ${dataLength}-byte data section; the file may be truncated`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (count * size! !== end - begin) {
      fail(`tensor ${name} spans ${end - begin} bytes but ${dtype} [${(shape as number[]).join(', ')}] needs ${count * size!}`);
    }
    spans.push({ name, dtype: dtype as string, shape: shape as number[], begin, end });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const s of spans) {
    if (s.begin !== covered) fail(s.begin < covered ? `tensor ${s.name} overlaps another` : `a hole before tensor ${s.name}`);
    covered = s.end;
  }
  if (covered !== dataLength) fail(`${dataLength - covered} bytes after the last tensor belong to none`);

  const tensors = new Map<string, DecodedTensor>();
  for (const s of spans) {
    const data = new Float64Array((s.end - s.begin) / BYTES_PER[s.dtype]);
    const at = dataStart + s.begin;
    if (s.dtype === 'F64') for (let i = 0; i < data.length; i++) data[i] = view.getFloat64(at + 8 * i, true);
    else for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(at + 4 * i, true);
    tensors.set(s.name, { dtype: s.dtype, shape: s.shape, data });
  }
  return { tensors, metadata };
}

/**
 * The metadata a model file carries: format, version, vocabulary (a JSON array of characters),
 * `hiddenSize` and `vocabSize`, and for a training checkpoint the iteration, smooth loss, optimizer (JSON)
 * and every hyperparameter, all as strings.
 */
export function modelMetadata(checkpoint: TrainingCheckpoint): Record<string, string> {
  const meta: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    version: String(CHECKPOINT_VERSION),
    vocab: JSON.stringify(checkpoint.vocab.chars),
    hiddenSize: String(checkpoint.params.hiddenSize),
    vocabSize: String(checkpoint.params.vocabSize),
  };
  const t = checkpoint.training;
  if (t) {
    for (const [k, v] of Object.entries(t.hyperparameters)) meta[k] = v === null ? '' : String(v);
    meta.iteration = String(t.iteration);
    meta.smoothLoss = String(t.smoothLoss);
    if (t.optimizer) meta.optimizer = JSON.stringify(t.optimizer.spec);
    if (t.validation?.best) meta.bestValLoss = String(t.validation.best.loss);
  }
  return meta;
}

/**
 * A model as safetensors: the five tensors `Wxh` (H, V), `Whh` (H, H), `Why` (V, H), `bh` (H), `by` (V)
 * as F64 in that order (so the data section is exactly the flat parameter buffer), with
 * {@link modelMetadata} as `__metadata__`.
 *
 * @param checkpoint Weights, vocabulary and optional training state (only its settings are written).
 * @returns The file's bytes.
 */
export function encodeModelSafetensors(checkpoint: TrainingCheckpoint): Uint8Array {
  const { params } = checkpoint;
  const shapes = paramShapes(params.hiddenSize, params.vocabSize);
  return encodeSafetensors(
    PARAM_NAMES.map((name) => ({ name, shape: shapes[name], data: params[name] })),
    modelMetadata(checkpoint),
  );
}

/**
 * Reads a model from safetensors bytes: the vocabulary from `__metadata__.vocab` and the five tensors,
 * whose shapes must agree with it. Non-finite values are refused (the format can hold NaN; a model
 * must not).
 *
 * @param bytes The whole file.
 * @returns Weights, vocabulary and the metadata strings.
 */
export function decodeModelSafetensors(
  bytes: Uint8Array,
): ModelSnapshot & { readonly metadata: Readonly<Record<string, string>> } {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.format !== undefined && metadata.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`not a min-char-rnn model (__metadata__.format is ${JSON.stringify(metadata.format)})`);
  }
  if (metadata.vocab === undefined) throw new CheckpointError('the safetensors file has no __metadata__.vocab');
  let chars: unknown;
  try {
    chars = JSON.parse(metadata.vocab);
  } catch {
    throw new CheckpointError('__metadata__.vocab is not a JSON array of characters');
  }
  if (!Array.isArray(chars) || chars.length === 0) throw new CheckpointError('__metadata__.vocab must be a non-empty JSON array');
  let vocab: Vocabulary;
  try {
    vocab = vocabularyFromChars(chars as string[]);
    requireScalarValues(vocab);
  } catch (e) {
    if (e instanceof CorpusError) throw new CheckpointError(e.message);
    throw e;
  }
  const bh = tensors.get('bh');
  if (!bh) throw new CheckpointError('tensor bh is missing');
  const H = bh.shape[0] ?? 0;
  if (bh.shape.length !== 1 || H < 1) throw new CheckpointError(`tensor bh has shape [${bh.shape.join(', ')}], expected [H]`);
  if (metadata.hiddenSize !== undefined && metadata.hiddenSize !== String(H)) {
    throw new CheckpointError(`__metadata__.hiddenSize is ${metadata.hiddenSize} but tensor bh has ${H} entries`);
  }
  const params: Params = paramsView(H, vocab.size);
  const shapes = paramShapes(H, vocab.size);
  for (const name of PARAM_NAMES) {
    const t = tensors.get(name);
    const want = shapes[name];
    if (!t) throw new CheckpointError(`tensor ${name} is missing`);
    if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new CheckpointError(`tensor ${name} has shape [${t.shape.join(', ')}], expected [${want.join(', ')}]`);
    }
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new CheckpointError(`tensor ${name}[${bad}] is ${t.data[bad]}, not a finite number`);
    params[name].set(t.data);
  }
  return { vocab, params, metadata };
}
