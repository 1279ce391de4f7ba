// The parts of a gated layer that are the same for every family: the input projection of a whole
// window as one product (a row gather for layer 0's one-hot characters), and the weight gradients as
// products over the window. Dimension key: see layout.ts (M = T·B time-major rows, G·H gate rows).
import type { BatchedLayout } from './layout.js';
import type { Floats, MatrixOps } from './matrix.js';

/** What a layer's kernels work on. */
export interface BatchedContext {
  readonly f: Floats;
  readonly ops: MatrixOps;
  readonly layout: BatchedLayout;
}

/** Element offset of layer k's input rows (M, H) for k ≥ 1: the output of layer k − 1 as it sees it. */
export function layerInput(layout: BatchedLayout, k: number): number {
  return layout.layers[k - 1]!.out;
}

/**
 * `dst` (M, G·H) ← W_ih·x + bias for all M positions of layer k: for layer 0, row m is W_ih's column
 * inputs[m] (W_ihᵀ's row) + bias; above it, one product of the layer input (M, H) with W_ihᵀ.
 */
export function inputProjection(ctx: BatchedContext, k: number, M: number, bias: number, dst: number): void {
  const { f, ops, layout } = ctx;
  const { hiddenSize: H } = layout.shape;
  const GH = layout.G * H;
  const p = layout.paramLayout.layers[k]!;
  const Wih = layout.params + p.Wih;
  if (k === 0) {
    ops.transpose(Wih, p.inputSize, layout.WihT, GH, GH, p.inputSize); // W_ihᵀ (V, G·H)
    ops.gatherRows(layout.WihT, layout.inputs, M, bias, dst, GH);
  } else {
    for (let m = 0; m < M; m++) f.copyWithin(dst + m * GH, bias, bias + GH);
    ops.gemmNT(layerInput(layout, k), H, Wih, H, dst, GH, M, GH, H, 1);
  }
}

/** Fills `dst`'s `rows` rows of n with the vector at `v`. */
export function fillRows(f: Floats, v: number, dst: number, rows: number, n: number): void {
  for (let m = 0; m < rows; m++) f.copyWithin(dst + m * n, v, v + n);
}

/**
 * The gradients of layer k's W_ih and b_ih from `dG` (M, G·H), the gradients of W_ih·x + b_ih at
 * every position; and, above layer 0, the gradient of the layer input, (M, H) at `dIn`:
 * dW_ih = dGᵀ·X, db_ih = Σ_m dG[m], dX = dG·W_ih.
 */
export function inputGradients(ctx: BatchedContext, k: number, M: number, dG: number, dIn: number): void {
  const { f, ops, layout } = ctx;
  const { hiddenSize: H, vocabSize: V } = layout.shape;
  const GH = layout.G * H;
  const p = layout.paramLayout.layers[k]!;
  const gWih = layout.grads + p.Wih;
  ops.sumRows(dG, M, layout.grads + p.bih, GH);
  if (k === 0) {
    // One-hot inputs: dW_ih's column v is the sum of dG's rows where the input was v, in position order.
    f.fill(0, layout.dWihT, layout.dWihT + V * GH);
    ops.scatterAddRows(dG, layout.inputs, M, layout.dWihT, GH);
    ops.transpose(layout.dWihT, GH, gWih, V, V, GH);
    return;
  }
  ops.transpose(dG, GH, layout.dGT, M, M, GH); // dGᵀ (G·H, M)
  ops.transpose(layerInput(layout, k), H, layout.XT, M, M, H); // Xᵀ (H, M)
  ops.gemmNT(layout.dGT, M, layout.XT, M, gWih, H, GH, H, M, 0);
  ops.transpose(layout.params + p.Wih, H, layout.WihT, GH, GH, H); // W_ihᵀ (H, G·H)
  ops.gemmNT(dG, GH, layout.WihT, GH, dIn, H, M, H, GH, 0);
}

/**
 * dW_hh = dGhᵀ·H_prev of layer k, from `dGh` (M, G·H), the gradients of W_hh·h_{t−1} + b_hh at
 * every position, and the states fed into each step (rows 0..M−1 of the layer's `h`); db_hh likewise.
 */
export function recurrentGradients(ctx: BatchedContext, k: number, M: number, dGh: number): void {
  const { ops, layout } = ctx;
  const { hiddenSize: H } = layout.shape;
  const GH = layout.G * H;
  const p = layout.paramLayout.layers[k]!;
  ops.sumRows(dGh, M, layout.grads + p.bhh, GH);
  ops.transpose(dGh, GH, layout.dGT, M, M, GH); // dGhᵀ (G·H, M)
  ops.transpose(layout.layers[k]!.h, H, layout.XT, M, M, H); // H_prevᵀ (H, M)
  ops.gemmNT(layout.dGT, M, layout.XT, M, layout.grads + p.Whh, H, GH, H, M, 0);
}
