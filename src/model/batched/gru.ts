// One GRU layer over a window of B streams, forward and backward side by side; the matrix products
// go to the MatrixOps, the gate math is here. PyTorch's nn.GRU, gate rows in the order r, z, n:
//
//   r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   h' = (1 − z) ⊙ n + z ⊙ h
//
// Dimension key: see layout.ts. H = hiddenSize, B = streams, T = steps, M = T·B rows (m = t·B + b);
// acts (M, 3H) holds W_ih x + b_ih, then r, z, n; gh (M, 3H) holds W_hh h + b_hh.
import { exp, tanh } from '../../math/elementary.js';
import { fillRows, inputGradients, inputProjection, recurrentGradients, type BatchedContext } from './projections.js';

const sigmoid = (x: number): number => 1 / (1 + exp(-x));

/**
 * Layer k forward over T steps, from the state in rows 0..B−1 of its `h`: fills `acts` with r, z, n,
 * `gh` with the hidden-side sums and `h` with every step's state.
 */
export function gruForward(ctx: BatchedContext, k: number, T: number): void {
  const { f, ops, layout } = ctx;
  const { hiddenSize: H, batchSize: B } = layout.shape;
  const GH = 3 * H;
  const M = T * B;
  const p = layout.paramLayout.layers[k]!;
  const { acts, gh, h } = layout.layers[k]!;
  inputProjection(ctx, k, M, layout.params + p.bih, acts); // W_ih x + b_ih for all positions
  for (let t = 0; t < T; t++) {
    const q0 = gh + t * B * GH;
    fillRows(f, layout.params + p.bhh, q0, B, GH);
    ops.gemmNT(h + t * B * H, H, layout.params + p.Whh, H, q0, GH, B, GH, H, 1); // W_hh h_{t−1} + b_hh
    for (let b = 0; b < B; b++) {
      const m = t * B + b;
      const a = acts + m * GH;
      const q = gh + m * GH;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(f[a + j] + f[q + j]);
        const z = sigmoid(f[a + H + j] + f[q + H + j]);
        const n = tanh(f[a + 2 * H + j] + r * f[q + 2 * H + j]);
        f[a + j] = r;
        f[a + H + j] = z;
        f[a + 2 * H + j] = n;
        f[h + (m + B) * H + j] = (1 - z) * n + z * f[h + m * H + j];
      }
    }
  }
}

/**
 * Layer k backward over the T steps its forward pass left: `dOut` (M, H) is the loss's gradient with
 * respect to the layer's outputs h_t; writes the layer's gradients and, for k ≥ 1, the gradient with
 * respect to its input at `dIn` (M, H). The state fed into the window gets no gradient.
 */
export function gruBackward(ctx: BatchedContext, k: number, T: number, dOut: number, dIn: number): void {
  const { f, ops, layout } = ctx;
  const { hiddenSize: H, batchSize: B } = layout.shape;
  const GH = 3 * H;
  const M = T * B;
  const p = layout.paramLayout.layers[k]!;
  const { acts, gh, h } = layout.layers[k]!;
  const { dG, dGh, dhNext, WhhT } = layout;
  f.fill(0, dhNext, dhNext + B * H);
  ops.transpose(layout.params + p.Whh, H, WhhT, GH, GH, H); // W_hhᵀ (H, 3H)
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const m = t * B + b;
      const a = acts + m * GH;
      const dx = dG + m * GH; // gradients of the input-side sums W_ih x + b_ih
      const dq = dGh + m * GH; // and of the hidden-side sums W_hh h + b_hh
      for (let j = 0; j < H; j++) {
        const r = f[a + j];
        const z = f[a + H + j];
        const n = f[a + 2 * H + j];
        const dh = f[dOut + m * H + j] + f[dhNext + b * H + j];
        const dnp = dh * (1 - z) * (1 - n * n); // before tanh
        const dzp = dh * (f[h + m * H + j] - n) * z * (1 - z); // before σ
        const drp = dnp * f[gh + m * GH + 2 * H + j] * r * (1 - r); // before σ
        f[dx + j] = drp;
        f[dx + H + j] = dzp;
        f[dx + 2 * H + j] = dnp;
        f[dq + j] = drp;
        f[dq + H + j] = dzp;
        f[dq + 2 * H + j] = dnp * r;
        f[dhNext + b * H + j] = dh * z; // the direct path z ⊙ h; W_hhᵀ dGh_t is added below
      }
    }
    if (t > 0) ops.gemmNT(dGh + t * B * GH, GH, WhhT, GH, dhNext, H, B, H, GH, 1);
  }
  recurrentGradients(ctx, k, M, dGh);
  inputGradients(ctx, k, M, dG, dIn);
}
