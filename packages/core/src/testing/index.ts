/**
 * Test helpers for code built on `@spa/core`: a scripted env with a known optimum, a
 * long-horizon corridor where one early action decides the outcome, scripted policies, a
 * least-squares progress estimator, and `checkEnv` for new env implementations.
 *
 * @packageDocumentation
 */
export { type CheckEnvOptions, type CheckEnvReport, checkEnv } from './check-env';
export {
  COLOURS,
  CORRECT_KEY,
  CORRIDOR_TASKS,
  corridorDemonstration,
  createCorridorEnv,
  TabularProgressEstimator,
} from './corridor';
export {
  createScriptedEnv,
  generateScriptedTasks,
  NOTHING_HAPPENS,
  type ScriptedAction,
  type ScriptedEnvOptions,
  type ScriptedStepInfo,
  type ScriptedTask,
} from './scripted-env';
export { createRandomPolicy, createScriptedExpert } from './scripted-policies';
