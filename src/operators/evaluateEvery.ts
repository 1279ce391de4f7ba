// Dimension key: H = hiddenSize, V = vocabSize, T = seqLength (chunk length), L = held-out length.
import { defer, map, type Observable, type OperatorFunction } from 'rxjs';
import { idSlice, type Corpus, type CorpusIds } from '../corpus/corpus.js';
import { CorpusError, requireInteger } from '../errors.js';
import type { Model } from '../model/kernel.js';
import type { Network } from '../model/network.js';
import { classicNetwork } from '../model/networks.js';
import type { TrainingStep } from './step.js';
import { extend } from '../util/extend.js';

/** The loss of held-out text under the weights after one iteration. Plain numbers, safe to keep. */
export interface Evaluation {
  /** The iteration whose update the evaluated weights include. */
  readonly iteration: number;
  /** Mean −ln p[next character] per predicted character, in nats. */
  readonly loss: number;
  /** The same loss in bits: `loss / ln 2`. */
  readonly bitsPerChar: number;
}

/** What {@link evaluateEvery} adds: `validation` on the steps it evaluated at. */
export interface EvaluatedStep {
  readonly validation?: Evaluation;
}

export interface EvaluateEveryConfig {
  /** The held-out text, encoded with the training vocabulary (e.g. `splitCorpus(...).validation`). */
  readonly corpus: Corpus;
  /** Characters per forward chunk. Default: the length of the window seen (the training T, per stream). */
  readonly seqLength?: number;
  /**
   * Also evaluate at the iterations where this returns true (between the regular ones): the last
   * iteration of a run, or the one a stop request lands on. Called once per step, before the step is
   * evaluated. Default: none.
   */
  readonly alsoAt?: (iteration: number) => boolean;
}

/**
 * Mean loss per character of `ids` under `model`: forward passes only over consecutive chunks of up to
 * `seqLength` characters, from a zero state carried from chunk to chunk (any family), predicting each
 * character from the ones before it (L − 1 predictions in all). Writes the model's `hs`, never its
 * parameters or gradients.
 *
 * ```ts
 * import { createCorpus, initParams, referenceKernel, heldOutLoss } from 'min-char-rnn';
 *
 * const corpus = createCorpus('abcabcabc');
 * const model = referenceKernel.createModel(8, 3, 4);
 * model.params.data.set(initParams(8, 3, 1).data);
 * console.log(heldOutLoss(model, corpus.ids, 4).toFixed(4));
 * // 1.0986  (≈ ln 3: tiny weights predict uniformly)
 * ```
 *
 * @param model A model holding the weights to evaluate, with `maxSeqLength ≥ seqLength`.
 * @param ids The held-out text as vocabulary indices (at least 2).
 * @param seqLength Chunk length T.
 * @returns The mean loss in nats per character.
 */
export function heldOutLoss(model: Network | Model, ids: CorpusIds, seqLength: number): number {
  requireInteger('seqLength', seqLength);
  const L = ids.length;
  if (L < 2) throw new CorpusError(`held-out text has ${L} characters; it needs at least 2`);
  const net = 'carry' in model ? model : classicNetwork(model.kernel, model);
  if (net.batchSize !== 1) throw new RangeError(`heldOutLoss reads one stream; the network has ${net.batchSize}`);
  net.hprev.fill(0); // fresh state: the held-out text is read from its start
  let total = 0;
  // Narrow ids are copied chunk by chunk into one buffer (kernels take Int32Array).
  const chunk = ids instanceof Int32Array ? undefined : new Int32Array(seqLength + 1);
  for (let p = 0; p < L - 1; p += seqLength) {
    if (p > 0) net.carry(); // carry the state into the next chunk
    const end = Math.min(p + seqLength, L - 1);
    const window = idSlice(ids, p, end + 1, chunk);
    total += net.loss(window.subarray(0, end - p), window.subarray(1, end - p + 1));
  }
  return total / (L - 1);
}

