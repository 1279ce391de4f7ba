import { expect } from 'chai';
import { BehaviorSubject, EMPTY, NEVER, Observable, Subject, take, throwError } from 'rxjs';
import {
  adagrad,
  adam,
  ConfigError,
  copyOptimizerState,
  momentum,
  sgd,
  stepDecay,
  type OptimizedStep,
  type TrainingStep,
} from '../../src/index.js';
import { G, synthetic, THETA0 } from './synthetic.js';

type Out = TrainingStep & OptimizedStep;

/** Runs `stage` on `count` synthetic steps; returns each step's parameter delta and the optimizer state. */
function run(
  count: number,
  stage: (s: Observable<TrainingStep>) => Observable<Out>,
  onStep?: (step: Out) => void,
): { deltas: number[][]; states: ReturnType<typeof copyOptimizerState>[] } {
  const s = synthetic(count);
  const deltas: number[][] = [];
  const states: ReturnType<typeof copyOptimizerState>[] = [];
  let before: number[] = [...THETA0];
  stage(s.step$).subscribe((step) => {
    const now = [...step.params.data];
    deltas.push(now.map((x, i) => x - before[i]!));
    before = now;
    states.push(copyOptimizerState(step.optimizer));
    onStep?.(step);
  });
  return { deltas, states };
}

