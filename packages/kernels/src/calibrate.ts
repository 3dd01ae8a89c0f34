import { KernelBackendUnavailableError, KernelInputError } from './errors';
import { jsBackend } from './js';
import { mulberry32 } from './testing/random';
import {
  KERNEL_NAMES,
  type KernelBackend,
  type KernelName,
  type KernelTable,
  type Layout,
} from './types';

/** Default {@link CalibrationOptions.sizes}: 1 Ki to 4 Mi elements, by factors of 4. */
export const CALIBRATION_SIZES: readonly number[] = Object.freeze([
  2 ** 10,
  2 ** 12,
  2 ** 14,
  2 ** 16,
  2 ** 18,
  2 ** 20,
  2 ** 22,
]);

/** Options of {@link calibrateThresholds}. */
export interface CalibrationOptions {
  /** The backend to beat. Default `jsBackend()`. */
  readonly baseline?: KernelBackend;
  /** The kernels to measure. Default: every kernel both backends implement. */
  readonly kernels?: readonly KernelName[];
  /**
   * Input sizes in elements (what the runner compares with `minElements`: the length of
   * `rewards`, `values` or `contributions`). Positive integers; sorted and deduplicated here.
   * Default {@link CALIBRATION_SIZES}.
   */
  readonly sizes?: readonly number[];
  /**
   * Positions per row of the generated inputs (`gae`, `discountedReturns`, `spaRewards`): full
   * rows of this length, then one shorter row for the rest. Default 512.
   */
  readonly rowLength?: number;
  /**
   * Rounds per size. Each round times the baseline and the backend in turn (alternating which
   * goes first); the medians over the rounds are compared. Default 5.
   */
  readonly rounds?: number;
  /**
   * Each timing repeats the call until this many milliseconds have passed (at least once).
   * Default 20.
   */
  readonly minTimeMs?: number;
  /** The backend counts as faster at a size when baseline ms / backend ms ≥ this. Default 1. */
  readonly minSpeedup?: number;
  /** Seed of the generated inputs. Default 1. */
  readonly seed?: number;
  /** The clock, in milliseconds. Default `performance.now`. */
  readonly now?: () => number;
  /** Called after each measured size, e.g. to print progress. */
  readonly onMeasurement?: (measurement: CalibrationMeasurement) => void;
}

/** One kernel at one size. */
export interface CalibrationMeasurement {
  readonly kernel: KernelName;
  readonly elements: number;
  /** Median milliseconds per call of the baseline. */
  readonly baselineMs: number;
  /** Median milliseconds per call of the backend; NaN when it failed. */
  readonly backendMs: number;
  /** baselineMs / backendMs; 0 when the backend failed. */
  readonly speedup: number;
  /** The backend's error, when a call failed (the runner would fall back there). */
  readonly error?: string;
}

/** What {@link calibrateThresholds} measured. */
export interface Calibration {
  readonly backend: string;
  readonly baseline: string;
  /**
   * Per measured kernel: the smallest measured size from which the backend was at least
   * `minSpeedup` times as fast as the baseline at every larger measured size, or `Infinity`
   * when it was not at the largest one. Pass it to the backend's factory or to
   * `createKernelRunner({ minElements: { [backend]: … } })`.
   */
  readonly minElements: Partial<Record<KernelName, number>>;
  /** Every measurement, by kernel, then size. */
  readonly measurements: readonly CalibrationMeasurement[];
}

function positiveInteger(field: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new KernelInputError({
      field,
      reason: `expected an integer ≥ ${minimum}, got ${value}`,
    });
  }
  return value;
}

/** Full rows of `rowLength` positions, then one row of the rest. */
function layoutOf(size: number, rowLength: number): Layout {
  if (size <= rowLength) return { numRows: 1, numSteps: size };
  const fullRows = Math.floor(size / rowLength);
  if (fullRows * rowLength === size) return { numRows: fullRows, numSteps: rowLength };
  const offsets = new Int32Array(fullRows + 2);
  for (let row = 1; row <= fullRows; row++) offsets[row] = row * rowLength;
  offsets[fullRows + 1] = size;
  return { offsets };
}

