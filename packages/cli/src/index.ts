/**
 * `@spa/cli`: the `spa` command line (`spa demo` so far) and its pieces for programmatic use.
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
export * from './plot/index';
export { createProgram, type ProgramIO, runCli } from './program';
