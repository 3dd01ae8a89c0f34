import { InvalidArgumentError, REWARD_SCHEMES, type RewardScheme } from '@spa/core';

/**
 * The training signal of a PPO run: one of core's step-reward schemes (a critic and GAE), or a
 * critic-free group-relative advantage (`grpo`, `rloo`: one advantage per episode from its final
 * reward, compared with the other rollouts of the same task).
 */
export type PpoRewardScheme = RewardScheme | 'grpo' | 'rloo';

/** Every {@link PpoRewardScheme}, in a stable order. */
export const PPO_REWARD_SCHEMES: readonly PpoRewardScheme[] = [...REWARD_SCHEMES, 'grpo', 'rloo'];

/**
 * PPO hyperparameters. Defaults follow the reference implementation (SPA-RL-Agent's step PPO,
 * copied from StepTool, on trl 0.10.1 — `../shared/research/paper.md` §2.7) where it sets one,
 * and cleanrl's `ppo.py` otherwise.
 */
export interface PpoConfig {
  /** The reward switch. Default `'spa'`. */
  readonly rewardScheme: PpoRewardScheme;
  /** `spa`: α of r_t = α·c_t + β·g_t. Default 1 (paper). */
  readonly alpha: number;
  /** `spa`, `leave-one-out`: β. Default 0.5 (paper). */
  readonly beta: number;
  /** `online`: fresh rollouts every iteration (default). `offline`: replay a fixed exploration set (the reference code). */
  readonly mode: 'online' | 'offline';
  /** Online: tasks per iteration. Offline: episodes per iteration are `tasksPerIteration × rolloutsPerTask`. Default 8. */
  readonly tasksPerIteration: number;
  /** Online: rollouts of each task per iteration (groups for `grpo`, `rloo`, `leave-one-out`). Default 1. */
  readonly rolloutsPerTask: number;
  /** Online: step cap per training episode (below the env's own limit). Default 0: the env's limit. */
  readonly maxSteps: number;
  /** Sampling temperature of online rollouts. Default 1. */
  readonly temperature: number;
  /** Discount γ. Default 0.99 (paper.md §3, the reference's token-level GAE). */
  readonly gamma: number;
  /** GAE λ. Default 0.95. */
  readonly lambda: number;
  /** `token`: GAE over action tokens (reference code). `step`: one GAE position per action. Default `token`. */
  readonly gaeLevel: 'token' | 'step';
  /** Whiten advantages over the batch's action tokens (trl, cleanrl). Default true. */
  readonly normalizeAdvantages: boolean;
  /** PPO epochs over each batch. Default 4 (trl `ppo_epochs`). */
  readonly epochs: number;
  /** Samples (agent steps) per minibatch. Default 8. */
  readonly minibatchSize: number;
  /** Surrogate clip ε. Default 0.2 (trl `cliprange`). */
  readonly clipRange: number;
  /** Value clip. Default 0.2 (trl `cliprange_value`). */
  readonly clipRangeValue: number;
  /** Value-loss weight. Default 0.1 (trl `vf_coef`). */
  readonly valueCoef: number;
  /**
   * Train the value head on detached hidden states, so the value loss never reaches the shared
   * transformer (a linear critic on the policy's features). Default false: the reference shares
   * the trunk (trl's `AutoModelForCausalLMWithValueHead`). Small models whose shaped returns are
   * far from the head's initial outputs are more stable with true (measured in the tests).
   */
  readonly detachValue: boolean;
  /** Entropy bonus weight. Default 0 (trl has none; cleanrl uses 0.01). */
  readonly entropyCoef: number;
  /** Adam learning rate (constant). Default 1e-5 (StepTool's `ppo_kwargs.learning_rate`). */
  readonly learningRate: number;
  /** Decoupled weight decay. Default 0. */
  readonly weightDecay: number;
  /** Global gradient-norm clip. Default 1. */
  readonly maxGradNorm: number;
  /** Initial KL coefficient β_KL to the frozen reference. Default 0.3 (paper.md §3). */
  readonly klCoef: number;
  /** Adapt β_KL toward `klTarget` (trl's AdaptiveKLController). Default true. */
  readonly adaptiveKl: boolean;
  /** Target KL (nats per sample). Default 6 (trl `target`). */
  readonly klTarget: number;
  /** Horizon of the adaptive controller. Default 10000 (trl `horizon`). */
  readonly klHorizon: number;
  /**
   * Stop the remaining PPO epochs of an iteration once an epoch ends with approx-KL above this
   * (cleanrl's `target_kl`). Default 0: off.
   */
  readonly targetKl: number;
  /** Padded tokens per forward chunk when scoring (memory bound). Default 16384. */
  readonly maxBatchTokens: number;
  /** Root seed: task order, rollouts and minibatch shuffles derive from (seed, iteration). Default 0. */
  readonly seed: number;
}

