// How much memory a training run needs, computed from the sizes before anything is allocated, so that
// a model too large for the machine fails at once with the figure instead of deep in an allocation.
// Written in terms of a model family's own counts (its parameters, and the activations a window keeps
// for the backward pass), so every family supplies its two numbers and shares the rest.
// Dimension key: H = hiddenSize, V = vocabSize, T = seqLength, P = parameter count.

/** What a run holds, in numbers (Float64). */
export interface TrainingMemory {
  /** P, the model's parameter count. */
  readonly parameters: number;
  /** Numbers one model keeps per window: activations for backprop and the kernel's scratch. */
  readonly activations: number;
  /** Parameter-sized optimizer buffers (Adagrad 1, Adam 2, SGD 0). */
  readonly optimizerSlots: number;
  /** A second model measures held-out text (parameters and activations again). */
  readonly validation?: boolean;
  /** Checkpoints are written: a copy of parameters and optimizer state, and its JSON text. */
  readonly checkpoints?: boolean;
}

/** Bytes of JSON text per saved number (17 significant digits, sign, exponent, separator). */
export const JSON_BYTES_PER_NUMBER = 24;

/**
 * The most numbers V8 puts in one typed array (2^32 − 1 in Node 20): the flat parameter buffer must fit.
 */
export const MAX_ARRAY_LENGTH = 2 ** 32 - 1;

/**
 * The bytes a training run needs: parameters, gradients and optimizer state (P each), the activations
 * of a window, the initial weights the run starts from, and, when asked, a validation model and a
 * checkpoint's copy and text. An estimate from above of what is live at once, not of every small buffer.
 *
 * ```ts
 * import { rnnActivations, trainingMemoryBytes, parameterCount } from 'min-char-rnn';
 *
 * const bytes = trainingMemoryBytes({ parameters: parameterCount(100, 65), activations: rnnActivations(100, 65, 25), optimizerSlots: 1 });
 * console.log((bytes / 1e6).toFixed(2), 'MB');
 * // 0.80 MB
 * ```
 */
export function trainingMemoryBytes(m: TrainingMemory): number {
  const P = m.parameters;
  const A = m.activations;
  const model = 8 * (P * (2 + m.optimizerSlots) + A); // params, grads, slots, activations
  const initial = 8 * P;
  const validation = m.validation ? 8 * (P + A) : 0;
  const checkpoint = m.checkpoints ? (8 + JSON_BYTES_PER_NUMBER) * P * (1 + m.optimizerSlots) : 0;
  return model + initial + validation + checkpoint;
}

/**
 * The vanilla RNN's numbers per window: hidden states (T + 1, H), softmax outputs (T, V), every step's
 * dhraw (T, H), and a few vectors of H and V for the backward pass and sampling.
 */
export function rnnActivations(H: number, V: number, T: number): number {
  return (T + 1) * H + T * V + T * H + 4 * H + 2 * V;
}

/** A byte count for people: `1.9 GB`, `512 MB`, `12 kB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let x = bytes;
  let u = 0;
  while (x >= 1000 && u < units.length - 1) {
    x /= 1000;
    u++;
  }
  if (u === 0) return `${Math.round(x)} bytes`;
  return `${x < 10 ? x.toFixed(1) : x < 1000 ? Math.round(x) : x.toPrecision(2)} ${units[u]}`;
}
