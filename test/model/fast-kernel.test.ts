// The fast kernels against the reference kernel, the oracle, on random small and odd sizes.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import {
  adagradUpdate,
  clipInPlace,
  jsKernel,
  referenceKernel,
  wasmKernel,
  wasmSimdAvailable,
  PARAM_NAMES,
  type Kernel,
  type Model,
} from '../../src/index.js';
import { tanh } from '../../src/math/elementary.js';

/** max |a − b| / max |a|: the agreement measure the kernels promise (≤ 1e-12), per array. */
function relativeError(a: Float64Array, b: Float64Array): number {
  expect(b.length).to.equal(a.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

interface Case {
  readonly H: number;
  readonly V: number;
  readonly T: number;
}

const CASES: Case[] = [];
for (const H of [1, 7, 33, 100]) for (const V of [2, 65, 300]) for (const T of [1, 4, 25]) CASES.push({ H, V, T });

/**
 * A model of `kernel` with random weights (N(0, 1) · scale, biases too), a random hprev and a random
 * window, the same for every kernel given the same `seed`.
 */
function setUp(kernel: Kernel, { H, V, T }: Case, seed: string, maxT = T) {
  const rng = seedrandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const model = kernel.createModel(H, V, maxT);
  // Large enough that tanh is far from linear and the softmax far from uniform, small enough that
  // the recurrence does not amplify rounding chaotically over 25 steps.
  const scale = 1 / Math.sqrt(H);
  for (let i = 0; i < model.params.data.length; i++) model.params.data[i] = normal() * scale;
  for (let i = 0; i < H; i++) model.hs[i] = Math.tanh(normal());
  const inputs = Int32Array.from({ length: T }, () => Math.floor(rng() * V));
  const targets = Int32Array.from({ length: T }, () => Math.floor(rng() * V));
  return { model, inputs, targets };
}

interface Result {
  loss: number;
  grads: Record<string, Float64Array>;
  hs: Float64Array;
}

function runLossFun(model: Model, inputs: Int32Array, targets: Int32Array): Result {
  const loss = model.lossFun(inputs, targets);
  const grads: Record<string, Float64Array> = {};
  for (const name of PARAM_NAMES) grads[name] = model.grads[name].slice();
  return { loss, grads, hs: model.hs.slice(0, (inputs.length + 1) * model.params.hiddenSize) };
}

const FAST: { kernel: Kernel; available: () => boolean }[] = [
  { kernel: jsKernel, available: () => true },
  { kernel: wasmKernel, available: wasmSimdAvailable },
];

for (const { kernel, available } of FAST) {
  describe(`${kernel.name} kernel against the reference kernel`, function () {
    before(function () {
      if (!available()) this.skip(); // visible as pending: this runtime has no WebAssembly SIMD
    });

    for (const c of CASES) {
      const name = `H ${c.H}, V ${c.V}, T ${c.T}`;
      it(`agrees on loss, the five gradients and the hidden states to 1e-12 (${name})`, () => {
        const seed = `case ${name}`;
        const ref = setUp(referenceKernel, c, seed);
        const fast = setUp(kernel, c, seed);
        expect(fast.model.params.data).to.deep.equal(ref.model.params.data); // same starting point
        const want = runLossFun(ref.model, ref.inputs, ref.targets);
        const got = runLossFun(fast.model, fast.inputs, fast.targets);
        expect(Math.abs(got.loss - want.loss) / Math.abs(want.loss)).to.be.at.most(1e-12);
        for (const p of PARAM_NAMES) {
          expect(relativeError(want.grads[p]!, got.grads[p]!), `d${p}`).to.be.at.most(1e-12);
        }
        expect(relativeError(want.hs, got.hs), 'hs').to.be.at.most(1e-12);
        // Not vacuous: the gradients are there, and the window moved the hidden state.
        expect(relativeError(want.grads['Whh']!, new Float64Array(c.H * c.H))).to.equal(1);
        expect(got.loss).to.be.greaterThan(0);
      });
    }

    it('agrees on the forward-only loss and leaves the gradients alone', () => {
      const c = { H: 33, V: 65, T: 25 };
      const ref = setUp(referenceKernel, c, 'forward only');
      const fast = setUp(kernel, c, 'forward only');
      fast.model.grads.data.fill(7);
      const want = ref.model.loss(ref.inputs, ref.targets);
      const got = fast.model.loss(fast.inputs, fast.targets);
      expect(Math.abs(got - want) / want).to.be.at.most(1e-12);
      expect(fast.model.grads.data.every((g) => g === 7)).to.equal(true);
    });

    it('handles a window shorter than maxSeqLength, and refuses a longer one', () => {
      const c = { H: 7, V: 65, T: 3 };
      const ref = setUp(referenceKernel, c, 'short', 10);
      const fast = setUp(kernel, c, 'short', 10);
      const want = runLossFun(ref.model, ref.inputs, ref.targets);
      const got = runLossFun(fast.model, fast.inputs, fast.targets);
      expect(Math.abs(got.loss - want.loss) / want.loss).to.be.at.most(1e-12);
      for (const p of PARAM_NAMES) expect(relativeError(want.grads[p]!, got.grads[p]!)).to.be.at.most(1e-12);
      const long = new Int32Array(11);
      expect(() => fast.model.lossFun(long, long)).to.throw(RangeError, "window of 11 exceeds the model's maxSeqLength 10");
    });

    for (const temperature of [1, 0.5, 2]) {
      it(`sampleStep gives the same distribution and next state (temperature ${temperature})`, () => {
        for (const c of [
          { H: 1, V: 2, T: 1 },
          { H: 7, V: 300, T: 1 },
          { H: 100, V: 65, T: 1 },
        ]) {
          const ref = setUp(referenceKernel, c, `sample ${temperature}`);
          const fast = setUp(kernel, c, `sample ${temperature}`);
          const hRef = ref.model.hs.slice(0, c.H);
          const hFast = hRef.slice();
          const pRef = new Float64Array(c.V);
          const pFast = new Float64Array(c.V);
          for (let step = 0; step < 5; step++) {
            const ix = (step * 7) % c.V;
            ref.model.sampleStep(ix, hRef, temperature, pRef);
            fast.model.sampleStep(ix, hFast, temperature, pFast);
            expect(relativeError(pRef, pFast), 'probs').to.be.at.most(1e-12);
            expect(relativeError(hRef, hFast), 'h').to.be.at.most(1e-12);
          }
          expect(pFast.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
        }
      });
    }

    it('is deterministic: the same inputs give the same numbers bit for bit', () => {
      const c = { H: 33, V: 65, T: 25 };
      const a = setUp(kernel, c, 'twice');
      const b = setUp(kernel, c, 'twice');
      const ra = runLossFun(a.model, a.inputs, a.targets);
      runLossFun(b.model, b.inputs, b.targets); // a first call leaves every scratch buffer dirty
      const rb = runLossFun(b.model, b.inputs, b.targets); // hprev (row 0) and the weights are unchanged
      expect(rb.loss).to.equal(ra.loss);
      for (const p of PARAM_NAMES) expect(rb.grads[p]).to.deep.equal(ra.grads[p]);
    });
  });
}

describe('js kernel', () => {
  it("computes the reference's numbers bit for bit (same operations in the same order)", () => {
    for (const c of [
      { H: 7, V: 65, T: 25 },
      { H: 33, V: 300, T: 4 },
      { H: 100, V: 65, T: 25 },
    ]) {
      const ref = setUp(referenceKernel, c, 'exact');
      const fast = setUp(jsKernel, c, 'exact');
      const want = runLossFun(ref.model, ref.inputs, ref.targets);
      const got = runLossFun(fast.model, fast.inputs, fast.targets);
      expect(got.loss).to.equal(want.loss);
      for (const p of PARAM_NAMES) expect(got.grads[p]).to.deep.equal(want.grads[p]);
      expect(got.hs).to.deep.equal(want.hs);
    }
  });
});

describe('wasm kernel: tanh', function () {
  before(function () {
    if (!wasmSimdAvailable()) this.skip();
  });

  /**
   * Inputs for tanh: special values, both sides of every branch of fdlibm's tanh and expm1 (|x| = 2^−28,
   * ½·ln2/2, 1.5·ln2/2, 1, the k = 20 and k = 56 thresholds, 22), and random values of every size.
   */
  function tanhInputs(n: number): Float64Array {
    const rng = seedrandom('tanh');
    const edges = [2 ** -28, (0.5 * Math.LN2) / 2, (1.5 * Math.LN2) / 2, 1, (19.5 * Math.LN2) / 2, (56.5 * Math.LN2) / 2, 22];
    const near: number[] = [];
    for (const e of edges) for (const d of [-1e-15, -1e-16, 0, 1e-16, 1e-15, 1e-9]) near.push(e * (1 + d), -e * (1 + d));
    const specials = [0, NaN, Infinity, -Infinity, 1e-300, -1e-300, 5e-324, 1e300, -1e300, 0.5, -3, ...near];
    return Float64Array.from({ length: n }, (_, i) =>
      i < specials.length ? specials[i]! : (rng() < 0.5 ? -1 : 1) * Math.exp((rng() - 0.6) * 12),
    );
  }

  /** Whh = 0 and bh = 0, so a step's state is tanh of column 0 of Wxh; H odd, so the last element pairs alone. */
  function tanhModel(xs: Float64Array): Model {
    const model = wasmKernel.createModel(xs.length, 2, 1);
    model.params.data.fill(0);
    for (let i = 0; i < xs.length; i++) model.params.Wxh[i * 2] = xs[i]!;
    return model;
  }

  it("equals the JavaScript kernels' tanh bit for bit (fdlibm's algorithm), in sampling and in a window's forward pass", () => {
    const xs = tanhInputs(2001);
    const want = xs.map(tanh);
    const model = tanhModel(xs);
    const h = new Float64Array(xs.length);
    model.sampleStep(0, h, 1, new Float64Array(2));
    expect(h).to.deep.equal(want); // deep.equal tells −0 from 0 and compares NaN with NaN
    model.hs.fill(0);
    model.loss(Int32Array.of(0), Int32Array.of(1));
    expect(model.hs.subarray(xs.length, 2 * xs.length)).to.deep.equal(want);
    expect(want.filter((v) => Math.abs(v) > 0.1 && Math.abs(v) < 0.99).length).to.be.greaterThan(500); // not vacuous
  });
});

describe('wasm kernel: Adagrad and clipping', function () {
  before(function () {
    if (!wasmSimdAvailable()) this.skip();
  });

  /** Values that exercise every branch: beyond the clip on both sides, ±0, NaN, ±Infinity, tiny. */
  function awkward(n: number, seed: string): Float64Array {
    const rng = seedrandom(seed);
    const specials = [0, -0, NaN, Infinity, -Infinity, 5, -5, 5.000000000000001, 1e-300, -7];
    return Float64Array.from({ length: n }, (_, i) => (i % 11 === 3 ? specials[i % specials.length]! : (rng() - 0.5) * 20));
  }

  it('adagradUpdate matches the plain loop bit for bit, on its own buffers', () => {
    const c = { H: 7, V: 65, T: 4 }; // 2·7·65 + 49 + 7 + 65 = 1031 parameters: odd, so the tail runs too
    const { model } = setUp(wasmKernel, c, 'adagrad');
    expect(model.adagradUpdate).to.be.a('function');
    const n = model.params.data.length;
    const mem = model.allocate(n);
    const params = model.params.data;
    params.set(awkward(n, 'p'));
    model.grads.data.set(awkward(n, 'g'));
    mem.set(awkward(n, 'm').map(Math.abs));
    const wantP = params.slice();
    const wantM = mem.slice();
    for (let step = 0; step < 3; step++) {
      adagradUpdate(wantP, model.grads.data, wantM, 0.1, 1e-8);
      model.adagradUpdate!(params, model.grads.data, mem, 0.1, 1e-8);
      expect(params).to.deep.equal(wantP); // deep.equal tells NaN from NaN, -0 from 0
      expect(mem).to.deep.equal(wantM);
    }
    expect(Object.is(params[0], wantP[0])).to.equal(true);
  });

  it('adagradUpdate declines buffers it does not own, touching nothing, so the caller runs the plain loop', () => {
    const { model } = setUp(wasmKernel, { H: 3, V: 5, T: 2 }, 'foreign');
    const n = model.params.data.length;
    const param = awkward(n, 'fp');
    const grad = awkward(n, 'fg');
    const mem = new Float64Array(n);
    const before = param.slice();
    expect(model.adagradUpdate!(param, grad, mem, 0.05, 1e-6)).to.equal(false);
    expect(param).to.deep.equal(before);
    expect(mem).to.deep.equal(new Float64Array(n));
    // Its own buffers it takes.
    expect(model.adagradUpdate!(model.params.data, model.grads.data, model.allocate(n), 0.05, 1e-6)).to.equal(true);
  });

  it('clipInPlace matches the plain loop bit for bit (NaN stays NaN, −0 stays −0)', () => {
    const { model } = setUp(wasmKernel, { H: 7, V: 65, T: 4 }, 'clip');
    const x = model.grads.data;
    x.set(awkward(x.length, 'c'));
    const want = x.slice();
    clipInPlace(want, 5);
    model.clipInPlace!(x, 5);
    expect(x).to.deep.equal(want);
    expect(x.some(Number.isNaN)).to.equal(true);
    const foreign = awkward(9, 'f');
    const wantForeign = foreign.slice();
    clipInPlace(wantForeign, 1);
    model.clipInPlace!(foreign, 1);
    expect(foreign).to.deep.equal(wantForeign);
  });

  it('allocate hands out zeroed buffers beside the parameters, then ordinary ones', () => {
    const { model } = setUp(wasmKernel, { H: 3, V: 5, T: 2 }, 'allocate');
    const n = model.params.data.length;
    const a = model.allocate(n);
    const b = model.allocate(n);
    const c = model.allocate(n);
    for (const buf of [a, b, c]) {
      expect(buf.length).to.equal(n);
      expect(buf.every((v) => v === 0)).to.equal(true);
    }
    expect(a.buffer).to.equal(model.params.data.buffer);
    expect(b.buffer).to.equal(model.params.data.buffer);
    expect(c.buffer).to.not.equal(model.params.data.buffer);
    a.fill(1);
    expect(b.every((v) => v === 0)).to.equal(true); // no overlap
    expect(model.params.data.every((v) => v !== 1)).to.equal(true);
  });
});
