import {
  createRng,
  type HistoryStep,
  InvalidArgumentError,
  type Policy,
  type PolicyAction,
  type StepInfo,
  type StepResult,
  type TextEnv,
  type Trajectory,
  type TrajectoryStep,
} from '@spa/core';
import type { LmActOptions, LmPolicyAction } from './policy';

/** One episode to play: which task, and the seed of both the env reset and the sampling. */
export interface EpisodeSpec {
  /** Task passed to `env.reset`; omitted, the env draws one from its seed. */
  readonly taskId?: string;
  /** Seed of the env reset and (unless `sampleSeed` is given) of this episode's sampling stream. */
  readonly seed: number;
  /** Seed of the sampling stream when it must differ from the reset seed (Monte-Carlo continuations). */
  readonly sampleSeed?: number;
  /** Stored in `trajectory.meta.rollout` (the index of the rollout within its task in exploration). */
  readonly rollout?: number;
  /**
   * Actions replayed right after the reset, before the policy takes over (Monte-Carlo values of
   * a prefix). They are recorded as the trajectory's first steps, without decisions;
   * `trajectory.meta.prefixSteps` says how many.
   */
  readonly prefix?: readonly string[];
}

/** What the policy generated at one step, token for token (what PPO trains on). */
export interface StepDecision {
  /** The prompt the action was generated from. */
  readonly prompt: readonly number[];
  /** The generated tokens, the closing `<eoa>` included when written. */
  readonly tokens: readonly number[];
  /** Sampling log-probability of each generated token (temperature 1), when known. */
  readonly logProbs?: readonly number[];
}

/** A played episode: the trajectory (core's format) and the policy's tokens at each step. */
export interface RolloutEpisode {
  readonly trajectory: Trajectory;
  /**
   * One per policy step of `trajectory` — the steps after a replayed `prefix` (empty when the
   * policy does not report its tokens).
   */
  readonly decisions: readonly StepDecision[];
  /** Ended by the env (won or lost), as opposed to the step budget. */
  readonly terminated: boolean;
}

/** Seconds spent in the policy and in the envs, accumulated by {@link collectRollouts}. */
export interface RolloutTiming {
  policySeconds: number;
  envSeconds: number;
}

/** Options of {@link collectRollouts}. */
export interface CollectRolloutsOptions {
  /**
   * Any policy; an `LmPolicy` also gets one sampling stream per episode and reports its tokens.
   * Other policies get `seed` = a draw of `createRng(seed).fork(tick)` per call.
   */
  readonly policy: Policy;
  /** Seed of the per-call `seed` given to policies that ignore per-episode streams. Default 0. */
  readonly seed?: number;
  /**
   * The environments stepped concurrently: each plays one episode at a time, and every tick
   * sends one batched forward pass for all of them. Create them with the same options.
   */
  readonly envs: readonly TextEnv<StepInfo>[];
  /** The episodes, played in order as envs become free; results come back in this order. */
  readonly episodes: readonly EpisodeSpec[];
  /** Sampling temperature; 0 is greedy. Default 1. */
  readonly temperature?: number;
  /** Step cap per episode on top of the env's own time limit. Default: the env's `maxEpisodeSteps`, else 50. */
  readonly maxSteps?: number;
  /** Adds the time spent generating and stepping to this object. */
  readonly timing?: RolloutTiming;
  /** Called when an episode ends (index into `episodes`). */
  readonly onEpisode?: (episode: RolloutEpisode, index: number) => void;
  readonly signal?: AbortSignal;
}

interface Slot {
  readonly env: TextEnv<StepInfo>;
  index: number;
  spec: EpisodeSpec;
  goal: string;
  taskId: string;
  taskType: string | undefined;
  observation: string;
  admissible: readonly string[] | undefined;
  history: HistoryStep[];
  steps: TrajectoryStep[];
  decisions: StepDecision[];
  rewardSum: number;
  score: number | undefined;
  won: boolean;
}

