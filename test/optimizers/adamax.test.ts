import { expect } from 'chai';
import { optimizerStage, type Hyperparameter, type OptimizerOptions } from '../../src/index.js';
import { G, synthetic, THETA0, trajectory } from './synthetic.js';

// The Adamax example of docs/optimizers.md, verbatim: a custom optimizer built with optimizerStage.
export const adamax = (options: OptimizerOptions & { learningRate?: Hyperparameter } = {}) =>
  optimizerStage(
    {
      name: 'adamax',
      slots: ['m', 'u'],
      hyperparameters: {
        learningRate: { default: 0.002, range: 'rate' },
        beta1: { default: 0.9, range: 'decay' },
        beta2: { default: 0.999, range: 'decay' },
      },
      update(theta, g, { m, u }, { learningRate, beta1, beta2 }, t) {
        for (let i = 0; i < theta.length; i++) {
          m![i] = beta1 * m![i]! + (1 - beta1) * g[i]!;
          u![i] = Math.max(beta2 * u![i]!, Math.abs(g[i]!));
          if (u![i]! > 0) theta[i]! -= (learningRate / (1 - beta1 ** t)) * (m![i]! / u![i]!);
        }
      },
    },
    options,
  );

describe('a custom optimizer built with optimizerStage (the Adamax of the docs)', () => {
  it('under a constant gradient moves each weight by lr·sign(g) per step (m̂ = g, u = |g|)', () => {
    const lr = 0.01;
    const out = trajectory(synthetic(5), adamax({ learningRate: lr }));
    for (let t = 1; t <= 5; t++) {
      for (let i = 0; i < 5; i++) expect(out[t - 1]![i]).to.be.closeTo(THETA0[i] - t * lr * Math.sign(G[i]), 1e-12);
    }
  });

  it('has a spec and a state like the built-in ones', () => {
    expect(adamax().spec).to.deep.equal({ name: 'adamax', learningRate: 0.002, beta1: 0.9, beta2: 0.999 });
    const s = synthetic(2);
    const names: string[] = [];
    adamax()(s.step$).subscribe((step) => names.push(`${step.optimizer.name}:${step.optimizer.updates}:${Object.keys(step.optimizer.slots).join(',')}`));
    expect(names).to.deep.equal(['adamax:1:m,u', 'adamax:2:m,u']);
  });
});
