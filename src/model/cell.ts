// What a model family plugs into the stacked network: one recurrent layer's step, forward and backward.
// The stacking, the output layer, batching and dropout are shared (stack.ts); a family is its cell, its
// gate count and whether it carries a cell state. Dimension key: H = hiddenSize, G = gates,
// I = the layer's input size (V for layer 0, H above).
import type { ModelType } from './spec.js';

/** One layer's weights, PyTorch's names: rows are gate blocks of H in the family's gate order. */
export interface LayerWeights {
  readonly inputSize: number; // I
  readonly Wih: Float64Array; // (G·H, I)  weight_ih_l{k}
  readonly Whh: Float64Array; // (G·H, H)  weight_hh_l{k}
  readonly bih: Float64Array; // (G·H)     bias_ih_l{k}
  /** (G·H) bias_hh_l{k}; null for the classic RNN, which has one bias. */
  readonly bhh: Float64Array | null;
}

/** A layer's input at one step: a character index (one-hot, layer 0) or a dense vector (I). */
export type CellInput = number | Float64Array;

/** One step of one layer, forward and backward side by side, with scratch space of its own. */
export interface Cell {
  /**
   * `h ← cell(x, hp)` (and `c` from `cp` for the LSTM), keeping in `cache` what backward needs.
   * `c`, `cp` are null for families without a cell state.
   */
  forward(w: LayerWeights, x: CellInput, hp: Float64Array, cp: Float64Array | null, h: Float64Array, c: Float64Array | null, cache: Float64Array): void;
  /**
   * Back through the step `forward` computed: `dh` (H) is dL/dh_t; `dc` (H) carries dL/dc_t in and
   * dL/dc_{t−1} out (LSTM; null otherwise). Accumulates into `dw`; sets `dhp` (H) to dL/dh_{t−1} and,
   * when given, `dx` (I) to dL/dx_t.
   */
  backward(
    w: LayerWeights,
    dw: LayerWeights,
    x: CellInput,
    hp: Float64Array,
    cp: Float64Array | null,
    h: Float64Array,
    c: Float64Array | null,
    cache: Float64Array,
    dh: Float64Array,
    dc: Float64Array | null,
    dhp: Float64Array,
    dx: Float64Array | null,
  ): void;
}

/**
 * A model family: what a folder under src/model/ contributes. The stacked network (stack.ts), the
 * parameter table, initialisation and sampling are shared; nothing outside the folder and the registry
 * (families.ts) knows the family by name.
 */
export interface ModelFamily {
  /** The spec's `type`. */
  readonly type: ModelType;
  /** G: gate blocks per layer (RNN 1, GRU 3, LSTM 4). */
  readonly gates: number;
  /** True when a layer carries a cell state beside h (LSTM). */
  readonly carriesCell: boolean;
  /** Numbers kept per step per layer for backward, in units of H. */
  readonly cacheRows: number;
  /** A cell for hidden size H with its own scratch space. */
  createCell(hiddenSize: number): Cell;
}

/** `out[r] = W_ih[r]·x + b_ih[r]` for all G·H rows; with a one-hot x that is column `x` of W_ih. */
export function inputAffine(w: LayerWeights, x: CellInput, out: Float64Array): void {
  const { inputSize: I, Wih, bih } = w;
  const R = out.length;
  if (typeof x === 'number') {
    for (let r = 0; r < R; r++) out[r] = Wih[r * I + x] + bih[r];
    return;
  }
  for (let r = 0; r < R; r++) {
    let a = 0;
    for (let j = 0; j < I; j++) a += Wih[r * I + j] * x[j];
    out[r] = a + bih[r];
  }
}

/** `out[r] = W_hh[r]·hp + b_hh[r]` for all G·H rows (no b_hh for the classic RNN). */
export function hiddenAffine(w: LayerWeights, hp: Float64Array, out: Float64Array): void {
  const { Whh, bhh } = w;
  const H = hp.length;
  const R = out.length;
  for (let r = 0; r < R; r++) {
    let a = 0;
    for (let j = 0; j < H; j++) a += Whh[r * H + j] * hp[j];
    out[r] = bhh === null ? a : a + bhh[r];
  }
}

/** Back through {@link inputAffine}: `dW_ih += dg xᵀ`, `db_ih += dg`, and `dx = W_ihᵀ dg` when `dx` is given. */
export function inputAffineBackward(w: LayerWeights, dw: LayerWeights, x: CellInput, dg: Float64Array, dx: Float64Array | null): void {
  const { inputSize: I, Wih } = w;
  const dWih = dw.Wih;
  const dbih = dw.bih;
  const R = dg.length;
  for (let r = 0; r < R; r++) dbih[r] += dg[r];
  if (typeof x === 'number') {
    for (let r = 0; r < R; r++) dWih[r * I + x] += dg[r];
  } else {
    for (let r = 0; r < R; r++) {
      const g = dg[r];
      for (let j = 0; j < I; j++) dWih[r * I + j] += g * x[j];
    }
  }
  if (dx === null) return;
  dx.fill(0);
  for (let r = 0; r < R; r++) {
    const g = dg[r];
    for (let j = 0; j < I; j++) dx[j] += Wih[r * I + j] * g;
  }
}

/** Back through {@link hiddenAffine}: `dW_hh += dg hpᵀ`, `db_hh += dg`, `dhp = W_hhᵀ dg`. */
export function hiddenAffineBackward(w: LayerWeights, dw: LayerWeights, hp: Float64Array, dg: Float64Array, dhp: Float64Array): void {
  const Whh = w.Whh;
  const dWhh = dw.Whh;
  const dbhh = dw.bhh;
  const H = hp.length;
  const R = dg.length;
  if (dbhh !== null) for (let r = 0; r < R; r++) dbhh[r] += dg[r];
  dhp.fill(0);
  for (let r = 0; r < R; r++) {
    const g = dg[r];
    for (let j = 0; j < H; j++) {
      dWhh[r * H + j] += g * hp[j];
      dhp[j] += Whh[r * H + j] * g;
    }
  }
}
