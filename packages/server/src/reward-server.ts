import {
  computeSpaRewards,
  type LastStepConvention,
  type ProgressEstimator,
  type Trajectory,
  TrajectoryValidationError,
  validateTrajectory,
} from '@spa/core';
import { TransformerProgressEstimator } from '@spa/estimator';
import { ServerConfigError, ServerRequestError } from './errors';
import {
  createBaseServer,
  describe,
  expectObject,
  type HttpServerOptions,
  type SpaHttpServer,
} from './http';
import { parseReactTranscript } from './transcript';

/** How `POST /get_reward` turns a trajectory's step rewards r_t into OpenRLHF's one scalar. */
export type OpenRlhfReduction = 'last' | 'sum' | 'mean';

/** Options of {@link createRewardServer}. */
export interface RewardServerOptions extends HttpServerOptions {
  /** A progress estimator to serve. Exactly one of `estimator` and `estimatorDirectory`. */
  readonly estimator?: ProgressEstimator;
  /** A directory saved by `TransformerProgressEstimator.save` (or a policy checkpoint). */
  readonly estimatorDirectory?: string;
  /**
   * Dispose the estimator on `close()` (when it has a `dispose()` method). Default `true` for an
   * estimator loaded from `estimatorDirectory`, `false` for one passed in.
   */
  readonly disposeEstimator?: boolean;
  /** Default α of r_t = α·c_t + β·g_t. Default 1 (paper). */
  readonly alpha?: number;
  /** Default β of r_t = α·c_t + β·g_t. Default 0.5 (paper). */
  readonly beta?: number;
  /** Largest |α| or |β| a request may ask for. Default 100. */
  readonly maxAbsWeight?: number;
  /** Core's last-step grounding convention. Default `'always-grounded'` (reference code). */
  readonly lastStep?: LastStepConvention;
  /** Most trajectories (or OpenRLHF queries) per request; more get 413. Default 1024. */
  readonly maxTrajectoriesPerRequest?: number;
  /** Most trajectories per estimator call when requests are batched together. Default 64. */
  readonly maxBatchTrajectories?: number;
  /** Most trajectories waiting for the estimator; beyond it requests get 503. Default 4096. */
  readonly maxQueuedTrajectories?: number;
  /** Scalar reward of `POST /get_reward`. Default `'last'`: the step reward of the last action. */
  readonly openrlhfReduction?: OpenRlhfReduction;
  /** `env` of trajectories built from OpenRLHF queries. Default `'openrlhf'`. */
  readonly openrlhfEnv?: string;
}

/** One scored trajectory in the `POST /v1/rewards` answer. */
export interface RewardResult {
  readonly taskId: string;
  /** c_t, one per step. */
  readonly contributions: number[];
  /** r_t = α·c_t + β·g_t, one per step. */
  readonly rewards: number[];
  /** Σ_t c_t, the estimated final reward. */
  readonly contributionSum: number;
}

/** The `POST /v1/rewards` answer. */
export interface RewardsResponse {
  readonly alpha: number;
  readonly beta: number;
  readonly results: RewardResult[];
}

/** The `POST /get_reward` answer (OpenRLHF remote reward contract). */
export interface OpenRlhfRewardResponse {
  readonly rewards: number[];
  /** Σ_t c_t clipped to [0, 1] (OpenRLHF uses scores for dynamic filtering). */
  readonly scores: number[];
  readonly extra_logs: {
    readonly spa_contribution_sum: number[];
    readonly spa_last_contribution: number[];
    readonly spa_steps: number[];
    readonly spa_grounded_fraction: number[];
  };
}

interface Pending {
  readonly trajectories: readonly Trajectory[];
  readonly resolve: (contributions: number[][]) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
}

/**
 * An HTTP server that scores trajectories with a progress estimator and returns SPA step
 * rewards.
 *
 * @remarks
 * Routes (JSON unless stated):
 *
 * - `POST /v1/rewards`: body `{ trajectory }`, `{ trajectories: [...] }` or a bare trajectory
 *   (core `Trajectory` JSON, validated strictly), plus optional `alpha`, `beta`. Answers
 *   {@link RewardsResponse}: c_t from the estimator and r_t = α·c_t + β·g_t from core's
 *   `computeSpaRewards` (g_t = `grounded`).
 * - `POST /get_reward`: OpenRLHF's `--reward.remote_url` (formerly `--remote_rm_url`) contract,
 *   `{ query: string[], prompts: string[], labels: string[] }` → {@link OpenRlhfRewardResponse}.
 *   Each `labels[i]` is either a JSON-serialised `Trajectory` (then `query[i]` is not parsed),
 *   or the final reward R as a number string, or `''` (R = 0); otherwise `query[i]` is read as a
 *   ReAct transcript (see `parseReactTranscript`).
 * - `GET /health`, `GET /metrics` (Prometheus text; JSON with `?format=json`).
 *
 * Requests share one estimator: they queue and are scored in batches of up to
 * `maxBatchTrajectories`, so concurrent clients are batched together.
 */
