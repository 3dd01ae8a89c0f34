import {
  createRng,
  InvalidArgumentError,
  type Policy,
  type StepInfo,
  type TextEnv,
  type Trajectory,
} from '@spa/core';
import type { RewardInputs } from './ppo';
import { collectRollouts, type EpisodeSpec } from './rollout';

/** Options of {@link monteCarloRewardInputs}. */
export interface MonteCarloRewardInputsOptions {
  /** The policy that continues each prefix (usually the policy being trained). */
  readonly policy: Policy;
  /** Envs for the extra rollouts; they must replay a recorded episode from its reset seed. */
  readonly envs: readonly TextEnv<StepInfo>[];
  /** Rollouts K continued from every prefix. Default 4. */
  readonly rolloutsPerPrefix?: number;
  /** Sampling temperature of the continuations. Default 1. */
  readonly temperature?: number;
  /** Root seed of the continuations' sampling. Default 0. */
  readonly seed?: number;
}

/**
 * The inputs of core's `mc` scheme, computed by simulation: for each trajectory and each
 * prefix t = 0..T−1, the env is reset with the trajectory's seed and task, the first t recorded
 * actions are replayed, and the policy plays K continuations; their final rewards are the
 * prefix's Monte-Carlo returns. Pass the result as `PpoTrainer`'s `rewardInputs` with
 * `rewardScheme: 'mc'`.
 *
 * @remarks Costs T·K extra episodes per trajectory (the price of the `mc` baseline the paper
 * compares against). Needs deterministic envs and `trajectory.meta.seed` (set by
 * `collectRollouts`).
 *
 * @throws InvalidArgumentError — a trajectory without `meta.seed`, or bad options.
 */
export function monteCarloRewardInputs(options: MonteCarloRewardInputsOptions): RewardInputs {
  const k = options.rolloutsPerPrefix ?? 4;
  if (!Number.isInteger(k) || k < 1) {
    throw new InvalidArgumentError({
      field: 'options.rolloutsPerPrefix',
      reason: `expected an integer ≥ 1, got ${k}`,
    });
  }
  let call = 0;
  return async (trajectories: readonly Trajectory[]) => {
    const root = createRng(options.seed ?? 0)
      .fork('monte-carlo')
      .fork(call++);
    const specs: EpisodeSpec[] = [];
    trajectories.forEach((trajectory, i) => {
      const seed = trajectory.meta?.seed;
      if (typeof seed !== 'number' || !Number.isInteger(seed)) {
        throw new InvalidArgumentError({
          field: `trajectories[${i}].meta.seed`,
          reason: 'Monte-Carlo prefixes replay the episode from its reset seed, which is missing',
        });
      }
      for (let t = 0; t < trajectory.steps.length; t++) {
        const prefix = trajectory.steps.slice(0, t).map((step) => step.action);
        for (let j = 0; j < k; j++) {
          // The env replays the episode (same reset seed); the continuation samples afresh.
          specs.push({ taskId: trajectory.taskId, seed, prefix, rollout: j });
        }
      }
    });
    const streams = root.fork('streams');
    for (const [index, spec] of specs.entries()) {
      specs[index] = { ...spec, sampleSeed: streams.nextUint32() >>> 1 };
    }
    const continued = await collectRollouts({
      policy: options.policy,
      envs: options.envs,
      episodes: specs,
      temperature: options.temperature ?? 1,
      seed: streams.nextUint32(),
    });
    let next = 0;
    return {
      prefixReturns: trajectories.map((trajectory) =>
        trajectory.steps.map(() =>
          Array.from(
            { length: k },
            () => (continued[next++]?.trajectory.finalReward ?? 0) as number,
          ),
        ),
      ),
    };
  };
}
