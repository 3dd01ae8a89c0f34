import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  computeSpaRewards,
  InvalidArgumentError,
  type ProgressEstimator,
  parseTrajectoriesJsonl,
  ShapeMismatchError,
  type Trajectory,
  validateTrajectory,
} from '@spa/core';
import { openTrajectoryWriter } from '@spa/core/node';
import { type HeldOutMetrics, heldOutMetricsFromSums } from './metrics';

/** Progress of an annotation run, reported after each batch has been emitted (written). */
export interface AnnotateProgressEvent {
  /** Trajectories annotated so far. */
  readonly trajectories: number;
  /** Steps (contributions) annotated so far. */
  readonly steps: number;
}

/** Options of {@link annotateTrajectories} and {@link annotateTrajectoryStream}. */
export interface AnnotateOptions {
  /** Trajectories per `estimator.predict` call, an integer ≥ 1. Default `32`. */
  readonly batchSize?: number;
  /** Cancels the run: checked before and after every `predict` call and on every input line. */
  readonly signal?: AbortSignal;
  /** Called after each batch has been emitted, with running totals. */
  readonly onProgress?: (event: AnnotateProgressEvent) => void;
  /**
   * When given, each trajectory also gets `rewards` = SPA's step rewards r_t = α·c_t + β·g_t
   * from the new contributions (core's `computeSpaRewards`, the reference code's convention that
   * the final step counts as grounded). `alpha` defaults to `1`, `beta` to `0.5` (paper). When
   * absent, an existing `rewards` field is kept as it is.
   */
  readonly rewards?: { readonly alpha?: number; readonly beta?: number };
  /** Tolerance of the report's `metrics.withinTolerance`, ≥ 0. Default `0.1`. */
  readonly tolerance?: number;
}

/** What an annotation run did. */
export interface AnnotateReport {
  /** Trajectories annotated. */
  readonly trajectories: number;
  /** Steps annotated (Σ over trajectories of the step count). */
  readonly steps: number;
  /**
   * How well Σ_t c_t matched each trajectory's `finalReward` over everything annotated; absent
   * when there were no trajectories.
   */
  readonly metrics?: HeldOutMetrics;
}

/** A trajectory with the place it came from, for error messages (`file:line` or `source[i]`). */
interface SourcedTrajectory {
  readonly trajectory: Trajectory;
  readonly where: string;
}

interface ResolvedOptions {
  readonly batchSize: number;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((event: AnnotateProgressEvent) => void) | undefined;
  readonly rewards: { readonly alpha?: number; readonly beta?: number } | undefined;
  readonly tolerance: number;
}

/** Running totals; only per-trajectory sums and targets are kept, never the trajectories. */
interface Tally {
  trajectories: number;
  steps: number;
  readonly sums: number[];
  readonly targets: number[];
}

const DEFAULT_BATCH_SIZE = 32;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

function assertOptionalFinite(field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new InvalidArgumentError({
      field,
      reason: `expected a finite number, got ${describeValue(value)}`,
    });
  }
}

/** Validates every option up front, so a bad option fails before any file is touched. */
function resolveOptions(options: AnnotateOptions): ResolvedOptions {
  const { batchSize = DEFAULT_BATCH_SIZE, signal, onProgress, rewards, tolerance = 0.1 } = options;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError({
      field: 'options.batchSize',
      reason: `expected an integer >= 1, got ${describeValue(batchSize)}`,
    });
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new InvalidArgumentError({
      field: 'options.onProgress',
      reason: `expected a function, got ${describeValue(onProgress)}`,
    });
  }
  if (rewards !== undefined) {
    if (rewards === null || typeof rewards !== 'object') {
      throw new InvalidArgumentError({
        field: 'options.rewards',
        reason: `expected an object, got ${describeValue(rewards)}`,
      });
    }
    assertOptionalFinite('options.rewards.alpha', rewards.alpha);
    assertOptionalFinite('options.rewards.beta', rewards.beta);
  }
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new InvalidArgumentError({
      field: 'options.tolerance',
      reason: `expected a finite number >= 0, got ${describeValue(tolerance)}`,
    });
  }
  return { batchSize, signal, onProgress, rewards, tolerance };
}

function labelOf(record: SourcedTrajectory): string {
  return `${record.where} (taskId ${JSON.stringify(record.trajectory.taskId)})`;
}

