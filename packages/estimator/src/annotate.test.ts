import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  computeSpaRewards,
  InvalidArgumentError,
  type ProgressEstimator,
  ShapeMismatchError,
  type Trajectory,
  TrajectoryValidationError,
} from '@spa/core';
import { readAllTrajectories, writeTrajectories } from '@spa/core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AnnotateProgressEvent,
  type AnnotateReport,
  annotateTrajectories,
  annotateTrajectoryStream,
} from './annotate';
import { evaluateContributions } from './metrics';

type Predictor = Pick<ProgressEstimator, 'predict'>;

function make(
  taskId: string,
  grounded: readonly boolean[],
  finalReward: number,
  extra: Partial<Trajectory> = {},
): Trajectory {
  return {
    taskId,
    env: 'scripted/household-v0',
    goal: `goal of ${taskId}`,
    steps: grounded.map((isGrounded, step) => ({
      observation: `${taskId} observation ${step}`,
      action: `${taskId} action ${step}`,
      grounded: isGrounded,
      reward: step === grounded.length - 1 ? finalReward : 0,
    })),
    finalReward,
    won: finalReward === 1,
    ...extra,
  };
}

/** Five trajectories with 2, 1, 3, 1 and 4 steps (11 in all). */
const TRAJECTORIES: readonly Trajectory[] = [
  make('a', [true, true], 1, { meta: { seed: 7, policy: 'bc' } }),
  make('b', [true], 0, { contributions: [0.9], rewards: [0.4] }),
  make('c', [true, false, true], 1),
  make('d', [false], 0),
  make('e', [true, true, true, true], 1),
];

/** Stand-in for a model: each grounded step contributes 0.25, an ungrounded one 0. */
const byGrounding = (trajectory: Trajectory): number[] =>
  trajectory.steps.map((step) => (step.grounded ? 0.25 : 0));

