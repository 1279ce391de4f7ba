import { expect } from 'chai';
import { adagrad, adam, adamw, momentum, nesterov, rmsprop, sgd } from '../../src/index.js';
import { G, synthetic, THETA0, trajectory } from './synthetic.js';

const STEPS = 6;

/** Checks every parameter after every step against `expected(t, i)` (θ after t updates, element i). */
function expectTrajectory(actual: number[][], expected: (t: number, i: number) => number): void {
  expect(actual.length).to.equal(STEPS);
  for (let t = 1; t <= STEPS; t++) {
    for (let i = 0; i < THETA0.length; i++) {
      const want = expected(t, i);
      expect(actual[t - 1]![i], `θ[${i}] after ${t} updates`).to.be.closeTo(want, 1e-12);
    }
  }
}

const sum = (t: number, f: (k: number) => number): number => {
  let s = 0;
  for (let k = 1; k <= t; k++) s += f(k);
  return s;
};

// With a constant gradient g every optimizer has a closed form; the element with g = 0 must not move.
describe('optimizers: closed forms under a constant gradient', () => {
  it('sgd: θ_t = θ0 − t·lr·g', () => {
    const lr = 0.03;
    expectTrajectory(trajectory(synthetic(STEPS), sgd({ learningRate: lr })), (t, i) => THETA0[i] - t * lr * G[i]);
  });

  it('momentum: v_t = g(1 − μ^t)/(1 − μ), θ_t = θ0 − lr·g·(t − μ(1 − μ^t)/(1 − μ))/(1 − μ)', () => {
    const lr = 0.03;
    const mu = 0.8;
    const expected = (t: number, i: number): number =>
      THETA0[i] - (lr * G[i] * (t - (mu * (1 - mu ** t)) / (1 - mu))) / (1 - mu);
    expectTrajectory(trajectory(synthetic(STEPS), momentum({ learningRate: lr, momentum: mu })), expected);
  });

  it('nesterov: θ_t = θ0 − lr·g·Σ_k (1 + μ(1 − μ^k)/(1 − μ)), same with momentum({ nesterov: true })', () => {
    const lr = 0.02;
    const mu = 0.9;
    const expected = (t: number, i: number): number =>
      THETA0[i] - lr * G[i] * sum(t, (k) => 1 + (mu * (1 - mu ** k)) / (1 - mu));
    expectTrajectory(trajectory(synthetic(STEPS), nesterov({ learningRate: lr, momentum: mu })), expected);
    expectTrajectory(trajectory(synthetic(STEPS), momentum({ learningRate: lr, momentum: mu, nesterov: true })), expected);
  });

  it('rmsprop: s_k = (1 − ρ^k)g², θ_t = θ0 − lr·Σ_k g/(|g|√(1 − ρ^k) + ε)', () => {
    const lr = 0.01;
    const rho = 0.9;
    const eps = 1e-8;
    const expected = (t: number, i: number): number =>
      THETA0[i] - lr * sum(t, (k) => G[i] / (Math.abs(G[i]) * Math.sqrt(1 - rho ** k) + eps));
    expectTrajectory(trajectory(synthetic(STEPS), rmsprop({ learningRate: lr, decay: rho, epsilon: eps })), expected);
  });

  it('adam: bias correction makes m̂ = g and v̂ = g², so θ_t = θ0 − t·lr·g/(|g| + ε)', () => {
    const lr = 0.01;
    const eps = 1e-8;
    expectTrajectory(
      trajectory(synthetic(STEPS), adam({ learningRate: lr, beta1: 0.8, beta2: 0.99, epsilon: eps })),
      (t, i) => THETA0[i] - (t * lr * G[i]) / (Math.abs(G[i]) + eps),
    );
  });

  it('adamw: θ_t = a^t·θ0 − c(1 − a^t)/(1 − a) with a = 1 − lr·λ, c = lr·g/(|g| + ε)', () => {
    const lr = 0.01;
    const wd = 0.5;
    const eps = 1e-8;
    const a = 1 - lr * wd;
    const expected = (t: number, i: number): number => {
      const c = (lr * G[i]) / (Math.abs(G[i]) + eps);
      return a ** t * THETA0[i] - (c * (1 - a ** t)) / (1 - a);
    };
    expectTrajectory(trajectory(synthetic(STEPS), adamw({ learningRate: lr, weightDecay: wd, epsilon: eps })), expected);
  });

  it('adagrad: mem_k = k·g², θ_t = θ0 − lr·Σ_k g/√(k·g² + ε)', () => {
    const lr = 0.1;
    const eps = 1e-8;
    expectTrajectory(
      trajectory(synthetic(STEPS), adagrad({ learningRate: lr, epsilon: eps })),
      (t, i) => THETA0[i] - lr * sum(t, (k) => G[i] / Math.sqrt(k * G[i] * G[i] + eps)),
    );
  });
});

