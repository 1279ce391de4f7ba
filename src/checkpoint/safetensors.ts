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
import { ConfigError } from '../errors.js';
import { familyOf, modelParams, torchTable } from '../model/families.js';
import { PARAM_NAMES, paramShapes, paramsView, type Params } from '../model/rnn/classic/params.js';
import { isClassicSpec, resolveModelSpec, type ModelSpec, type ResolvedModelSpec } from '../model/spec.js';
import { tensorOf, type ModelParams } from '../model/tensors.js';
import { CHECKPOINT_FORMAT, checkpointVersion, type ModelSnapshot } from './format.js';
import type { TrainingCheckpoint } from './training.js';

/** One tensor to write: float64 values in row-major order, stored as F64 (default) or rounded to F32. */
export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
  readonly dtype?: 'F64' | 'F32';
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
    const bytes = BYTES_PER[t.dtype ?? 'F64']!;
    header[t.name] = { dtype: t.dtype ?? 'F64', shape: [...t.shape], data_offsets: [offset, offset + bytes * count] };
    offset += bytes * count;
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
    const f32 = t.dtype === 'F32';
    for (let i = 0; i < t.data.length; i++) {
      const x = f32 ? Math.fround(t.data[i]) : t.data[i];
      if (!Number.isFinite(x)) {
        throw new CheckpointError(`cannot save ${t.name}: it contains ${t.data[i]}${f32 && Number.isFinite(t.data[i]) ? ' (beyond float32)' : ''}`);
      }
      if (f32) view.setFloat32(at, x, true);
      else view.setFloat64(at, x, true);
      at += f32 ? 4 : 8;
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
 * `hiddenSize` and `vocabSize`, `model` (the spec as JSON) for every model but the classic one written
 * with its classic names, and for a training checkpoint the iteration, smooth loss, optimizer (JSON) and
 * every hyperparameter, all as strings.
 */
export function modelMetadata(checkpoint: TrainingCheckpoint, withModel = !isClassicSpec(checkpoint.params.spec)): Record<string, string> {
  const { spec } = checkpoint.params;
  const meta: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    version: String(checkpointVersion(checkpoint.params)),
    vocab: JSON.stringify(checkpoint.vocab.chars),
    hiddenSize: String(checkpoint.params.hiddenSize),
    vocabSize: String(checkpoint.params.vocabSize),
    ...(withModel ? { model: JSON.stringify({ type: spec.type, hiddenSize: spec.hiddenSize, layers: spec.layers, dropout: spec.dropout }) } : {}),
  };
  const t = checkpoint.training;
  if (t) {
    for (const [k, v] of Object.entries(t.hyperparameters)) if (!(k in meta)) meta[k] = v === null ? '' : String(v);
    meta.iteration = String(t.iteration);
    meta.smoothLoss = String(t.smoothLoss);
    if (t.optimizer) meta.optimizer = JSON.stringify(t.optimizer.spec);
    if (t.validation?.best) meta.bestValLoss = String(t.validation.best.loss);
  }
  return meta;
}

/** How {@link encodeModelSafetensors} names and stores the tensors. */
export interface SafetensorsExportOptions {
  /**
   * `native` (default): the model's own table (the classic five names for the classic RNN, PyTorch's
   * for every other model); `torch`: PyTorch's names always (the classic RNN gets a zero `rnn.bias_hh_l0`).
   */
  readonly names?: 'native' | 'torch';
  /** `F64` (default) or `F32` (rounded to nearest). */
  readonly dtype?: 'F64' | 'F32';
}

/** The tensors of `p` under PyTorch's names (for the classic RNN: Wxh → rnn.weight_ih_l0, ..., zero rnn.bias_hh_l0). */
export function torchTensors(p: ModelParams): TensorEntry[] {
  if (!isClassicSpec(p.spec)) return p.tensors.map(({ name, shape, data }) => ({ name, shape, data }));
  const H = p.hiddenSize;
  const V = p.vocabSize;
  return [
    { name: 'rnn.weight_ih_l0', shape: [H, V], data: tensorOf(p, 'Wxh') },
    { name: 'rnn.weight_hh_l0', shape: [H, H], data: tensorOf(p, 'Whh') },
    { name: 'rnn.bias_ih_l0', shape: [H], data: tensorOf(p, 'bh') },
    { name: 'rnn.bias_hh_l0', shape: [H], data: new Float64Array(H) },
    { name: 'fc.weight', shape: [V, H], data: tensorOf(p, 'Why') },
    { name: 'fc.bias', shape: [V], data: tensorOf(p, 'by') },
  ];
}

/**
 * A model as safetensors, with {@link modelMetadata} as `__metadata__`. The classic RNN writes its five
 * tensors `Wxh` (H, V), `Whh` (H, H), `Why` (V, H), `bh` (H), `by` (V) in that order (so the data
 * section is exactly the flat parameter buffer); every other model, and the classic one with
 * `names: 'torch'`, is named as PyTorch's `CharModel` (an `nn.RNN`/`nn.LSTM`/`nn.GRU` called `rnn`, an
 * `nn.Linear` called `fc`) names it, so `load_state_dict(load_file(path))` takes it as is.
 *
 * @param checkpoint Weights, vocabulary and optional training state (only its settings are written).
 * @param options `names` (`native`), `dtype` (`F64`).
 * @returns The file's bytes.
 */
