// The elementary functions every kernel, sampler, softmax, initialiser, schedule and optimizer uses,
// written here in plain IEEE double arithmetic so that the numbers are the same on every JavaScript
// engine. ECMAScript leaves Math.exp, Math.log, Math.tanh, Math.cos and Math.pow
// "implementation-approximated": engines differ in the last bit (Chromium's exp and log differ from
// Node's on 5–9% of the arguments probed), and a training run, being chaotic, then leaves the
// trajectory within a few iterations.
// Only +, −, ×, ÷ and Math.sqrt are correctly rounded everywhere, so nothing else is used below
// (Math.abs, comparisons and bit reads are exact). No fused multiply-add: JavaScript has none, and
// the wasm kernel (src/math/wasm/*.wat) computes exp, log and tanh with the same operations in the same
// order, so they give the same bits as these.
//
// The algorithms are fdlibm's (Sun's freely distributable libm, as FreeBSD's msun carries it, which is
// also what V8 ports): exp < 1 ulp, log < 1 ulp, expm1 < 1 ulp, tanh < 2 ulp, cos and sin < 1 ulp, with
// special values (±0, ±∞, NaN) and subnormals as C99 Annex F says. On Node 20–24 (V8) exp, log, tanh
// and cos give the same bits as Math.exp, Math.log, Math.tanh and Math.cos (checked on millions of
// arguments when they were written; the tests do not rely on it, since engines change), so the classic
// numerics are unchanged there. test/math/elementary.test.ts checks them against 120-digit values.

// Reading and writing a double's 32-bit halves. The platform's byte order decides which half is high.
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** The high 32 bits of x (sign, exponent, top 20 bits of the fraction) as an unsigned integer. */
function highWord(x: number): number {
  bits[0] = x;
  return words[HI]!;
}

/** 2^k for −1022 ≤ k ≤ 1023, from its bits (exact). */
function twoTo(k: number): number {
  words[HI] = (k + 1023) << 20;
  words[LO] = 0;
  return bits[0]!;
}

/** 2^k at index k + 1022, for −1022 ≤ k ≤ 1023 (a lookup is cheaper than writing bits). */
const POW2 = new Float64Array(2046).map((_, i) => twoTo(i - 1022));

const LN2_HI = 6.93147180369123816490e-1; // 0x3fe62e42 fee00000: k·LN2_HI is exact for |k| < 2^11
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const INV_LN2 = 1.44269504088896338700e0;
const TWO_M1000 = 9.33263618503218878990e-302; // 2^−1000
const TWO_1023 = 8.98846567431158e307; // 2^1023

// exp's polynomial on [−½ln2, ½ln2] (a Remez fit of x(eˣ+1)/(eˣ−1), error < 2^−59).
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

/**
 * e^x, in IEEE double arithmetic only (fdlibm's algorithm, < 1 ulp): the same bits on every engine
 * and in the wasm kernel.
 *
 * ```ts
 * import { exp } from 'min-char-rnn';
 * exp(1); // 2.718281828459045
 * ```
 */
export function exp(x: number): number {
  // fdlibm tests the high word of |x|; the same tests on |x| itself read no bits (faster here):
  // hx ≥ 0x40862e42 is |x| ≥ 709.7822265625, hx > 0x3fd62e42 is |x| ≥ 0.3465735912322998,
  // hx < 0x3ff0a2b2 is |x| < 1.0397205352783203, hx < 0x3e300000 is |x| < 2^−28.
  if (x !== x) return x; // NaN
  if (x === 1) return 2.718281828459045; // e correctly rounded (the algorithm gives 1 ulp more), as V8 has it
  const ax = Math.abs(x);
  if (ax >= 709.7822265625) {
    if (x > 7.09782712893383973096e2) return Infinity; // overflow, +∞ included
    if (x < -7.45133219101941108420e2) return 0; // underflow, −∞ included
  }
  // Argument reduction: x = k·ln2 + r, |r| ≤ ½ln2, r kept as hi − lo.
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (ax >= 0.3465735912322998) {
    // |x| > ½ln2; k = ±1 below 1.5ln2, else (int)(x/ln2 ± ½) (C's cast: toward zero)
    if (ax < 1.0397205352783203) k = x < 0 ? -1 : 1;
    else k = (INV_LN2 * x + (x < 0 ? -0.5 : 0.5)) | 0;
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
    x = hi - lo;
  } else if (ax < 3.725290298461914e-9) {
    // |x| < 2^−28: e^x = 1 + x to within half an ulp
    return 1 + x;
  }
  // e^r = 1 + 2r/(2 − R(r)) = 1 − ((lo − r·c/(2 − c)) − hi), c = r − r²·P(r²)
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  // y·2^k: exact while the result is normal, one rounding when it is subnormal
  if (k >= -1021) return k === 1024 ? y * 2 * TWO_1023 : y * POW2[k + 1022]!;
  return y * POW2[k + 1000 + 1022]! * TWO_M1000;
}

