// A case small enough to work out by hand: H = 1, V = 2, T = 2, every number written from the formulas.
import { expect } from 'chai';
import { clipInPlace, paramsView, referenceKernel } from '../../src/index.js';

describe('reference kernel, hand-checked tiny case (H=1, V=2, T=2)', () => {
  // Weights: Wxh = [[0.5, -0.3]], Whh = [[0.8]], Why = [[1.2], [-0.7]], bh = [0.1], by = [0.05, -0.05].
  const p = paramsView(1, 2);
  p.Wxh.set([0.5, -0.3]);
  p.Whh.set([0.8]);
  p.Why.set([1.2, -0.7]);
  p.bh.set([0.1]);
  p.by.set([0.05, -0.05]);
  const inputs = Int32Array.from([0, 1]);
  const targets = Int32Array.from([1, 0]);
  const hprev = 0.2;

  // Forward by hand.
  const h1 = Math.tanh(0.5 + 0.8 * hprev + 0.1); // input 0 picks Wxh column 0
  const h2 = Math.tanh(-0.3 + 0.8 * h1 + 0.1); // input 1 picks column 1
  const softmax2 = (a: number, b: number): [number, number] => {
    const ea = Math.exp(a);
    const eb = Math.exp(b);
    return [ea / (ea + eb), eb / (ea + eb)];
  };
  const p1 = softmax2(1.2 * h1 + 0.05, -0.7 * h1 - 0.05);
  const p2 = softmax2(1.2 * h2 + 0.05, -0.7 * h2 - 0.05);
  const loss = -Math.log(p1[1]) - Math.log(p2[0]);

  // Backward by hand, t = 2 then t = 1.
  const dy2 = [p2[0] - 1, p2[1]];
  const dh2 = 1.2 * dy2[0]! - 0.7 * dy2[1]!;
  const dr2 = (1 - h2 * h2) * dh2;
  const dy1 = [p1[0], p1[1] - 1];
  const dh1 = 1.2 * dy1[0]! - 0.7 * dy1[1]! + 0.8 * dr2; // + Whh^T dhraw from t = 2
  const dr1 = (1 - h1 * h1) * dh1;
  const expected = {
    Wxh: [dr1, dr2],
    Whh: [dr2 * h1 + dr1 * hprev],
    Why: [dy1[0]! * h1 + dy2[0]! * h2, dy1[1]! * h1 + dy2[1]! * h2],
    bh: [dr1 + dr2],
    by: [dy1[0]! + dy2[0]!, dy1[1]! + dy2[1]!],
  };

  const model = referenceKernel.createModel(1, 2, 2);
  model.params.data.set(p.data);
  model.hs[0] = hprev;
  const got = model.lossFun(inputs, targets);

  it('gives the loss −ln p1[1] − ln p2[0]', () => {
    expect(got).to.be.closeTo(loss, 1e-15);
    expect(got).to.be.closeTo(1.9665, 1e-3); // worked out on paper: 1.5554 + 0.4113
  });

  it('gives the hidden states h1, h2', () => {
    expect(model.hs[1]).to.be.closeTo(h1, 1e-16);
    expect(model.hs[2]).to.be.closeTo(h2, 1e-16);
  });

  for (const name of ['Wxh', 'Whh', 'Why', 'bh', 'by'] as const) {
    it(`gives d${name}`, () => {
      const g = Array.from(model.grads[name]);
      g.forEach((v, i) => expect(v, `${name}[${i}]`).to.be.closeTo(expected[name][i]!, 1e-15));
    });
  }

  it('clips elementwise to [-5, 5] and keeps NaN visible', () => {
    const x = Float64Array.from([-7, -5, 0.5, 5, 9, Number.NaN]);
    clipInPlace(x, 5);
    expect(Array.from(x)).to.deep.equal([-5, -5, 0.5, 5, 5, Number.NaN]);
  });
});
