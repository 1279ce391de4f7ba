// A tiny hand-driven problem for optimizer tests: five parameters and gradients the test chooses.
import { Observable } from 'rxjs';
import { classicNetwork, referenceKernel, type TrainingStep } from '../../src/index.js';

export const THETA0 = [0.1, -0.2, 0.3, 0, 1] as const;
export const G = [0.5, -2, 0, 3, -0.25] as const;

export interface Synthetic {
  /** Emits one step per gradient, setting `grads` before each emission; params start at THETA0. */
  readonly step$: Observable<TrainingStep>;
  /** The live parameters (five numbers). */
  readonly params: Float64Array;
}

/** Steps whose gradient at step k is `grad(k, params)`; `count` steps, iterations from `first`. */
export function synthetic(count: number, grad: (k: number, params: Float64Array) => readonly number[] = () => G, first = 0): Synthetic {
  const model = referenceKernel.createModel(1, 1, 1); // 2HV + H² + H + V = 5 parameters
  model.params.data.set(THETA0);
  const network = classicNetwork(referenceKernel, model);
  const inputs = new Int32Array(1);
  const step$ = new Observable<TrainingStep>((subscriber) => {
    for (let k = 0; k < count && !subscriber.closed; k++) {
      model.grads.data.set(grad(k, model.params.data));
      subscriber.next({
        iteration: first + k,
        position: 0,
        inputs,
        targets: inputs,
        reset: k === 0,
        loss: 1,
        params: model.params,
        grads: model.grads,
        hprev: model.hs.subarray(0, 1),
        h: model.hs.subarray(1, 2),
        model: network,
      });
    }
    subscriber.complete();
  });
  return { step$, params: model.params.data };
}

/** The parameters after each step, as plain arrays. */
export function trajectory(s: Synthetic, stage: (source: Observable<TrainingStep>) => Observable<TrainingStep>): number[][] {
  const out: number[][] = [];
  stage(s.step$).subscribe((step) => out.push([...step.params.data]));
  return out;
}