// log's polynomial: log(1+f) = 2s + s·R(s²), s = f/(2+f), R a Remez fit (error < 2^−58.45).
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
const TWO54 = 1.8014398509481984e16; // 2^54

/**
 * The natural logarithm, in IEEE double arithmetic only (fdlibm's algorithm, < 1 ulp): the same bits
 * on every engine and in the wasm kernel. log(±0) = −∞, log(x < 0) = NaN, log(+∞) = +∞.
 *
 * ```ts
 * import { log } from 'min-char-rnn';
 * log(Math.E); // 1
 * ```
 */
export function log(x: number): number {
  let hx = highWord(x) | 0; // signed: negative x has hx < 0
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^−1022: zero, negative, NaN with the sign bit, or subnormal
    if (x === 0) return -Infinity;
    if (!(x > 0)) return NaN;
    k -= 54; // subnormal: scale into the normal range
    x *= TWO54;
    hx = highWord(x) | 0;
  }
  if (hx >= 0x7ff00000) return x + x; // +∞ or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  // x = 2^k·m with m in [√2/2, √2): normalise the fraction to m or m/2
  const i = (hx + 0x95f64) & 0x100000;
  bits[0] = x;
  words[HI] = hx | (i ^ 0x3ff00000);
  x = bits[0]!;
  k += i >> 20;
  const f = x - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^−20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    // m's fraction in (0x6147a, 0x6b851) of 2^20: the f²/2 split keeps the error below 1 ulp
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

// expm1's polynomial (scaled): r·(eʳ+1)/(eʳ−1) ≈ 2 + r²/6·(1 + Q1·r² + … + Q5·r¹⁰), error < 2^−61.
const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;

/**
 * e^x − 1, accurate near 0, in IEEE double arithmetic only (fdlibm's algorithm, < 1 ulp). tanh is
 * built on it.
 *
 * ```ts
 * import { expm1 } from 'min-char-rnn';
 * expm1(1e-10); // 1.00000000005e-10
 * ```
 */
export function expm1(x: number): number {
  // fdlibm's high-word tests as tests on |x|, as in exp: hx ≥ 0x4043687a is |x| ≥ 38.81622314453125
  // (56·ln2), hx < 0x3c900000 is |x| < 2^−54.
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax >= 38.81622314453125) {
    if (x > 7.09782712893383973096e2) return Infinity; // overflow, +∞ included
    if (x < 0) return -1; // x < −56·ln2: −1 to within half an ulp, −∞ included
  }
  let k = 0;
  let c = 0;
  if (ax >= 0.3465735912322998) {
    // |x| > ½ln2: x = k·ln2 + r, r = hi − lo, c its rounding error
    if (ax < 1.0397205352783203) k = x < 0 ? -1 : 1;
    else k = (INV_LN2 * x + (x < 0 ? -0.5 : 0.5)) | 0;
    const hi = x - k * LN2_HI;
    const lo = k * LN2_LO;
    x = hi - lo;
    c = hi - x - lo;
  } else if (ax < 5.551115123125783e-17) {
    return x; // |x| < 2^−54
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs); // c is 0
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) {
    // e^x − 1 ≈ e^x: y·2^k − 1 (2^k by two factors at k = 1024, which only an overflowing x reaches)
    const y = 1 - (e - x);
    return (k === 1024 ? y * 2 * TWO_1023 : y * POW2[k + 1022]!) - 1;
  }
  if (k < 20) return (1 - POW2[1022 - k]! - (e - x)) * POW2[k + 1022]!;
  return (x - (e + POW2[1022 - k]!) + 1) * POW2[k + 1022]!;
}