/** The defaults of {@link PpoConfig}. */
export const DEFAULT_PPO_CONFIG: PpoConfig = Object.freeze({
  rewardScheme: 'spa',
  alpha: 1,
  beta: 0.5,
  mode: 'online',
  tasksPerIteration: 8,
  rolloutsPerTask: 1,
  maxSteps: 0,
  temperature: 1,
  gamma: 0.99,
  lambda: 0.95,
  gaeLevel: 'token',
  normalizeAdvantages: true,
  epochs: 4,
  minibatchSize: 8,
  clipRange: 0.2,
  clipRangeValue: 0.2,
  valueCoef: 0.1,
  detachValue: false,
  entropyCoef: 0,
  learningRate: 1e-5,
  weightDecay: 0,
  maxGradNorm: 1,
  klCoef: 0.3,
  adaptiveKl: true,
  klTarget: 6,
  klHorizon: 10000,
  targetKl: 0,
  maxBatchTokens: 16384,
  seed: 0,
} satisfies PpoConfig);

/**
 * Fills defaults and validates; errors name the field and the accepted values.
 *
 * @throws InvalidArgumentError — e.g. `config.rewardScheme` (lists the schemes), `config.gamma`.
 */
export function resolvePpoConfig(input: Partial<PpoConfig> = {}): PpoConfig {
  const known = new Set(Object.keys(DEFAULT_PPO_CONFIG));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) {
      throw new InvalidArgumentError({
        field: `config.${key}`,
        reason: `unknown option; accepted: ${[...known].join(', ')}`,
      });
    }
  }
  const config: PpoConfig = { ...DEFAULT_PPO_CONFIG, ...input };
  const oneOf = (field: keyof PpoConfig, accepted: readonly string[]): void => {
    const value = config[field];
    if (!accepted.includes(value as string)) {
      throw new InvalidArgumentError({
        field: `config.${field}`,
        reason: `got ${JSON.stringify(value)}; accepted: ${accepted.join(', ')}`,
      });
    }
  };
  const range = (field: keyof PpoConfig, min: number, max: number, integer = false): void => {
    const value = config[field] as number;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      throw new InvalidArgumentError({
        field: `config.${field}`,
        reason: `got ${JSON.stringify(value)}; expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`,
      });
    }
  };
  oneOf('rewardScheme', PPO_REWARD_SCHEMES);
  oneOf('mode', ['online', 'offline']);
  oneOf('gaeLevel', ['token', 'step']);
  range('alpha', -1e6, 1e6);
  range('beta', -1e6, 1e6);
  range('tasksPerIteration', 1, 1e6, true);
  range('rolloutsPerTask', 1, 1e4, true);
  range('maxSteps', 0, 1e6, true);
  range('temperature', 0, 100);
  range('gamma', 0, 1);
  range('lambda', 0, 1);
  range('epochs', 1, 1e4, true);
  range('minibatchSize', 1, 1e6, true);
  range('clipRange', 0, 10);
  range('clipRangeValue', 0, 1e6);
  range('valueCoef', 0, 1e6);
  range('entropyCoef', 0, 1e6);
  range('learningRate', 0, 10);
  range('weightDecay', 0, 10);
  range('maxGradNorm', 0, 1e9);
  range('klCoef', 0, 1e6);
  range('klTarget', 0, 1e6);
  range('klHorizon', 1, 1e12);
  range('targetKl', 0, 1e6);
  range('maxBatchTokens', 16, 1e9, true);
  range('seed', 0, 2 ** 32 - 1, true);
  for (const field of ['normalizeAdvantages', 'adaptiveKl', 'detachValue'] as const) {
    if (typeof config[field] !== 'boolean') {
      throw new InvalidArgumentError({
        field: `config.${field}`,
        reason: `got ${JSON.stringify(config[field])}; expected true or false`,
      });
    }
  }
  if (config.mode === 'offline' && config.temperature !== DEFAULT_PPO_CONFIG.temperature) {
    // Harmless but meaningless; keep configs honest.
    throw new InvalidArgumentError({
      field: 'config.temperature',
      reason: 'offline mode replays recorded trajectories and samples nothing',
    });
  }
  return Object.freeze(config);
}

/**
 * trl 0.10.1's `AdaptiveKLController.update`: proportional error clipped to ±0.2, multiplier
 * `1 + error · nSteps / horizon`.
 */
export function adaptKlCoef(
  coef: number,
  currentKl: number,
  nSteps: number,
  target: number,
  horizon: number,
): number {
  const error = Math.min(0.2, Math.max(-0.2, currentKl / target - 1));
  return coef * (1 + (error * nSteps) / horizon);
}
