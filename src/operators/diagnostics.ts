// A diagnostics tap: how large the gradients are, how much clipping changes, and how large each update
// is next to the weights it changes (the update-to-weight ratio, ~1e-3 in healthy training, Karpathy's
// rule of thumb). Dimension key: P = parameter count.
import { defer, map, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { ConfigError, requireInteger } from '../errors.js';
import { tensorViews } from '../model/tensors.js';
import { extend } from '../util/extend.js';
import type { TrainingStep } from './step.js';

export interface DiagnosticsConfig {
  /** Measure when `iteration % every == 0`. Default 100. */
  readonly every?: number;
  /** The elementwise clip limit the pipeline applies next, to count what it will change; null or 0 = off. Default 5. */
  readonly clip?: number | null;
}

/** One tensor's numbers. */
export interface TensorDiagnostics {
  readonly name: string;
  /** L2 norm of its gradient (before clipping). */
  readonly gradNorm: number;
  /** L2 norm of its weights. */
  readonly weightNorm: number;
  /**
   * ‖ΔW‖ / ‖W‖ of the latest update: the one that produced these weights (the previous step's). Null at
   * the first step, when no update has happened yet in this run (or resume); Infinity while the weights
   * were all zero (biases at the start).
   */
  readonly updateRatio: number | null;
}

/** What the tap measures: plain numbers, safe to keep. */
export interface Diagnostics {
  readonly iteration: number;
  /** Global L2 norm of the gradient over every tensor, before clipping. */
  readonly gradNorm: number;
  /** Fraction of gradient elements outside [−clip, clip], which clipping changes (0 when clipping is off). */
  readonly clippedFraction: number;
  readonly tensors: readonly TensorDiagnostics[];
}

/** What the tap adds to the steps it measures. */
export interface DiagnosedStep {
  readonly diagnostics?: Diagnostics;
}

function sumSquares(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

function sumSquaredDifference(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

/**
 * Measures the training every `every` iterations: the global gradient norm, the fraction of gradient
 * elements that clipping at `clip` changes, and per tensor its gradient norm, weight norm and
 * update-to-weight ratio.
 *
 * It's like `tap`, but its result travels with the stream as `diagnostics` on the measured steps (other
 * steps pass unchanged). Place it right after `lossFun`, before clipping and the optimizer: it sees the
 * raw gradient, and the weights before this step's update, so the ratio it reports is that of the
 * previous step's update (it keeps a copy of the weights from the step before each measured one). State
 * is per subscription; nothing the training sees is changed.
 *
 * ```ts
 * import { adagrad, clipByValue, createCorpus, diagnostics, initParams, lossFun, windows } from 'min-char-rnn';
 *
 * const corpus = createCorpus('hello world. '.repeat(50));
 * windows(corpus, { seqLength: 8, iterations: 300 })
 *   .pipe(lossFun(initParams(16, corpus.vocab.size, 1), { clip: null }), diagnostics({ every: 100 }), clipByValue(5), adagrad())
 *   .subscribe((s) => s.diagnostics && console.log(s.iteration, s.diagnostics.gradNorm.toFixed(3)));
 * // 0 2.216
 * // 100 0.272
 * // 200 0.139
 * ```
 *
 * @param config `every` (100), `clip` (5).
 * @returns An operator that adds `diagnostics` every `every` iterations.
 */
export function diagnostics<S extends TrainingStep>(config?: DiagnosticsConfig): MonoTypeOperatorFunction<S & DiagnosedStep> {
  const { every = 100, clip = 5 } = config ?? {};
  requireInteger('every', every);
  if (clip !== null && clip !== 0 && !(typeof clip === 'number' && clip > 0 && Number.isFinite(clip))) {
    throw new ConfigError('clip', clip, 'a positive number, 0 or null');
  }
  const limit = clip || Infinity;

  return (source: Observable<S & DiagnosedStep>) =>
    defer(() => {
      let previous: Float64Array | undefined; // the weights seen at the step before a measured one
      let previousAt = -2;
      return source.pipe(
        map((s) => {
          const measured = s.iteration % every === 0;
          let result = s;
          if (measured) {
            const grads = s.grads.data;
            let clipped = 0;
            for (let i = 0; i < grads.length; i++) if (grads[i] > limit || grads[i] < -limit) clipped++;
            const havePrevious = previous !== undefined && previousAt === s.iteration - 1;
            let total = 0;
            const tensors = tensorViews(s.params, s.grads).map(({ name, param, grad }): TensorDiagnostics => {
              const g2 = sumSquares(grad);
              total += g2;
              const weightNorm = Math.sqrt(sumSquares(param));
              let updateRatio: number | null = null;
              if (havePrevious) {
                const offset = (param.byteOffset - s.params.data.byteOffset) / 8; // where it sits in the flat buffer
                const before = previous!.subarray(offset, offset + param.length);
                updateRatio = Math.sqrt(sumSquaredDifference(param, before)) / Math.sqrt(sumSquares(before));
              }
              return { name, gradNorm: Math.sqrt(g2), weightNorm, updateRatio };
            });
            result = extend(s, {
              diagnostics: { iteration: s.iteration, gradNorm: Math.sqrt(total), clippedFraction: clipped / grads.length, tensors },
            });
          }
          if ((s.iteration + 1) % every === 0) {
            previous ??= new Float64Array(s.params.data.length);
            previous.set(s.params.data);
            previousAt = s.iteration;
          }
          return result;
        }),
      );
    });
}