/**
 * The hyperbolic tangent, in IEEE double arithmetic only (fdlibm's algorithm, < 2 ulp): the wasm
 * kernel's tanh (src/model/wasm/forward.wat) computes it operation for operation, so both give the
 * same bits. `tanh(x) = −t/(t+2)` with `t = expm1(−2|x|)` below 1, `1 − 2/(expm1(2|x|)+2)` from 1 to
 * 22, ±1 beyond, x itself below 2^−28.
 *
 * ```ts
 * import { tanh } from 'min-char-rnn';
 * tanh(0.5); // 0.46211715726000974
 * ```
 */
export function tanh(x: number): number {
  const ax = Math.abs(x);
  if (!(ax >= 3.725290298461914e-9)) return x; // |x| < 2^−28 (±0 included), or NaN
  if (ax >= 22) return x > 0 ? 1 : -1; // ±∞ included
  let z: number;
  if (ax >= 1) z = 1 - 2 / (expm1ForTanh(ax + ax) + 2);
  else {
    const t = expm1ForTanh(-(ax + ax));
    z = -t / (t + 2);
  }
  return x < 0 ? -z : z;
}

/**
 * {@link expm1} for the arguments tanh gives it, 2^−27 ≤ |a| < 44: the same operations, without the
 * branches those never reach (special values, overflow, a < −56·ln2, tiny a, k = 1: a > 0 means a ≥ 2),
 * small enough for the engine to inline into the kernels' loops (twice as fast as calling expm1).
 */
function expm1ForTanh(a: number): number {
  const aa = Math.abs(a);
  let k = 0;
  let c = 0;
  if (aa >= 0.3465735912322998) {
    if (aa < 1.0397205352783203) k = a < 0 ? -1 : 1;
    else k = (INV_LN2 * a + (a < 0 ? -0.5 : 0.5)) | 0;
    const hi = a - k * LN2_HI;
    const lo = k * LN2_LO;
    a = hi - lo;
    c = hi - a - lo;
  }
  const hfx = 0.5 * a;
  const hxs = a * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - a * t));
  if (k === 0) return a - (a * e - hxs);
  e = a * (e - c) - c - hxs;
  if (k === -1) return 0.5 * (a - e) - 0.5;
  if (k <= -2 || k > 56) return (1 - (e - a)) * POW2[k + 1022]! - 1;
  if (k < 20) return (1 - POW2[1022 - k]! - (e - a)) * POW2[k + 1022]!;
  return (a - (e + POW2[1022 - k]!) + 1) * POW2[k + 1022]!;
}

// Argument reduction for cos and sin (Cody–Waite in up to three steps, fdlibm's "medium" case):
// π/2 split into 33-bit leading parts so that n·PIO2_k is exact for n < 2^20.
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417e0; // first 33 bits of π/2
const PIO2_1T = 6.07710050650619224932e-11; // π/2 − PIO2_1
const PIO2_2 = 6.07710050630396597660e-11; // second 33 bits
const PIO2_2T = 2.02226624879595063154e-21; // π/2 − (PIO2_1 + PIO2_2)
const PIO2_3 = 2.02226624871116645580e-21; // third 33 bits
const PIO2_3T = 8.47842766036889956997e-32;
const SHIFT = 6755399441055744; // 1.5·2^52: adding and subtracting it rounds to an integer

/** cos and sin reduce exactly below here, ≈ 2^20·π/2 (fdlibm's bound: high word of |x| ≤ 0x413921fb). */
const TRIG_LIMIT = 1647100;

