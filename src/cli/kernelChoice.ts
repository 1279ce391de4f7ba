// The compute kernel `train --kernel NAME --threads N` asks for. For the LSTM and GRU, the wasm kernel
// (auto's choice wherever WebAssembly SIMD is available) splits its matrix products between N threads,
// started on first use, so the classic model never starts any. A kernel that computes on the js kernel
// instead (a model too large for WebAssembly memory) says so in one line on stderr.
import { availableParallelism } from 'node:os';
import { batchedNetworkFor, batchedSupports } from '../model/batched/network.js';
import { createMatrixThreads } from '../model/batched/nodeThreads.js';
import type { MatrixThreads } from '../model/batched/threads.js';
import type { Kernel } from '../model/kernel.js';
import { kernelByName } from '../model/kernels.js';
import type { Network } from '../model/network.js';

/** The default of `--threads`: the cores this process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** The kernel for `--kernel name` (a ConfigError for an unknown one) with `threads` for the gated models. */
export function cliKernel(name: string, threads: number, notice: (text: string) => void): Kernel {
  const kernel = kernelByName(name);
  if (kernel.name !== 'wasm') return kernel;
  let pool: MatrixThreads | undefined;
  let noted = false;
  const note = (net: Network): Network => {
    if (net.kernelNote !== undefined && !noted) {
      noted = true;
      notice(net.kernelNote);
    }
    return net;
  };
  return {
    ...kernel, // implementsNetwork included
    createNetwork(spec, vocabSize, maxSeqLength, batchSize) {
      if (!batchedSupports(spec)) return undefined;
      if (threads > 1) pool ??= createMatrixThreads(threads);
      const net = batchedNetworkFor(spec, vocabSize, maxSeqLength, batchSize, 'wasm', pool);
      return net && note(net);
    },
  };
}
