// The fast JavaScript kernel: the reference kernel's arithmetic, in the same order (so the same numbers,
// bit for bit), arranged for speed. Dimension key: H = hiddenSize, V = vocabSize, T = window length.
//
// Where the speed comes from (measured by `npm run bench`):
// - one flat memory, addressed by offsets, and no allocation per step (fast.ts);
// - four matrix rows per pass: four independent sums in flight instead of one chain of additions
//   waiting on each other, and one load of the shared vector for four rows;
// - the weight gradients dWhy and dWhh summed over the whole window at the end (a matrix product,
//   `gemmTN`) instead of updated row by row at every step: each block of eight sums stays in registers.
// The fallback where WebAssembly SIMD is missing; the wasm kernel is the same design with two lanes.
import type { Kernel } from '../../kernel.js';
import { batchedNetworkBytes, batchedNetworkFor, batchedSupports } from '../../batched/network.js';
import { tanhInPlace } from '../../../math/elementary.js';
import { createFastModel, fastLayout, fastMemory, offsetIn, type FastMemory, type FastOps } from './fast.js';

/**
 * `f[out + r] = Σ_j W[r, j] f[x + j]` for r < rows; W (rows, cols) at offset W, row-major.
 * Each row's sum runs over j in order from 0, as the reference's does.
 */
export function matvec(f: Float64Array, W: number, x: number, out: number, rows: number, cols: number): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const w0 = W + r * cols;
    const w1 = w0 + cols;
    const w2 = w1 + cols;
    const w3 = w2 + cols;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < cols; j++) {
      const xj = f[x + j];
      a0 += f[w0 + j] * xj;
      a1 += f[w1 + j] * xj;
      a2 += f[w2 + j] * xj;
      a3 += f[w3 + j] * xj;
    }
    f[out + r] = a0;
    f[out + r + 1] = a1;
    f[out + r + 2] = a2;
    f[out + r + 3] = a3;
  }
  for (; r < rows; r++) {
    const w = W + r * cols;
    let a = 0;
    for (let j = 0; j < cols; j++) a += f[w + j] * f[x + j];
    f[out + r] = a;
  }
}

/**
 * `f[out + j] += Σ_r f[d + r] W[r, j]` for j < cols, i.e. out += Wᵀ d: a sum of scaled rows, taken in
 * row order (the reference's order for `Whh^T dhraw`), four rows per pass over `out`.
 */
export function addRowsT(f: Float64Array, W: number, d: number, out: number, rows: number, cols: number): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const w0 = W + r * cols;
    const w1 = w0 + cols;
    const w2 = w1 + cols;
    const w3 = w2 + cols;
    const d0 = f[d + r];
    const d1 = f[d + r + 1];
    const d2 = f[d + r + 2];
    const d3 = f[d + r + 3];
    for (let j = 0; j < cols; j++) {
      f[out + j] = f[out + j] + d0 * f[w0 + j] + d1 * f[w1 + j] + d2 * f[w2 + j] + d3 * f[w3 + j];
    }
  }
  for (; r < rows; r++) {
    const w = W + r * cols;
    const dr = f[d + r];
    for (let j = 0; j < cols; j++) f[out + j] = f[out + j] + dr * f[w + j];
  }
}

/**
 * `C = Aᵀ B`: `C[m, n] = Σ_t A[t, m] B[t, n]` with A (T, M), B (T, N), C (M, N) at their offsets. Each
 * sum runs from t = T-1 down to 0 starting at 0, as the reference's backward loop accumulates the weight
 * gradients; blocks of 2 × 4 sums stay in registers for the whole window.
 */
export function gemmTN(f: Float64Array, A: number, B: number, C: number, M: number, N: number, T: number): void {
  const M2 = M - (M % 2);
  const N4 = N - (N % 4);
  for (let m = 0; m < M2; m += 2) {
    for (let n = 0; n < N4; n += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0; // C[m, n..n+4)
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0; // C[m+1, n..n+4)
      for (let t = T - 1; t >= 0; t--) {
        const a0 = f[A + t * M + m];
        const a1 = f[A + t * M + m + 1];
        const b = B + t * N + n;
        const b0 = f[b];
        const b1 = f[b + 1];
        const b2 = f[b + 2];
        const b3 = f[b + 3];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
      }
      const c = C + m * N + n;
      f[c] = c00;
      f[c + 1] = c01;
      f[c + 2] = c02;
      f[c + 3] = c03;
      f[c + N] = c10;
      f[c + N + 1] = c11;
      f[c + N + 2] = c12;
      f[c + N + 3] = c13;
    }
  }
  // The edges one element at a time: columns N4..N of the blocked rows, then the odd last row.
  for (let m = 0; m < M; m++) {
    for (let n = m < M2 ? N4 : 0; n < N; n++) {
      let s = 0;
      for (let t = T - 1; t >= 0; t--) s += f[A + t * M + m] * f[B + t * N + n];
      f[C + m * N + n] = s;
    }
  }
}

