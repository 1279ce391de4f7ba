// src/math/elementary.ts against 120-digit references (test/fixtures/elementary-reference.json, made
// by scripts/elementary-reference.py), exact special values, and the wasm kernel's exp and log, which
// must give the same bits as the JavaScript ones.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { cos, exp, expm1, log, powInt, sin, tanh } from '../../src/math/elementary.js';
import { wasmSimdAvailable } from '../../src/index.js';
import { SOFTMAX_WASM } from '../../src/model/wasm/kernelBytes.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/elementary-reference.json', import.meta.url));

interface Reference {
  readonly count: number;
  /** The true value rounded to the nearest double. */
  readonly nearest: number[];
  /** true = nearest + offset · ulp(nearest). */
  readonly offset: number[];
}

const bits = new Float64Array(1);
const words = new BigUint64Array(bits.buffer);
function fromBits(b: bigint): number {
  words[0] = b;
  return bits[0]!;
}
function toBits(x: number): bigint {
  bits[0] = x;
  return words[0]!;
}
/** The spacing of doubles just above |x| (Python's math.ulp). */
function ulp(x: number): number {
  const a = Math.abs(x);
  return fromBits(toBits(a) + 1n) - a;
}

/** lo + width·(i/(n − 1)) for i < n: the sweeps of scripts/elementary-reference.py, same expressions. */
function sweep(lo: number, width: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + width * (i / (n - 1)));
}
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const STRIDE = 0x7fefffffffffffffn / 1499n;
const SWEEPS: Record<string, number[]> = {
  exp: [...sweep(-745.1, 1454.8, 2000), ...sweep(-2, 4, 1000), ...range(501).map((i) => (i - 250) * 7.3e-11)],
  log: [
    ...range(1500).map((i) => fromBits(1n + BigInt(i) * STRIDE)),
    ...sweep(0.25, 3.75, 1500),
    ...range(1001).map((i) => 1 + (i - 500) * 9.094947017729282e-13),
  ],
  tanh: [...sweep(-23, 46, 1500), ...sweep(-1.5, 3, 1000)],
  cos: [...sweep(0, 6.283185307179586, 1500), ...sweep(-1647099, 3294198, 500)],
  sin: [...sweep(0, 6.283185307179586, 1500), ...sweep(-1647099, 3294198, 500)],
};
const FUNCTIONS: Record<string, (x: number) => number> = { exp, log, tanh, cos, sin };
/** The error bound each is held to, in ulps: fdlibm's exp, log, cos and sin stay below 1; tanh, built
 * on expm1 and a division, below 2 (1.22 at worst on this sweep). */
const BOUND: Record<string, number> = { exp: 1, log: 1, tanh: 2, cos: 1, sin: 1 };

/** The same double: −0 is not 0, and NaN is NaN. */
function same(a: number, b: number): boolean {
  return Object.is(a, b);
}

describe('elementary functions: accuracy', () => {
  const reference = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Reference>;
  for (const name of Object.keys(FUNCTIONS)) {
    it(`${name} is within ${BOUND[name]} ulp of the 120-digit value over the sweep`, () => {
      const xs = SWEEPS[name]!;
      const ref = reference[name]!;
      expect(ref.count).to.equal(xs.length); // the sweeps here are the script's
      const f = FUNCTIONS[name]!;
      let worst = 0;
      let exact = 0;
      for (let i = 0; i < xs.length; i++) {
        const got = f(xs[i]!);
        const want = ref.nearest[i]!;
        const err = Math.abs((got - want) / ulp(want) - ref.offset[i]!); // in ulps of the true value's double
        if (!(err < BOUND[name]!)) expect.fail(`${name}(${xs[i]}) = ${got}, true value ${want} + ${ref.offset[i]} ulp: ${err} ulp off`);
        worst = Math.max(worst, err);
        if (same(got, want)) exact++;
      }
      expect(exact / xs.length).to.be.greaterThan(name === 'tanh' ? 0.8 : 0.9); // correctly rounded mostly
      expect(worst).to.be.greaterThan(0.5); // the sweep does reach hard cases: not every value is exact
    });
  }
});

