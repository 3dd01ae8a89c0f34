/**
 * `@spa/cli`: the `spa` command line (demo, pipeline, compare, the stage commands, eval, plot,
 * bench) and its pieces for programmatic use.
 *
 * @packageDocumentation
 */

export {
  type BenchResults,
  benchPackages,
  benchTable,
  readBenchResults,
  runPackageBench,
} from './bench';
export {
  DEMO_PRESETS,
  type DemoConfig,
  type DemoPresetName,
  demoConfigSchema,
  parseConfig,
  readConfigFile,
  resolveDemoConfig,
} from './config';
export {
  type DemoResult,
  type DemoRunResult,
  decisiveProbability,
  demoSummary,
  type Reporter,
  runDemo,
} from './demo';
export { ConfigValidationError } from './errors';
export {
  CLI_ENVS,
  type CliEnvName,
  createCliEnv,
  type RunEvaluationOptions,
  runEvaluation,
} from './eval';
export {
  COMPARE_SCHEMES,
  PIPELINE_PRESETS,
  PIPELINE_SCHEMES,
  type PipelineConfig,
  type PipelineEnv,
  type PipelinePresetName,
  parseAssignment,
  pipelineConfigHelp,
  pipelineConfigSchema,
  type ResolvePipelineInput,
  resolvePipelineConfig,
  validatePipelineConfig,
} from './pipeline/config';
export { ppoRunNames, runPaths } from './pipeline/paths';
export { writePipelinePlots } from './pipeline/plots';
export {
  type BcStageReport,
  evaluationTasks,
  loadSftPolicy,
  meanStd,
  openRun,
  type PipelineResult,
  type PipelineRun,
  type PolicyEvaluationRow,
  type PpoRunReport,
  pipelineSummary,
  runBcStage,
  runEstimatorStage,
  runEvalStage,
  runExploreStage,
  runPipeline,
  runPpoStage,
  summaryOfTrajectories,
  writeResults,
} from './pipeline/run';
export * from './plot/index';
export { createProgram, type ProgramIO, runCli } from './program';
