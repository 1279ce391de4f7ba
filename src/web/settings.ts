// The studio's settings: one table describing every field (its element id, label, range and default),
// read and checked in one place. Adding a model setting (say, layers) is one entry here and one key
// in StudioSettings; the page builds its form from this table.
import type { ModelType } from '../model/spec.js';
import { OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES, type OptimizerName } from '../optimizers/registry.js';

/** Everything a run is started with (and what `set` may change while it runs). */
export interface StudioSettings {
  readonly modelType: ModelType;
  readonly hiddenSize: number;
  /** Recurrent layers stacked. */
  readonly layers: number;
  /** Dropout on every layer's output while training, in [0, 1). */
  readonly dropout: number;
  /** Streams trained side by side (B). */
  readonly batchSize: number;
  readonly seqLength: number;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly temperature: number;
  readonly sampleEvery: number;
  readonly sampleLength: number;
  readonly evalEvery: number;
  /** Stop after this many iterations; null trains until stopped. */
  readonly iterations: number | null;
  readonly seed: string;
}

interface FieldBase {
  /** The element id (a public interface: extend, never rename). */
  readonly id: string;
  readonly key: keyof StudioSettings;
  readonly label: string;
  readonly help: string;
  readonly group: 'model' | 'training' | 'sampling';
  /** Fixed by a loaded checkpoint's run (it cannot change when continuing it). */
  readonly fixedByCheckpoint: boolean;
}

/** A field of the settings form. */
export type SettingField =
  | (FieldBase & { readonly kind: 'integer'; readonly min: number; readonly max: number; readonly default: number | null })
  | (FieldBase & { readonly kind: 'number'; readonly min: number; readonly max: number; readonly default: number; readonly step: string })
  | (FieldBase & { readonly kind: 'choice'; readonly choices: readonly (readonly [string, string])[]; readonly default: string })
  | (FieldBase & { readonly kind: 'text'; readonly default: string });

/** The model families the studio can train, as the `#model-type` choice shows them. */
export const MODEL_TYPES: readonly (readonly [ModelType, string])[] = [
  ['rnn', 'vanilla RNN (min-char-rnn)'],
  ['lstm', 'LSTM'],
  ['gru', 'GRU'],
];

/**
 * What choosing a family sets, as `--model` does on the command line when its other flags are not given:
 * the classic settings for the RNN, a wider, deeper, batched model trained with Adam for LSTM and GRU.
 */
export const FAMILY_DEFAULTS: Readonly<Record<ModelType, Partial<StudioSettings>>> = {
  rnn: { hiddenSize: 100, layers: 1, batchSize: 1, seqLength: 25, optimizer: 'adagrad', learningRate: 0.1 },
  lstm: { hiddenSize: 256, layers: 2, batchSize: 32, seqLength: 64, optimizer: 'adam', learningRate: 0.002 },
  gru: { hiddenSize: 256, layers: 2, batchSize: 32, seqLength: 64, optimizer: 'adam', learningRate: 0.002 },
};

