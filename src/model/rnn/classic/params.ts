// Dimension key: H = hiddenSize, V = vocabSize, T = seqLength.
import seedrandom from 'seedrandom';
import { requireInteger } from '../../../errors.js';
import { cos, log } from '../../../math/elementary.js';
import { classicSpec } from '../../spec.js';
import { layoutTensors, type ModelParams } from '../../tensors.js';

/** The five parameter tensors, in the order they are laid out in the flat buffer. */
export const PARAM_NAMES = ['Wxh', 'Whh', 'Why', 'bh', 'by'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

/**
 * The classic model's parameters (or anything shaped like them: gradients, optimizer memory) as row-major
 * views into one flat Float64Array, so that element-wise work (clipping, optimizer updates) is one loop
 * over `data` and a copy is one `set`. A {@link ModelParams} whose table holds the five classic names.
 */
export interface Params extends ModelParams {
  readonly hiddenSize: number;
  readonly vocabSize: number;
  /** All parameters back to back: Wxh, Whh, Why, bh, by. */
  readonly data: Float64Array;
  readonly Wxh: Float64Array; // (H, V) input to hidden
  readonly Whh: Float64Array; // (H, H) hidden to hidden
  readonly Why: Float64Array; // (V, H) hidden to output
  readonly bh: Float64Array; // (H)
  readonly by: Float64Array; // (V)
}

/** Shape of each tensor, rows first. */
export function paramShapes(hiddenSize: number, vocabSize: number): Record<ParamName, readonly number[]> {
  const H = hiddenSize;
  const V = vocabSize;
  return { Wxh: [H, V], Whh: [H, H], Why: [V, H], bh: [H], by: [V] };
}

/** Number of scalars in all five tensors: 2HV + H² + H + V. */
export function parameterCount(hiddenSize: number, vocabSize: number): number {
  const H = hiddenSize;
  const V = vocabSize;
  return 2 * H * V + H * H + H + V;
}

/**
 * Lays the five tensors over `data` (zeros when omitted). `data` may live anywhere, e.g. in WebAssembly
 * memory, which is how a fast kernel keeps parameters where it computes.
 */
export function paramsView(hiddenSize: number, vocabSize: number, data?: Float64Array): Params {
  requireInteger('hiddenSize', hiddenSize);
  requireInteger('vocabSize', vocabSize);
  const H = hiddenSize;
  const V = vocabSize;
  const size = parameterCount(H, V);
  const buf = data ?? new Float64Array(size);
  if (buf.length !== size) throw new RangeError(`params buffer has ${buf.length} numbers, expected ${size}`);
  const shapes = paramShapes(H, V);
  const { tensors } = layoutTensors(
    PARAM_NAMES.map((name) => ({ name, shape: shapes[name] })),
    buf,
  );
  const [Wxh, Whh, Why, bh, by] = tensors.map((t) => t.data) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { spec: classicSpec(H), hiddenSize: H, vocabSize: V, data: buf, tensors, Wxh, Whh, Why, bh, by };
}

/** New zero tensors shaped like `p` (any model: the same name table). */
export function zerosLike(p: Params): Params;
export function zerosLike(p: ModelParams): ModelParams;
export function zerosLike(p: ModelParams): ModelParams {
  return relayout(p, new Float64Array(p.data.length));
}

/** An independent copy of `p` (any model: the same name table). */
export function copyParams(p: Params): Params;
export function copyParams(p: ModelParams): ModelParams;
export function copyParams(p: ModelParams): ModelParams {
  return relayout(p, p.data.slice());
}

function relayout(p: ModelParams, data: Float64Array): ModelParams {
  if ('Wxh' in p) return { ...paramsView(p.hiddenSize, p.vocabSize, data), spec: p.spec };
  const { tensors } = layoutTensors(p.tensors, data);
  return { spec: p.spec, hiddenSize: p.hiddenSize, vocabSize: p.vocabSize, data, tensors };
}

/**
 * The classic initialisation: `Wxh`, `Whh`, `Why` drawn from N(0, 1) × 0.01 in that order, row by row;
 * biases zero. The draws come from `seedrandom(seed)`, so a seed gives the same weights everywhere.
 */
export function initParams(hiddenSize: number, vocabSize: number, seed: string | number): Params {
  const p = paramsView(hiddenSize, vocabSize);
  const normal = gaussian(seedrandom(String(seed)));
  const weights = p.data.subarray(0, p.Wxh.length + p.Whh.length + p.Why.length);
  for (let i = 0; i < weights.length; i++) weights[i] = normal() * 0.01;
  return p;
}

/**
 * Standard normal draws from a uniform source (Box–Muller, cosine branch only: one normal per two
 * uniforms keeps the sequence easy to reproduce in another language).
 */
export function gaussian(uniform: () => number): () => number {
  return () => {
    const u1 = 1 - uniform(); // (0, 1]: log stays finite
    const u2 = uniform();
    return Math.sqrt(-2 * log(u1)) * cos(2 * Math.PI * u2);
  };
}