describe('elementary functions: special values', () => {
  it('exp: ±0, ±∞, NaN, overflow, gradual underflow, e', () => {
    expect(exp(0)).to.equal(1);
    expect(exp(-0)).to.equal(1);
    expect(exp(Infinity)).to.equal(Infinity);
    expect(same(exp(-Infinity), 0)).to.equal(true);
    expect(exp(NaN)).to.be.NaN;
    expect(exp(709.782712893384)).to.equal(1.7976931348622732e308);
    expect(exp(709.7827128933841)).to.equal(Infinity);
    expect(exp(-745.1332191019411)).to.equal(5e-324); // the smallest subnormal
    expect(same(exp(-745.1332191019412), 0)).to.equal(true);
    expect(exp(-708.5)).to.equal(2.006132305331306e-308); // subnormal: one rounding
    expect(exp(1)).to.equal(2.718281828459045);
    expect(exp(1e-300)).to.equal(1);
  });

  it('log: ±0, negatives, ±∞, NaN, subnormals, 1', () => {
    expect(log(0)).to.equal(-Infinity);
    expect(log(-0)).to.equal(-Infinity);
    expect(log(-1)).to.be.NaN;
    expect(log(-Infinity)).to.be.NaN;
    expect(log(Infinity)).to.equal(Infinity);
    expect(log(NaN)).to.be.NaN;
    expect(same(log(1), 0)).to.equal(true);
    expect(log(5e-324)).to.equal(-744.4400719213812);
    expect(log(2.2250738585072014e-308)).to.equal(-708.3964185322641);
    expect(log(1.7976931348623157e308)).to.equal(709.782712893384);
    expect(log(Math.E)).to.equal(1);
  });

  it('expm1 and tanh: signs of zero, ±∞, NaN, saturation', () => {
    expect(same(expm1(-0), -0)).to.equal(true);
    expect(expm1(-Infinity)).to.equal(-1);
    expect(expm1(Infinity)).to.equal(Infinity);
    expect(expm1(-40)).to.equal(-1);
    expect(expm1(1e-20)).to.equal(1e-20);
    expect(same(tanh(-0), -0)).to.equal(true);
    expect(tanh(Infinity)).to.equal(1);
    expect(tanh(-Infinity)).to.equal(-1);
    expect(tanh(NaN)).to.be.NaN;
    expect(tanh(22)).to.equal(1);
    expect(tanh(-1e-10)).to.equal(-1e-10);
  });

  it('cos and sin: ±0, ±∞, NaN, multiples of π/2, and a RangeError past 2^20·π/2', () => {
    expect(cos(-0)).to.equal(1);
    expect(same(sin(-0), -0)).to.equal(true);
    expect(cos(Infinity)).to.be.NaN;
    expect(sin(NaN)).to.be.NaN;
    expect(cos(Math.PI)).to.equal(-1);
    expect(sin(Math.PI / 2)).to.equal(1);
    expect(cos(Math.PI / 2)).to.equal(6.123233995736766e-17); // cos of the double nearest π/2
    expect(cos(1647099.9999999998)).to.be.within(-1, 1);
    expect(() => cos(1647100)).to.throw(RangeError, /1647100/);
    expect(() => sin(-1e300)).to.throw(RangeError);
  });
});

describe('elementary functions: powInt', () => {
  /** m·2^e = x exactly, m an odd-or-even integer below 2^53. */
  function decompose(x: number): { m: bigint; e: number } {
    const b = toBits(Math.abs(x));
    const biased = Number(b >> 52n);
    const frac = b & ((1n << 52n) - 1n);
    return biased === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: biased - 1075 };
  }

  /** x^n for n ≥ 1 rounded to nearest-even from the exact power (BigInt), for normal results. */
  function exactPower(x: number, n: number): number {
    const { m, e } = decompose(x);
    const p = m ** BigInt(n);
    const shift = Math.max(0, p.toString(2).length - 53);
    if (shift === 0) return x < 0 && n % 2 === 1 ? -Number(p) * 2 ** e : Number(p) * 2 ** e; // exact
    let q = p >> BigInt(shift);
    const rest = p - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    // q·2^(shift + e·n): q ≤ 2^53 is exact as a number, the power of two as a product of exact halves
    const k = shift + e * n;
    const sign = x < 0 && n % 2 === 1 ? -1 : 1;
    return sign * Number(q) * 2 ** Math.trunc(k / 2) * 2 ** (k - Math.trunc(k / 2));
  }

  it('is correctly rounded for exponents up to 60 (exact BigInt powers), decays and growth alike', () => {
    const rng = seedrandom('powInt');
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const x = i % 3 === 0 ? 0.9 + 0.1 * rng() : (rng() < 0.5 ? -1 : 1) * (0.5 + 3 * rng());
      const n = 1 + Math.floor(rng() * 60);
      const want = exactPower(x, n);
      if (!(Math.abs(want) > 1e-300 && Math.abs(want) < 1e300)) continue;
      expect(powInt(x, n), `${x}^${n}`).to.equal(want);
      checked++;
    }
    expect(checked).to.be.greaterThan(2500);
  });

  it('gives 1/x^n for negative n, within 1 ulp', () => {
    for (const [x, n] of [[0.9, -7], [3, -5], [-1.1, -3], [0.999, -1000]] as const) {
      const got = powInt(x, n);
      const want = 1 / exactPower(x, -n);
      expect(Math.abs(got - want)).to.be.at.most(ulp(want));
    }
  });

  it('large exponents and the edges: Adam-sized t, overflow, underflow, special values, non-integers', () => {
    expect(powInt(0.999, 100000)).to.equal(3.5385276883431275e-44); // the correctly rounded value
    expect(powInt(2, 1023)).to.equal(8.98846567431158e307);
    expect(powInt(2, 1024)).to.equal(Infinity);
    expect(powInt(0.5, 1074)).to.equal(5e-324);
    expect(powInt(0.5, 1076)).to.equal(0);
    expect(powInt(-2, 3)).to.equal(-8);
    expect(powInt(NaN, 0)).to.equal(1);
    expect(powInt(0, -1)).to.equal(Infinity);
    expect(same(powInt(-0, 3), -0)).to.equal(true);
    expect(powInt(Infinity, -2)).to.equal(0);
    expect(powInt(5e-324, 1)).to.equal(5e-324);
    expect(() => powInt(2, 0.5)).to.throw(RangeError, /integer/);
  });
});