export const SETTING_FIELDS: readonly SettingField[] = [
  { id: 'model-type', key: 'modelType', label: 'Model', help: 'the model family', group: 'model', fixedByCheckpoint: true, kind: 'choice', choices: MODEL_TYPES, default: 'rnn' },
  { id: 'hidden-size', key: 'hiddenSize', label: 'Hidden size', help: 'H, neurons in the hidden state', group: 'model', fixedByCheckpoint: true, kind: 'integer', min: 1, max: 1024, default: 100 },
  { id: 'layers', key: 'layers', label: 'Layers', help: 'recurrent layers stacked', group: 'model', fixedByCheckpoint: true, kind: 'integer', min: 1, max: 8, default: 1 },
  { id: 'dropout', key: 'dropout', label: 'Dropout', help: "on each layer's output while training", group: 'model', fixedByCheckpoint: true, kind: 'number', min: 0, max: 0.9, default: 0, step: '0.05' },
  { id: 'seq-length', key: 'seqLength', label: 'Sequence length', help: 'T, characters per window of backprop through time', group: 'model', fixedByCheckpoint: true, kind: 'integer', min: 1, max: 1000, default: 25 },
  { id: 'optimizer', key: 'optimizer', label: 'Optimizer', help: 'the update rule', group: 'training', fixedByCheckpoint: true, kind: 'choice', choices: OPTIMIZER_NAMES.map((n) => [n, n] as const), default: 'adagrad' },
  { id: 'batch-size', key: 'batchSize', label: 'Batch size', help: 'streams of the text trained side by side', group: 'training', fixedByCheckpoint: true, kind: 'integer', min: 1, max: 512, default: 1 },
  { id: 'learning-rate', key: 'learningRate', label: 'Learning rate', help: 'step size; changes apply at once', group: 'training', fixedByCheckpoint: false, kind: 'number', min: 1e-6, max: 10, default: 0.1, step: 'any' },
  { id: 'iterations', key: 'iterations', label: 'Stop at iteration', help: 'the run ends there; empty trains until stopped', group: 'training', fixedByCheckpoint: false, kind: 'integer', min: 1, max: 1e9, default: null },
  { id: 'seed', key: 'seed', label: 'Seed', help: 'of the initial weights and the sampler', group: 'training', fixedByCheckpoint: true, kind: 'text', default: '1' },
  { id: 'eval-every', key: 'evalEvery', label: 'Validate every', help: 'iterations between validation losses; 0 never', group: 'training', fixedByCheckpoint: false, kind: 'integer', min: 0, max: 1e9, default: 250 },
  { id: 'temperature', key: 'temperature', label: 'Temperature', help: 'of samples: below 1 safer, above 1 wilder; changes apply at once', group: 'sampling', fixedByCheckpoint: false, kind: 'number', min: 0.05, max: 3, default: 1, step: '0.01' },
  { id: 'sample-every', key: 'sampleEvery', label: 'Sample every', help: 'iterations between samples; 0 never', group: 'sampling', fixedByCheckpoint: false, kind: 'integer', min: 0, max: 1e9, default: 100 },
  { id: 'sample-length', key: 'sampleLength', label: 'Sample length', help: 'characters per sample', group: 'sampling', fixedByCheckpoint: false, kind: 'integer', min: 1, max: 10_000, default: 200 },
];

/** A value the user typed cannot be used; the message names the field, the range and the value. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** The field with element id `id`. */
export function settingField(id: string): SettingField {
  const f = SETTING_FIELDS.find((x) => x.id === id);
  if (!f) throw new Error(`no setting field #${id}`);
  return f;
}

/** The learning rate an optimizer starts with when the user has not chosen one. */
export function defaultLearningRate(optimizer: OptimizerName): number {
  return OPTIMIZER_DEFAULTS[optimizer].learningRate!;
}

/**
 * Reads one field's raw text. Throws a SettingsError such as
 * "Hidden size must be a whole number from 1 to 1024, got 0".
 */
export function parseField(field: SettingField, raw: string): StudioSettings[keyof StudioSettings] {
  const text = raw.trim();
  const got = text === '' ? 'nothing' : JSON.stringify(text);
  switch (field.kind) {
    case 'integer': {
      if (text === '' && field.default === null) return null;
      const x = Number(text);
      if (text === '' || !Number.isSafeInteger(x) || x < field.min || x > field.max) {
        throw new SettingsError(`${field.label} must be a whole number from ${field.min} to ${field.max}, got ${got}`);
      }
      return x;
    }
    case 'number': {
      const x = Number(text);
      if (text === '' || !Number.isFinite(x) || x < field.min || x > field.max) {
        throw new SettingsError(`${field.label} must be a number from ${field.min} to ${field.max}, got ${got}`);
      }
      return x;
    }
    case 'choice': {
      if (!field.choices.some(([v]) => v === text)) {
        throw new SettingsError(`${field.label} must be one of ${field.choices.map(([v]) => v).join(', ')}, got ${got}`);
      }
      return text;
    }
    case 'text':
      if (text === '') throw new SettingsError(`${field.label} must not be empty`);
      return text;
  }
}

/** Reads every field from its raw text (by element id); the first bad one throws a SettingsError. */
export function parseSettings(raw: (id: string) => string): StudioSettings {
  const out: Record<string, unknown> = {};
  for (const f of SETTING_FIELDS) out[f.key] = parseField(f, raw(f.id));
  return out as unknown as StudioSettings;
}

/** A setting as the text its field shows. */
export function formatSetting(value: StudioSettings[keyof StudioSettings]): string {
  return value === null ? '' : String(value);
}