/** A deterministic estimator that records the batch sizes it was called with. */
function recordingEstimator(row: (trajectory: Trajectory) => number[] = byGrounding): Predictor & {
  readonly batches: number[];
} {
  const batches: number[] = [];
  return {
    batches,
    async predict(trajectories) {
      batches.push(trajectories.length);
      return trajectories.map(row);
    },
  };
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spa-estimator-annotate-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Writes the fixture to `in.jsonl`, and a previous `out.jsonl` with other content. */
async function setUp(): Promise<{ input: string; output: string; previous: string }> {
  const input = join(directory, 'in.jsonl');
  const output = join(directory, 'out.jsonl');
  await writeTrajectories(input, TRAJECTORIES);
  const previous = 'previous output, must survive a failed run\n';
  await writeFile(output, previous);
  return { input, output, previous };
}

async function expectOnly(files: readonly string[]): Promise<void> {
  expect((await readdir(directory)).sort()).toEqual([...files].sort());
}

/** Open descriptors of this process on `path` (Linux: /proc/self/fd; elsewhere always 0). */
async function openDescriptorsOn(path: string): Promise<number> {
  if (process.platform !== 'linux') return 0;
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => '');
    if (target === path || target === `${path} (deleted)`) count += 1;
  }
  return count;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('annotateTrajectories', () => {
  it('writes the input with contributions set, every other field kept', async () => {
    const { input, output } = await setUp();
    const estimator = recordingEstimator();
    const report = await annotateTrajectories(estimator, input, output);
    const expected = TRAJECTORIES.map((trajectory) => ({
      ...trajectory,
      contributions: byGrounding(trajectory),
    }));
    expect(await readAllTrajectories(output)).toEqual(expected);
    // Existing contributions replaced, existing rewards and meta kept.
    expect(expected[1]).toMatchObject({ contributions: [0.25], rewards: [0.4] });
    expect(expected[0]?.meta).toEqual({ seed: 7, policy: 'bc' });
    expect(report).toMatchObject({ trajectories: 5, steps: 11 });
    expect(estimator.batches).toEqual([5]); // default batch size 32
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it.each([
    [1, [1, 1, 1, 1, 1]],
    [2, [2, 2, 1]],
    [3, [3, 2]],
    [5, [5]],
    [100, [5]],
  ])('batches with batchSize %i', async (batchSize, batches) => {
    const { input, output } = await setUp();
    const estimator = recordingEstimator();
    await annotateTrajectories(estimator, input, output, { batchSize });
    expect(estimator.batches).toEqual(batches);
    expect((await readAllTrajectories(output)).map((t) => t.contributions)).toEqual(
      TRAJECTORIES.map(byGrounding),
    );
  });

  it('reports progress after each batch with running totals', async () => {
    const { input, output } = await setUp();
    const events: AnnotateProgressEvent[] = [];
    await annotateTrajectories(recordingEstimator(), input, output, {
      batchSize: 2,
      onProgress: (event) => events.push(event),
    });
    expect(events).toEqual([
      { trajectories: 2, steps: 3 },
      { trajectories: 4, steps: 7 },
      { trajectories: 5, steps: 11 },
    ]);
  });

  it('reports held-out metrics over all trajectories (hand-computed)', async () => {
    const { input, output } = await setUp();
    const report = await annotateTrajectories(recordingEstimator(), input, output, {
      batchSize: 2,
    });
    // Σc = [0.5, 0.25, 0.5, 0, 1], R = [1, 0, 1, 0, 1]: errors [-0.5, 0.25, -0.5, 0, 0].
    // Ranks [3.5, 2, 3.5, 1, 5] vs [4, 1.5, 4, 1.5, 4]: Σdxdy = 7.5, Σdx² = 9.5, Σdy² = 7.5.
    const metrics = report.metrics;
    expect(metrics?.count).toBe(5);
    expect(metrics?.mse).toBeCloseTo(0.5625 / 5, 12);
    expect(metrics?.mae).toBeCloseTo(0.25, 12);
    expect(metrics?.withinTolerance).toBeCloseTo(0.4, 12);
    expect(metrics?.meanPrediction).toBeCloseTo(0.45, 12);
    expect(metrics?.meanTarget).toBeCloseTo(0.6, 12);
    expect(metrics?.rankCorrelation).toBeCloseTo(7.5 / Math.sqrt(9.5 * 7.5), 12);
    expect(metrics).toEqual(
      evaluateContributions(TRAJECTORIES.map(byGrounding), TRAJECTORIES, { tolerance: 0.1 }),
    );
    const loose = await annotateTrajectories(recordingEstimator(), input, output, {
      tolerance: 0.5,
    });
    expect(loose.metrics?.withinTolerance).toBe(1);
  });

  it('writes SPA step rewards with core computeSpaRewards when `rewards` is given', async () => {
    const { input, output } = await setUp();
    await annotateTrajectories(recordingEstimator(), input, output, { rewards: {} });
    const written = await readAllTrajectories(output);
    // c: grounded steps 0.25; r = c + 0.5·g, the last step always counting as grounded.
    expect(written.map((t) => t.rewards)).toEqual([
      [0.75, 0.75],
      [0.75],
      [0.75, 0, 0.75],
      [0.5],
      [0.75, 0.75, 0.75, 0.75],
    ]);
    await annotateTrajectories(recordingEstimator(), input, output, {
      rewards: { alpha: 2, beta: 0.1 },
    });
    for (const trajectory of await readAllTrajectories(output)) {
      expect(trajectory.rewards).toEqual(
        computeSpaRewards({
          contributions: byGrounding(trajectory),
          grounded: trajectory.steps.map((step) => step.grounded),
          alpha: 2,
          beta: 0.1,
        }),
      );
    }
  });

  it('annotates in place (input === output) safely, reading the input to its end first', async () => {
    const { input } = await setUp();
    const estimator = recordingEstimator();
    const report = await annotateTrajectories(estimator, input, join(directory, '.', 'in.jsonl'), {
      batchSize: 2,
    });
    expect(estimator.batches).toEqual([2, 2, 1]);
    expect(report.trajectories).toBe(5);
    expect(await readAllTrajectories(input)).toEqual(
      TRAJECTORIES.map((trajectory) => ({ ...trajectory, contributions: byGrounding(trajectory) })),
    );
    // The input was read to its end and closed (not merely unlinked) before the rename.
    expect(await openDescriptorsOn(input)).toBe(0);
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it('leaves the input untouched when an in-place run fails', async () => {
    const { input } = await setUp();
    const before = await readFile(input, 'utf8');
    let calls = 0;
    const failing: Predictor = {
      async predict(trajectories) {
        calls += 1;
        if (calls === 2) throw new Error('model crashed');
        return trajectories.map(byGrounding);
      },
    };
    await expect(annotateTrajectories(failing, input, input, { batchSize: 2 })).rejects.toThrow(
      'model crashed',
    );
    expect(await readFile(input, 'utf8')).toBe(before);
    expect(await openDescriptorsOn(input)).toBe(0);
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it('rejects a wrong number of rows, output untouched', async () => {
    const { input, output, previous } = await setUp();
    const estimator: Predictor = {
      async predict(trajectories) {
        return trajectories.slice(1).map(byGrounding);
      },
    };
    const error = await rejection(annotateTrajectories(estimator, input, output, { batchSize: 2 }));
    expect(ShapeMismatchError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Shape mismatch in \`estimator.predict() rows for the batch starting at ${input}:1 (taskId "a")\`: expected length 2, got 1`,
    );
    expect(await readFile(output, 'utf8')).toBe(previous);
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it("rejects a row that does not match the trajectory's steps, naming its line and taskId", async () => {
    const { input, output, previous } = await setUp();
    // Blank lines shift the line numbers: the record of "c" is now on line 5.
    const lines = (await readFile(input, 'utf8')).split('\n');
    await writeFile(input, [lines[0], '', lines[1], '', ...lines.slice(2)].join('\n'));
    const estimator = recordingEstimator((trajectory) =>
      trajectory.taskId === 'c' ? [0.1, 0.2] : byGrounding(trajectory),
    );
    const error = await rejection(annotateTrajectories(estimator, input, output, { batchSize: 2 }));
    expect(ShapeMismatchError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Shape mismatch in \`estimator.predict() contributions for ${input}:5 (taskId "c"), which has 3 steps\`: expected length 3, got 2`,
    );
    expect(await readFile(output, 'utf8')).toBe(previous);
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it('rejects non-finite and non-array rows, output untouched', async () => {
    const { input, output, previous } = await setUp();
    const nan = recordingEstimator((trajectory) =>
      trajectory.taskId === 'd' ? [Number.NaN] : byGrounding(trajectory),
    );
    const nanError = await rejection(annotateTrajectories(nan, input, output));
    expect(InvalidArgumentError.isInstance(nanError)).toBe(true);
    expect((nanError as Error).message).toBe(
      `Invalid argument \`estimator.predict() contributions[0] for ${input}:4 (taskId "d")\`: expected a finite number, got NaN`,
    );
    const notRows: Predictor = {
      predict: async (trajectories) => trajectories.map(() => null) as unknown as number[][],
    };
    await expect(annotateTrajectories(notRows, input, output)).rejects.toThrow(
      `Invalid argument \`estimator.predict() contributions for ${input}:1 (taskId "a")\`: expected an array of 2 numbers, got null`,
    );
    const notArray: Predictor = { predict: async () => ({}) as unknown as number[][] };
    await expect(annotateTrajectories(notArray, input, output)).rejects.toThrow(
      /estimator\.predict\(\).*one row of contributions per trajectory/,
    );
    expect(await readFile(output, 'utf8')).toBe(previous);
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it('accepts typed-array rows and writes plain numbers', async () => {
    const { input, output } = await setUp();
    const estimator: Predictor = {
      predict: async (trajectories) =>
        trajectories.map((t) => Float64Array.from(byGrounding(t))) as unknown as number[][],
    };
    await annotateTrajectories(estimator, input, output);
    expect((await readAllTrajectories(output)).map((t) => t.contributions)).toEqual(
      TRAJECTORIES.map(byGrounding),
    );
  });

  it('rejects an invalid input line with its file and line, output untouched', async () => {
    const { input, output, previous } = await setUp();
    const lines = (await readFile(input, 'utf8')).split('\n');
    lines[2] = '{"taskId": "broken"';
    await writeFile(input, lines.join('\n'));
    const error = await rejection(
      annotateTrajectories(recordingEstimator(), input, output, { batchSize: 1 }),
    );
    expect(TrajectoryValidationError.isInstance(error)).toBe(true);
    expect((error as TrajectoryValidationError).source).toBe(input);
    expect((error as TrajectoryValidationError).line).toBe(3);
    expect((error as Error).message).toContain(`${input}:3: record: not valid JSON`);
    expect(await readFile(output, 'utf8')).toBe(previous);
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it('fails on a missing input without creating the output', async () => {
    const output = join(directory, 'out.jsonl');
    await expect(
      annotateTrajectories(recordingEstimator(), join(directory, 'missing.jsonl'), output),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    await expectOnly([]);
  });

  it('writes an empty output and no metrics for an empty input', async () => {
    const input = join(directory, 'empty.jsonl');
    const output = join(directory, 'out.jsonl');
    await writeFile(input, '\n');
    const estimator = recordingEstimator();
    const report: AnnotateReport = await annotateTrajectories(estimator, input, output);
    expect(report).toEqual({ trajectories: 0, steps: 0 });
    expect(estimator.batches).toEqual([]);
    expect(await readFile(output, 'utf8')).toBe('');
  });

  it('stops on abort during a batch, output untouched and no temporary file left', async () => {
    const { input, output, previous } = await setUp();
    const controller = new AbortController();
    const seen: (AbortSignal | undefined)[] = [];
    let calls = 0;
    const estimator: Predictor = {
      async predict(trajectories, options) {
        seen.push(options?.signal);
        calls += 1;
        if (calls === 2) controller.abort(new Error('stopped by the user'));
        return trajectories.map(byGrounding);
      },
    };
    const events: AnnotateProgressEvent[] = [];
    await expect(
      annotateTrajectories(estimator, input, output, {
        batchSize: 2,
        signal: controller.signal,
        onProgress: (event) => events.push(event),
      }),
    ).rejects.toThrow('stopped by the user');
    expect(calls).toBe(2);
    expect(seen).toEqual([controller.signal, controller.signal]);
    expect(events).toEqual([{ trajectories: 2, steps: 3 }]);
    expect(await readFile(output, 'utf8')).toBe(previous);
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it('does nothing when the signal is already aborted', async () => {
    const { input, output, previous } = await setUp();
    const estimator = recordingEstimator();
    const error = await rejection(
      annotateTrajectories(estimator, input, output, { signal: AbortSignal.abort() }),
    );
    expect((error as Error).name).toBe('AbortError');
    expect(estimator.batches).toEqual([]);
    expect(await readFile(output, 'utf8')).toBe(previous);
    await expectOnly(['in.jsonl', 'out.jsonl']);
  });

  it('validates options before touching any file', async () => {
    const input = join(directory, 'missing.jsonl');
    const output = join(directory, 'out.jsonl');
    const estimator = recordingEstimator();
    for (const [options, message] of [
      [{ batchSize: 0 }, 'Invalid argument `options.batchSize`: expected an integer >= 1, got 0'],
      [
        { batchSize: 1.5 },
        'Invalid argument `options.batchSize`: expected an integer >= 1, got 1.5',
      ],
      [
        { rewards: { beta: Number.NaN } },
        'Invalid argument `options.rewards.beta`: expected a finite number, got NaN',
      ],
      [{ tolerance: -1 }, 'Invalid argument `options.tolerance`: expected a finite number >= 0'],
    ] as const) {
      const error = await rejection(annotateTrajectories(estimator, input, output, options));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(message);
    }
    await expectOnly([]);
  });
});

describe('annotateTrajectoryStream', () => {
  it('annotates a sync iterable in batches and returns the report', async () => {
    const estimator = recordingEstimator();
    const stream = annotateTrajectoryStream(estimator, TRAJECTORIES, { batchSize: 3 });
    const annotated: Trajectory[] = [];
    let result = await stream.next();
    while (result.done !== true) {
      annotated.push(result.value);
      result = await stream.next();
    }
    expect(annotated.map((t) => t.contributions)).toEqual(TRAJECTORIES.map(byGrounding));
    expect(estimator.batches).toEqual([3, 2]);
    expect(result.value).toMatchObject({ trajectories: 5, steps: 11, metrics: { count: 5 } });
    // The source trajectories are not mutated.
    expect(TRAJECTORIES[1]?.contributions).toEqual([0.9]);
  });

  it('pulls the source lazily: one batch at a time', async () => {
    const pulled: string[] = [];
    async function* source(): AsyncGenerator<Trajectory> {
      for (const trajectory of TRAJECTORIES) {
        pulled.push(trajectory.taskId);
        yield trajectory;
      }
    }
    const stream = annotateTrajectoryStream(recordingEstimator(), source(), { batchSize: 2 });
    expect((await stream.next()).value).toMatchObject({ taskId: 'a' });
    expect(pulled).toEqual(['a', 'b']);
    await stream.next();
    expect(pulled).toEqual(['a', 'b']);
    await stream.next();
    expect(pulled).toEqual(['a', 'b', 'c', 'd']);
    await stream.return({ trajectories: 0, steps: 0 });
  });

  it('names in-memory trajectories source[i] in errors and validates them', async () => {
    const estimator = recordingEstimator((trajectory) =>
      trajectory.taskId === 'e' ? [1] : byGrounding(trajectory),
    );
    const drain = async (source: Iterable<Trajectory>) => {
      for await (const _ of annotateTrajectoryStream(estimator, source)) {
        // consume
      }
    };
    await expect(drain(TRAJECTORIES)).rejects.toThrow(
      'estimator.predict() contributions for source[4] (taskId "e"), which has 4 steps',
    );
    const invalid = { ...make('x', [true], 1), steps: [] } as Trajectory;
    const error = await rejection(drain([TRAJECTORIES[0] as Trajectory, invalid]));
    expect(TrajectoryValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('source[1]: steps: must contain at least one step');
  });

  it('validates options when called, not when first iterated', () => {
    expect(() => annotateTrajectoryStream(recordingEstimator(), [], { batchSize: -1 })).toThrow(
      'options.batchSize',
    );
  });
});