function isNumericRow(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Checks one row returned by `predict` against its trajectory and copies it into a plain array
 * (rows may be typed arrays; the copy also keeps the estimator's buffers out of the output).
 */
function checkedContributions(row: unknown, record: SourcedTrajectory): number[] {
  const numSteps = record.trajectory.steps.length;
  if (!isNumericRow(row)) {
    throw new InvalidArgumentError({
      field: `estimator.predict() contributions for ${labelOf(record)}`,
      reason: `expected an array of ${numSteps} numbers, got ${describeValue(row)}`,
    });
  }
  if (row.length !== numSteps) {
    throw new ShapeMismatchError({
      field: `estimator.predict() contributions for ${labelOf(record)}, which has ${numSteps} steps`,
      expected: numSteps,
      actual: row.length,
    });
  }
  const contributions = new Array<number>(numSteps);
  for (let step = 0; step < numSteps; step++) {
    const value: unknown = row[step];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidArgumentError({
        field: `estimator.predict() contributions[${step}] for ${labelOf(record)}`,
        reason: `expected a finite number, got ${describeValue(value)}`,
      });
    }
    contributions[step] = value;
  }
  return contributions;
}

/** Predicts one batch, checks the whole result, then emits the annotated trajectories. */
async function* annotateBatch(
  estimator: Pick<ProgressEstimator, 'predict'>,
  batch: readonly SourcedTrajectory[],
  options: ResolvedOptions,
  tally: Tally,
): AsyncGenerator<Trajectory, void, undefined> {
  const { signal, rewards } = options;
  signal?.throwIfAborted();
  const trajectories = batch.map((record) => record.trajectory);
  const predictions: unknown = await estimator.predict(
    trajectories,
    signal === undefined ? {} : { signal },
  );
  // An estimator that ignores the signal still must not let an aborted run continue.
  signal?.throwIfAborted();
  const first = batch[0] as SourcedTrajectory;
  if (!Array.isArray(predictions)) {
    throw new InvalidArgumentError({
      field: 'estimator.predict()',
      reason: `expected one row of contributions per trajectory for the batch starting at ${labelOf(first)}, got ${describeValue(predictions)}`,
    });
  }
  if (predictions.length !== batch.length) {
    throw new ShapeMismatchError({
      field: `estimator.predict() rows for the batch starting at ${labelOf(first)}`,
      expected: batch.length,
      actual: predictions.length,
    });
  }
  // Check every row before emitting any, so a bad batch emits nothing.
  const annotated = batch.map((record, index): Trajectory => {
    const contributions = checkedContributions(predictions[index], record);
    const { trajectory } = record;
    if (rewards === undefined) return { ...trajectory, contributions };
    return {
      ...trajectory,
      contributions,
      rewards: computeSpaRewards({
        contributions,
        grounded: trajectory.steps.map((step) => step.grounded),
        ...(rewards.alpha === undefined ? {} : { alpha: rewards.alpha }),
        ...(rewards.beta === undefined ? {} : { beta: rewards.beta }),
      }),
    };
  });
  for (const trajectory of annotated) {
    let sum = 0;
    for (const contribution of trajectory.contributions ?? []) sum += contribution;
    tally.trajectories += 1;
    tally.steps += trajectory.steps.length;
    tally.sums.push(sum);
    tally.targets.push(trajectory.finalReward);
    yield trajectory;
  }
  options.onProgress?.({ trajectories: tally.trajectories, steps: tally.steps });
}

/** The batching core shared by the stream and file variants. Holds at most one batch. */
async function* annotateRecords(
  estimator: Pick<ProgressEstimator, 'predict'>,
  records: AsyncIterable<SourcedTrajectory>,
  options: ResolvedOptions,
  tally: Tally,
): AsyncGenerator<Trajectory, void, undefined> {
  let batch: SourcedTrajectory[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= options.batchSize) {
      const full = batch;
      batch = [];
      yield* annotateBatch(estimator, full, options, tally);
    }
  }
  if (batch.length > 0) yield* annotateBatch(estimator, batch, options, tally);
  options.signal?.throwIfAborted();
}

function createTally(): Tally {
  return { trajectories: 0, steps: 0, sums: [], targets: [] };
}

function reportOf(tally: Tally, options: ResolvedOptions): AnnotateReport {
  const { trajectories, steps } = tally;
  if (trajectories === 0) return { trajectories, steps };
  return {
    trajectories,
    steps,
    metrics: heldOutMetricsFromSums(tally.sums, tally.targets, { tolerance: options.tolerance }),
  };
}

/** Labels in-memory trajectories `source[i]` and validates them against the schema. */
async function* fromSource(
  source: AsyncIterable<Trajectory> | Iterable<Trajectory>,
  signal: AbortSignal | undefined,
): AsyncGenerator<SourcedTrajectory, void, undefined> {
  let index = 0;
  for await (const trajectory of source) {
    signal?.throwIfAborted();
    const where = `source[${index}]`;
    yield { trajectory: validateTrajectory(trajectory, { source: where }), where };
    index += 1;
  }
}

/**
 * Streams a JSONL file's trajectories labelled `path:line`, parsed and validated by core's
 * `parseTrajectoriesJsonl` (blank lines skipped, BOM ignored) as `readTrajectories` does, but
 * keeping each record's line number for error messages. The file is closed (its descriptor
 * released) before this generator finishes, so the input can then be renamed over.
 */
async function* fromFile(
  path: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<SourcedTrajectory, void, undefined> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  // parseTrajectoriesJsonl pulls one line at a time and yields as soon as it has parsed it, so
  // when a trajectory comes out, `lineNumber` is its line.
  async function* countedLines(): AsyncGenerator<string, void, undefined> {
    for await (const line of lines) {
      signal?.throwIfAborted();
      lineNumber += 1;
      yield line;
    }
  }
  try {
    for await (const trajectory of parseTrajectoriesJsonl(countedLines(), { source: path })) {
      yield { trajectory, where: `${path}:${lineNumber}` };
    }
  } finally {
    lines.close();
    stream.destroy();
    if (!stream.closed) {
      await new Promise<void>((resolve) => stream.once('close', () => resolve()));
    }
  }
}

