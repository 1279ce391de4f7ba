// What `train` prints in text mode before and after the run: a header saying what is being trained and
// how it will be measured, and a summary of what happened and which files were written.
import { modelParameterCount } from '../model/families.js';
import { networkKernelName } from '../model/networks.js';
import type { ResolvedModelSpec } from '../model/spec.js';
import type { Evaluation } from '../operators/evaluateEvery.js';
import { formatSchedule } from '../optimizers/schedules.js';
import { formatDuration, formatInteger } from './report.js';
import type { TrainPlan } from './trainPlan.js';

/** Numbers in the header and summary: grouped integers, losses to 4 decimals. */
const loss4 = (v: number): string => v.toFixed(4);

/**
 * The header: corpus size and vocabulary (the classic script's first line), the model and optimizer,
 * the split and the evaluation interval, and for `--init` the loaded model's measured loss.
 */
export function trainHeader(plan: TrainPlan, threads = 1): string[] {
  const h = plan.hyperparameters;
  const V = plan.vocab.size;
  const spec = plan.optimizerSpec;
  const schedule = spec.schedule && spec.schedule.kind !== 'constant' ? `, schedule ${formatSchedule(spec.schedule)}` : '';
  const clip = [h.clip ? `clip ±${h.clip}` : 'no clip', ...(h.clipNorm ? [`global norm ${h.clipNorm}`] : [])].join(', ');
  const lines = [
    `data has ${formatInteger(plan.corpusLength)} characters, ${V} unique.`,
    `model: ${modelWords(plan.model, plan.batchSize)}, seq length ${plan.seqLength}, ${formatInteger(modelParameterCount(plan.model, V))} parameters; ` +
      `${spec.name}, learning rate ${spec.learningRate ?? h.learningRate}${schedule}; ${clip}; kernel ${networkKernelName(plan.model, plan.batchSize, plan.config.kernel)}${plan.model.precision === 'f32' ? ', float32' : ''}${threads > 1 ? `, ${threads} threads` : ''}`,
  ];
  const trained = formatInteger(plan.train.ids.length);
  if (plan.validation) {
    const pct = `${+(plan.valFraction * 100).toFixed(2)}%`;
    const when = plan.evalEvery > 0 ? `every ${formatInteger(plan.evalEvery)} iterations and at the end` : 'off (--eval-every 0)';
    lines.push(`split: ${trained} characters to train on, ${formatInteger(plan.validation.ids.length)} held out (${pct}); validation ${when}`);
  } else {
    lines.push(`split: all ${trained} characters to train on, none held out (--val-fraction 0); no validation`);
  }
  if (plan.initial) {
    const i = plan.initial;
    lines.push(
      i.heldOut
        ? `init: ${i.path}: val loss ${loss4(i.loss)} (${(i.loss / Math.LN2).toFixed(4)} bits/char) before training`
        : `init: ${i.path}: loss ${loss4(i.loss)} per character on the training text before training`,
    );
  }
  return lines;
}

const FAMILY_WORDS: Readonly<Record<ResolvedModelSpec['type'], string>> = { rnn: 'vanilla RNN', lstm: 'LSTM', gru: 'GRU' };

/** `vanilla RNN, hidden 100`, `LSTM, 2 layers of 256, dropout 0.2, 32 streams`. */
function modelWords(m: ResolvedModelSpec, batchSize: number): string {
  const size = m.layers === 1 ? `hidden ${m.hiddenSize}` : `${m.layers} layers of ${m.hiddenSize}`;
  return [FAMILY_WORDS[m.type], size, ...(m.dropout > 0 ? [`dropout ${m.dropout}`] : []), ...(batchSize > 1 ? [`${batchSize} streams`] : [])].join(', ');
}

/** What the summary reports. */
export interface TrainSummaryInfo {
  /** The run reached its target (else it was stopped). */
  readonly completed: boolean;
  readonly startIteration: number;
  /** Iterations completed in all. */
  readonly iterations: number;
  readonly seconds: number;
  readonly charsPerSecond: number;
  /** The validation of the final weights. */
  readonly final: Evaluation | undefined;
  readonly best: Evaluation | undefined;
  /** Files written, each with what it is. */
  readonly files: readonly string[];
}

/** The summary lines: iterations, time and speed; final and best validation; files written. */
export function trainSummary(s: TrainSummaryInfo): string[] {
  const ran = s.iterations - s.startIteration;
  const span = s.startIteration > 0 ? ` (${formatInteger(s.startIteration)} → ${formatInteger(s.iterations)})` : '';
  const lines = [
    `${s.completed ? 'done' : 'stopped'}: ${formatInteger(ran)} iteration${ran === 1 ? '' : 's'}${span} in ${s.seconds < 10 ? `${s.seconds.toFixed(1)}s` : formatDuration(s.seconds)}, ${formatInteger(s.charsPerSecond)} chars/s`,
  ];
  const parts: string[] = [];
  if (s.final) parts.push(`final ${loss4(s.final.loss)} (${s.final.bitsPerChar.toFixed(4)} bits/char) at iteration ${s.final.iteration}`);
  if (s.best) parts.push(`best ${loss4(s.best.loss)} (${s.best.bitsPerChar.toFixed(4)} bits/char) at iteration ${s.best.iteration}`);
  if (parts.length > 0) lines.push(`validation: ${parts.join('; ')}`);
  if (s.files.length > 0) lines.push(`wrote: ${s.files.join(', ')}`);
  return lines;
}
