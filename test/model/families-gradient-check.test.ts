// Numerical gradient check of the stacked reference network: central differences (five-point) against
// backpropagation for every element of every tensor, rnn/lstm/gru × 1 and 2 layers × 1 and 3 streams,
// from a non-zero incoming state, clipping and dropout off (and one case with fixed dropout masks).
import { expect } from 'chai';
import { createStackNetwork, resolveModelSpec, type ModelType, type Network } from '../../src/index.js';
import { lcg } from '../helpers.js';

export interface CheckResult {
  /** Worst relative error over every element of every tensor. */
  readonly worst: number;
  /** Worst relative error per tensor name. */
  readonly byTensor: Readonly<Record<string, number>>;
}

/** A network with random weights and state, and a window of B streams. */
export function setUp(type: ModelType, layers: number, B: number, seed: number, H = 4, V = 5, T = 4) {
  const rand = lcg(seed);
  const spec = resolveModelSpec({ type, hiddenSize: H, layers });
  const net = createStackNetwork(spec, V, T, B);
  for (let i = 0; i < net.params.data.length; i++) net.params.data[i] = (rand() * 2 - 1) * 0.5;
  const hprev = Float64Array.from({ length: net.hprev.length }, () => (rand() * 2 - 1) * 0.5);
  const inputs = Int32Array.from({ length: B * T }, () => Math.floor(rand() * V));
  const targets = Int32Array.from({ length: B * T }, () => Math.floor(rand() * V));
  return { net, hprev, inputs, targets };
}

export function gradientCheckNetwork(
  net: Network,
  hprev: Float64Array,
  inputs: Int32Array,
  targets: Int32Array,
  masks?: Float64Array,
): CheckResult {
  const loss = (): number => {
    net.hprev.set(hprev);
    return net.lossFun(inputs, targets, masks); // the forward half of lossFun is the loss itself
  };
  net.hprev.set(hprev);
  net.lossFun(inputs, targets, masks);
  const analytic = net.grads.data.slice();
  const p = net.params.data;
  // The five-point central difference (error ∝ step⁴) at step 1e-3: its rounding (~ε·loss / step, about
  // 1e-12 here) and truncation both stay near 1e-8 relative, where the three-point one at any step
  // leaves ~1e-6 on the smallest gradients.
  const step = 1e-3;
  const byTensor: Record<string, number> = {};
  let worst = 0;
  for (const t of net.params.tensors) {
    let tw = 0;
    for (let i = t.offset; i < t.offset + t.data.length; i++) {
      const old = p[i]!;
      const at = (d: number): number => {
        p[i] = old + d;
        const l = loss();
        p[i] = old;
        return l;
      };
      const numeric = (-at(2 * step) + 8 * at(step) - 8 * at(-step) + at(-2 * step)) / (12 * step);
      const a = analytic[i]!;
      // Relative error, with an absolute floor of 1e-5 for gradients (near) zero on both sides, where
      // the difference's own rounding (~1e-12 absolute) is all that is left to compare.
      const err = Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-5);
      tw = Math.max(tw, err);
    }
    byTensor[t.name] = tw;
    worst = Math.max(worst, tw);
  }
  return { worst, byTensor };
}

describe('gradient check of every family (stacked reference network)', () => {
  for (const type of ['rnn', 'lstm', 'gru'] as const) {
    for (const layers of [1, 2]) {
      for (const B of [1, 3]) {
        it(`${type}, ${layers} layer(s), B = ${B}: every element of every tensor within 1e-6`, () => {
          const { net, hprev, inputs, targets } = setUp(type, layers, B, 100 * layers + 10 * B + type.length);
          const r = gradientCheckNetwork(net, hprev, inputs, targets);
          const names = net.params.tensors.map((t) => t.name);
          expect(Object.keys(r.byTensor)).to.deep.equal(names);
          for (const name of names) expect(r.byTensor[name], name).to.be.lessThan(1e-6);
        });
      }
    }
  }

  it('lstm with fixed dropout masks (2 layers, B = 2): gradients of the masked loss within 1e-6', () => {
    const { net, hprev, inputs, targets } = setUp('lstm', 2, 2, 7);
    const spec = resolveModelSpec({ type: 'lstm', hiddenSize: 4, layers: 2, dropout: 0.5 });
    const dropped = createStackNetwork(spec, 5, 4, 2);
    dropped.params.data.set(net.params.data);
    const rand = lcg(9);
    const masks = Float64Array.from({ length: 2 * 2 * 4 * 4 }, () => (rand() < 0.5 ? 0 : 2));
    const r = gradientCheckNetwork(dropped, hprev, inputs, targets, masks);
    expect(r.worst).to.be.lessThan(1e-6);
    // and the masks matter: the same weights without them give another loss
    dropped.hprev.set(hprev);
    const withMasks = dropped.lossFun(inputs, targets, masks);
    net.hprev.set(hprev);
    expect(net.loss(inputs, targets)).to.not.equal(withMasks);
  });

  it('fails when a gradient is wrong (the check can fail)', () => {
    const { net, hprev, inputs, targets } = setUp('gru', 2, 3, 5);
    const broken: Network = {
      ...net,
      lossFun(i, t, m) {
        const l = net.lossFun(i, t, m);
        net.grads.data[net.grads.tensors[5]!.offset] *= 1.001; // 0.1% off in one element of layer 1
        return l;
      },
    };
    expect(gradientCheckNetwork(broken, hprev, inputs, targets).worst).to.be.greaterThan(1e-6);
  });
});