function rowCount(layout: Layout): number {
  return 'offsets' in layout ? layout.offsets.length - 1 : layout.numRows;
}

function uniform(size: number, next: () => number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = next() * 2 - 1;
  return out;
}

function bernoulli(size: number, next: () => number, probability: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = next() < probability ? 1 : 0;
  return out;
}

/**
 * A call of `kernel` on seeded data of `size` elements: values uniform in [−1, 1), 5 % dones
 * (the benchmark's data), 60 % grounded steps, γ = 0.99, λ = 0.95.
 */
function makeCall(
  kernel: KernelName,
  size: number,
  rowLength: number,
  seed: number,
): (table: Partial<KernelTable>) => Promise<unknown> | undefined {
  const next = mulberry32(seed);
  const layout = layoutOf(size, rowLength);
  switch (kernel) {
    case 'gae': {
      const input = {
        layout,
        rewards: uniform(size, next),
        values: uniform(size, next),
        dones: bernoulli(size, next, 0.05),
        bootstrapValues: uniform(rowCount(layout), next),
        gamma: 0.99,
        lambda: 0.95,
      };
      return (table) => table.gae?.(input);
    }
    case 'discountedReturns': {
      const input = {
        layout,
        rewards: uniform(size, next),
        dones: bernoulli(size, next, 0.05),
        bootstrapValues: uniform(rowCount(layout), next),
        gamma: 0.99,
      };
      return (table) => table.discountedReturns?.(input);
    }
    case 'normalizeAdvantages': {
      const input = { values: uniform(size, next) };
      return (table) => table.normalizeAdvantages?.(input);
    }
    case 'spaRewards': {
      const input = {
        layout,
        contributions: uniform(size, next),
        grounded: bernoulli(size, next, 0.6),
      };
      return (table) => table.spaRewards?.(input);
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Measures, on this machine, from which input size `backend` runs each kernel faster than a
 * baseline (default `jsBackend()`), so that a runner picks it only there: the "measured size
 * thresholds" of the backends' `minElements`, including, for `webgpu`, the transfers.
 *
 * @remarks
 * For each kernel and size it generates one seeded input, calls both backends once to warm up
 * (compiles, caches, worker pools), then times them in `rounds` interleaved rounds and compares
 * the medians. The kernels' public calls are timed as an application makes them: outputs are
 * allocated per call. A backend error other than a `KernelInputError` is recorded (the backend
 * then counts as slower at that size, as the runner would fall back there); input errors are
 * rethrown. Timings on a busy or shared machine are noisy: raise `rounds` or `minSpeedup` to
 * ask for a clearer margin.
 *
 * @example
 * ```ts
 * const gpu = webgpuBackend();
 * const { minElements } = await calibrateThresholds(gpu);
 * const runner = createKernelRunner({
 *   backends: [jsBackend(), gpu],
 *   enable: ['webgpu'],
 *   minElements: { webgpu: minElements },
 * });
 * ```
 *
 * @throws KernelBackendUnavailableError when either backend is unavailable.
 * @throws KernelInputError for an invalid option or a kernel one of them does not implement.
 */
export async function calibrateThresholds(
  backend: KernelBackend,
  options: CalibrationOptions = {},
): Promise<Calibration> {
  const baseline = options.baseline ?? jsBackend();
  const rowLength = positiveInteger('options.rowLength', options.rowLength ?? 512, 1);
  const rounds = positiveInteger('options.rounds', options.rounds ?? 5, 1);
  const seed = positiveInteger('options.seed', options.seed ?? 1, 0);
  const minTimeMs = options.minTimeMs ?? 20;
  if (!(minTimeMs >= 0 && Number.isFinite(minTimeMs))) {
    throw new KernelInputError({
      field: 'options.minTimeMs',
      reason: `expected a finite number ≥ 0, got ${minTimeMs}`,
    });
  }
  const minSpeedup = options.minSpeedup ?? 1;
  if (!(minSpeedup > 0 && Number.isFinite(minSpeedup))) {
    throw new KernelInputError({
      field: 'options.minSpeedup',
      reason: `expected a finite number > 0, got ${minSpeedup}`,
    });
  }
  const sizeList = options.sizes ?? CALIBRATION_SIZES;
  if (sizeList.length === 0) {
    throw new KernelInputError({ field: 'options.sizes', reason: 'expected at least one size' });
  }
  for (const [index, size] of sizeList.entries())
    positiveInteger(`options.sizes[${index}]`, size, 1);
  const sizes = [...new Set(sizeList)].sort((a, b) => a - b);
  const both = KERNEL_NAMES.filter(
    (kernel) => backend.kernels[kernel] !== undefined && baseline.kernels[kernel] !== undefined,
  );
  const kernels = options.kernels ?? both;
  for (const [index, kernel] of kernels.entries()) {
    if (!both.includes(kernel)) {
      const which = !KERNEL_NAMES.includes(kernel)
        ? `unknown kernel; accepted: ${KERNEL_NAMES.join(', ')}`
        : `${backend.name} and ${baseline.name} do not both implement it; both implement: ${both.join(', ') || 'none'}`;
      throw new KernelInputError({
        field: `options.kernels[${index}]`,
        reason: `"${kernel}": ${which}`,
      });
    }
  }
  for (const candidate of [backend, baseline]) {
    if (!(await candidate.isAvailable().catch(() => false))) {
      throw new KernelBackendUnavailableError(
        candidate.name,
        candidate.unavailableReason?.() ?? 'isAvailable() resolved false',
      );
    }
  }
  const now = options.now ?? (() => performance.now());

  const time = async (call: () => Promise<unknown> | undefined): Promise<number> => {
    const start = now();
    let calls = 0;
    let elapsed = 0;
    do {
      await call();
      calls++;
      elapsed = now() - start;
    } while (elapsed < minTimeMs);
    return elapsed / calls;
  };

  const measurements: CalibrationMeasurement[] = [];
  const minElements: Partial<Record<KernelName, number>> = {};
  for (const kernel of kernels) {
    const measured: CalibrationMeasurement[] = [];
    for (const size of sizes) {
      const call = makeCall(kernel, size, rowLength, seed);
      const baselineTimes: number[] = [];
      const backendTimes: number[] = [];
      let failure: string | undefined;
      // A backend error other than an input error is recorded; the baseline's propagate.
      const onBackend = async (run: () => Promise<unknown>): Promise<void> => {
        if (failure !== undefined) return;
        try {
          await run();
        } catch (error) {
          if (KernelInputError.isInstance(error)) throw error;
          failure = errorText(error);
        }
      };
      const timeBackend = () =>
        onBackend(async () => backendTimes.push(await time(() => call(backend.kernels))));
      const timeBaseline = async () => baselineTimes.push(await time(() => call(baseline.kernels)));
      try {
        await call(baseline.kernels);
        await onBackend(async () => call(backend.kernels));
        for (let round = 0; round < rounds; round++) {
          // Alternate which goes first, so that neither always runs on a warmer cache.
          if (round % 2 === 1) await timeBackend();
          await timeBaseline();
          if (round % 2 === 0) await timeBackend();
        }
      } catch (error) {
        if (KernelInputError.isInstance(error)) throw error;
        throw new Error(
          `calibrating ${kernel} at ${size} elements on ${baseline.name}: ${errorText(error)}`,
          {
            cause: error,
          },
        );
      }
      const baselineMs = median(baselineTimes);
      const measurement: CalibrationMeasurement =
        failure === undefined
          ? {
              kernel,
              elements: size,
              baselineMs,
              backendMs: median(backendTimes),
              speedup: baselineMs / median(backendTimes),
            }
          : {
              kernel,
              elements: size,
              baselineMs,
              backendMs: Number.NaN,
              speedup: 0,
              error: failure,
            };
      measured.push(measurement);
      measurements.push(measurement);
      options.onMeasurement?.(measurement);
    }
    let threshold = Number.POSITIVE_INFINITY;
    for (let i = measured.length - 1; i >= 0; i--) {
      const measurement = measured[i] as CalibrationMeasurement;
      if (!(measurement.speedup >= minSpeedup)) break;
      threshold = measurement.elements;
    }
    minElements[kernel] = threshold;
  }
  return { backend: backend.name, baseline: baseline.name, minElements, measurements };
}
