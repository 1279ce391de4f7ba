// One LSTM layer over a window of B streams, forward and backward side by side; the matrix products
// go to the MatrixOps, the gate math is here. PyTorch's nn.LSTM, gate rows in the order i, f, g, o:
//
//   i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
//   g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
//   c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
//
// Dimension key: see layout.ts. H = hiddenSize, B = streams, T = steps, M = T·B rows (m = t·B + b),
// acts (M, 4H) holds a row's i, f, g, o.
import { exp, tanh } from '../../math/elementary.js';
import { inputGradients, inputProjection, recurrentGradients, type BatchedContext } from './projections.js';

const sigmoid = (x: number): number => 1 / (1 + exp(-x));

/**
 * Layer k forward over T steps, from the state in rows 0..B−1 of its `h` and `c`: fills `acts` with
 * i, f, g, o and `h`, `c`, `tc` with every step's states.
 */
export function lstmForward(ctx: BatchedContext, k: number, T: number): void {
  const { f, ops, layout } = ctx;
  const { hiddenSize: H, batchSize: B } = layout.shape;
  const GH = 4 * H;
  const M = T * B;
  const p = layout.paramLayout.layers[k]!;
  const { acts, h, c, tc } = layout.layers[k]!;
  const bih = layout.params + p.bih;
  const bhh = layout.params + p.bhh;
  for (let n = 0; n < GH; n++) f[layout.bsum + n] = f[bih + n] + f[bhh + n];
  inputProjection(ctx, k, M, layout.bsum, acts); // W_ih x + b_ih + b_hh for all positions
  for (let t = 0; t < T; t++) {
    const a0 = acts + t * B * GH; // this step's B rows of gates
    ops.gemmNT(h + t * B * H, H, layout.params + p.Whh, H, a0, GH, B, GH, H, 1); // += W_hh h_{t−1}
    for (let b = 0; b < B; b++) {
      const a = a0 + b * GH;
      const row = (t * B + b) * H; // h_{t−1}, c_{t−1} at row; h_t, c_t at row + B·H
      for (let j = 0; j < H; j++) {
        const i = sigmoid(f[a + j]);
        const fg = sigmoid(f[a + H + j]);
        const g = tanh(f[a + 2 * H + j]);
        const o = sigmoid(f[a + 3 * H + j]);
        f[a + j] = i;
        f[a + H + j] = fg;
        f[a + 2 * H + j] = g;
        f[a + 3 * H + j] = o;
        const cn = fg * f[c + row + j] + i * g;
        const tcn = tanh(cn);
        f[c + row + B * H + j] = cn;
        f[tc + row + j] = tcn;
        f[h + row + B * H + j] = o * tcn;
      }
    }
  }
}

/**
 * Layer k backward over the T steps its forward pass left: `dOut` (M, H) is the loss's gradient
 * with respect to the layer's outputs h_t (from the layer above or the output layer); writes the
 * layer's gradients and, for k ≥ 1, the gradient with respect to its input at `dIn` (M, H). The state
 * fed into the window gets no gradient (truncated BPTT).
 */
export function lstmBackward(ctx: BatchedContext, k: number, T: number, dOut: number, dIn: number): void {
  const { f, ops, layout } = ctx;
  const { hiddenSize: H, batchSize: B } = layout.shape;
  const GH = 4 * H;
  const M = T * B;
  const p = layout.paramLayout.layers[k]!;
  const { acts, c, tc } = layout.layers[k]!;
  const { dG, dhNext, dcNext, WhhT } = layout;
  f.fill(0, dhNext, dhNext + B * H);
  f.fill(0, dcNext, dcNext + B * H);
  ops.transpose(layout.params + p.Whh, H, WhhT, GH, GH, H); // W_hhᵀ (H, 4H)
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const m = t * B + b;
      const a = acts + m * GH;
      const d = dG + m * GH;
      for (let j = 0; j < H; j++) {
        const i = f[a + j];
        const fg = f[a + H + j];
        const g = f[a + 2 * H + j];
        const o = f[a + 3 * H + j];
        const tcn = f[tc + m * H + j];
        const dh = f[dOut + m * H + j] + f[dhNext + b * H + j];
        const dc = f[dcNext + b * H + j] + dh * o * (1 - tcn * tcn);
        f[d + j] = dc * g * i * (1 - i); // di, before σ
        f[d + H + j] = dc * f[c + m * H + j] * fg * (1 - fg); // df: c_{t−1} is row m of c
        f[d + 2 * H + j] = dc * i * (1 - g * g); // dg, before tanh
        f[d + 3 * H + j] = dh * tcn * o * (1 - o); // do, before σ
        f[dcNext + b * H + j] = dc * fg;
      }
    }
    if (t > 0) ops.gemmNT(dG + t * B * GH, GH, WhhT, GH, dhNext, H, B, H, GH, 0); // dh_{t−1} = W_hhᵀ dG_t
  }
  // Both biases enter every gate sum alike, so db_ih = db_hh = Σ_m dG[m].
  recurrentGradients(ctx, k, M, dG);
  inputGradients(ctx, k, M, dG, dIn);
}