/** The JavaScript {@link FastOps} over `memory`. */
export function jsOps(memory: FastMemory): FastOps {
  const { f, ints, layout: L, params: p, grads: g } = memory;
  const { H, V } = L;
  const Wxh = offsetIn(f, p.Wxh); // (H, V)
  const Whh = offsetIn(f, p.Whh); // (H, H)
  const Why = offsetIn(f, p.Why); // (V, H)
  const bh = offsetIn(f, p.bh); // (H)
  const by = offsetIn(f, p.by); // (V)
  const dWhh = offsetIn(f, g.Whh);
  const dWhy = offsetIn(f, g.Why);
  const { dh, dhnext, dhraw, hs, ps } = L;

  return {
    hidden(ix, hp, hc) {
      matvec(f, Whh, hp, hc, H, H);
      for (let i = 0; i < H; i++) f[hc + i] = f[Wxh + i * V + ix] + f[hc + i] + f[bh + i];
      tanhInPlace(f, hc, H); // the whole row in one loop
    },
    logits(h, y) {
      matvec(f, Why, h, y, V, H);
      for (let k = 0; k < V; k++) f[y + k] = f[y + k] + f[by + k];
    },
    backward(T) {
      // dWxh, dbh, dby and dhnext accumulate from zero; gemmTN writes dWhy and dWhh whole.
      g.Wxh.fill(0);
      g.bh.fill(0);
      g.by.fill(0);
      f.fill(0, dhnext, dhnext + H);
      // dy_t = p_t − onehot(target_t), in place over ps; dby += dy_t
      for (let t = T - 1; t >= 0; t--) {
        const dy = ps + t * V;
        f[dy + ints[L.targets + t]] = f[dy + ints[L.targets + t]] - 1;
        for (let k = 0; k < V; k++) g.by[k] = g.by[k] + f[dy + k];
      }
      gemmTN(f, ps, hs + H, dWhy, V, H, T); // dWhy = Σ_t dy_t h_tᵀ: (V, H) = DYᵀ (V, T) · HS[1..T] (T, H)
      for (let t = T - 1; t >= 0; t--) {
        const hc = hs + (t + 1) * H; // h_t
        const dr = dhraw + t * H; // (H) this step's dhraw
        f.fill(0, dh, dh + H);
        addRowsT(f, Why, ps + t * V, dh, V, H); // dh = Whyᵀ dy (+ dhnext below)
        const x = ints[L.inputs + t];
        for (let i = 0; i < H; i++) {
          const h = f[hc + i];
          const d = (1 - h * h) * (f[dh + i] + f[dhnext + i]); // back through tanh
          f[dr + i] = d;
          g.bh[i] = g.bh[i] + d; // dbh += dhraw
          g.Wxh[i * V + x] = g.Wxh[i * V + x] + d; // dWxh += dhraw x_tᵀ: column x_t
        }
        f.fill(0, dhnext, dhnext + H);
        addRowsT(f, Whh, dr, dhnext, H, H); // dhnext = Whhᵀ dhraw
      }
      gemmTN(f, dhraw, hs, dWhh, H, H, T); // dWhh = Σ_t dhraw_t h_{t-1}ᵀ: (H, H) = DHRAWᵀ · HS[0..T-1]
    },
  };
}

/**
 * The fast JavaScript kernel: plain loops arranged for speed, the reference's numbers bit for bit.
 * Runs wherever JavaScript does; `defaultKernel()` picks it when WebAssembly SIMD is unavailable.
 */
export const jsKernel: Kernel = {
  name: 'js',
  // LSTM and GRU: the batched kernels (batched/) in plain JavaScript.
  createNetwork: (spec, vocabSize, maxSeqLength, batchSize) => batchedNetworkFor(spec, vocabSize, maxSeqLength, batchSize, 'js'),
  implementsNetwork: batchedSupports,
  networkBytes: batchedNetworkBytes,
  createModel(hiddenSize: number, vocabSize: number, maxSeqLength: number) {
    const layout = fastLayout(hiddenSize, vocabSize, maxSeqLength);
    const memory = fastMemory(layout, new ArrayBuffer(layout.bytes));
    return createFastModel(jsKernel, memory, jsOps(memory));
  },
};