/**
 * Plays `episodes` with `policy` on `envs` in lock-step: at each tick every busy env's context
 * goes into one batched `policy.act`, then all envs step concurrently. An env that finishes
 * takes the next episode (an explicit `reset` with the episode's seed and task — never an
 * implicit auto-reset).
 *
 * @remarks
 * Episode k samples from `createRng(spec.seed).fork('policy').fork(t)` at its step t, so its
 * actions depend only on its seed and the weights, not on which env played it or which other
 * episodes shared the batch (measured: the same tokens with 1 or 3 envs; log-probs differ only
 * in float32 rounding, < 1e-5, because padding changes the kernels' shapes). `finalReward` is the env's `info.score` on the last step when it
 * has one, else the sum of env rewards (as core's `collectEpisode`).
 */
export async function collectRollouts(options: CollectRolloutsOptions): Promise<RolloutEpisode[]> {
  const { policy, envs, episodes } = options;
  if (envs.length === 0) {
    throw new InvalidArgumentError({ field: 'options.envs', reason: 'needs at least one env' });
  }
  if (new Set(envs).size !== envs.length) {
    throw new InvalidArgumentError({
      field: 'options.envs',
      reason: 'the same env instance appears twice; create one env per concurrent episode',
    });
  }
  const temperature = options.temperature ?? 1;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError({
      field: 'options.temperature',
      reason: `expected a finite number ≥ 0, got ${temperature}`,
    });
  }
  episodes.forEach((spec, index) => {
    if (!Number.isInteger(spec.seed)) {
      throw new InvalidArgumentError({
        field: `episodes[${index}].seed`,
        reason: `expected an integer, got ${spec.seed}`,
      });
    }
  });
  const cap = options.maxSteps ?? envs[0]?.metadata.maxEpisodeSteps ?? 50;
  if (!Number.isInteger(cap) || cap < 1) {
    throw new InvalidArgumentError({
      field: 'options.maxSteps',
      reason: `expected an integer ≥ 1, got ${cap}`,
    });
  }
  const results: RolloutEpisode[] = new Array(episodes.length);
  let next = 0;
  const start = async (env: TextEnv<StepInfo>): Promise<Slot | undefined> => {
    if (next >= episodes.length) return undefined;
    const index = next++;
    const spec = episodes[index] as EpisodeSpec;
    const reset = await env.reset({
      seed: spec.seed,
      ...(spec.taskId === undefined ? {} : { taskId: spec.taskId }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const slot: Slot = {
      env,
      index,
      spec,
      goal: reset.info.goal ?? '',
      taskId: reset.info.taskId ?? spec.taskId ?? 'unknown',
      taskType: reset.info.taskType,
      observation: reset.observation,
      admissible: reset.info.admissibleActions,
      history: [],
      steps: [],
      decisions: [],
      rewardSum: 0,
      score: undefined,
      won: false,
    };
    for (const action of spec.prefix ?? []) {
      const result = await env.step(
        action,
        options.signal === undefined ? {} : { signal: options.signal },
      );
      if (record(slot, action, result)) {
        finish(slot, result.terminated);
        return start(env);
      }
    }
    return slot;
  };
  /** Records one step; true when the episode is over. */
  const record = (slot: Slot, action: string, result: StepResult<StepInfo>): boolean => {
    slot.steps.push({
      observation: slot.observation,
      action,
      grounded: result.info.grounded,
      reward: result.reward,
    });
    slot.history.push({ observation: slot.observation, action });
    slot.rewardSum += result.reward;
    slot.score = result.info.score;
    slot.won = result.info.won;
    slot.observation = result.observation;
    slot.admissible = result.info.admissibleActions;
    return result.terminated || result.truncated || slot.steps.length >= cap;
  };
  const finish = (slot: Slot, terminated: boolean): void => {
    const { spec } = slot;
    const trajectory: Trajectory = {
      taskId: slot.taskId,
      env: slot.env.id,
      goal: slot.goal,
      steps: slot.steps,
      finalReward: slot.score ?? slot.rewardSum,
      won: slot.won,
      meta: {
        seed: spec.seed,
        ...(spec.rollout === undefined ? {} : { rollout: spec.rollout }),
        ...(slot.taskType === undefined ? {} : { taskType: slot.taskType }),
        ...(spec.prefix === undefined ? {} : { prefixSteps: spec.prefix.length }),
      },
    };
    const episode: RolloutEpisode = { trajectory, decisions: slot.decisions, terminated };
    results[slot.index] = episode;
    options.onEpisode?.(episode, slot.index);
  };

  const tickRng = createRng(options.seed ?? 0).fork('ticks');
  let tick = 0;
  let slots = (await Promise.all(envs.map((env) => start(env)))).filter(
    (slot): slot is Slot => slot !== undefined,
  );
  while (slots.length > 0) {
    options.signal?.throwIfAborted();
    const actOptions: LmActOptions = {
      temperature,
      values: false,
      seed: tickRng.fork(tick++).nextUint32(),
      rngs: slots.map((slot) =>
        createRng(slot.spec.sampleSeed ?? slot.spec.seed)
          .fork('policy')
          .fork(slot.steps.length),
      ),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    const actStarted = performance.now();
    const decisions: readonly (PolicyAction &
      Partial<Pick<LmPolicyAction, 'prompt' | 'tokens'>>)[] = await policy.act(
      slots.map((slot) => ({
        taskId: slot.taskId,
        goal: slot.goal,
        history: slot.history,
        observation: slot.observation,
        ...(slot.admissible === undefined ? {} : { admissibleActions: slot.admissible }),
      })),
      actOptions,
    );
    const envStarted = performance.now();
    if (options.timing) options.timing.policySeconds += (envStarted - actStarted) / 1000;
    if (decisions.length !== slots.length) {
      throw new InvalidArgumentError({
        field: 'policy.act',
        reason: `policy "${policy.name}" returned ${decisions.length} actions for ${slots.length} contexts`,
      });
    }
    slots = (
      await Promise.all(
        slots.map(async (slot, row) => {
          const decision = decisions[row];
          if (decision === undefined) throw new Error('unreachable: checked above');
          const result = await slot.env.step(
            decision.action,
            options.signal === undefined ? {} : { signal: options.signal },
          );
          const over = record(slot, decision.action, result);
          if (decision.prompt !== undefined && decision.tokens !== undefined) {
            slot.decisions.push({
              prompt: decision.prompt,
              tokens: decision.tokens,
              ...(decision.tokenLogProbs === undefined
                ? {}
                : { logProbs: Array.from(decision.tokenLogProbs) }),
            });
          }
          if (over) {
            finish(slot, result.terminated);
            return start(slot.env);
          }
          return slot;
        }),
      )
    ).filter((slot): slot is Slot => slot !== undefined);
    if (options.timing) options.timing.envSeconds += (performance.now() - envStarted) / 1000;
  }
  return results;
}

/** Options of {@link explorationEpisodes}. */
export interface ExplorationOptions {
  /** Rollouts per task: the paper's N. Default 1. */
  readonly rolloutsPerTask?: number;
  /** Root seed; each (task, rollout) gets its own derived seed. Default 0. */
  readonly seed?: number;
}

/**
 * The episodes of the paper's exploration stage: N rollouts of every task, each with its own
 * seed derived from `(seed, taskId, k)` — the same list for the same arguments.
 */
export function explorationEpisodes(
  taskIds: readonly string[],
  options: ExplorationOptions = {},
): EpisodeSpec[] {
  const n = options.rolloutsPerTask ?? 1;
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError({
      field: 'options.rolloutsPerTask',
      reason: `expected an integer ≥ 1, got ${n}`,
    });
  }
  const root = createRng(options.seed ?? 0).fork('exploration');
  return taskIds.flatMap((taskId) =>
    Array.from({ length: n }, (_, rollout) => ({
      taskId,
      rollout,
      seed: root.fork(taskId).fork(rollout).nextUint32() >>> 1,
    })),
  );
}
