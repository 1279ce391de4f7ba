import type { Evaluation } from '../operators/evaluateEvery.js';
import { lineChartSvg } from './lineChart.js';

export interface LossChartData {
  /** T: the smoothed loss is summed over a window of T characters, so it is divided by T to compare. */
  readonly seqLength: number;
  /** `[iteration, smoothLoss]` pairs of the training run. */
  readonly train: ReadonlyArray<readonly [number, number]>;
  /** Validation results, when there are any. */
  readonly validation?: readonly Evaluation[];
}

export interface LossChartConfig {
  /** Chart title. Default "min-char-rnn training loss". */
  readonly title?: string;
  /** Pixels. Defaults 800 × 450 (a page may match its container instead). */
  readonly width?: number;
  readonly height?: number;
}

/**
 * The loss chart of a training run as an SVG document: the smoothed training loss and the validation
 * loss (dashed, a dot at each measurement) against iteration, both in bits per character so the two are on
 * one scale.
 *
 * ```ts
 * import { lossChartSvg } from 'min-char-rnn';
 * const svg = lossChartSvg({ seqLength: 25, train: [[0, 104.3], [100, 98.1]], validation: [{ iteration: 100, loss: 3.9, bitsPerChar: 5.63 }] });
 * console.log(svg.startsWith('<svg'));
 * // true
 * ```
 *
 * @param data Training points, validation results and the window length.
 * @param config `title`, `width` and `height` (800 × 450).
 * @returns A standalone SVG document.
 */
export function lossChartSvg(data: LossChartData, config?: LossChartConfig): string {
  const { title = 'min-char-rnn training loss', width, height } = config ?? {};
  const toBits = 1 / (data.seqLength * Math.LN2);
  const validation = data.validation ?? [];
  return lineChartSvg(
    [
      { name: 'training (smoothed)', points: data.train.map(([i, l]) => [i, l * toBits] as const) },
      ...(validation.length > 0
        ? [{ name: 'validation', points: validation.map((e) => [e.iteration, e.bitsPerChar] as const), dashed: true, markers: true }]
        : []),
    ],
    { title, xLabel: 'iteration', yLabel: 'loss (bits per character)', ...(width ? { width } : {}), ...(height ? { height } : {}) },
  );
}
