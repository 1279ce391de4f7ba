// The public API. Grouped by pipeline stage; each config type is exported beside its operator.

// Corpus: vocabulary and windows
export { buildVocabulary, vocabularyFromChars, encode, decode, type Vocabulary } from './corpus/vocabulary.js';
export { createCorpus, type Corpus } from './corpus/corpus.js';
export { windows, type Window, type WindowCursor, type WindowsConfig } from './corpus/windows.js';

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

// Operators: the stages of the pipeline
export type { TrainingStep } from './operators/step.js';
export { lossFun, type LossFunConfig } from './operators/lossFun.js';
export { sampleEvery, type SampleEveryConfig, type Sample, type SampledStep } from './operators/sampleEvery.js';
export { smoothLoss, type SmoothLossConfig } from './operators/smoothLoss.js';

// Optimizers
export { adagrad, adagradUpdate, type AdagradConfig } from './optimizers/adagrad.js';
export { copyOptimizerState, type OptimizerState, type OptimizedStep } from './optimizers/optimizer.js';

// Pipeline composition
export {
  train,
  trainingSteps,
  resolveTrainConfig,
  type Training,
  type TrainConfig,
  type ResolvedTrainConfig,
  type ResumeState,
  type TrainedStep,
  type LossRecord,
} from './pipeline/train.js';

// Checkpoints (format 1, JSON)
export {
  serializeCheckpoint,
  parseCheckpoint,
  numberJson,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type ModelSnapshot,
} from './checkpoint/format.js';

// Errors
export { ConfigError, CorpusError, CheckpointError, NonFiniteLossError } from './errors.js';
