// The reference network of every family: layers stacked over B streams, an output layer Linear(H, V)
// and softmax cross-entropy, with forward and backward side by side. Written for reading, not speed: it
// is the oracle faster kernels are tested against.
//
// Dimension key: B = streams, T = window length, L = layers, H = hiddenSize, V = vocabSize,
// S = state per stream. (B, T, ·) buffers are row-major with the stream outermost.
//   layer 0 reads the one-hot character, layer l > 0 reads layer l − 1's output at the same step;
//   a layer's output is its h, times the dropout mask while training;
//   y_t = W_fc · out_{L−1,t} + b_fc,  p_t = softmax(y_t),  loss = (1/B) Σ_b Σ_t −ln p_t[target]
import { exp, log } from '../math/elementary.js';
import type { Cell, LayerWeights, ModelFamily } from './cell.js';
import { familyOf, modelParams, stateSize } from './families.js';
import { checkWindowLength } from './kernel.js';
import type { Network } from './network.js';
import { isClassicSpec, type ResolvedModelSpec } from './spec.js';
import { tensorOf, type ModelParams } from './tensors.js';

/** A model's tensors as the stacked network reads them. */
export interface StackWeights {
  readonly layers: readonly LayerWeights[];
  readonly Wfc: Float64Array; // (V, H) fc.weight (Why)
  readonly bfc: Float64Array; // (V) fc.bias (by)
}

/** Views of `p` per layer: PyTorch's names, or the classic five (W_ih = Wxh, b_ih = bh, no b_hh). */
export function stackWeights(p: ModelParams): StackWeights {
  const H = p.hiddenSize;
  if (isClassicSpec(p.spec)) {
    return {
      layers: [{ inputSize: p.vocabSize, Wih: tensorOf(p, 'Wxh'), Whh: tensorOf(p, 'Whh'), bih: tensorOf(p, 'bh'), bhh: null }],
      Wfc: tensorOf(p, 'Why'),
      bfc: tensorOf(p, 'by'),
    };
  }
  const layers: LayerWeights[] = [];
  for (let k = 0; k < p.spec.layers; k++) {
    layers.push({
      inputSize: k === 0 ? p.vocabSize : H,
      Wih: tensorOf(p, `rnn.weight_ih_l${k}`),
      Whh: tensorOf(p, `rnn.weight_hh_l${k}`),
      bih: tensorOf(p, `rnn.bias_ih_l${k}`),
      bhh: tensorOf(p, `rnn.bias_hh_l${k}`),
    });
  }
  return { layers, Wfc: tensorOf(p, 'fc.weight'), bfc: tensorOf(p, 'fc.bias') };
}

/** `probs ← softmax((W·h + b) / temperature)`, subtracting the max so `exp` stays finite. */
export function outputForward(Wfc: Float64Array, bfc: Float64Array, h: Float64Array, temperature: number, probs: Float64Array): void {
  const H = h.length;
  const V = probs.length;
  let max = -Infinity;
  for (let k = 0; k < V; k++) {
    let a = 0;
    for (let j = 0; j < H; j++) a += Wfc[k * H + j] * h[j];
    const y = (a + bfc[k]) / temperature;
    probs[k] = y;
    if (y > max) max = y;
  }
  let sum = 0;
  for (let k = 0; k < V; k++) {
    const e = exp(probs[k] - max);
    probs[k] = e;
    sum += e;
  }
  for (let k = 0; k < V; k++) probs[k] = probs[k] / sum;
}

/**
 * Back through the output layer for `−scale · ln p[target]`: `dy = scale (p − onehot)`, `dW_fc += dy hᵀ`,
 * `db_fc += dy`, and `dh = W_fcᵀ dy`.
 */
export function outputBackward(
  Wfc: Float64Array,
  dWfc: Float64Array,
  dbfc: Float64Array,
  h: Float64Array,
  probs: Float64Array,
  target: number,
  scale: number,
  dy: Float64Array,
  dh: Float64Array,
): void {
  const H = h.length;
  const V = probs.length;
  for (let k = 0; k < V; k++) dy[k] = probs[k];
  dy[target] = dy[target] - 1;
  if (scale !== 1) for (let k = 0; k < V; k++) dy[k] = dy[k] * scale;
  dh.fill(0);
  for (let k = 0; k < V; k++) {
    const d = dy[k];
    dbfc[k] += d;
    for (let j = 0; j < H; j++) {
      dWfc[k * H + j] += d * h[j];
      dh[j] += Wfc[k * H + j] * d;
    }
  }
}

