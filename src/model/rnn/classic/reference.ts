// The reference kernel: the classic min-char-rnn lossFun written for reading, not speed. Every faster
// kernel is tested against it. Dimension key: H = hiddenSize, V = vocabSize, T = window length.
import { checkWindowLength, type Kernel, type Model } from '../../kernel.js';
import { paramsView, type Params } from './params.js';
import { exp, log, tanh } from '../../../math/elementary.js';

/** Scratch buffers for one window; sized once, reused for every window. */
export interface Scratch {
  readonly ps: Float64Array; // (T, V) softmax outputs of each step
  readonly dy: Float64Array; // (V)
  readonly dh: Float64Array; // (H)
  readonly dhraw: Float64Array; // (H)
  readonly dhnext: Float64Array; // (H)
  readonly hnew: Float64Array; // (H) used by sampling
}

export function createScratch(hiddenSize: number, vocabSize: number, maxSeqLength: number): Scratch {
  const H = hiddenSize;
  const V = vocabSize;
  return {
    ps: new Float64Array(maxSeqLength * V),
    dy: new Float64Array(V),
    dh: new Float64Array(H),
    dhraw: new Float64Array(H),
    dhnext: new Float64Array(H),
    hnew: new Float64Array(H),
  };
}

/**
 * Recurrent step: `hc = tanh(Wxh·x + Whh·hp + bh)` where x is the one-hot of `ix`, so `Wxh·x` is column
 * `ix` of Wxh. Reads `hp` at offset `hpOff` of `hpBuf`; writes H values at `hcOff` of `hcBuf`.
 */
export function rnnStep(
  p: Params,
  ix: number,
  hpBuf: Float64Array,
  hpOff: number,
  hcBuf: Float64Array,
  hcOff: number,
): void {
  const { hiddenSize: H, vocabSize: V, Wxh, Whh, bh } = p;
  for (let i = 0; i < H; i++) {
    let a = 0;
    for (let j = 0; j < H; j++) a += Whh[i * H + j] * hpBuf[hpOff + j];
    // Same association as the classic (Wxh@x + Whh@h) + bh.
    hcBuf[hcOff + i] = tanh(Wxh[i * V + ix] + a + bh[i]);
  }
}

/**
 * Output layer and softmax: `out ← softmax((Why·h + by) / temperature)` at offset `outOff`. Subtracting
 * the max keeps `exp` finite; it changes the result only by rounding.
 */
export function outputProbs(
  p: Params,
  hBuf: Float64Array,
  hOff: number,
  temperature: number,
  out: Float64Array,
  outOff: number,
): void {
  const { hiddenSize: H, vocabSize: V, Why, by } = p;
  let max = -Infinity;
  for (let k = 0; k < V; k++) {
    let a = 0;
    for (let j = 0; j < H; j++) a += Why[k * H + j] * hBuf[hOff + j];
    const y = (a + by[k]) / temperature;
    out[outOff + k] = y;
    if (y > max) max = y;
  }
  softmaxInPlace(out, outOff, V, max);
}

/** `x[off..off+n) ← exp(x - max) / Σ exp(x - max)`. */
export function softmaxInPlace(x: Float64Array, off: number, n: number, max: number): void {
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = exp(x[off + k] - max);
    x[off + k] = e;
    sum += e;
  }
  for (let k = 0; k < n; k++) x[off + k] = x[off + k] / sum;
}

/** Forward pass over a window: fills `hs` rows 1..T and `s.ps`; returns Σ_t −ln p_t[targets_t]. */
export function forward(
  p: Params,
  inputs: Int32Array,
  targets: Int32Array,
  hs: Float64Array,
  s: Scratch,
): number {
  const { hiddenSize: H, vocabSize: V } = p;
  let loss = 0;
  for (let t = 0; t < inputs.length; t++) {
    rnnStep(p, inputs[t], hs, t * H, hs, (t + 1) * H); // h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)
    outputProbs(p, hs, (t + 1) * H, 1, s.ps, t * V); // p_t = softmax(Why h_t + by)
    loss += -log(s.ps[t * V + targets[t]]);
  }
  return loss;
}

