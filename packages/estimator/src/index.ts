/**
 * `@spa/estimator`: SPA's progress estimator on an `@spa/lm` transformer — per-step
 * contributions c_t whose sum matches the final reward, held-out metrics and streaming
 * annotation of trajectory files.
 *
 * @packageDocumentation
 */
export {
  type AnnotateOptions,
  type AnnotateProgressEvent,
  type AnnotateReport,
  annotateTrajectories,
  annotateTrajectoryStream,
} from './annotate';
export {
  CONTRIBUTION_HEAD,
  type CreateEstimatorOptions,
  type EstimatorContextOptions,
  type EstimatorEpochEvent,
  type FromLanguageModelOptions,
  progressLoss,
  type TransformerFitOptions,
  type TransformerFitReport,
  TransformerProgressEstimator,
} from './estimator';
export {
  evaluateContributions,
  type HeldOutMetrics,
  type HeldOutMetricsOptions,
  heldOutMetricsFromSums,
  pearsonCorrelation,
  spearmanCorrelation,
} from './metrics';