/** x − n·π/2 as the sum y0 + y1 (|y0| ≤ π/4 + ε), written to `reduced`; returns n. */
function remPio2(x: number, reduced: Float64Array): number {
  const fn = x * INV_PIO2 + SHIFT - SHIFT; // round to nearest
  const n = fn | 0;
  let r = x - fn * PIO2_1;
  let w = fn * PIO2_1T; // first step good to 85 bits
  const j = (highWord(x) >>> 20) & 0x7ff;
  let y0 = r - w;
  if (j - ((highWord(y0) >>> 20) & 0x7ff) > 16) {
    // cancellation: a second step, good to 118 bits
    let t = r;
    w = fn * PIO2_2;
    r = t - w;
    w = fn * PIO2_2T - (t - r - w);
    y0 = r - w;
    if (j - ((highWord(y0) >>> 20) & 0x7ff) > 49) {
      // and a third, 151 bits: covers every double below the limit
      t = r;
      w = fn * PIO2_3;
      r = t - w;
      w = fn * PIO2_3T - (t - r - w);
      y0 = r - w;
    }
  }
  reduced[0] = y0;
  reduced[1] = r - y0 - w;
  return n;
}

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

/**
 * cos(x + y) for |x| ≲ π/4, y the tail of x (fdlibm's __kernel_cos: 1 − x²/2 split as (1 − qx) −
 * (x²/2 − qx) where x²/2 is large, so the subtraction is exact).
 */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^−27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  let qx: number;
  if (ix > 0x3fe90000) qx = 0.28125; // |x| > 0.78125
  else {
    words[HI] = ix - 0x00200000; // |x|/4, its low word dropped
    words[LO] = 0;
    qx = bits[0]!;
  }
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

/** sin(x + y) for |x| ≲ π/4, y the tail of x, `exact` when y is 0 (fdlibm's __kernel_sin). */
function kernelSin(x: number, y: number, exact: boolean): number {
  if ((highWord(x) & 0x7fffffff) < 0x3e400000) return x; // |x| < 2^−27
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (exact) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

const reducedArg = new Float64Array(2);

/** n and the reduced argument (in `reducedArg`) for cos and sin of |x| > π/4; throws past the limit. */
function reduceTrig(name: string, x: number): number {
  if ((highWord(x) & 0x7fffffff) > 0x413921fb) {
    throw new RangeError(`${name}: |x| must be below ${TRIG_LIMIT} (about 2^20·π/2), got ${x}`);
  }
  return remPio2(x, reducedArg);
}

/**
 * The cosine, in IEEE double arithmetic only (fdlibm's algorithm, < 1 ulp), for |x| < 1647100
 * (about 2^20·π/2; the initialiser and the cosine schedule use [0, 2π]). Larger arguments would need
 * Payne–Hanek reduction, which nothing here needs: they throw a RangeError. cos(NaN) and cos(±∞) are
 * NaN.
 *
 * ```ts
 * import { cos } from 'min-char-rnn';
 * cos(Math.PI); // -1
 * ```
 */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0); // |x| ≲ π/4
  if (ix >= 0x7ff00000) return NaN;
  const n = reduceTrig('cos', x);
  const y0 = reducedArg[0]!;
  const y1 = reducedArg[1]!;
  switch (n & 3) {
    case 0:
      return kernelCos(y0, y1);
    case 1:
      return -kernelSin(y0, y1, false);
    case 2:
      return -kernelCos(y0, y1);
    default:
      return kernelSin(y0, y1, false);
  }
}

/**
 * The sine, in IEEE double arithmetic only (fdlibm's algorithm, < 1 ulp), for |x| < 1647100; as
 * {@link cos}.
 *
 * ```ts
 * import { sin } from 'min-char-rnn';
 * sin(Math.PI / 2); // 1
 * ```
 */
export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, true); // |x| ≲ π/4
  if (ix >= 0x7ff00000) return NaN;
  const n = reduceTrig('sin', x);
  const y0 = reducedArg[0]!;
  const y1 = reducedArg[1]!;
  switch (n & 3) {
    case 0:
      return kernelSin(y0, y1, false);
    case 1:
      return kernelCos(y0, y1);
    case 2:
      return -kernelSin(y0, y1, false);
    default:
      return -kernelCos(y0, y1);
  }
}

// powInt: exact products as double-double numbers (hi + lo, |lo| ≤ ½ulp(hi)), Dekker's algorithm
// with Veltkamp's split (no fused multiply-add needed). Mantissas are kept in [1, 2) and the binary
// exponent counted apart, so no intermediate overflows or underflows.
const SPLIT = 134217729; // 2^27 + 1

