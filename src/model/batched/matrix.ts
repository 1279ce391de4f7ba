// The matrix building blocks of the batched kernels, over one memory addressed by offsets.
// Dimension key: M = rows of the left operand, N = rows of the right operand (output features),
// K = the summed dimension; offsets and strides in f64 elements, index lists in i32 elements.
//
// Two implementations with the same numbers bit for bit: plain loops here (the readable version,
// and the fallback where WebAssembly SIMD is missing) and WebAssembly SIMD in ../wasm/gemm.wat.
// Each C element of a product is summed by one fixed recipe, the one two-lane SIMD computes: even k
// and odd k summed apart, in increasing k, then added, then the last product when K is odd, then C
// added when accumulating. Whatever the blocking, and however C is split between threads, every
// element gets the same bits.
import { GEMM_SHARED_WASM, GEMM_WASM } from '../wasm/kernelBytes.js';
import { wasmApi, type WasmMemory } from '../wasmApi.js';

/** The matrix work of a batched kernel, on offsets into one memory. */
export interface MatrixOps {
  /**
   * C (M, N) ← A (M, K) · Bᵀ with B given as (N, K) rows; C += A·Bᵀ when `accumulate` is 1. lda,
   * ldb, ldc are the row strides.
   */
  gemmNT(A: number, lda: number, B: number, ldb: number, C: number, ldc: number, M: number, N: number, K: number, accumulate: 0 | 1): void;
  /** dst (cols, rows) ← srcᵀ for src (rows, cols); row strides lds, ldd. */
  transpose(src: number, lds: number, dst: number, ldd: number, rows: number, cols: number): void;
  /** dst row m ← src row idx[m] + bias for m < count; rows of n, contiguous: a one-hot input projection. */
  gatherRows(src: number, idx: number, count: number, bias: number, dst: number, n: number): void;
  /** dst row idx[m] += src row m for m = 0 … count − 1 in turn; rows of n, contiguous. */
  scatterAddRows(src: number, idx: number, count: number, dst: number, n: number): void;
  /** dst (n) ← Σ_m src row m for m = 0 … rows − 1 in turn; rows of n, contiguous. */
  sumRows(src: number, rows: number, dst: number, n: number): void;
}

/** A batched model's floats: doubles, or floats for `--precision f32`. */
export type Floats = Float64Array | Float32Array;

/**
 * The building blocks as plain loops over `f` (doubles) and `ints` (the same memory as i32). Over a
 * Float32Array every op but gemmNT is already float32 arithmetic (a sum of two floats, exact in a
 * double, rounds once on the store); matrix32.ts gives the float32 gemmNT.
 */
export function jsMatrixOps(f: Floats, ints: Int32Array): MatrixOps {
  return {
    gemmNT(A, lda, B, ldb, C, ldc, M, N, K, accumulate) {
      const pairs = K & ~1;
      for (let i = 0; i < M; i++) {
        const a = A + i * lda;
        for (let j = 0; j < N; j++) {
          const b = B + j * ldb;
          let even = 0; // lane 0
          let odd = 0; // lane 1
          for (let k = 0; k < pairs; k += 2) {
            even += f[a + k] * f[b + k];
            odd += f[a + k + 1] * f[b + k + 1];
          }
          let s = even + odd;
          if (pairs < K) s += f[a + pairs] * f[b + pairs];
          const c = C + i * ldc + j;
          f[c] = accumulate ? f[c] + s : s;
        }
      }
    },
    transpose(src, lds, dst, ldd, rows, cols) {
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) f[dst + j * ldd + i] = f[src + i * lds + j];
    },
    gatherRows(src, idx, count, bias, dst, n) {
      for (let m = 0; m < count; m++) {
        const row = src + ints[idx + m] * n;
        for (let k = 0; k < n; k++) f[dst + m * n + k] = f[row + k] + f[bias + k];
      }
    },
    scatterAddRows(src, idx, count, dst, n) {
      for (let m = 0; m < count; m++) {
        const row = dst + ints[idx + m] * n;
        for (let k = 0; k < n; k++) f[row + k] = f[row + k] + f[src + m * n + k];
      }
    },
    sumRows(src, rows, dst, n) {
      f.fill(0, dst, dst + n);
      for (let m = 0; m < rows; m++) for (let k = 0; k < n; k++) f[dst + k] = f[dst + k] + f[src + m * n + k];
    },
  };
}

// Each module's bytes compiled once, then instantiated over every model's memory.
const compiled = new WeakMap<Uint8Array, object>();

/** True when this runtime has WebAssembly with 128-bit SIMD (asks `WebAssembly.validate` about gemm.wat). */
export function wasmMatrixAvailable(): boolean {
  const api = wasmApi();
  try {
    return api !== undefined && api.validate(GEMM_WASM);
  } catch {
    return false;
  }
}

/**
 * Instantiates one of the matrix modules (`bytes`, from wasm/kernelBytes.ts) over `memory`; the
 * module is compiled on its first use.
 */
export function instantiateMatrixOps(memory: WasmMemory, bytes: Uint8Array): MatrixOps {
  const api = wasmApi();
  if (api === undefined || !wasmMatrixAvailable()) {
    throw new Error('the batched wasm kernel needs WebAssembly with SIMD, which this runtime lacks');
  }
  let module = compiled.get(bytes);
  if (module === undefined) compiled.set(bytes, (module = new api.Module(bytes)));
  return new api.Instance(module, { env: { memory } }).exports as MatrixOps;
}

/**
 * The building blocks in WebAssembly SIMD over `memory` (bit for bit {@link jsMatrixOps}); `shared`
 * says the memory is a shared one (the module then imports it as such).
 */
export function wasmMatrixOps(memory: WasmMemory, shared = false): MatrixOps {
  return instantiateMatrixOps(memory, shared ? GEMM_SHARED_WASM : GEMM_WASM);
}