/**
 * Float64 numbers {@link createStackNetwork} allocates besides the parameters and gradients: the per-layer
 * states, outputs and caches of a window of B streams of T, its softmax outputs, the dropout masks and
 * the carried states (for memory checks before anything is allocated).
 */
export function stackNetworkNumbers(spec: ResolvedModelSpec, vocabSize: number, maxSeqLength: number, batchSize: number): number {
  const family = familyOf(spec.type);
  const { layers: L, hiddenSize: H } = spec;
  const B = batchSize;
  const T = maxSeqLength;
  const states = L * B * (T + 1) * H * (family.carriesCell ? 2 : 1);
  const perStep = L * B * T * H * (1 + family.cacheRows) + B * T * vocabSize + L * B * T * H; // outputs, caches, probabilities, masks
  return states + perStep + 2 * B * stateSize(spec) + (family.gates * 4 + 8) * H + vocabSize;
}

/**
 * The readable network of any family: `spec` over `batchSize` streams, windows up to `maxSeqLength`.
 * Plain Float64Arrays; parameters and state start at zero.
 */
export function createStackNetwork(spec: ResolvedModelSpec, vocabSize: number, maxSeqLength: number, batchSize: number): Network {
  const family: ModelFamily = familyOf(spec.type);
  const B = batchSize;
  const L = spec.layers;
  const H = spec.hiddenSize;
  const V = vocabSize;
  const Tmax = maxSeqLength;
  const S = stateSize(spec);
  const perLayer = family.carriesCell ? 2 : 1; // state blocks of H per layer
  const params = modelParams(spec, V);
  const grads = modelParams(spec, V);
  const W = stackWeights(params);
  const dW = stackWeights(grads);
  const cell: Cell = family.createCell(H);
  const hprev = new Float64Array(B * S); // (B, S)
  const hout = new Float64Array(B * S); // (B, S)
  // Per layer: h and c rows 0..T (row 0 = the state fed in), the masked outputs, the cell caches.
  const block = (rows: number, width: number): Float64Array[] => Array.from({ length: L }, () => new Float64Array(B * rows * width));
  const hs = block(Tmax + 1, H); // L × (B, T+1, H)
  const cs = family.carriesCell ? block(Tmax + 1, H) : null; // L × (B, T+1, H)
  const outs = block(Tmax, H); // L × (B, T, H) layer outputs after dropout
  const caches = block(Tmax, family.cacheRows * H); // L × (B, T, cacheRows·H)
  const ps = new Float64Array(B * Tmax * V); // (B, T, V)
  const dy = new Float64Array(V);
  const dh = new Float64Array(H);
  const dtop = new Float64Array(H); // dL/d(output of the layer being processed)
  const dhnext = Array.from({ length: L }, () => new Float64Array(H));
  const dcnext = Array.from({ length: L }, () => new Float64Array(H));
  const sample = { h: new Float64Array(H), c: new Float64Array(H), cache: new Float64Array(family.cacheRows * H) };
  let lastT = 0;
  let masked = false; // whether the last forward applied dropout masks

  const row = (buf: Float64Array, b: number, rows: number, t: number, width: number): Float64Array =>
    buf.subarray(((b * rows) + t) * width, ((b * rows) + t + 1) * width);
  const hRow = (l: number, b: number, t: number, T: number): Float64Array => row(hs[l]!, b, T + 1, t, H);
  const cRow = (l: number, b: number, t: number, T: number): Float64Array | null => (cs ? row(cs[l]!, b, T + 1, t, H) : null);
  // The output of layer l at step t: h_{t+1} itself, or its masked copy.
  const outRow = (l: number, b: number, t: number, T: number): Float64Array => (masked ? row(outs[l]!, b, T, t, H) : hRow(l, b, t + 1, T));
  const stateOf = (buf: Float64Array, b: number, l: number, part: 0 | 1): Float64Array =>
    buf.subarray(b * S + (l * perLayer + part) * H, b * S + (l * perLayer + part + 1) * H);

  function forward(inputs: Int32Array, targets: Int32Array, masks: Float64Array | undefined): number {
    const T = inputs.length / B;
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`a window of ${inputs.length} characters does not split into ${B} streams`);
    checkWindowLength(T, Tmax);
    if (masks !== undefined && masks.length !== L * B * T * H) {
      throw new RangeError(`dropout masks have ${masks.length} numbers, expected L·B·T·H = ${L * B * T * H}`);
    }
    masked = masks !== undefined;
    let total = 0;
    for (let b = 0; b < B; b++) {
      for (let l = 0; l < L; l++) {
        hRow(l, b, 0, T).set(stateOf(hprev, b, l, 0));
        if (cs) cRow(l, b, 0, T)!.set(stateOf(hprev, b, l, 1));
        for (let t = 0; t < T; t++) {
          const x = l === 0 ? inputs[b * T + t]! : outRow(l - 1, b, t, T);
          const cache = row(caches[l]!, b, T, t, family.cacheRows * H);
          cell.forward(W.layers[l]!, x, hRow(l, b, t, T), cRow(l, b, t, T), hRow(l, b, t + 1, T), cRow(l, b, t + 1, T), cache);
          if (masks) {
            const h = hRow(l, b, t + 1, T);
            const out = row(outs[l]!, b, T, t, H);
            const m0 = ((l * B + b) * T + t) * H;
            for (let j = 0; j < H; j++) out[j] = h[j] * masks[m0 + j]!;
          }
        }
        stateOf(hout, b, l, 0).set(hRow(l, b, T, T));
        if (cs) stateOf(hout, b, l, 1).set(cRow(l, b, T, T)!);
      }
      let streamLoss = 0;
      for (let t = 0; t < T; t++) {
        const p = row(ps, b, T, t, V);
        outputForward(W.Wfc, W.bfc, outRow(L - 1, b, t, T), 1, p);
        streamLoss += -log(p[targets[b * T + t]!]!);
      }
      total += streamLoss;
    }
    lastT = T;
    return total / B;
  }

  function backward(inputs: Int32Array, targets: Int32Array, masks: Float64Array | undefined): void {
    const T = lastT;
    grads.data.fill(0);
    for (let b = 0; b < B; b++) {
      for (let l = 0; l < L; l++) {
        dhnext[l]!.fill(0);
        dcnext[l]!.fill(0);
      }
      for (let t = T - 1; t >= 0; t--) {
        outputBackward(W.Wfc, dW.Wfc, dW.bfc, outRow(L - 1, b, t, T), row(ps, b, T, t, V), targets[b * T + t]!, 1 / B, dy, dtop);
        for (let l = L - 1; l >= 0; l--) {
          // dL/dh_t of layer l: through the mask from above, plus from step t + 1 of the same layer.
          const m0 = ((l * B + b) * T + t) * H;
          for (let j = 0; j < H; j++) dh[j] = (masks ? dtop[j]! * masks[m0 + j]! : dtop[j]!) + dhnext[l]![j]!;
          const x = l === 0 ? inputs[b * T + t]! : outRow(l - 1, b, t, T);
          const cache = row(caches[l]!, b, T, t, family.cacheRows * H);
          cell.backward(
            W.layers[l]!,
            dW.layers[l]!,
            x,
            hRow(l, b, t, T),
            cRow(l, b, t, T),
            hRow(l, b, t + 1, T),
            cRow(l, b, t + 1, T),
            cache,
            dh,
            cs ? dcnext[l]! : null,
            dhnext[l]!,
            l > 0 ? dtop : null, // becomes dL/d(output of layer l − 1)
          );
        }
      }
    }
  }

  const network: Network = {
    kernelName: 'reference',
    spec,
    vocabSize: V,
    batchSize: B,
    maxSeqLength: Tmax,
    stateSize: S,
    params,
    grads,
    hprev,
    h: hout,
    carry() {
      hprev.set(hout);
    },
    lossFun(inputs, targets, dropoutMasks) {
      const masks = spec.dropout > 0 ? dropoutMasks : undefined;
      const loss = forward(inputs, targets, masks);
      backward(inputs, targets, masks);
      return loss;
    },
    loss(inputs, targets) {
      return forward(inputs, targets, undefined);
    },
    sampleStep(ix, state, temperature, probs) {
      let x: number | Float64Array = ix;
      for (let l = 0; l < L; l++) {
        const h = state.subarray(l * perLayer * H, (l * perLayer + 1) * H);
        const c = cs ? state.subarray((l * perLayer + 1) * H, (l * perLayer + 2) * H) : null;
        cell.forward(W.layers[l]!, x, h, c, sample.h, cs ? sample.c : null, sample.cache);
        h.set(sample.h);
        if (c) c.set(sample.c);
        x = h;
      }
      outputForward(W.Wfc, W.bfc, x as Float64Array, temperature, probs);
    },
    allocate(length) {
      return new Float64Array(length);
    },
    sibling(maxT, batch) {
      return createStackNetwork(spec, V, maxT, batch);
    },
  };
  return network;
}
