// The matrix building blocks in float32, for `--precision f32`: offsets and strides in f32 elements.
// Dimension key: M = rows of the left operand, N = rows of the right operand, K = the summed dimension.
//
// As in matrix.ts, two implementations with the same bits: WebAssembly SIMD (../wasm/gemm32.wat,
// f32x4) and plain loops here with Math.fround after every product and sum. Each C element is summed
// by one recipe, the one four-lane SIMD computes: k ≡ l (mod 4) summed in lane l in increasing k over
// the first K − K % 4 elements, then (lane 0 + lane 1) + (lane 2 + lane 3), then the last K % 4
// products in turn, then C added when accumulating. So any blocking, and any split of C between
// threads, gives every element the same bits.
import { GEMM32_SHARED_WASM, GEMM32_WASM } from '../wasm/kernelBytes.js';
import type { WasmMemory } from '../wasmApi.js';
import { instantiateMatrixOps, jsMatrixOps, type MatrixOps } from './matrix.js';

const r = Math.fround;

/** The building blocks as plain loops over `f` (floats) and `ints` (the same memory as i32). */
export function jsMatrixOps32(f: Float32Array, ints: Int32Array): MatrixOps {
  return {
    ...jsMatrixOps(f, ints),
    gemmNT(A, lda, B, ldb, C, ldc, M, N, K, accumulate) {
      const quads = K & ~3;
      for (let i = 0; i < M; i++) {
        const a = A + i * lda;
        for (let j = 0; j < N; j++) {
          const b = B + j * ldb;
          let l0 = 0;
          let l1 = 0;
          let l2 = 0;
          let l3 = 0;
          for (let k = 0; k < quads; k += 4) {
            l0 = r(l0 + r(f[a + k] * f[b + k]));
            l1 = r(l1 + r(f[a + k + 1] * f[b + k + 1]));
            l2 = r(l2 + r(f[a + k + 2] * f[b + k + 2]));
            l3 = r(l3 + r(f[a + k + 3] * f[b + k + 3]));
          }
          let s = r(r(l0 + l1) + r(l2 + l3));
          for (let k = quads; k < K; k++) s = r(s + r(f[a + k] * f[b + k]));
          const c = C + i * ldc + j;
          f[c] = accumulate ? f[c] + s : s;
        }
      }
    },
  };
}

/**
 * The float32 building blocks in WebAssembly SIMD over `memory` (bit for bit {@link jsMatrixOps32});
 * `shared` says the memory is a shared one.
 */
export function wasmMatrixOps32(memory: WasmMemory, shared = false): MatrixOps {
  return instantiateMatrixOps(memory, shared ? GEMM32_SHARED_WASM : GEMM32_WASM);
}
