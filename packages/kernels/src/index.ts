/**
 * `@spa/kernels`: advantage, GAE, return and SPA-reward kernels over row-major (dense or ragged)
 * Float32Arrays, with a backend runner. The root exports the `js` reference backend; gpu.js
 * backends live in `@spa/kernels/gpu`.
 *
 * @packageDocumentation
 */
export {
  CALIBRATION_SIZES,
  type Calibration,
  type CalibrationMeasurement,
  type CalibrationOptions,
  calibrateThresholds,
} from './calibrate';
export { KernelBackendUnavailableError, KernelInputError } from './errors';
export { jsBackend } from './js';
export { type ResolvedLayout, resolveLayout } from './layout';
export {
  createKernelRunner,
  type FallbackEvent,
  type KernelRunner,
  type KernelRunnerOptions,
} from './runner';
export * from './types';
