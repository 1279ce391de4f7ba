// Model specs: which family, how wide, how deep, how much dropout. Plain JSON, so checkpoints and the
// command line can carry them.
import { ConfigError, requireInteger } from '../errors.js';

/** The model families this library trains: `rnn` (vanilla tanh RNN), `lstm`, `gru`. */
export const MODEL_TYPES = ['rnn', 'lstm', 'gru'] as const;
/** One of {@link MODEL_TYPES}. */
export type ModelType = (typeof MODEL_TYPES)[number];

/** The float widths the gated kernels compute in: `f64` (the default and the oracle) or `f32`. */
export const PRECISIONS = ['f64', 'f32'] as const;
/** One of {@link PRECISIONS}. */
export type Precision = (typeof PRECISIONS)[number];

/**
 * A model: `{ type, hiddenSize, layers = 1, dropout = 0 }`. The equations are PyTorch's `nn.RNN` (tanh),
 * `nn.LSTM` and `nn.GRU` stacked `layers` deep over a one-hot input, then `Linear(H, V)` and softmax.
 * `{ type: 'rnn', hiddenSize: 100 }` is the classic min-char-rnn model.
 */
export interface ModelSpec {
  readonly type: ModelType;
  /** H, the size of every layer's hidden state. */
  readonly hiddenSize: number;
  /** L, recurrent layers stacked (layer l reads the hidden state of layer l − 1). Default 1. */
  readonly layers?: number;
  /** p, dropout on the output of every layer while training, in [0, 1). Default 0. */
  readonly dropout?: number;
  /**
   * The float width of the window's arithmetic, `f64` (default) or `f32`: with `f32` the LSTM and GRU
   * compute each window in float32 (parameters, gradients and optimizer state stay float64). The
   * vanilla RNN computes in float64 only.
   */
  readonly precision?: Precision;
}

/**
 * A {@link ModelSpec} with every default filled in; `precision` is present only when it is `f32`
 * (absent means float64, so specs written before it existed read the same).
 */
export type ResolvedModelSpec = Required<Omit<ModelSpec, 'precision'>> & { readonly precision?: 'f32' };

/** The classic model with hidden size `hiddenSize` (100 in the classic script). */
export function classicSpec(hiddenSize = 100): ResolvedModelSpec {
  return { type: 'rnn', hiddenSize, layers: 1, dropout: 0 };
}

/**
 * Fills the defaults of a spec and checks every field; a bad one is a ConfigError naming it.
 *
 * ```ts
 * import { resolveModelSpec } from 'min-char-rnn';
 * console.log(resolveModelSpec({ type: 'lstm', hiddenSize: 256, layers: 2 }));
 * // { type: 'lstm', hiddenSize: 256, layers: 2, dropout: 0 }
 * ```
 */
export function resolveModelSpec(spec: ModelSpec): ResolvedModelSpec {
  if (typeof spec !== 'object' || spec === null) throw new ConfigError('model', spec, 'a model spec object');
  const { type, hiddenSize, layers = 1, dropout = 0, precision = 'f64' } = spec;
  if (!(MODEL_TYPES as readonly string[]).includes(type)) throw new ConfigError('model.type', type, `one of ${MODEL_TYPES.join(', ')}`);
  requireInteger('hiddenSize', hiddenSize);
  requireInteger('layers', layers);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new ConfigError('dropout', dropout, 'a number in [0, 1)');
  if (!(PRECISIONS as readonly string[]).includes(precision)) throw new ConfigError('precision', precision, `one of ${PRECISIONS.join(', ')}`);
  if (precision === 'f32' && type === 'rnn') throw new ConfigError('precision', precision, "'f64' for the rnn model (float32 is for lstm and gru)");
  return precision === 'f32' ? { type, hiddenSize, layers, dropout, precision } : { type, hiddenSize, layers, dropout };
}

/** True for the classic layout: a one-layer vanilla RNN (names Wxh, Whh, Why, bh, by; one hidden bias). */
export function isClassicSpec(spec: ModelSpec): boolean {
  return spec.type === 'rnn' && (spec.layers ?? 1) === 1;
}

/** The spec as a short human-readable line, e.g. `lstm, 2 layers of 256, dropout 0.2`. */
export function describeSpec(spec: ModelSpec): string {
  const s = resolveModelSpec(spec);
  const layers = s.layers === 1 ? `hidden ${s.hiddenSize}` : `${s.layers} layers of ${s.hiddenSize}`;
  return `${s.type}, ${layers}${s.dropout > 0 ? `, dropout ${s.dropout}` : ''}${s.precision === 'f32' ? ', float32' : ''}`;
}
