/**
 * `@spa/lm`: the small decoder-only language model that the SPA agent and the progress
 * estimator share, on TensorFlow.js — tokenizer, transformer, generation with a key/value cache,
 * scalar heads, context builder, AdamW, checkpoints and backend selection.
 *
 * @packageDocumentation
 */
export {
  BACKEND_NAMES,
  type BackendInfo,
  type BackendName,
  BackendUnavailableError,
  ensureBackend,
  type SelectBackendOptions,
  selectBackend,
} from './backend';
export {
  CHECKPOINT_FILE,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointContent,
  CheckpointError,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
export {
  ContextBuilder,
  type ContextBuilderOptions,
  type ContextTokenizer,
  type EncodedAction,
  type EncodedEpisode,
  type EpisodeStep,
} from './context';
export {
  type CreateLanguageModelOptions,
  createLanguageModel,
  type LanguageModel,
  type LoadedLanguageModel,
  loadLanguageModel,
  type SaveLanguageModelOptions,
  saveLanguageModel,
} from './language-model';
export {
  countParameters,
  createModelConfig,
  MODEL_PRESETS,
  type ModelConfig,
  type ModelConfigInput,
  type ModelPresetName,
  type PositionEncoding,
  parameterShapes,
  validateModelConfig,
} from './model/config';
export { type GenerateOptions, type GenerateResult, generate } from './model/generate';
export {
  type ForwardOptions,
  type NamedWeights,
  TransformerLM,
  type WeightData,
} from './model/model';
export { gatherRows, pickLogProbs, scatterAddRows } from './model/ops';
export * from './tokenizer/index';
export {
  flatPositions,
  hiddenAt,
  type PaddedBatch,
  padSequences,
  tokenLogProbs,
} from './train/batch';
export {
  AdamW,
  type AdamWOptions,
  type LearningRateSchedule,
  learningRateAt,
  type NamedVariable,
  type OptimizerState,
  type OptimizerStepReport,
} from './train/optimizer';
