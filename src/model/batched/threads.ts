// The batched kernels on several threads: the matrix products split between threads that share one
// WebAssembly memory. Results do not depend on the number of threads: a product's output elements are
// dealt out, whole, to the threads, and each element is summed by one fixed recipe wherever it is
// computed (matrix.ts, gemm.wat), so 1 and N threads give the same bits.
//
// This file is free of Node APIs; the threads themselves come from a MatrixThreads implementation:
// worker_threads in Node (nodeThreads.ts), Web Workers in a cross-origin isolated page (browserThreads.ts).
import type { Precision } from '../spec.js';
import type { WasmMemory } from '../wasmApi.js';
import type { MatrixOps } from './matrix.js';

/** Arguments of one gemmNT call: A, lda, B, ldb, C, ldc, M, N, K, accumulate. */
export type GemmArgs = readonly [number, number, number, number, number, number, number, number, number, 0 | 1];

/** Threads that run gemmNT over shared memories; the calling thread is one of them. */
export interface MatrixThreads {
  /** Threads in all, the caller's included (≥ 1). */
  readonly threads: number;
  /**
   * Makes a shared WebAssembly memory known to every thread; returns its id for {@link run}. With
   * `precision` 'f32' the threads run the float32 products (gemm32.wat) on it.
   */
  attach(memory: WasmMemory, precision?: Precision): number;
  /**
   * True when the threads can run float32 products (attach honours `precision`). A float32 model
   * given threads without it computes on the calling thread alone: the same bits, slower.
   */
  readonly float32?: boolean;
  /** Forgets a memory attached before (the threads drop their instances over it). */
  detach(id: number): void;
  /**
   * Runs `parts[t − 1]` on thread t for t = 1 … parts.length while the caller runs `own()`, and
   * returns when all are done; a failure on any thread is thrown here.
   */
  run(id: number, parts: readonly GemmArgs[], own: () => void): void;
  /** Ends the threads; the pool is unusable afterwards. */
  close(): void;
}

/** Below this many multiply-adds a product stays on one thread: waking the others costs more. */
const MIN_SPLIT = 1 << 17;

/**
 * `local`'s matrix ops with gemmNT split between `threads` over memory `id`: by rows of C when there
 * are enough of them, else by columns in multiples of four (gemm.wat's blocks). Every other op, cheap
 * beside the products, stays on the calling thread.
 */
export function threadedMatrixOps(local: MatrixOps, threads: MatrixThreads, id: number): MatrixOps {
  const n = threads.threads;
  return {
    ...local,
    gemmNT(A, lda, B, ldb, C, ldc, M, N, K, accumulate) {
      if (n < 2 || M * N * K < MIN_SPLIT) {
        local.gemmNT(A, lda, B, ldb, C, ldc, M, N, K, accumulate);
        return;
      }
      const parts: GemmArgs[] = [];
      if (M >= 16 * n) {
        const rows = 2 * Math.ceil(M / (2 * n)); // even, so each part keeps gemm.wat's row pairs
        for (let i = rows; i < M; i += rows) {
          const m = Math.min(rows, M - i);
          parts.push([A + i * lda, lda, B, ldb, C + i * ldc, ldc, m, N, K, accumulate]);
        }
        threads.run(id, parts, () => local.gemmNT(A, lda, B, ldb, C, ldc, Math.min(rows, M), N, K, accumulate));
      } else {
        const cols = 4 * Math.ceil(N / (4 * n));
        for (let j = cols; j < N; j += cols) {
          const w = Math.min(cols, N - j);
          parts.push([A, lda, B + j * ldb, ldb, C + j, ldc, M, w, K, accumulate]);
        }
        threads.run(id, parts, () => local.gemmNT(A, lda, B, ldb, C, ldc, M, Math.min(cols, N), K, accumulate));
      }
    },
  };
}