describe('optimizers: hand-computed steps with changing gradients', () => {
  const grads = [
    [1, -1, 2, 0, 0.5],
    [-1, -1, -2, 1, 0.5],
    [0.5, 2, 0, 1, -0.5],
  ];
  const steps = (): ReturnType<typeof synthetic> => synthetic(3, (k) => grads[k]!);

  it('adam, element 0 (g = 1, −1): θ1 = θ0 − lr/(1 + ε); θ2 = θ1 + lr·(0.01/0.19)/(1 + ε)', () => {
    // β1 = 0.9, β2 = 0.999: m1 = 0.1, v1 = 0.001 → m̂ = 1, v̂ = 1. m2 = 0.09 − 0.1 = −0.01, m̂ = −0.01/0.19;
    // v2 = 0.000999 + 0.001 = 0.001999 = 1 − 0.999², so v̂ = 1.
    const lr = 0.1;
    const eps = 1e-8;
    const out = trajectory(steps(), adam({ learningRate: lr, epsilon: eps }));
    const t1 = THETA0[0] - lr / (1 + eps);
    const t2 = t1 + (lr * (0.01 / 0.19)) / (1 + eps);
    expect(out[0]![0]).to.be.closeTo(t1, 1e-12);
    expect(out[1]![0]).to.be.closeTo(t2, 1e-12);
  });

  it('momentum, element 2 (g = 2, −2, 0): v = 2, −0.4, −0.32', () => {
    const lr = 0.1;
    const out = trajectory(steps(), momentum({ learningRate: lr, momentum: 0.9 }));
    const t1 = THETA0[2] - lr * 2;
    const t2 = t1 - lr * -0.2;
    const t3 = t2 - lr * -0.18;
    expect(out[0]![2]).to.be.closeTo(t1, 1e-12);
    expect(out[1]![2]).to.be.closeTo(t2, 1e-12);
    expect(out[2]![2]).to.be.closeTo(t3, 1e-12);
  });

  it('rmsprop, element 3 (g = 0, 1, 1): s = 0, 0.1, 0.19', () => {
    const lr = 0.01;
    const eps = 1e-8;
    const out = trajectory(steps(), rmsprop({ learningRate: lr, epsilon: eps }));
    const t2 = THETA0[3] - lr / (Math.sqrt(0.1) + eps);
    const t3 = t2 - lr / (Math.sqrt(0.19) + eps);
    expect(out[0]![3]).to.equal(THETA0[3]);
    expect(out[1]![3]).to.be.closeTo(t2, 1e-12);
    expect(out[2]![3]).to.be.closeTo(t3, 1e-12);
  });

  it('adagrad, element 4 (g = 0.5, 0.5, −0.5): mem = 0.25, 0.5, 0.75', () => {
    const lr = 0.1;
    const eps = 1e-8;
    const out = trajectory(steps(), adagrad({ learningRate: lr, epsilon: eps }));
    const t1 = THETA0[4] - (lr * 0.5) / Math.sqrt(0.25 + eps);
    const t2 = t1 - (lr * 0.5) / Math.sqrt(0.5 + eps);
    const t3 = t2 + (lr * 0.5) / Math.sqrt(0.75 + eps);
    expect(out.map((p) => p[4])).to.have.length(3);
    expect(out[0]![4]).to.be.closeTo(t1, 1e-12);
    expect(out[1]![4]).to.be.closeTo(t2, 1e-12);
    expect(out[2]![4]).to.be.closeTo(t3, 1e-12);
  });
});