/**
 * Backpropagation through time over the window `forward` just processed: overwrites `g` with the
 * (unclipped) gradients of the summed loss.
 */
export function backward(
  p: Params,
  inputs: Int32Array,
  targets: Int32Array,
  hs: Float64Array,
  s: Scratch,
  g: Params,
): void {
  const { hiddenSize: H, vocabSize: V, Whh, Why } = p;
  const { ps, dy, dh, dhraw, dhnext } = s;
  g.data.fill(0);
  dhnext.fill(0);
  for (let t = inputs.length - 1; t >= 0; t--) {
    const hc = (t + 1) * H; // h_t
    const hp = t * H; // h_{t-1}
    // dy = p_t − onehot(target): the gradient of −ln p[target] through the softmax.
    for (let k = 0; k < V; k++) dy[k] = ps[t * V + k];
    dy[targets[t]] = dy[targets[t]] - 1;
    for (let k = 0; k < V; k++) {
      for (let j = 0; j < H; j++) g.Why[k * H + j] = g.Why[k * H + j] + dy[k] * hs[hc + j]; // dWhy += dy h^T
      g.by[k] = g.by[k] + dy[k]; // dby += dy
    }
    for (let j = 0; j < H; j++) {
      let a = 0;
      for (let k = 0; k < V; k++) a += Why[k * H + j] * dy[k];
      dh[j] = a + dhnext[j]; // dh = Why^T dy + dhnext
    }
    for (let i = 0; i < H; i++) {
      const h = hs[hc + i];
      dhraw[i] = (1 - h * h) * dh[i]; // back through tanh
    }
    const x = inputs[t];
    for (let i = 0; i < H; i++) {
      g.bh[i] = g.bh[i] + dhraw[i]; // dbh += dhraw
      g.Wxh[i * V + x] = g.Wxh[i * V + x] + dhraw[i]; // dWxh += dhraw x^T
      for (let j = 0; j < H; j++) g.Whh[i * H + j] = g.Whh[i * H + j] + dhraw[i] * hs[hp + j]; // dWhh += dhraw h_{t-1}^T
    }
    for (let j = 0; j < H; j++) {
      let a = 0;
      for (let i = 0; i < H; i++) a += Whh[i * H + j] * dhraw[i];
      dhnext[j] = a; // dhnext = Whh^T dhraw
    }
  }
}

/** The plain kernel: {@link forward} and {@link backward} over ordinary Float64Arrays. */
export const referenceKernel: Kernel = {
  name: 'reference',
  createModel(hiddenSize: number, vocabSize: number, maxSeqLength: number): Model {
    const H = hiddenSize;
    const params = paramsView(H, vocabSize);
    const grads = paramsView(H, vocabSize);
    const hs = new Float64Array((maxSeqLength + 1) * H);
    const s = createScratch(H, vocabSize, maxSeqLength);
    return {
      kernel: referenceKernel,
      maxSeqLength,
      params,
      grads,
      hs,
      lossFun(inputs, targets) {
        checkWindowLength(inputs.length, maxSeqLength);
        const loss = forward(params, inputs, targets, hs, s);
        backward(params, inputs, targets, hs, s, grads);
        return loss;
      },
      loss(inputs, targets) {
        checkWindowLength(inputs.length, maxSeqLength);
        return forward(params, inputs, targets, hs, s);
      },
      sampleStep(ix, h, temperature, probs) {
        rnnStep(params, ix, h, 0, s.hnew, 0);
        h.set(s.hnew);
        outputProbs(params, h, 0, temperature, probs, 0);
      },
      allocate(length) {
        return new Float64Array(length);
      },
    };
  },
};