/** The parts of the WebAssembly API used here (the project compiles without the DOM library). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}

describe('elementary functions: the wasm kernel computes exp and log with the same bits', function () {
  const N = 1 << 18;
  let memory: Float64Array;
  let wasm: { expInPlace(p: number, n: number): void; logInPlace(p: number, n: number): void };

  before(function () {
    if (!wasmSimdAvailable()) this.skip();
    const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const mem = new api.Memory({ initial: Math.ceil((N * 8) / 65536) + 1 });
    wasm = new api.Instance(new api.Module(SOFTMAX_WASM), { env: { memory: mem } }).exports as typeof wasm;
    memory = new Float64Array(mem.buffer);
  });

  /** Runs the wasm version over xs (odd counts end with a lone element) and compares with `f`. */
  function compare(name: string, xs: Float64Array, inPlace: (p: number, n: number) => void, f: (x: number) => number): void {
    memory.set(xs);
    memory[xs.length] = 12345; // must survive: nothing past the n elements is written
    inPlace(0, xs.length);
    for (let i = 0; i < xs.length; i++) {
      const want = f(xs[i]!);
      if (!same(memory[i]!, want) && !(Number.isNaN(want) && Number.isNaN(memory[i]))) {
        expect.fail(`wasm ${name}(${xs[i]}) = ${memory[i]}, JavaScript ${want}`);
      }
    }
    expect(memory[xs.length]).to.equal(12345);
  }

  /** Random bit patterns (every exponent, subnormals, NaNs, infinities), uniform ranges, specials. */
  function inputs(kind: 'exp' | 'log', seed: string): Float64Array[] {
    const rng = seedrandom(seed);
    const raw = new Uint32Array(2 * (N - 1));
    for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(rng() * 2 ** 32);
    const specials = [0, -0, 1, -1, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308,
      2.225073858507201e-308, 1.7976931348623157e308, 709.782712893384, 709.7827128933841, -745.1332191019411,
      -745.1332191019412, -708.5, 0.34657359027997264, 0.3465735912322998, 1.0397205352783203, 1.0397207708399179,
      3.725290298461914e-9, 3.7252902984619136e-9, 1 + 2 ** -20, 1 - 2 ** -20, 1 + 2 ** -52, 1 - 2 ** -53, Math.SQRT2];
    const ranged = Float64Array.from({ length: N - 1 }, () =>
      kind === 'exp' ? (rng() * 2 - 1) * 750 : rng() < 0.5 ? rng() ** 30 : 1 + (rng() - 0.5) * 1e-5,
    );
    return [new Float64Array(raw.buffer), ranged, Float64Array.from(SWEEPS[kind]!), Float64Array.from(specials)];
  }

  it('exp: 2^18 random bit patterns, 2^18 values in [−750, 750], the sweep, special values', () => {
    for (const xs of inputs('exp', 'wasm exp')) compare('exp', xs, wasm.expInPlace, exp);
  });

  it('log: 2^18 random bit patterns, 2^18 probabilities and values near 1, the sweep, special values', () => {
    for (const xs of inputs('log', 'wasm log')) compare('log', xs, wasm.logInPlace, log);
  });
});
