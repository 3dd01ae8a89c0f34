/**
 * `@spa/kernels/testing`: the shared kernel conformance suite. Uses `vitest` and `fast-check`
 * (optional peer dependencies); import it from test files only.
 *
 * @packageDocumentation
 */
export {
  firstDifference,
  type KernelConformanceOptions,
  runKernelConformance,
  ulpDistance,
} from './conformance';