/**
 * A validation tap: every `every` iterations, measures the loss of held-out text under the weights the
 * step ends with, without changing anything the training sees.
 *
 * It's like `tap`, but its result travels with the stream: at iterations where `iteration % every == 0`
 * it copies the (just updated) parameters into a model of its own, computes {@link heldOutLoss} and
 * attaches `{ iteration, loss, bitsPerChar }` as `validation`; other steps pass through unchanged. Place it
 * after the optimizer. The evaluation network (one stream, no dropout) is created per subscription from the step's own, so
 * the training model's buffers and hidden state are never touched.
 *
 * ```ts
 * import { createCorpus, splitCorpus, trainingSteps, evaluateEvery } from 'min-char-rnn';
 * import { filter } from 'rxjs';
 *
 * const { train, validation } = splitCorpus(createCorpus('the cat sat on the mat. '.repeat(40)), 0.1);
 * trainingSteps(train, { hiddenSize: 16, seqLength: 8, iterations: 201, sampleEvery: 0 })
 *   .pipe(evaluateEvery(100, { corpus: validation! }), filter((s) => s.validation !== undefined))
 *   .subscribe((s) => console.log(s.validation!.iteration, s.validation!.loss < 3));
 * // 0 true
 * // 100 true
 * // 200 true
 * ```
 *
 * @param every Evaluate when `iteration % every == 0`; 0 evaluates only where `alsoAt` says.
 * @param config `corpus` (required, at least 2 characters), `seqLength` (the training window length),
 *   `alsoAt` (extra iterations to evaluate at).
 * @returns An operator passing steps through, with `validation` on evaluated ones.
 */
export function evaluateEvery<S extends TrainingStep>(
  every: number,
  config: EvaluateEveryConfig,
): OperatorFunction<S, S & EvaluatedStep> {
  requireInteger('evalEvery', every, 0);
  const { corpus, seqLength, alsoAt } = config;
  if (seqLength !== undefined) requireInteger('seqLength', seqLength);
  if (corpus.ids.length < 2) {
    throw new CorpusError(`the held-out text has ${corpus.ids.length} characters; it needs at least 2`);
  }
  return (source: Observable<S>) =>
    defer(() => {
      let model: Network | undefined; // created at the first evaluation, from the step's network
      return source.pipe(
        map((step): S & EvaluatedStep => {
          const regular = every !== 0 && step.iteration % every === 0;
          if (!regular && !(alsoAt?.(step.iteration) ?? false)) return step;
          const V = step.params.vocabSize;
          if (corpus.vocab.size !== V) {
            throw new CorpusError(`the held-out text has ${corpus.vocab.size} vocabulary entries, the model ${V}`);
          }
          const T = seqLength ?? step.inputs.length / (step.batchSize ?? 1); // one stream's window length
          if (model === undefined || model.maxSeqLength < T) model = step.model.sibling(T, 1);
          return extend(step, { validation: evaluateWith(model, step, corpus, T) });
        }),
      );
    });
}

function evaluateWith(model: Network, step: TrainingStep, corpus: Corpus, seqLength: number): Evaluation {
  model.params.data.set(step.params.data);
  const loss = heldOutLoss(model, corpus.ids, seqLength);
  return { iteration: step.iteration, loss, bitsPerChar: loss / Math.LN2 };
}

/**
 * The validation of one step, on demand: the loss of held-out text under the weights `step` ends with,
 * computed with a network of its own (the step's kernel, one stream), so training is untouched. What
 * {@link evaluateEvery} attaches, for a step it skipped: the last one of a run, or the one a stop
 * request landed on. Call it during the step's emission, or after the run ended on it.
 *
 * ```ts
 * import { createCorpus, splitCorpus, trainingSteps, evaluateStep } from 'min-char-rnn';
 * import { last } from 'rxjs';
 *
 * const { train, validation } = splitCorpus(createCorpus('the cat sat on the mat. '.repeat(40)), 0.1);
 * trainingSteps(train, { hiddenSize: 16, seqLength: 8, iterations: 150, sampleEvery: 0 })
 *   .pipe(last())
 *   .subscribe((s) => console.log(evaluateStep(s, { corpus: validation! }).iteration));
 * // 149
 * ```
 *
 * @param step A training step (after the optimizer: its weights include the step's update).
 * @param config `corpus` (the held-out text), `seqLength` (the step's window length).
 * @returns `{ iteration, loss, bitsPerChar }` for the step's weights.
 */
export function evaluateStep(step: TrainingStep, config: EvaluateEveryConfig): Evaluation {
  const { corpus } = config;
  const T = config.seqLength ?? step.inputs.length / (step.batchSize ?? 1);
  requireInteger('seqLength', T);
  const V = step.params.vocabSize;
  if (corpus.vocab.size !== V) {
    throw new CorpusError(`the held-out text has ${corpus.vocab.size} vocabulary entries, the model ${V}`);
  }
  return evaluateWith(step.model.sibling(T, 1), step, corpus, T);
}