/**
 * Annotates trajectories with a progress estimator's contributions, batch by batch.
 *
 * @remarks
 * The batching core of {@link annotateTrajectories}, for any (async) iterable source. Pulls
 * `batchSize` trajectories, calls `estimator.predict(batch, { signal })` once, checks the
 * result (one row per trajectory, one finite number per step) and yields each trajectory with
 * `contributions` replaced by its row (a fresh plain array) and every other field kept; with
 * `options.rewards`, `rewards` is replaced by SPA's step rewards. At most one batch is held, and
 * the source is not read further until the consumer has taken the whole batch.
 *
 * Each source trajectory is validated against the `Trajectory` schema first (errors name it
 * `source[i]`, 0-based). Options are validated eagerly, when this function is called. The
 * generator's return value (seen by manual `next()` calls, not by `for await`) is the
 * {@link AnnotateReport} of everything emitted.
 *
 * @example
 * ```ts
 * for await (const annotated of annotateTrajectoryStream(estimator, trajectories, { batchSize: 8 })) {
 *   await writer.write(annotated);
 * }
 * ```
 *
 * @throws InvalidArgumentError — (on call) `options.batchSize` not an integer ≥ 1, a non-finite
 *   `options.rewards.alpha` / `.beta`, a negative `options.tolerance`; (while iterating) a
 *   `predict` result that is not an array, a row that is not an array or holds a non-finite
 *   value (the message names `source[i]` and the `taskId`).
 * @throws ShapeMismatchError — `predict` returned the wrong number of rows, or a row whose
 *   length is not the trajectory's step count.
 * @throws TrajectoryValidationError — a source item is not a valid `Trajectory`.
 * @throws `options.signal.reason` — the signal was aborted.
 */
export function annotateTrajectoryStream(
  estimator: Pick<ProgressEstimator, 'predict'>,
  source: AsyncIterable<Trajectory> | Iterable<Trajectory>,
  options: AnnotateOptions = {},
): AsyncGenerator<Trajectory, AnnotateReport, undefined> {
  const resolved = resolveOptions(options);
  async function* run(): AsyncGenerator<Trajectory, AnnotateReport, undefined> {
    const tally = createTally();
    yield* annotateRecords(estimator, fromSource(source, resolved.signal), resolved, tally);
    return reportOf(tally, resolved);
  }
  return run();
}

/**
 * Annotates a Trajectory JSONL file with a progress estimator's contributions, writing the
 * result to `output` atomically.
 *
 * @remarks
 * Streams `input` line by line (validated like core's `readTrajectories`; a bad line throws
 * `TrajectoryValidationError` naming `input:line`), calls `estimator.predict` once per
 * `batchSize` trajectories and writes each trajectory with `contributions` set (see
 * {@link annotateTrajectoryStream}). Memory is bounded by one batch plus two numbers per
 * trajectory for the report's metrics.
 *
 * The output goes to a temporary file next to `output`, renamed over it only after the whole
 * input has been read, annotated and closed. On any error or abort the temporary file is
 * removed and a previous `output` is untouched. Errors about `predict`'s result name the
 * trajectory as `input:line (taskId "…")`.
 *
 * `input` and `output` may be the same file: annotating in place is safe, because the input is
 * never written to — it is read to its end and closed before the new file is renamed over it.
 * An empty input gives an empty output and a report without `metrics`.
 *
 * @example
 * ```ts
 * const report = await annotateTrajectories(estimator, 'explore.jsonl', 'explore.annotated.jsonl', {
 *   batchSize: 16,
 *   rewards: { alpha: 1, beta: 0.5 },
 * });
 * report.metrics?.mse;
 * ```
 *
 * @throws InvalidArgumentError, ShapeMismatchError — bad options or a bad `predict` result, as
 *   in {@link annotateTrajectoryStream}.
 * @throws TrajectoryValidationError — an invalid input line.
 * @throws `options.signal.reason` — the signal was aborted; I/O errors (e.g. a missing input)
 *   are rethrown as they are.
 */
export async function annotateTrajectories(
  estimator: Pick<ProgressEstimator, 'predict'>,
  input: string,
  output: string,
  options: AnnotateOptions = {},
): Promise<AnnotateReport> {
  const resolved = resolveOptions(options);
  resolved.signal?.throwIfAborted();
  const writer = await openTrajectoryWriter(output);
  let report: AnnotateReport;
  try {
    const tally = createTally();
    const annotated = annotateRecords(estimator, fromFile(input, resolved.signal), resolved, tally);
    for await (const trajectory of annotated) await writer.write(trajectory);
    resolved.signal?.throwIfAborted();
    report = reportOf(tally, resolved);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.commit();
  return report;
}