describe('optimizer contract', () => {
  it('updates params in place during the emission and attaches the state (name, updates, slots, values)', () => {
    const s = synthetic(3);
    const seen: number[] = [];
    adam({ learningRate: 0.01 })(s.step$).subscribe((step) => {
      expect(step.params.data).to.equal(s.params); // the same live buffer, updated in place
      expect(step.params.data[0]).to.not.equal(THETA0[0]);
      expect(step.optimizer.name).to.equal('adam');
      expect(Object.keys(step.optimizer.slots)).to.deep.equal(['m', 'v']);
      expect(step.optimizer.slots.m!.length).to.equal(5);
      expect(step.optimizer.hyperparameters).to.deep.equal({ learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
      seen.push(step.optimizer.updates);
    });
    expect(seen).to.deep.equal([1, 2, 3]);
  });

  it('keeps state per subscription: two subscriptions of one operator do not share slots', () => {
    const stage = adagrad<TrainingStep>();
    const a = run(3, stage).states;
    const b = run(3, stage).states;
    expect(b[2]!.updates).to.equal(3);
    expect([...b[2]!.slots.memory!]).to.deep.equal([...a[2]!.slots.memory!]);
    expect(b[0]!.slots.memory![0]).to.equal(G[0] * G[0]);
  });

  it('completes on an empty source without emitting', () => {
    let completed = false;
    const values: unknown[] = [];
    adam<TrainingStep>()(EMPTY).subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
    expect(values).to.deep.equal([]);
    expect(completed).to.equal(true);
  });

  it('passes errors of the source through unchanged', () => {
    const boom = new Error('boom');
    let got: unknown;
    sgd<TrainingStep>()(throwError(() => boom)).subscribe({ error: (e: unknown) => (got = e) });
    expect(got).to.equal(boom);
  });

  it('unsubscribes from the source and from live hyperparameters on early unsubscribe', () => {
    const lr$ = new Subject<number>();
    const s = synthetic(10);
    let count = 0;
    const sub = sgd({ learningRate: lr$ })(s.step$).pipe(take(2)).subscribe(() => count++);
    expect(count).to.equal(2);
    expect(sub.closed).to.equal(true);
    expect(lr$.observed).to.equal(false);

    const lr2$ = new Subject<number>();
    const sub2 = sgd<TrainingStep>({ learningRate: lr2$ })(NEVER).subscribe();
    expect(lr2$.observed).to.equal(true);
    sub2.unsubscribe();
    expect(lr2$.observed).to.equal(false);
  });

  it('sends an error of a live hyperparameter to the error channel and never subscribes the source', () => {
    const boom = new Error('lr$ failed');
    let subscribed = false;
    const source = new Observable<TrainingStep>(() => {
      subscribed = true;
    });
    let got: unknown;
    adam<TrainingStep>({ learningRate: throwError(() => boom) })(source).subscribe({ error: (e: unknown) => (got = e) });
    expect(got).to.equal(boom);
    expect(subscribed).to.equal(false);
  });

  it('sends an error a live hyperparameter raises mid-run to the error channel and stops the run', () => {
    const lr$ = new Subject<number>();
    const boom = new Error('lr$ failed later');
    const s = synthetic(6);
    let got: unknown;
    let count = 0;
    adam({ learningRate: lr$ })(s.step$).subscribe({
      next: () => {
        if (++count === 3) lr$.error(boom);
      },
      error: (e: unknown) => (got = e),
    });
    expect(got).to.equal(boom);
    expect(count).to.equal(3);
  });

  it('errors, naming the value, when a live hyperparameter emits an out-of-range value mid-run', () => {
    const beta1$ = new Subject<number>();
    const s = synthetic(5);
    let got: unknown;
    let count = 0;
    adam({ beta1: beta1$ })(s.step$).subscribe({
      next: () => {
        if (++count === 2) beta1$.next(1.5);
      },
      error: (e: unknown) => (got = e),
    });
    expect(count).to.equal(2);
    expect(got).to.be.instanceOf(ConfigError);
    expect((got as Error).message).to.equal('beta1$ must be a number in [0, 1), got 1.5');
    expect(beta1$.observed).to.equal(false);
  });

  it('applies a live learning-rate change from a Subject on exactly the next step', () => {
    const lr$ = new Subject<number>();
    const { deltas, states } = run(6, sgd({ learningRate: lr$ }), (step) => {
      if (step.iteration === 2) lr$.next(0.5); // during the emission of step 2, after its update
    });
    const lrs = states.map((s) => s.hyperparameters!.learningRate);
    expect(lrs).to.deep.equal([0.005, 0.005, 0.005, 0.5, 0.5, 0.5]); // the default until lr$ first emits
    for (let k = 0; k < 6; k++) {
      for (let i = 0; i < 5; i++) expect(deltas[k]![i]).to.be.closeTo(-lrs[k]! * G[i], 1e-15);
    }
  });

  it('starts from the current value of a BehaviorSubject', () => {
    const lr$ = new BehaviorSubject(0.2);
    const { states } = run(2, momentum({ learningRate: lr$ }));
    expect(states.map((s) => s.hyperparameters!.learningRate)).to.deep.equal([0.2, 0.2]);
  });

  it('calls a function hyperparameter with the iteration, and multiplies the learning rate by the schedule', () => {
    const { states } = run(5, sgd({ learningRate: (n) => 0.1 * (n + 1), schedule: stepDecay({ every: 2, factor: 0.5 }) }));
    const lrs = states.map((s) => s.hyperparameters!.learningRate);
    expect(lrs).to.deep.equal([0.1 * 1, 0.1 * 2, 0.1 * 3 * 0.5, 0.1 * 4 * 0.5, 0.1 * 5 * 0.25]);
  });

  it('refuses bad options at the factory, naming the option and the value', () => {
    expect(() => adam({ beta1: 1 })).to.throw(ConfigError, 'beta1 must be a number in [0, 1), got 1');
    expect(() => adam({ beta2: -0.1 })).to.throw(ConfigError, 'beta2 must be a number in [0, 1), got -0.1');
    expect(() => sgd({ learningRate: -1 })).to.throw(ConfigError, 'learningRate must be a number ≥ 0, got -1');
    expect(() => adagrad({ epsilon: 0 })).to.throw(ConfigError, 'epsilon must be a positive number, got 0');
    expect(() => momentum({ momentum: Number.NaN })).to.throw(ConfigError, 'momentum must be a number in [0, 1), got NaN');
    expect(() => adam({ state: { name: 'adagrad', updates: 1, slots: {} } })).to.throw(ConfigError, /state must be the state of a adam optimizer/);
    expect(() => adam({ state: { name: 'adam', updates: 1, slots: { m: new Float64Array(5) } } })).to.throw(ConfigError, /state.slots.v/);
  });

  it('continues from a copied state exactly (operator level, every slot and the update count)', () => {
    for (const make of [() => adam({ learningRate: 0.05 }), () => momentum({ nesterov: true }), () => adagrad()]) {
      const grad = (k: number, p: Float64Array): number[] => [...p].map((x, i) => x - 0.1 * i + 0.01 * k); // depends on θ
      const whole = synthetic(8, grad);
      const full: number[][] = [];
      make()(whole.step$).subscribe((s) => full.push([...s.params.data]));

      const head = synthetic(4, grad);
      let saved: ReturnType<typeof copyOptimizerState> | undefined;
      make()(head.step$).subscribe((s) => (saved = copyOptimizerState(s.optimizer)));
      const tail = synthetic(4, (k, p) => grad(k + 4, p), 4);
      tail.params.set(head.params);
      const rest: number[][] = [];
      const stage = saved!.name === 'adam' ? adam({ learningRate: 0.05, state: saved! }) : saved!.name === 'nesterov' ? momentum({ nesterov: true, state: saved! }) : adagrad({ state: saved! });
      stage(tail.step$).subscribe((s) => rest.push([...s.params.data]));
      expect(rest).to.deep.equal(full.slice(4));
    }
  });

  it('describes itself as JSON when every hyperparameter is a number', () => {
    expect(adam({ learningRate: 0.001 }).spec).to.deep.equal({ name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(momentum({ nesterov: true, schedule: { kind: 'exp', gamma: 0.99 } }).spec).to.deep.equal({
      name: 'nesterov',
      learningRate: 0.0005,
      momentum: 0.9,
      schedule: { kind: 'exp', gamma: 0.99 },
    });
    expect(sgd({ learningRate: new Subject<number>() }).spec).to.equal(undefined);
  });
});
