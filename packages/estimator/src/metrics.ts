import {
  InvalidArgumentError,
  type ProgressMetrics,
  progressEstimatorMetrics,
  ShapeMismatchError,
  type Trajectory,
} from '@spa/core';

/**
 * Held-out accuracy of a progress estimator: core's {@link ProgressMetrics} plus how well the
 * predicted sums Σ_t c_t rank the trajectories by outcome.
 */
export interface HeldOutMetrics extends ProgressMetrics {
  /**
   * Spearman rank correlation between Σ_t c_t and R over the trajectories, in [−1, 1].
   *
   * @remarks
   * `NaN` when it is undefined: fewer than 2 trajectories, or Σc or R takes a single value
   * (e.g. every trajectory failed), as `scipy.stats.spearmanr` does.
   */
  readonly rankCorrelation: number;
}

/** Options of {@link evaluateContributions} and {@link heldOutMetricsFromSums}. */
export interface HeldOutMetricsOptions {
  /** Tolerance of `withinTolerance`, ≥ 0. Default `0.1` (the reference code). */
  readonly tolerance?: number;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** Validates one side of a correlation: an array of ≥ 2 finite numbers. */
function assertSample(field: string, values: readonly number[]): void {
  if (!Array.isArray(values)) {
    throw new InvalidArgumentError({
      field,
      reason: `expected an array of numbers, got ${describeValue(values)}`,
    });
  }
  for (let index = 0; index < values.length; index++) {
    const value: unknown = values[index];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidArgumentError({
        field: `${field}[${index}]`,
        reason: `expected a finite number, got ${describeValue(value)}`,
      });
    }
  }
}

function assertPairedSamples(x: readonly number[], y: readonly number[]): void {
  assertSample('x', x);
  assertSample('y', y);
  if (y.length !== x.length) {
    throw new ShapeMismatchError({ field: 'y', expected: x.length, actual: y.length });
  }
  if (x.length < 2) {
    throw new InvalidArgumentError({
      field: 'x',
      reason: `needs at least 2 points for a correlation, got ${x.length}`,
    });
  }
}

/** True when every element equals the first (zero variance, tested exactly, not via rounding). */
function isConstant(values: readonly number[]): boolean {
  const first = values[0];
  for (const value of values) if (value !== first) return false;
  return true;
}

/** Pearson correlation of validated, equally long samples; `NaN` when one side is constant. */
function pearsonUnchecked(x: readonly number[], y: readonly number[]): number {
  if (isConstant(x) || isConstant(y)) return Number.NaN;
  const count = x.length;
  let sumX = 0;
  let sumY = 0;
  for (let index = 0; index < count; index++) {
    sumX += x[index] as number;
    sumY += y[index] as number;
  }
  const meanX = sumX / count;
  const meanY = sumY / count;
  // Two-pass (centred) sums: no cancellation from Σx² − n·mean².
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let index = 0; index < count; index++) {
    const deviationX = (x[index] as number) - meanX;
    const deviationY = (y[index] as number) - meanY;
    covariance += deviationX * deviationY;
    varianceX += deviationX * deviationX;
    varianceY += deviationY * deviationY;
  }
  const correlation = covariance / Math.sqrt(varianceX * varianceY);
  // Rounding can push |r| a hair past 1.
  return Math.min(1, Math.max(-1, correlation));
}

/**
 * 1-based ranks of `values`, tied values sharing the average of the ranks they span
 * (`scipy.stats.rankdata(method='average')`).
 */
function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, index) => index);
  order.sort((left, right) => (values[left] as number) - (values[right] as number));
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    const value = values[order[start] as number];
    while (end < order.length && values[order[end] as number] === value) end++;
    // Positions start..end−1 (0-based) hold ranks start+1..end; their mean is (start+1+end)/2.
    const rank = (start + 1 + end) / 2;
    for (let position = start; position < end; position++) ranks[order[position] as number] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Pearson product-moment correlation of two paired samples.
 *
 * @remarks
 * r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)²·Σ(y−ȳ)²), computed with centred sums and clamped to [−1, 1].
 * Returns `NaN` when either sample has zero variance (all its values equal), where r is
 * undefined; the check is exact, so a constant sample never yields a rounding-noise value.
 *
 * @example
 * ```ts
 * pearsonCorrelation([1, 2, 3], [1, 2, 4]); // 3 / √(28/3) ≈ 0.98198
 * ```
 *
 * @param x - first sample, shape `[n]`, n ≥ 2, finite.
 * @param y - second sample, shape `[n]`, finite.
 * @throws InvalidArgumentError — `x` or `y` not an array, a non-finite `x[i]` / `y[i]`, fewer
 *   than 2 points (`x`).
 * @throws ShapeMismatchError — `y` and `x` differ in length (`y`).
 */
export function pearsonCorrelation(x: readonly number[], y: readonly number[]): number {
  assertPairedSamples(x, y);
  return pearsonUnchecked(x, y);
}

/**
 * Spearman rank correlation of two paired samples: the Pearson correlation of their ranks.
 *
 * @remarks
 * Ties get the average of the ranks they span, so the result equals
 * `scipy.stats.spearmanr(x, y).correlation`. 1 for any strictly increasing relation, −1 for a
 * strictly decreasing one. Returns `NaN` when either sample has zero variance (all its values
 * equal), where the correlation is undefined.
 *
 * @example
 * ```ts
 * spearmanCorrelation([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);
 * // ranks of y: [1, 2, 3.5, 5, 3.5] → 8 / √95 ≈ 0.82078
 * ```
 *
 * @param x - first sample, shape `[n]`, n ≥ 2, finite.
 * @param y - second sample, shape `[n]`, finite.
 * @throws InvalidArgumentError — `x` or `y` not an array, a non-finite `x[i]` / `y[i]`, fewer
 *   than 2 points (`x`).
 * @throws ShapeMismatchError — `y` and `x` differ in length (`y`).
 */