/** a·b = hi + lo exactly, for |a|, |b| < 2^996; written to dd. */
function twoProduct(a: number, b: number, dd: Float64Array): void {
  const hi = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  dd[0] = hi;
  dd[1] = al * bl - (hi - ah * bh - al * bh - ah * bl);
}

/** The binary exponent of a normal x: 2^e ≤ |x| < 2^(e+1). */
function exponentOf(x: number): number {
  return ((highWord(x) >>> 20) & 0x7ff) - 1023;
}

/** x·2^k with one rounding, for x in [1, 2) and any integer k (overflow to ∞, gradual underflow). */
function scaleByPowerOfTwo(x: number, k: number): number {
  for (; k > 1023 && x !== Infinity; k -= 1023) x *= TWO_1023;
  for (; k < -1022 && x !== 0; k += 1022) x *= 2.2250738585072014e-308; // 2^−1022
  return k > 1023 || k < -1022 ? x : x * twoTo(k);
}

const product = new Float64Array(2);

/**
 * (ah + al)·(ch + cl) as a double-double in `product`, renormalised: |product[1]| ≤ ½ulp(product[0]).
 * Returns the binary exponent of product[0].
 */
function multiplyDD(ah: number, al: number, ch: number, cl: number): number {
  twoProduct(ah, ch, product);
  const s = product[0]!;
  const t = product[1]! + (ah * cl + al * ch);
  const h = s + t;
  product[1] = t - (h - s);
  product[0] = h;
  return exponentOf(h);
}

/**
 * x^n for an integer n, in IEEE double arithmetic only: binary powering in double-double precision
 * (≈ 2^−100 relative before the last rounding), so the result is correctly rounded except within
 * ~2^−90 of a halfway case, and the same on every engine (Math.pow and `**` are
 * implementation-approximated). Special values (±0, ±∞, NaN) as `**`, whose special cases ECMAScript
 * specifies exactly. Throws a RangeError when n is not an integer.
 *
 * ```ts
 * import { powInt } from 'min-char-rnn';
 * powInt(0.9, 3); // 0.7290000000000001
 * ```
 */
export function powInt(x: number, n: number): number {
  if (!Number.isInteger(n)) throw new RangeError(`powInt: the exponent must be an integer, got ${n}`);
  if (n === 0 || x !== x || x === 0 || x === Infinity || x === -Infinity) return x ** n; // exact by the spec
  // |x| = m·2^e with m in [1, 2)
  let m = Math.abs(x);
  let e = 0;
  if (m < 2.2250738585072014e-308) {
    m *= TWO54; // subnormal: into the normal range first
    e = -54;
  }
  const ex = exponentOf(m);
  m = ex === 1023 ? m * 0.5 * twoTo(-1022) : m * twoTo(-ex);
  e += ex;
  // The result (hi + lo)·2^E and the base (bh + bl)·2^B, over the bits of |n|; both mantissas in [1, 2).
  let hi = 1;
  let lo = 0;
  let E = 0;
  let bh = m;
  let bl = 0;
  let B = e;
  for (let left = Math.abs(n); ; ) {
    if (left % 2 === 1) {
      const s = multiplyDD(hi, lo, bh, bl);
      const scale = twoTo(-s);
      hi = product[0]! * scale;
      lo = product[1]! * scale;
      E += B + s;
    }
    left = Math.floor(left / 2);
    if (left === 0) break;
    const s = multiplyDD(bh, bl, bh, bl);
    const scale = twoTo(-s);
    bh = product[0]! * scale;
    bl = product[1]! * scale;
    B = 2 * B + s;
  }
  let mantissa = hi + lo;
  if (n < 0) {
    // 1/(hi + lo) = q + (1 − q·(hi + lo))/hi, q = 1/hi, with q·hi exact as a double-double; then
    // doubled into [1, 2) unless hi + lo is exactly 1
    const q = 1 / hi;
    twoProduct(q, hi, product);
    mantissa = q + (1 - product[0]! - product[1]! - q * lo) / hi;
    E = -E;
    if (mantissa < 1) {
      mantissa *= 2;
      E -= 1;
    }
  }
  const result = scaleByPowerOfTwo(mantissa, E);
  return x < 0 && n % 2 !== 0 ? -result : result;
}
