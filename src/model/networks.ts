// Which implementation computes a model: the one place that chooses. The classic one-layer RNN at
// B = 1 without dropout runs on the classic kernels (wasm, js, reference) unchanged; a kernel that
// implements more (`Kernel.createNetwork`) is asked next; every other case runs on the family's
// readable reference (stack.ts).
// Dimension key: H = hiddenSize, V = vocabSize, T = window length, B = streams.
import { ConfigError } from '../errors.js';
import type { Kernel, Model } from './kernel.js';
import { defaultKernel } from './kernels.js';
import type { Network } from './network.js';
import { isClassicSpec, resolveModelSpec, type ModelSpec } from './spec.js';
import { createStackNetwork } from './stack.js';

/** How to build a network: the kernel to prefer, the longest window, the number of streams. */
export interface NetworkOptions {
  /** The preferred compute kernel. Default: {@link defaultKernel}. */
  readonly kernel?: Kernel;
  /** T, the longest window it will see. */
  readonly maxSeqLength: number;
  /** B, streams per window. Default 1. */
  readonly batchSize?: number;
}

/**
 * A network for `spec` with zero parameters and state.
 *
 * ```ts
 * import { createNetwork } from 'min-char-rnn';
 * const net = createNetwork({ type: 'gru', hiddenSize: 16, layers: 2 }, 30, { maxSeqLength: 25, batchSize: 4 });
 * console.log(net.kernelName, net.stateSize, net.params.data.length);
 * // reference 32 4446
 * ```
 */
export function createNetwork(spec: ModelSpec, vocabSize: number, options: NetworkOptions): Network {
  const s = resolveModelSpec(spec);
  const { kernel = defaultKernel(), maxSeqLength, batchSize = 1 } = options;
  if (isClassicSpec(s) && batchSize === 1 && s.dropout === 0) {
    return classicNetwork(kernel, kernel.createModel(s.hiddenSize, vocabSize, maxSeqLength));
  }
  const net = kernel.createNetwork?.(s, vocabSize, maxSeqLength, batchSize);
  if (net !== undefined) return net;
  // The readable reference computes in float64 only: float32 is the batched kernels' option.
  if (s.precision === 'f32') throw new ConfigError('precision', s.precision, `'f64' with the ${kernel.name} kernel (float32 runs on the wasm and js kernels)`);
  return createStackNetwork(s, vocabSize, maxSeqLength, batchSize);
}

/**
 * The name of the implementation {@link createNetwork} will use for `spec` on B streams with `kernel`,
 * without building it (for reports made before the first window): the kernel's own for the classic
 * model at B = 1 and for a kernel that implements networks (assumed to implement this spec: the network
 * itself, `step.model.kernelName`, is the authority), else `reference`.
 */
export function networkKernelName(spec: ModelSpec, batchSize: number, kernel: Kernel = defaultKernel()): string {
  const s = resolveModelSpec(spec);
  if (isClassicSpec(s) && batchSize === 1 && s.dropout === 0) return kernel.name;
  return kernel.createNetwork && (kernel.implementsNetwork?.(s) ?? true) ? kernel.name : 'reference';
}

/**
 * A classic kernel's {@link Model} seen as a one-stream {@link Network}: `hprev` is row 0 of its `hs`,
 * `h` the row after the last window, so nothing is copied that the classic loop did not copy.
 */
export function classicNetwork(kernel: Kernel, model: Model): Network {
  const H = model.params.hiddenSize;
  const hs = model.hs;
  let lastT = 0;
  const network: Network = {
    kernelName: kernel.name,
    spec: model.params.spec,
    vocabSize: model.params.vocabSize,
    batchSize: 1,
    maxSeqLength: model.maxSeqLength,
    stateSize: H,
    params: model.params,
    grads: model.grads,
    hprev: hs.subarray(0, H),
    get h() {
      return hs.subarray(lastT * H, (lastT + 1) * H);
    },
    carry() {
      if (lastT > 0) hs.copyWithin(0, lastT * H, (lastT + 1) * H);
    },
    lossFun(inputs, targets) {
      const loss = model.lossFun(inputs, targets);
      lastT = inputs.length;
      return loss;
    },
    loss(inputs, targets) {
      const loss = model.loss(inputs, targets);
      lastT = inputs.length;
      return loss;
    },
    sampleStep: (ix, h, temperature, probs) => model.sampleStep(ix, h, temperature, probs),
    allocate: (length) => model.allocate(length),
    sibling(maxT, batch) {
      return createNetwork(model.params.spec, model.params.vocabSize, { kernel, maxSeqLength: maxT, batchSize: batch });
    },
  };
  if (model.adagradUpdate) network.adagradUpdate = model.adagradUpdate.bind(model);
  if (model.clipInPlace) network.clipInPlace = model.clipInPlace.bind(model);
  return network;
}