export function spearmanCorrelation(x: readonly number[], y: readonly number[]): number {
  assertPairedSamples(x, y);
  return pearsonUnchecked(averageRanks(x), averageRanks(y));
}

/**
 * {@link HeldOutMetrics} from already-summed predictions Σ_t c_t and outcomes R.
 *
 * @remarks
 * For callers that accumulate sums incrementally instead of holding every trajectory
 * (e.g. `annotateTrajectories`). Error metrics come from `@spa/core`'s
 * `progressEstimatorMetrics`; `rankCorrelation` is {@link spearmanCorrelation} of `sums` and
 * `targets`, or `NaN` with fewer than 2 trajectories.
 *
 * @param sums - Σ_t c_t per trajectory, shape `[numTrajectories]`, numTrajectories ≥ 1, finite.
 * @param targets - R per trajectory, shape `[numTrajectories]`, finite.
 * @throws InvalidArgumentError — empty or non-finite `predictions` / `targets` (core's field
 *   names), `options.tolerance` negative or non-finite.
 * @throws ShapeMismatchError — `targets` and `sums` differ in length (`targets`).
 */
export function heldOutMetricsFromSums(
  sums: readonly number[],
  targets: readonly number[],
  options: HeldOutMetricsOptions = {},
): HeldOutMetrics {
  const metrics = progressEstimatorMetrics({
    predictions: sums,
    targets,
    ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
  });
  const rankCorrelation =
    sums.length < 2 ? Number.NaN : pearsonUnchecked(averageRanks(sums), averageRanks(targets));
  return { ...metrics, rankCorrelation };
}

/**
 * Scores predicted contributions against the trajectories' final rewards: MSE, MAE,
 * share within tolerance and means of Σ_t c_t vs R (core's `progressEstimatorMetrics`), plus
 * the Spearman rank correlation between Σ_t c_t and R.
 *
 * @remarks
 * Row i of `contributions` belongs to `trajectories[i]` and must hold one finite number per
 * step. `rankCorrelation` is `NaN` when undefined (fewer than 2 trajectories, or all sums or
 * all rewards equal).
 *
 * @example
 * ```ts
 * const contributions = await estimator.predict(validation);
 * const { mse, withinTolerance, rankCorrelation } = evaluateContributions(contributions, validation);
 * ```
 *
 * @param contributions - c_t per trajectory, shape `[numTrajectories][numSteps_i]`.
 * @param trajectories - the scored trajectories, numTrajectories ≥ 1.
 * @throws ShapeMismatchError — `contributions` has not one row per trajectory
 *   (`contributions`), or row i has not one value per step of trajectory i (the message names
 *   the row, the trajectory's `taskId`, its step count and the row's length).
 * @throws InvalidArgumentError — empty `trajectories`, a row that is not an array, a non-finite
 *   `contributions[i][t]`, `options.tolerance` negative or non-finite.
 */
export function evaluateContributions(
  contributions: readonly (readonly number[])[],
  trajectories: readonly Trajectory[],
  options: HeldOutMetricsOptions = {},
): HeldOutMetrics {
  if (!Array.isArray(trajectories)) {
    throw new InvalidArgumentError({
      field: 'trajectories',
      reason: `expected an array of trajectories, got ${describeValue(trajectories)}`,
    });
  }
  if (trajectories.length === 0) {
    throw new InvalidArgumentError({ field: 'trajectories', reason: 'must not be empty' });
  }
  if (!Array.isArray(contributions)) {
    throw new InvalidArgumentError({
      field: 'contributions',
      reason: `expected an array of rows, got ${describeValue(contributions)}`,
    });
  }
  if (contributions.length !== trajectories.length) {
    throw new ShapeMismatchError({
      field: 'contributions',
      expected: trajectories.length,
      actual: contributions.length,
    });
  }
  const sums = new Array<number>(trajectories.length);
  const targets = new Array<number>(trajectories.length);
  for (let index = 0; index < trajectories.length; index++) {
    const trajectory = trajectories[index] as Trajectory;
    const row: unknown = contributions[index];
    const field = `contributions[${index}]`;
    if (!Array.isArray(row)) {
      throw new InvalidArgumentError({
        field,
        reason: `expected an array of numbers, got ${describeValue(row)}`,
      });
    }
    if (row.length !== trajectory.steps.length) {
      throw new ShapeMismatchError({
        field: `${field} (trajectory ${index}, taskId ${JSON.stringify(trajectory.taskId)}, ${trajectory.steps.length} steps)`,
        expected: trajectory.steps.length,
        actual: row.length,
      });
    }
    let sum = 0;
    for (let step = 0; step < row.length; step++) {
      const value: unknown = row[step];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidArgumentError({
          field: `${field}[${step}]`,
          reason: `expected a finite number, got ${describeValue(value)}`,
        });
      }
      sum += value;
    }
    sums[index] = sum;
    targets[index] = trajectory.finalReward;
  }
  return heldOutMetricsFromSums(sums, targets, options);
}
