import type { Sampler } from './network.js';

/**
 * The index whose cumulative probability first exceeds `u` (u uniform on [0, 1)): a draw from `probs`.
 * If rounding leaves the total a hair under `u`, the last index with non-zero probability is drawn.
 */
export function drawIndex(probs: Float64Array, u: number): number {
  let cumulative = 0;
  let last = 0;
  for (let k = 0; k < probs.length; k++) {
    const pk = probs[k];
    if (pk > 0) last = k;
    cumulative += pk;
    if (u < cumulative) return k;
  }
  return last;
}

/** Index of the largest probability (the first one on ties). */
export function argmax(probs: Float64Array): number {
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  return best;
}

/**
 * Generates `length` indices: feed `seedIx`, draw the next index from softmax(y / temperature) with
 * `random`, feed it back. `h` is the starting state (S: every layer's) and is advanced in place; pass a copy to keep
 * yours. `onIndex`, when given, sees each index as it is drawn (for streaming).
 */
export function sampleIndices(
  model: Sampler,
  h: Float64Array,
  seedIx: number,
  length: number,
  temperature: number,
  random: () => number,
  onIndex?: (ix: number) => void,
): Int32Array {
  const out = new Int32Array(length);
  const probs = new Float64Array(model.params.vocabSize);
  let ix = seedIx;
  for (let n = 0; n < length; n++) {
    model.sampleStep(ix, h, temperature, probs);
    ix = drawIndex(probs, random());
    out[n] = ix;
    onIndex?.(ix);
  }
  return out;
}
