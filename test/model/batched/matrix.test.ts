// The batched kernels' matrix building blocks: WebAssembly SIMD against the plain loops, bit for bit,
// and the plain loops against a textbook sum, on odd sizes, strides and offsets.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { jsMatrixOps, wasmMatrixAvailable, wasmMatrixOps, type MatrixOps } from '../../../src/model/batched/matrix.js';
import { WASM_PAGE, wasmApi } from '../../../src/model/wasmApi.js';

const DOUBLES = 1 << 20;

/** One memory seen by both implementations: a wasm memory, with views over it. */
function setup(): { f: Float64Array; ints: Int32Array; js: MatrixOps; wasm: MatrixOps } {
  const memory = new (wasmApi()!.Memory)({ initial: (8 * DOUBLES) / WASM_PAGE });
  const f = new Float64Array(memory.buffer);
  const ints = new Int32Array(memory.buffer);
  return { f, ints, js: jsMatrixOps(f, ints), wasm: wasmMatrixOps(memory) };
}

function fillRandom(f: Float64Array, from: number, n: number, rng: () => number): void {
  for (let i = from; i < from + n; i++) f[i] = rng() * 2 - 1;
}

describe('batched matrix building blocks', function () {
  before(function () {
    if (!wasmMatrixAvailable()) this.skip();
  });

  const SHAPES: Array<[number, number, number]> = [];
  for (const M of [1, 2, 3, 7, 32]) for (const N of [1, 3, 4, 5, 65]) for (const K of [1, 2, 7, 64, 129]) SHAPES.push([M, N, K]);

  it('gemmNT: wasm equals the plain loops bit for bit, which equal a textbook sum to rounding (every shape, strides, accumulate)', function () {
    const { f, js, wasm } = setup();
    const rng = seedrandom('gemm');
    for (const [M, N, K] of SHAPES) {
      for (const accumulate of [0, 1] as const) {
        const pad = 3; // strides longer than the rows, odd offsets: nothing may depend on alignment
        const lda = K + pad;
        const ldb = K + 1;
        const ldc = N + 2;
        const A = 5;
        const B = A + M * lda + 1;
        const C1 = B + N * ldb + 3;
        const C2 = C1 + M * ldc + 1;
        fillRandom(f, A, M * lda, rng);
        fillRandom(f, B, N * ldb, rng);
        fillRandom(f, C1, M * ldc, rng);
        f.copyWithin(C2, C1, C1 + M * ldc);
        const before = f.slice(C1, C1 + M * ldc);
        js.gemmNT(A, lda, B, ldb, C1, ldc, M, N, K, accumulate);
        wasm.gemmNT(A, lda, B, ldb, C2, ldc, M, N, K, accumulate);
        const label = `M ${M} N ${N} K ${K} acc ${accumulate}`;
        expect(Array.from(f.subarray(C2, C2 + M * ldc)), label).to.deep.equal(Array.from(f.subarray(C1, C1 + M * ldc)));
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < ldc; j++) {
            const c = C1 + i * ldc + j;
            if (j >= N) {
              expect(f[c], `${label}: padding untouched`).to.equal(before[i * ldc + j]);
              continue;
            }
            let s = accumulate ? before[i * ldc + j]! : 0;
            let scale = Math.abs(s);
            for (let k = 0; k < K; k++) {
              s += f[A + i * lda + k]! * f[B + j * ldb + k]!;
              scale += Math.abs(f[A + i * lda + k]! * f[B + j * ldb + k]!);
            }
            expect(Math.abs(f[c]! - s), label).to.be.at.most(1e-15 * scale + 1e-300);
          }
        }
      }
    }
  });

  it('gemmNT: any split of C between callers gives the same bits (what threads rely on)', function () {
    const { f, wasm } = setup();
    const rng = seedrandom('split');
    const [M, N, K] = [9, 23, 37];
    const A = 0;
    const B = M * K + 1;
    const whole = B + N * K + 1;
    const parts = whole + M * N + 1;
    fillRandom(f, A, M * K, rng);
    fillRandom(f, B, N * K, rng);
    wasm.gemmNT(A, K, B, K, whole, N, M, N, K, 0);
    // Rows 0..4 and 4..9 of C, then within each, columns 0..7 and 7..23 (odd splits on purpose).
    for (const [i0, i1] of [[0, 4], [4, 9]]) {
      for (const [j0, j1] of [[0, 7], [7, 23]]) {
        wasm.gemmNT(A + i0! * K, K, B + j0! * K, K, parts + i0! * N + j0!, N, i1! - i0!, j1! - j0!, K, 0);
      }
    }
    expect(Array.from(f.subarray(parts, parts + M * N))).to.deep.equal(Array.from(f.subarray(whole, whole + M * N)));
  });

  it('transpose: exact for every shape and stride', function () {
    const { f, js, wasm } = setup();
    const rng = seedrandom('transpose');
    for (const [rows, cols] of [[1, 1], [3, 5], [4, 4], [9, 2], [65, 130]]) {
      const src = 1;
      const lds = cols! + 1;
      const dst1 = src + rows! * lds + 1;
      const dst2 = dst1 + cols! * (rows! + 2) + 1;
      fillRandom(f, src, rows! * lds, rng);
      js.transpose(src, lds, dst1, rows! + 2, rows!, cols!);
      wasm.transpose(src, lds, dst2, rows! + 2, rows!, cols!);
      for (let i = 0; i < rows!; i++) {
        for (let j = 0; j < cols!; j++) {
          expect(f[dst1 + j * (rows! + 2) + i]).to.equal(f[src + i * lds + j]);
          expect(f[dst2 + j * (rows! + 2) + i]).to.equal(f[src + i * lds + j]);
        }
      }
    }
  });

  it('gatherRows, scatterAddRows and sumRows: wasm equals the plain loops bit for bit, and the loops mean what they say', function () {
    const { f, ints, js, wasm } = setup();
    const rng = seedrandom('rows');
    for (const n of [1, 2, 5, 64, 1025]) {
      const V = 7;
      const count = 11;
      const table = 0;
      const bias = table + V * n;
      const src = bias + n + 1;
      const out1 = src + count * n + 3;
      const out2 = out1 + count * n + 1; // outputs hold count rows (gather) or V < count rows
      const idx = 2 * (out2 + count * n + 1);
      fillRandom(f, table, V * n + n + 1 + count * n, rng);
      for (let m = 0; m < count; m++) ints[idx + m] = Math.floor(rng() * V);
      ints[idx + 1] = ints[idx]!; // a repeated character: its rows must add up in order

      js.gatherRows(table, idx, count, bias, out1, n);
      wasm.gatherRows(table, idx, count, bias, out2, n);
      expect(Array.from(f.subarray(out2, out2 + count * n))).to.deep.equal(Array.from(f.subarray(out1, out1 + count * n)));
      expect(f[out1 + n + (n - 1)]).to.equal(f[table + ints[idx + 1]! * n + n - 1]! + f[bias + n - 1]!);

      fillRandom(f, out1, V * n, rng);
      f.copyWithin(out2, out1, out1 + V * n);
      const before = f.slice(out1, out1 + V * n);
      js.scatterAddRows(src, idx, count, out1, n);
      wasm.scatterAddRows(src, idx, count, out2, n);
      expect(Array.from(f.subarray(out2, out2 + V * n))).to.deep.equal(Array.from(f.subarray(out1, out1 + V * n)));
      const v = ints[idx]!;
      let expected = before[v * n]!;
      for (let m = 0; m < count; m++) if (ints[idx + m] === v) expected += f[src + m * n]!;
      expect(f[out1 + v * n]).to.equal(expected);

      js.sumRows(src, count, out1, n);
      wasm.sumRows(src, count, out2, n);
      expect(Array.from(f.subarray(out2, out2 + n))).to.deep.equal(Array.from(f.subarray(out1, out1 + n)));
      let sum = 0;
      for (let m = 0; m < count; m++) sum += f[src + m * n + n - 1]!;
      expect(f[out1 + n - 1]).to.equal(sum);
    }
  });
});