export async function createRewardServer(options: RewardServerOptions): Promise<SpaHttpServer> {
  if ((options.estimator === undefined) === (options.estimatorDirectory === undefined)) {
    throw new ServerConfigError({
      field: 'estimator',
      reason: 'give exactly one of `estimator` and `estimatorDirectory`',
    });
  }
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 0.5;
  const maxAbsWeight = options.maxAbsWeight ?? 100;
  const maxPerRequest = options.maxTrajectoriesPerRequest ?? 1024;
  const maxBatch = options.maxBatchTrajectories ?? 64;
  const maxQueued = options.maxQueuedTrajectories ?? 4096;
  const reduction = options.openrlhfReduction ?? 'last';
  const lastStep = options.lastStep ?? 'always-grounded';
  for (const [field, value] of [
    ['alpha', alpha],
    ['beta', beta],
  ] as const) {
    if (!Number.isFinite(value) || Math.abs(value) > maxAbsWeight) {
      throw new ServerConfigError({ field, reason: `expected |${field}| ≤ ${maxAbsWeight}` });
    }
  }
  for (const [field, value] of [
    ['maxTrajectoriesPerRequest', maxPerRequest],
    ['maxBatchTrajectories', maxBatch],
    ['maxQueuedTrajectories', maxQueued],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new ServerConfigError({ field, reason: `expected a positive integer, got ${value}` });
    }
  }
  if (!['last', 'sum', 'mean'].includes(reduction)) {
    throw new ServerConfigError({
      field: 'openrlhfReduction',
      reason: 'expected last, sum or mean',
    });
  }

  const estimator: ProgressEstimator =
    options.estimator ??
    (await TransformerProgressEstimator.fromDirectory(options.estimatorDirectory as string));
  const disposeEstimator = options.disposeEstimator ?? options.estimator === undefined;

  let queued = 0;
  let scored = 0;
  let batches = 0;
  const pending: Pending[] = [];
  let working = false;

  const pump = async (): Promise<void> => {
    if (working) return;
    working = true;
    try {
      while (pending.length > 0) {
        const batch: Pending[] = [];
        let count = 0;
        while (pending.length > 0) {
          const next = pending[0] as Pending;
          if (batch.length > 0 && count + next.trajectories.length > maxBatch) break;
          pending.shift();
          queued -= next.trajectories.length;
          if (next.signal?.aborted === true) {
            next.reject(next.signal.reason);
            continue;
          }
          batch.push(next);
          count += next.trajectories.length;
        }
        if (batch.length === 0) continue;
        try {
          const all = await estimator.predict(batch.flatMap((p) => p.trajectories));
          batches += 1;
          scored += count;
          let offset = 0;
          for (const item of batch) {
            item.resolve(all.slice(offset, offset + item.trajectories.length));
            offset += item.trajectories.length;
          }
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      working = false;
    }
  };

  const predict = (trajectories: readonly Trajectory[], signal: AbortSignal | undefined) => {
    if (queued + trajectories.length > maxQueued) {
      throw new ServerRequestError({
        statusCode: 503,
        code: 'server_busy',
        field: '',
        reason: `${queued} trajectories are already waiting for the estimator`,
      });
    }
    queued += trajectories.length;
    const result = new Promise<number[][]>((resolve, reject) => {
      pending.push({ trajectories, resolve, reject, signal });
    });
    void pump();
    return result;
  };

  const score = async (
    trajectories: readonly Trajectory[],
    weights: { alpha: number; beta: number },
    signal: AbortSignal | undefined,
  ): Promise<RewardResult[]> => {
    const contributions = await predict(trajectories, signal);
    return trajectories.map((trajectory, i) => {
      const c = contributions[i];
      if (c === undefined || c.length !== trajectory.steps.length || !c.every(Number.isFinite)) {
        throw new Error(
          `the estimator returned ${c?.length ?? 'no'} contributions for ${trajectory.steps.length} steps`,
        );
      }
      const rewards = computeSpaRewards({
        contributions: c,
        grounded: trajectory.steps.map((step) => step.grounded),
        alpha: weights.alpha,
        beta: weights.beta,
        lastStep,
      });
      return {
        taskId: trajectory.taskId,
        contributions: c,
        rewards,
        contributionSum: c.reduce((a, b) => a + b, 0),
      };
    });
  };

  const readWeights = (body: Record<string, unknown>): { alpha: number; beta: number } => {
    const read = (field: 'alpha' | 'beta', fallback: number): number => {
      const value = body[field];
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > maxAbsWeight) {
        throw new ServerRequestError({
          statusCode: 422,
          code: 'invalid_field',
          field,
          reason: `expected a finite number with |${field}| ≤ ${maxAbsWeight}, got ${describe(value)}`,
        });
      }
      return value;
    };
    return { alpha: read('alpha', alpha), beta: read('beta', beta) };
  };

  const checkCount = (count: number, field: string): void => {
    if (count === 0) {
      throw new ServerRequestError({
        statusCode: 422,
        code: 'invalid_field',
        field,
        reason: 'must not be empty',
      });
    }
    if (count > maxPerRequest) {
      throw new ServerRequestError({
        statusCode: 413,
        code: 'too_many_items',
        field,
        reason: `${count} items; at most ${maxPerRequest} per request`,
      });
    }
  };

  const { app, server, deadline } = createBaseServer(
    options,
    { bodyLimit: 8 * 1024 * 1024, prefix: 'spa_reward' },
    () => ({
      queued_trajectories: queued,
      scored_trajectories: scored,
      estimator_batches: batches,
    }),
    async () => {
      if (disposeEstimator) (estimator as { dispose?: () => void }).dispose?.();
    },
  );

  app.post('/v1/rewards', async (request, reply): Promise<RewardsResponse> => {
    const body = expectObject(request.body, 'body');
    const weights = readWeights(body);
    let raw: unknown[];
    let prefix: (i: number) => string;
    if (body.trajectories !== undefined) {
      if (!Array.isArray(body.trajectories)) {
        throw new ServerRequestError({
          statusCode: 400,
          code: 'invalid_field',
          field: 'trajectories',
          reason: `expected an array, got ${describe(body.trajectories)}`,
        });
      }
      raw = body.trajectories;
      prefix = (i) => `trajectories[${i}]`;
    } else if (body.trajectory !== undefined) {
      raw = [body.trajectory];
      prefix = () => 'trajectory';
    } else if (body.steps !== undefined) {
      const { alpha: _a, beta: _b, ...rest } = body;
      raw = [rest];
      prefix = () => 'body';
    } else {
      throw new ServerRequestError({
        statusCode: 400,
        code: 'invalid_field',
        field: 'trajectories',
        reason: 'expected `trajectories`, `trajectory` or a trajectory object',
      });
    }
    checkCount(raw.length, prefix(0).replace(/\[0\]$/, ''));
    const trajectories = raw.map((value, i) => validateAt(value, prefix(i)));
    const results = await deadline(reply, (signal) => score(trajectories, weights, signal));
    return { alpha: weights.alpha, beta: weights.beta, results };
  });

  app.post('/get_reward', async (request, reply): Promise<OpenRlhfRewardResponse> => {
    const body = expectObject(request.body, 'body');
    const weights = readWeights(body);
    const query = stringArray(body.query, 'query', true) as string[];
    // OpenRLHF splits a batch evenly over its URLs, so a small batch over several URLs sends some
    // of them an empty shard; it retries any failed shard and then fails the step. Empty in,
    // empty out.
    if (query.length > 0) checkCount(query.length, 'query');
    const labels = stringArray(body.labels, 'labels', false);
    const prompts = stringArray(body.prompts, 'prompts', false);
    for (const [field, list] of [
      ['labels', labels],
      ['prompts', prompts],
    ] as const) {
      if (list !== undefined && list.length !== query.length) {
        throw new ServerRequestError({
          statusCode: 422,
          code: 'invalid_field',
          field,
          reason: `has ${list.length} items, query has ${query.length}`,
        });
      }
    }
    if (query.length === 0) {
      return {
        rewards: [],
        scores: [],
        extra_logs: {
          spa_contribution_sum: [],
          spa_last_contribution: [],
          spa_steps: [],
          spa_grounded_fraction: [],
        },
      };
    }
    const trajectories = query.map((text, i) =>
      openRlhfTrajectory(text, labels?.[i] ?? '', i, options.openrlhfEnv ?? 'openrlhf'),
    );
    const results = await deadline(reply, (signal) => score(trajectories, weights, signal));
    const reduce = (rewards: number[]): number => {
      if (reduction === 'last') return rewards[rewards.length - 1] as number;
      const sum = rewards.reduce((a, b) => a + b, 0);
      return reduction === 'sum' ? sum : sum / rewards.length;
    };
    return {
      rewards: results.map((r) => reduce(r.rewards)),
      scores: results.map((r) => Math.min(1, Math.max(0, r.contributionSum))),
      extra_logs: {
        spa_contribution_sum: results.map((r) => r.contributionSum),
        spa_last_contribution: results.map(
          (r) => r.contributions[r.contributions.length - 1] as number,
        ),
        spa_steps: trajectories.map((t) => t.steps.length),
        spa_grounded_fraction: trajectories.map(
          (t) => t.steps.filter((s) => s.grounded).length / t.steps.length,
        ),
      },
    };
  });

  return server;
}

function validateAt(value: unknown, field: string): Trajectory {
  try {
    return validateTrajectory(value);
  } catch (error) {
    if (TrajectoryValidationError.isInstance(error)) {
      throw new ServerRequestError({
        statusCode: 422,
        code: 'invalid_field',
        field: error.field === '' ? field : `${field}.${error.field}`,
        reason: error.reason,
        cause: error,
      });
    }
    throw error;
  }
}

function stringArray(value: unknown, field: string, required: boolean): string[] | undefined {
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value)) {
    throw new ServerRequestError({
      statusCode: 400,
      code: 'invalid_field',
      field,
      reason: `expected an array of strings, got ${describe(value)}`,
    });
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string') {
      throw new ServerRequestError({
        statusCode: 400,
        code: 'invalid_field',
        field: `${field}[${i}]`,
        reason: `expected a string, got ${describe(item)}`,
      });
    }
  });
  return value as string[];
}

