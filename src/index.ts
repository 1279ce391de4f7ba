// The public API. Grouped by pipeline stage; each config type is exported beside its operator.

// Corpus: vocabulary and windows
export { buildVocabulary, vocabularyFromChars, encode, decode, requireScalarValues, type Vocabulary } from './corpus/vocabulary.js';
export { createCorpus, idSlice, type Corpus, type CorpusIds } from './corpus/corpus.js';
export { corpusFromChunks, idArrayFor, type ByteChunks, type CorpusFromChunksConfig } from './corpus/stream.js';
export { windows, type Window, type WindowCursor, type WindowsConfig } from './corpus/windows.js';
export {
  splitCorpus,
  defaultValidationFraction,
  DEFAULT_VALIDATION_FRACTION,
  MAX_DEFAULT_VALIDATION_LENGTH,
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
} from './model/rnn/classic/params.js';
export type { Kernel, Model } from './model/kernel.js';
export {
  MODEL_TYPES,
  PRECISIONS,
  classicSpec,
  resolveModelSpec,
  isClassicSpec,
  describeSpec,
  type ModelType,
  type Precision,
  type ModelSpec,
  type ResolvedModelSpec,
} from './model/spec.js';
export {
  layoutTensors,
  tensorOf,
  tensorSize,
  type TensorShape,
  type ParamTensor,
  type ModelParams,
} from './model/tensors.js';
export {
  familyOf,
  paramTable,
  torchTable,
  modelParameterCount,
  stateSize,
  modelParams,
  initModel,
  matchesTable,
} from './model/families.js';
export type { ModelFamily, Cell, CellInput, LayerWeights } from './model/cell.js';
export { rnnFamily } from './model/rnn/cell.js';
export { lstmFamily } from './model/lstm/cell.js';
export { gruFamily } from './model/gru/cell.js';
export type { Network, Sampler } from './model/network.js';
export { createNetwork, classicNetwork, networkKernelName, type NetworkOptions } from './model/networks.js';
export { createStackNetwork, stackWeights, outputForward, outputBackward, type StackWeights } from './model/stack.js';
export { sigmoid } from './math/sigmoid.js';
export { referenceKernel, forward, backward } from './model/rnn/classic/reference.js';
export { jsKernel } from './model/rnn/classic/jsKernel.js';
export { wasmKernel, wasmKernelWithThreads, wasmSimdAvailable, WASM_MAX_BYTES } from './model/rnn/classic/wasmKernel.js';
export type { MatrixThreads } from './model/batched/threads.js';
export { browserThreadsAvailable, createBrowserMatrixThreads } from './model/batched/browserThreads.js';
export type { PoolWorker } from './model/batched/browserThreads.js';
export {
  trainingMemoryBytes,
  rnnActivations,
  formatBytes,
  JSON_BYTES_PER_NUMBER,
  MAX_ARRAY_LENGTH,
  type TrainingMemory,
} from './model/memory.js';
export { defaultKernel, kernelByName, KERNEL_NAMES, type KernelName } from './model/kernels.js';
export { drawIndex, argmax, sampleIndices } from './model/sampling.js';
export { clipInPlace } from './model/clip.js';
export { seededRandom, restoreRandom, type SeededRandom, type RandomState } from './model/rng.js';
export { generate, defaultPrime, drawTopK, type GenerateConfig } from './model/generate.js';

// Operators: the stages of the pipeline
export type { TrainingStep } from './operators/step.js';
export { lossFun, drawDropoutMasks, type LossFunConfig } from './operators/lossFun.js';
export { sampleEvery, type SampleEveryConfig, type Sample, type SampledStep } from './operators/sampleEvery.js';
export { smoothLoss, type SmoothLossConfig } from './operators/smoothLoss.js';
export { clipByValue } from './operators/clipByValue.js';
export {
  guardNonFinite,
  type GuardNonFiniteConfig,
  type NonFiniteRecord,
  type GuardedStep,
} from './optimizers/guardNonFinite.js';
export {
  diagnostics,
  type DiagnosticsConfig,
  type Diagnostics,
  type TensorDiagnostics,
  type DiagnosedStep,
} from './operators/diagnostics.js';
export { tensorViews, type TensorView } from './model/tensors.js';
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
  type OptimizerControl,
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

// Checkpoints (formats 1 and 2, JSON, with training state) and safetensors (classic and PyTorch names)
export {
  serializeCheckpoint,
  serializeTrainingCheckpoint,
  parseCheckpoint,
  numberJson,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CHECKPOINT_VERSION_MODELS,
  checkpointVersion,
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
  torchTensors,
  isSafetensors,
  MAX_HEADER_BYTES,
  type TensorEntry,
  type DecodedTensor,
  type SafetensorsContents,
  type SafetensorsExportOptions,
} from './checkpoint/safetensors.js';
export { decodeCheckpoint, type LoadedCheckpoint } from './checkpoint/decode.js';

// Plotting
export { lineChartSvg, type Series, type LineChartConfig } from './plot/lineChart.js';
export { lossChartSvg, type LossChartData, type LossChartConfig } from './plot/lossChart.js';

// Numerics: elementary functions in IEEE arithmetic only, the same bits on every engine (use them in
// your own optimizers and schedules to keep that guarantee)
export { exp, log, expm1, tanh, tanhInPlace, cos, sin, powInt } from './math/elementary.js';

// Errors
export { ConfigError, CorpusError, CheckpointError, NonFiniteLossError, OutputError } from './errors.js';
