// Numerical gradient check: central differences against backpropagation, for every element of every
// parameter, on a small model with clipping out of play.
import { expect } from 'chai';
import { paramsView, PARAM_NAMES, referenceKernel, type Kernel, type Params } from '../../src/index.js';
import { lcg } from '../helpers.js';

/** Random weights big enough that tanh is not linear, small enough that no gradient nears the clip. */
export function randomParams(H: number, V: number, seed: number, scale = 0.5): Params {
  const rand = lcg(seed);
  const p = paramsView(H, V);
  for (let i = 0; i < p.data.length; i++) p.data[i] = (rand() * 2 - 1) * scale;
  return p;
}

export function randomIds(n: number, V: number, seed: number): Int32Array {
  const rand = lcg(seed);
  return Int32Array.from({ length: n }, () => Math.floor(rand() * V));
}

export function gradientCheck(kernel: Kernel, H: number, V: number, T: number, seed: number): number {
  const model = kernel.createModel(H, V, T);
  model.params.data.set(randomParams(H, V, seed).data);
  const hprev = randomParams(H, 1, seed + 1).data.subarray(0, H); // a non-zero incoming state
  const inputs = randomIds(T, V, seed + 2);
  const targets = randomIds(T, V, seed + 3);

  const loss = (): number => {
    model.hs.set(hprev);
    return model.loss(inputs, targets);
  };
  model.hs.set(hprev);
  model.lossFun(inputs, targets);
  const analytic = model.grads.data.slice();

  let worst = 0;
  const step = 1e-5;
  const p = model.params.data;
  for (let i = 0; i < p.length; i++) {
    const old = p[i]!;
    p[i] = old + step;
    const plus = loss();
    p[i] = old - step;
    const minus = loss();
    p[i] = old;
    const numeric = (plus - minus) / (2 * step);
    const a = analytic[i]!;
    // Relative error, with an absolute floor for gradients that are (near) zero on both sides.
    const err = Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-7);
    worst = Math.max(worst, err);
    expect(Math.abs(a), `gradient ${i} stays inside the clip range`).to.be.lessThan(5);
  }
  return worst;
}

describe('gradient check (reference kernel)', () => {
  for (const [H, V, T] of [
    [5, 4, 6],
    [3, 7, 1],
    [8, 3, 10],
  ] as const) {
    it(`matches central differences on every parameter (H=${H}, V=${V}, T=${T})`, () => {
      const worst = gradientCheck(referenceKernel, H, V, T, 11 * H + V + T);
      expect(worst).to.be.lessThan(1e-6);
    });
  }

  it('fails when a gradient is wrong (the check can fail)', () => {
    const broken: Kernel = {
      name: 'broken',
      createModel(H, V, T) {
        const m = referenceKernel.createModel(H, V, T);
        return {
          ...m,
          lossFun(inputs, targets) {
            const l = m.lossFun(inputs, targets);
            m.grads.Whh[0] = m.grads.Whh[0]! * 1.001; // a 0.1% error in one element
            return l;
          },
        };
      },
    };
    expect(gradientCheck(broken, 5, 4, 6, 3)).to.be.greaterThan(1e-6);
  });

  it('covers all five tensors', () => {
    expect(PARAM_NAMES).to.deep.equal(['Wxh', 'Whh', 'Why', 'bh', 'by']);
  });
});