/**
 * The trajectory of one OpenRLHF sample: `labels[i]` as a JSON trajectory, else `query[i]` as a
 * ReAct transcript with R from the label.
 */
function openRlhfTrajectory(query: string, label: string, index: number, env: string): Trajectory {
  const trimmed = label.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new ServerRequestError({
        statusCode: 422,
        code: 'invalid_field',
        field: `labels[${index}]`,
        reason: 'starts with `{` but is not valid JSON',
        cause: error,
      });
    }
    // @spa/interop's OpenRLHF export writes `{"step_rewards": [...], "final_reward": R}` labels:
    // R is the final reward and the query is the transcript.
    if (
      parsed !== null &&
      typeof parsed === 'object' &&
      !Array.isArray(parsed) &&
      'final_reward' in parsed &&
      !('steps' in parsed)
    ) {
      const reward = (parsed as { final_reward: unknown }).final_reward;
      if (typeof reward !== 'number' || !Number.isFinite(reward)) {
        throw new ServerRequestError({
          statusCode: 422,
          code: 'invalid_field',
          field: `labels[${index}].final_reward`,
          reason: `expected a finite number, got ${describe(reward)}`,
        });
      }
      return transcriptTrajectory(query, reward, index, env);
    }
    return validateAt(parsed, `labels[${index}]`);
  }
  const finalReward = trimmed === '' ? 0 : Number(trimmed);
  if (!Number.isFinite(finalReward)) {
    throw new ServerRequestError({
      statusCode: 422,
      code: 'invalid_field',
      field: `labels[${index}]`,
      reason: `expected '', a number (the final reward) or a JSON trajectory, got ${describe(label)}`,
    });
  }
  return transcriptTrajectory(query, finalReward, index, env);
}

/** A ReAct transcript (`query[i]`) as a trajectory with final reward R. */
function transcriptTrajectory(
  query: string,
  finalReward: number,
  index: number,
  env: string,
): Trajectory {
  const trajectory = parseReactTranscript(query, {
    taskId: `query-${index}`,
    env,
    finalReward,
  });
  if (trajectory === undefined) {
    throw new ServerRequestError({
      statusCode: 422,
      code: 'invalid_field',
      field: `query[${index}]`,
      reason: 'no `Action:` line: expected a ReAct transcript (Observation:/Action: turns)',
    });
  }
  return trajectory;
}
