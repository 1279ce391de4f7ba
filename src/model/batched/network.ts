// The batched kernels as a Network (the interface every pipeline stage works with): LSTM and GRU of
// any depth over B streams, on WebAssembly SIMD or on the same recipe in plain JavaScript.
// Dimension key: B = streams, T = window length, S = state numbers per stream, V = vocabSize.
import { familyOf, modelParams } from '../families.js';
import type { Network } from '../network.js';
import type { ResolvedModelSpec } from '../spec.js';
import { outputForward, stackWeights } from '../stack.js';
import { batchedLayout, type BatchedShape, type GatedType } from './layout.js';
import { WASM_MAX_BYTES } from '../wasmApi.js';
import { createBatchedModel, type BatchedBackend } from './model.js';
import { wasmMatrixAvailable } from './matrix.js';
import type { MatrixThreads } from './threads.js';

/** True for the specs the batched kernels compute: LSTM and GRU, any depth, any dropout. */
export function batchedSupports(spec: ResolvedModelSpec): boolean {
  return spec.type === 'lstm' || spec.type === 'gru';
}

/** The batched model's shape for a spec of the gated families. */
function shapeOf(spec: ResolvedModelSpec, vocabSize: number, maxSeqLength: number, batchSize: number): BatchedShape {
  return {
    type: spec.type as GatedType,
    vocabSize,
    hiddenSize: spec.hiddenSize,
    layers: spec.layers,
    batchSize,
    maxSeqLength,
    dropout: spec.dropout > 0,
    ...(spec.precision === 'f32' ? { precision: spec.precision } : {}),
  };
}

/** The bytes of a batched network's memory (parameters, gradients, activations, scratch). */
export function batchedNetworkBytes(spec: ResolvedModelSpec, vocabSize: number, maxSeqLength: number, batchSize: number): number {
  return batchedLayout(shapeOf(spec, vocabSize, maxSeqLength, batchSize)).bytes;
}

/**
 * The batched network a kernel offers for `spec`, or undefined when the batched kernels do not compute
 * it (the family's reference then does). `preferred` is the kernel asked for; when it is `wasm` and
 * this runtime has no WebAssembly SIMD, or the model would not fit in a WebAssembly memory, the same
 * computation runs in plain JavaScript (the same numbers) and `kernelNote` says why.
 */
export function batchedNetworkFor(
  spec: ResolvedModelSpec,
  vocabSize: number,
  maxSeqLength: number,
  batchSize: number,
  preferred: BatchedBackend,
  threads?: MatrixThreads,
): Network | undefined {
  if (!batchedSupports(spec)) return undefined;
  if (preferred === 'js') return createBatchedNetwork(spec, vocabSize, maxSeqLength, batchSize, 'js');
  const fallback = (why: string): Network => ({
    ...createBatchedNetwork(spec, vocabSize, maxSeqLength, batchSize, 'js'),
    kernelNote: `${why}: the js kernel computes instead (same numbers, slower)`,
  });
  if (!wasmMatrixAvailable()) return fallback('this runtime has no WebAssembly SIMD');
  const bytes = batchedNetworkBytes(spec, vocabSize, maxSeqLength, batchSize);
  const tooLarge = wasmTooLarge(bytes);
  if (tooLarge) return fallback(tooLarge);
  try {
    return createBatchedNetwork(spec, vocabSize, maxSeqLength, batchSize, 'wasm', threads);
  } catch (e) {
    if (e instanceof RangeError) return fallback(`a WebAssembly memory of ${gib(bytes)} could not be allocated`);
    throw e;
  }
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Why a model of `bytes` cannot live in a WebAssembly memory, or undefined when it can. */
export function wasmTooLarge(bytes: number): string | undefined {
  return bytes > WASM_MAX_BYTES ? `the model needs ${gib(bytes)}, more than a WebAssembly memory holds (4 GiB)` : undefined;
}

/**
 * A batched network for `spec` (LSTM or GRU) with zero parameters and state. Training windows run on
 * the batched kernels; sampling steps one stream at a time with the family's reference cell over the
 * same parameters. Throws a RangeError when the WebAssembly backend cannot hold the model. With
 * `threads` (wasm), the products are split between them: the same numbers as one thread.
 */
export function createBatchedNetwork(
  spec: ResolvedModelSpec,
  vocabSize: number,
  maxSeqLength: number,
  batchSize: number,
  backend: BatchedBackend,
  threads?: MatrixThreads,
): Network {
  if (spec.type !== 'lstm' && spec.type !== 'gru') throw new RangeError(`the batched kernels compute lstm and gru, not ${spec.type}`);
  const model = createBatchedModel(shapeOf(spec, vocabSize, maxSeqLength, batchSize), backend, threads);
  const params = modelParams(spec, vocabSize, model.params);
  const grads = modelParams(spec, vocabSize, model.grads);
  const family = familyOf(spec.type);
  const H = spec.hiddenSize;
  const L = spec.layers;
  const perLayer = family.carriesCell ? 2 : 1;
  const W = stackWeights(params);
  const cell = family.createCell(H);
  const sample = { h: new Float64Array(H), c: new Float64Array(H), cache: new Float64Array(family.cacheRows * H) };
  return {
    kernelName: backend,
    spec,
    vocabSize,
    batchSize,
    maxSeqLength,
    stateSize: model.stateSize,
    params,
    grads,
    hprev: model.hprev,
    h: model.h,
    carry: () => model.carry(),
    lossFun: (inputs, targets, dropoutMasks) => model.lossFun(inputs, targets, dropoutMasks),
    loss: (inputs, targets) => model.loss(inputs, targets),
    sampleStep(ix, state, temperature, probs) {
      let x: number | Float64Array = ix;
      for (let l = 0; l < L; l++) {
        const h = state.subarray(l * perLayer * H, (l * perLayer + 1) * H);
        const c = family.carriesCell ? state.subarray((l * perLayer + 1) * H, (l * perLayer + 2) * H) : null;
        cell.forward(W.layers[l]!, x, h, c, sample.h, c ? sample.c : null, sample.cache);
        h.set(sample.h);
        if (c) c.set(sample.c);
        x = h;
      }
      outputForward(W.Wfc, W.bfc, x as Float64Array, temperature, probs);
    },
    allocate: (length) => new Float64Array(length),
    sibling: (maxT, batch) => createBatchedNetwork(spec, vocabSize, maxT, batch, backend, threads),
  };
}