export function encodeModelSafetensors(checkpoint: TrainingCheckpoint, options?: SafetensorsExportOptions): Uint8Array {
  const { params } = checkpoint;
  const { names = 'native', dtype = 'F64' } = options ?? {};
  const torch = names === 'torch' || !isClassicSpec(params.spec);
  const entries: TensorEntry[] = torch ? torchTensors(params) : params.tensors.map(({ name, shape, data }) => ({ name, shape, data }));
  return encodeSafetensors(
    entries.map((e) => ({ ...e, dtype })),
    modelMetadata(checkpoint, torch),
  );
}

/**
 * Reads a model from safetensors bytes: the vocabulary from `__metadata__.vocab`, and either the classic
 * five tensors or PyTorch's names (as this library or PyTorch wrote them). The model is `__metadata__.model`
 * when present, else read off the tensors (the gate count gives the family, the `_l{k}` suffixes the
 * layers). Every shape must agree; a one-layer RNN under PyTorch's names becomes the classic model
 * (`bh = b_ih + b_hh`). Non-finite values are refused (the format can hold NaN; a model must not).
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
  for (const [name, t] of tensors) {
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new CheckpointError(`tensor ${name}[${bad}] is ${t.data[bad]}, not a finite number`);
  }
  if (tensors.has('rnn.weight_ih_l0')) return { vocab, params: decodeTorchTensors(tensors, metadata, vocab.size), metadata };
  if (metadata.model !== undefined && !isClassicSpec(metadataSpec(metadata.model))) {
    throw new CheckpointError('__metadata__.model describes a model with PyTorch-named tensors, but tensor rnn.weight_ih_l0 is missing');
  }
  const bh = tensors.get('bh');
  if (!bh) throw new CheckpointError('tensor bh is missing (neither the classic tensors Wxh, Whh, Why, bh, by nor PyTorch\'s rnn.weight_ih_l0, ...)');
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
    checkShape(name, t.shape, want);
    params[name].set(t.data);
  }
  const extra = [...tensors.keys()].find((k) => !(PARAM_NAMES as readonly string[]).includes(k));
  if (extra !== undefined) throw new CheckpointError(`tensor ${extra} is not one of the classic model's (Wxh, Whh, Why, bh, by)`);
  return { vocab, params, metadata };
}

function checkShape(name: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new CheckpointError(`tensor ${name} has shape [${got.join(', ')}], expected [${want.join(', ')}]`);
  }
}

function metadataSpec(json: string): ResolvedModelSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new CheckpointError('__metadata__.model is not JSON');
  }
  try {
    return resolveModelSpec(raw as ModelSpec);
  } catch (e) {
    if (e instanceof ConfigError) throw new CheckpointError(`__metadata__.model: ${e.message}`);
    throw e;
  }
}

/** The model of PyTorch-named tensors: `__metadata__.model`, or read off the shapes. */
function torchSpec(tensors: ReadonlyMap<string, DecodedTensor>, metadata: Readonly<Record<string, string>>): ResolvedModelSpec {
  if (metadata.model !== undefined) return metadataSpec(metadata.model);
  const hh = tensors.get('rnn.weight_hh_l0');
  if (!hh || hh.shape.length !== 2) throw new CheckpointError('tensor rnn.weight_hh_l0 is missing or not a matrix');
  const [GH, H] = hh.shape as [number, number];
  const gates = GH / H;
  const type = (['rnn', 'lstm', 'gru'] as const).find((t) => familyOf(t).gates === gates);
  if (!type) throw new CheckpointError(`tensor rnn.weight_hh_l0 has shape [${GH}, ${H}]: ${gates} gate blocks is none of rnn (1), gru (3), lstm (4)`);
  let layers = 0;
  while (tensors.has(`rnn.weight_ih_l${layers}`)) layers++;
  return { type, hiddenSize: H, layers, dropout: 0 };
}

function decodeTorchTensors(
  tensors: ReadonlyMap<string, DecodedTensor>,
  metadata: Readonly<Record<string, string>>,
  V: number,
): ModelParams {
  const spec = torchSpec(tensors, metadata);
  if (metadata.hiddenSize !== undefined && metadata.hiddenSize !== String(spec.hiddenSize)) {
    throw new CheckpointError(`__metadata__.hiddenSize is ${metadata.hiddenSize} but the model's is ${spec.hiddenSize}`);
  }
  const table = torchTable(spec, V);
  for (const want of table) {
    const t = tensors.get(want.name);
    if (!t) throw new CheckpointError(`tensor ${want.name} is missing (the model is ${spec.type} with ${spec.layers} layer(s))`);
    checkShape(want.name, t.shape, want.shape);
  }
  const extra = [...tensors.keys()].find((k) => !table.some((t) => t.name === k));
  if (extra !== undefined) throw new CheckpointError(`tensor ${extra} is not part of the model (${spec.type} with ${spec.layers} layer(s))`);
  const get = (name: string): Float64Array => tensors.get(name)!.data;
  if (isClassicSpec(spec)) {
    // The classic layout has one hidden bias: PyTorch's two add up to it.
    const p = modelParams(spec, V) as Params;
    p.Wxh.set(get('rnn.weight_ih_l0'));
    p.Whh.set(get('rnn.weight_hh_l0'));
    const bih = get('rnn.bias_ih_l0');
    const bhh = get('rnn.bias_hh_l0');
    for (let i = 0; i < p.bh.length; i++) p.bh[i] = bih[i]! + bhh[i]!;
    p.Why.set(get('fc.weight'));
    p.by.set(get('fc.bias'));
    return p;
  }
  const p = modelParams(spec, V);
  for (const t of p.tensors) t.data.set(get(t.name));
  return p;
}
