// The public API. Grouped by pipeline stage; each config type is exported beside its operator.

// Corpus: vocabulary and windows
export { buildVocabulary, vocabularyFromChars, encode, decode, type Vocabulary } from './corpus/vocabulary.js';
export { createCorpus, type Corpus } from './corpus/corpus.js';
export { windows, type Window, type WindowCursor, type WindowsConfig } from './corpus/windows.js';
export {
  splitCorpus,
  defaultValidationFraction,
  DEFAULT_VALIDATION_FRACTION,
  MIN_VALIDATION_WINDOWS,
  type CorpusSplit,
} from './corpus/split.js';

// Model: parameters, kernels, sampling
export {
  PARAM_NAMES,
  paramShapes,
  parameterCount,
  paramsView,
  zerosLike,
  copyParams,
  initParams,
  gaussian,
  type ParamName,
  type Params,
} from './model/params.js';
export type { Kernel, Model } from './model/kernel.js';
export { referenceKernel, forward, backward } from './model/reference.js';
export { jsKernel } from './model/jsKernel.js';
export { wasmKernel, wasmSimdAvailable } from './model/wasmKernel.js';
export { defaultKernel, kernelByName, KERNEL_NAMES, type KernelName } from './model/kernels.js';
export { drawIndex, argmax, sampleIndices } from './model/sampling.js';
export { clipInPlace } from './model/clip.js';
export { seededRandom, restoreRandom, type SeededRandom, type RandomState } from './model/rng.js';
export { generate, defaultPrime, drawTopK, type GenerateConfig } from './model/generate.js';

// Operators: the stages of the pipeline
export type { TrainingStep } from './operators/step.js';
export { lossFun, type LossFunConfig } from './operators/lossFun.js';
export { sampleEvery, type SampleEveryConfig, type Sample, type SampledStep } from './operators/sampleEvery.js';
export { smoothLoss, type SmoothLossConfig } from './operators/smoothLoss.js';
export { clipByValue } from './operators/clipByValue.js';
export { clipByGlobalNorm, globalNorm } from './operators/clipByGlobalNorm.js';
export {
  evaluateEvery,
  evaluateStep,
  heldOutLoss,
  type EvaluateEveryConfig,
  type Evaluation,
  type EvaluatedStep,
} from './operators/evaluateEvery.js';

// Optimizers (the contract: docs/optimizers.md)
export {
  copyOptimizerState,
  initialSlot,
  type OptimizerState,
  type OptimizedStep,
  type Hyperparameter,
} from './optimizers/optimizer.js';
export {
  optimizerStage,
  type OptimizerDefinition,
  type OptimizerOperator,
  type OptimizerOptions,
  type HyperparameterRule,
} from './optimizers/stage.js';
export { sgd, sgdUpdate, type SgdConfig } from './optimizers/sgd.js';
export { momentum, nesterov, momentumUpdate, nesterovUpdate, type MomentumConfig } from './optimizers/momentum.js';
export { rmsprop, rmspropUpdate, type RmspropConfig } from './optimizers/rmsprop.js';
export { adam, adamUpdate, type AdamConfig } from './optimizers/adam.js';
export { adamw, type AdamwConfig } from './optimizers/adamw.js';
export { adagrad, adagradUpdate, type AdagradConfig } from './optimizers/adagrad.js';
export {
  stepDecay,
  exponentialDecay,
  cosineDecay,
  linearWarmup,
  constantSchedule,
  createSchedule,
  parseSchedule,
  formatSchedule,
  type Schedule,
  type ScheduleSpec,
} from './optimizers/schedules.js';
export {
  createOptimizer,
  resolveOptimizerSpec,
  OPTIMIZER_NAMES,
  OPTIMIZER_DEFAULTS,
  type OptimizerName,
  type OptimizerSpec,
} from './optimizers/registry.js';

// Pipeline composition
export {
  train,
  trainingSteps,
  resolveTrainConfig,
  trainingOptimizerSpec,
  type Training,
  type TrainConfig,
  type ResolvedTrainConfig,
  type ResumeState,
  type ValidationConfig,
  type TrainedStep,
  type TrainedModel,
  type TrainingResult,
  type TrainingEndReason,
  type LossRecord,
} from './pipeline/train.js';

// Checkpoints (format 1, JSON, with training state) and safetensors export
export {
  serializeCheckpoint,
  serializeTrainingCheckpoint,
  parseCheckpoint,
  numberJson,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type ModelSnapshot,
} from './checkpoint/format.js';
export {
  snapshotTraining,
  resumeConfig,
  resumeStateOf,
  trainingCheckpoint,
  recordLoss,
  encodeTrainingState,
  decodeTrainingState,
  MAX_LOSS_HISTORY,
  type TrainingCheckpoint,
  type TrainingState,
  type TrainingHyperparameters,
  type CorpusFingerprint,
  type ValidationState,
  type SnapshotInfo,
  type SnapshotStep,
} from './checkpoint/training.js';
export {
  encodeSafetensors,
  decodeSafetensors,
  encodeModelSafetensors,
  decodeModelSafetensors,
  modelMetadata,
  isSafetensors,
  MAX_HEADER_BYTES,
  type TensorEntry,
  type DecodedTensor,
  type SafetensorsContents,
} from './checkpoint/safetensors.js';
export { decodeCheckpoint, type LoadedCheckpoint } from './checkpoint/decode.js';

// Plotting
export { lineChartSvg, type Series, type LineChartConfig } from './plot/lineChart.js';
export { lossChartSvg, type LossChartData, type LossChartConfig } from './plot/lossChart.js';

// Errors
export { ConfigError, CorpusError, CheckpointError, NonFiniteLossError } from './errors.js';
