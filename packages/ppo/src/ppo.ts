import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type AssignStepRewardsOptions,
  assignStepRewards,
  createRng,
  grpoAdvantages,
  InvalidArgumentError,
  type JsonValue,
  type ProgressEstimator,
  type RewardScheme,
  rlooAdvantages,
  SpaError,
  type StepInfo,
  type TextEnv,
  type Trajectory,
} from '@spa/core';
import { writeFileAtomic } from '@spa/core/node';
import { createKernelRunner, type KernelRunner } from '@spa/kernels';
import {
  AdamW,
  loadLanguageModel,
  saveLanguageModel,
  type TransformerLM,
  type WeightData,
} from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import { adaptKlCoef, type PpoConfig, resolvePpoConfig } from './config';
import { LmPolicy, type LmPolicyOptions, VALUE_HEAD } from './policy';
import {
  collectRollouts,
  type EpisodeSpec,
  type RolloutEpisode,
  type RolloutTiming,
  type StepDecision,
} from './rollout';
import {
  actionOutputs,
  decisionsFromTrajectory,
  type PpoSample,
  samplesOf,
  scoreSamples,
} from './samples';

/** Thrown when a loss, gradient, value or advantage stops being finite; training stops there. */
export class PpoDivergenceError extends SpaError {
  readonly iteration: number;
  /** What was not finite, e.g. `losses/policy` or `advantages`. */
  readonly quantity: string;
  /** The last checkpoint written before the divergence (still intact), if any. */
  readonly lastCheckpoint: string | undefined;

  constructor(options: {
    iteration: number;
    quantity: string;
    detail: string;
    lastCheckpoint: string | undefined;
  }) {
    super(
      'PpoDivergenceError',
      `PPO diverged at iteration ${options.iteration}: ${options.quantity} is not finite (${options.detail}). ` +
        (options.lastCheckpoint === undefined
          ? 'No checkpoint had been written.'
          : `The last good checkpoint is ${options.lastCheckpoint} (resume from it with a lower learning rate).`),
    );
    this.iteration = options.iteration;
    this.quantity = options.quantity;
    this.lastCheckpoint = options.lastCheckpoint;
  }
}

/** The metrics of one iteration, under stable names (architecture.md §3). */
export type IterationMetrics = Readonly<Record<string, number>> & {
  readonly iteration: number;
};

/** Reward inputs a scheme needs beyond the trajectories (`prm`: prefix values; `mc`: prefix returns). */
export type RewardInputs = (
  trajectories: readonly Trajectory[],
) => Promise<Pick<AssignStepRewardsOptions, 'prefixValues' | 'initialValue' | 'prefixReturns'>>;

/** Options of {@link PpoTrainer.create}. */
export interface PpoTrainerOptions {
  /** The policy to train (its model's weights change). Its model needs a `value` head. */
  readonly policy: LmPolicy;
  /** The frozen reference for the KL penalty. Default: a copy of the policy's model at creation. */
  readonly reference?: TransformerLM;
  readonly config?: Partial<PpoConfig>;
  /** Online mode: envs stepped concurrently (one batched forward pass per tick). */
  readonly envs?: readonly TextEnv<StepInfo>[];
  /** Online mode: the training tasks; each iteration draws `tasksPerIteration` of them. */
  readonly taskIds?: readonly string[];
  /** Offline mode: the fixed exploration set, replayed in seeded order. */
  readonly trajectories?: readonly Trajectory[];
  /** `spa`: the progress estimator giving c_t for trajectories without `contributions`. */
  readonly estimator?: ProgressEstimator;
  /** `prm` / `mc`: computes the scheme's extra inputs for a batch. */
  readonly rewardInputs?: RewardInputs;
  /** Extra options of core's `assignStepRewards` (e.g. `lastStep`, `stepWeighting`). */
  readonly rewardOptions?: Partial<
    Pick<
      AssignStepRewardsOptions,
      'groundedValue' | 'ungroundedValue' | 'lastStep' | 'stepWeighting' | 'placement'
    >
  >;
  /** Kernel runner for GAE and normalisation. Default: `createKernelRunner()` (js). */
  readonly kernels?: KernelRunner;
  /** Write a checkpoint into `directory` every `every` iterations (atomically). */
  readonly checkpoint?: { readonly directory: string; readonly every: number };
  /** Append each iteration's metrics as one JSON line. */
  readonly metricsFile?: string;
  /** Called after each iteration with its metrics. */
  readonly onIteration?: (metrics: IterationMetrics) => void | Promise<void>;
  /** Called as the iteration's stages progress. */
  readonly onProgress?: (event: {
    readonly iteration: number;
    readonly stage: 'rollout' | 'rewards' | 'score' | 'update';
    readonly done: number;
    readonly total: number;
  }) => void;
}

interface BatchEpisode {
  readonly trajectory: Trajectory;
  readonly decisions: readonly StepDecision[];
}

const CHECKPOINT_KIND = 'spa-ppo-trainer';

/**
 * Step-level PPO for text agents with switchable rewards (SPA, sparse, uniform, prm, mc,
 * leave-one-out, or critic-free grpo/rloo).
 *
 * @remarks
 * One iteration, top to bottom (cleanrl's `ppo.py` order):
 * 1. **Data.** Online: `tasksPerIteration × rolloutsPerTask` fresh episodes (seeds from
 *    `(seed, iteration)`). Offline: the next slice of the fixed set, replayed as text.
 * 2. **Rewards.** Core's `assignStepRewards` under the scheme (SPA asks the estimator for c_t
 *    when the trajectories carry none) — or group advantages for grpo/rloo.
 * 3. **Scoring.** Old log-probs and values of every action token under the current policy, and
 *    reference log-probs (recomputed, so the first ratio is 1, as the reference code does).
 * 4. **Advantages.** Each step's reward sits on its action's last token; every token also gets
 *    −β_KL·(log π − log π_ref) (trl). GAE (token- or step-level) runs on `@spa/kernels`; then
 *    whitening.
 * 5. **Update.** `epochs` passes of shuffled minibatches of steps: clipped surrogate, clipped
 *    value loss, entropy bonus (critic-free schemes: no value loss, a k3 KL term instead).
 * 6. **Bookkeeping.** Adaptive KL, metrics line, checkpoint.
 */
export class PpoTrainer {
  readonly policy: LmPolicy;
  readonly reference: TransformerLM;
  readonly config: PpoConfig;
  /** Iterations completed. */
  iteration = 0;
  /** Current KL coefficient β_KL. */
  klCoef: number;
  /** Env steps taken (online) or replayed (offline) so far. */
  globalSteps = 0;
  private readonly options: PpoTrainerOptions;
  private readonly optimizer: AdamW;
  private readonly kernels: KernelRunner;
  private readonly ownsKernels: boolean;
  private ownsReference: boolean;
  private lastCheckpoint: string | undefined;

  private constructor(options: PpoTrainerOptions, config: PpoConfig) {
    this.options = options;
    this.config = config;
    this.policy = options.policy;
    const model = options.policy.model;
    if (!model.config.scalarHeads.includes(VALUE_HEAD)) {
      throw new InvalidArgumentError({
        field: 'options.policy',
        reason: `the model needs a '${VALUE_HEAD}' scalar head (create it with scalarHeads including '${VALUE_HEAD}')`,
      });
    }
    this.ownsReference = options.reference === undefined;
    this.reference = options.reference ?? model.clone();
    this.klCoef = config.klCoef;
    this.optimizer = new AdamW(
      model.variables().map((variable) => ({ name: model.nameOf(variable), variable })),
      {
        learningRate: config.learningRate,
        weightDecay: config.weightDecay,
        clipNorm: config.maxGradNorm,
      },
    );
    this.ownsKernels = options.kernels === undefined;
    this.kernels = options.kernels ?? createKernelRunner();
    if (config.mode === 'online') {
      if (options.envs === undefined || options.envs.length === 0) {
        throw new InvalidArgumentError({
          field: 'options.envs',
          reason: 'online mode needs at least one env',
        });
      }
      if (options.taskIds === undefined || options.taskIds.length === 0) {
        throw new InvalidArgumentError({
          field: 'options.taskIds',
          reason: 'online mode needs the training task ids',
        });
      }
    } else if (options.trajectories === undefined || options.trajectories.length === 0) {
      throw new InvalidArgumentError({
        field: 'options.trajectories',
        reason: 'offline mode needs the exploration trajectories',
      });
    }
    if (options.checkpoint !== undefined) {
      const { every } = options.checkpoint;
      if (!Number.isInteger(every) || every < 1) {
        throw new InvalidArgumentError({
          field: 'options.checkpoint.every',
          reason: `expected an integer ≥ 1, got ${every}`,
        });
      }
    }
  }

  /** A trainer at iteration 0. */
  static create(options: PpoTrainerOptions): PpoTrainer {
    return new PpoTrainer(options, resolvePpoConfig(options.config));
  }

  /**
   * Continues a run from a checkpoint written by {@link save}: weights, reference, optimiser
   * moments, β_KL, iteration and config are restored, so the next iterations equal those of the
   * uninterrupted run (same backend). The metrics file, when given, is cut back to the
   * checkpoint's iteration.
   *
   * @throws InvalidArgumentError — the directory is not a PPO checkpoint, or `config` overrides
   *   differ from the saved ones.
   */
  static async resume(
    directory: string,
    options: Omit<PpoTrainerOptions, 'policy' | 'reference' | 'config'> & {
      readonly policyOptions?: LmPolicyOptions;
    },
  ): Promise<PpoTrainer> {
    const loaded = await loadLanguageModel(directory);
    const meta = loaded.metadata;
    if (meta.kind !== CHECKPOINT_KIND) {
      loaded.model.dispose();
      throw new InvalidArgumentError({
        field: 'directory',
        reason: `${directory} is not a PPO trainer checkpoint (metadata.kind ${JSON.stringify(meta.kind)})`,
      });
    }
    const policyMeta = meta.policy as Record<string, JsonValue>;
    const policy = new LmPolicy(loaded.model, loaded.tokenizer, {
      ...options.policyOptions,
      context: {
        maxTokens: policyMeta.maxTokens as number,
        historyWindow: (policyMeta.historyWindow as number | null) ?? Number.POSITIVE_INFINITY,
        maxObservationTokens: policyMeta.maxObservationTokens as number,
        maxActionTokens: policyMeta.maxActionTokens as number,
      },
    });
    const referenceWeights = loaded.extraTensors.get('reference');
    if (referenceWeights === undefined) {
      throw new InvalidArgumentError({
        field: 'directory',
        reason: `${directory} has no reference weights`,
      });
    }
    const reference = loaded.model.clone();
    reference.setWeights(referenceWeights, { strict: true });
    const trainer = new PpoTrainer(
      { ...options, policy, reference },
      resolvePpoConfig(meta.config as Partial<PpoConfig>),
    );
    trainer.ownsReference = true;
    const m = loaded.extraTensors.get('optimizer.m');
    const v = loaded.extraTensors.get('optimizer.v');
    if (m === undefined || v === undefined) {
      throw new InvalidArgumentError({
        field: 'directory',
        reason: `${directory} has no optimiser state`,
      });
    }
    trainer.optimizer.setState({ step: meta.optimizerStep as number, m, v });
    trainer.iteration = meta.iteration as number;
    trainer.klCoef = meta.klCoef as number;
    trainer.globalSteps = meta.globalSteps as number;
    trainer.lastCheckpoint = directory;
    if (options.metricsFile !== undefined) {
      await truncateMetrics(options.metricsFile, trainer.iteration);
    }
    return trainer;
  }

  /** Writes the whole training state (atomically: a crash keeps the previous checkpoint). */
  async save(directory: string): Promise<void> {
    const state = this.optimizer.getState();
    const contexts = this.policy.contexts;
    const extra = new Map<string, ReadonlyMap<string, WeightData>>([
      ['reference', this.reference.getWeights()],
      ['optimizer.m', state.m],
      ['optimizer.v', state.v],
    ]);
    for (const [name, weight] of this.policy.model.getWeights()) {
      if (!weight.data.every(Number.isFinite)) {
        throw new PpoDivergenceError({
          iteration: this.iteration,
          quantity: `weights ${name}`,
          detail: 'refusing to checkpoint non-finite weights',
          lastCheckpoint: this.lastCheckpoint,
        });
      }
    }
    await saveLanguageModel(
      directory,
      { model: this.policy.model, tokenizer: this.policy.tokenizer },
      {
        metadata: {
          kind: CHECKPOINT_KIND,
          iteration: this.iteration,
          klCoef: this.klCoef,
          globalSteps: this.globalSteps,
          optimizerStep: state.step,
          config: this.config as unknown as JsonValue,
          policy: {
            maxTokens: contexts.maxTokens,
            historyWindow: Number.isFinite(contexts.historyWindow) ? contexts.historyWindow : null,
            maxObservationTokens: contexts.maxObservationTokens,
            maxActionTokens: contexts.maxActionTokens,
          },
        },
        extraTensors: extra,
      },
    );
    this.lastCheckpoint = directory;
  }

  /** Runs `iterations` more iterations; returns their metrics. */
  async train(
    iterations: number,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<IterationMetrics[]> {
    if (!Number.isInteger(iterations) || iterations < 0) {
      throw new InvalidArgumentError({
        field: 'iterations',
        reason: `expected an integer ≥ 0, got ${iterations}`,
      });
    }
    const out: IterationMetrics[] = [];
    for (let i = 0; i < iterations; i++) out.push(await this.step(options));
    return out;
  }

  /** One iteration (data → rewards → scoring → advantages → update → bookkeeping). */
  async step(options: { readonly signal?: AbortSignal } = {}): Promise<IterationMetrics> {
    const { config } = this;
    const iteration = this.iteration + 1;
    const rng = createRng(config.seed).fork('iteration').fork(iteration);
    const progress = this.options.onProgress;
    const started = performance.now();

    // 1. Data.
    const timing: RolloutTiming = { policySeconds: 0, envSeconds: 0 };
    let batch: BatchEpisode[];
    if (config.mode === 'online') {
      const episodes = this.onlineEpisodes(rng);
      const rollouts: RolloutEpisode[] = await collectRollouts({
        policy: this.policy,
        envs: this.options.envs as readonly TextEnv<StepInfo>[],
        episodes,
        temperature: config.temperature,
        ...(config.maxSteps > 0 ? { maxSteps: config.maxSteps } : {}),
        timing,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onEpisode: (_episode, index) =>
          progress?.({ iteration, stage: 'rollout', done: index + 1, total: episodes.length }),
      });
      batch = rollouts;
    } else {
      batch = this.offlineEpisodes(iteration).map((trajectory) => ({
        trajectory,
        decisions: decisionsFromTrajectory(this.policy, trajectory),
      }));
    }
    const trajectories = batch.map((episode) => episode.trajectory);
    const stepCount = trajectories.reduce((n, t) => n + t.steps.length, 0);

    // 2. Rewards.
    const rewardsStarted = performance.now();
    const scheme = config.rewardScheme;
    const critic = scheme !== 'grpo' && scheme !== 'rloo';
    let stepRewards: number[][] = [];
    let episodeAdvantages: Float64Array | undefined;
    if (critic) {
      let withContributions = trajectories;
      if (scheme === 'spa' && trajectories.some((t) => t.contributions === undefined)) {
        if (this.options.estimator === undefined) {
          throw new InvalidArgumentError({
            field: 'options.estimator',
            reason:
              "rewardScheme 'spa' needs a progress estimator (or trajectories with contributions)",
          });
        }
        const contributions = await this.options.estimator.predict(
          trajectories,
          options.signal === undefined ? {} : { signal: options.signal },
        );
        withContributions = trajectories.map((t, i) =>
          t.contributions === undefined ? { ...t, contributions: contributions[i] as number[] } : t,
        );
      }
      const extra =
        (scheme === 'prm' || scheme === 'mc') && this.options.rewardInputs !== undefined
          ? await this.options.rewardInputs(withContributions)
          : {};
      stepRewards = assignStepRewards({
        trajectories: withContributions,
        scheme: scheme as RewardScheme,
        alpha: config.alpha,
        beta: config.beta,
        ...this.options.rewardOptions,
        ...extra,
      });
    } else {
      const rewards = trajectories.map((t) => t.finalReward);
      const groups = trajectories.map((t) => t.taskId);
      episodeAdvantages =
        scheme === 'grpo'
          ? grpoAdvantages({ rewards, groups })
          : rlooAdvantages({ rewards, groups });
    }
    const rewardSeconds = (performance.now() - rewardsStarted) / 1000;
    progress?.({ iteration, stage: 'rewards', done: 1, total: 1 });

    // 3. Scoring: old log-probs, values, reference log-probs.
    const scoreStarted = performance.now();
    const samples = samplesOf(batch.map((episode) => episode.decisions));
    if (samples.length !== stepCount) {
      throw new InvalidArgumentError({
        field: 'policy',
        reason: 'the rollouts carry no token decisions (an LmPolicy is needed for training)',
      });
    }
    const old = scoreSamples(this.policy.model, samples, {
      values: critic,
      maxTokens: config.maxBatchTokens,
    });
    // Without a KL term (β_KL 0 and not adaptive) the reference pass is skipped: KL reads as 0.
    const ref =
      this.klCoef === 0 && !config.adaptiveKl
        ? { logProbs: old.logProbs }
        : scoreSamples(this.reference, samples, {
            values: false,
            maxTokens: config.maxBatchTokens,
          });
    const scoreSeconds = (performance.now() - scoreStarted) / 1000;
    progress?.({ iteration, stage: 'score', done: 1, total: 1 });

    this.assertFinite(iteration, [
      ['values', old.values ?? new Float32Array(0)],
      ['log-probs', old.logProbs],
      ['reference log-probs', ref.logProbs],
    ]);

    // 4. Advantages.
    const advantageStarted = performance.now();
    const tokenOffsets = new Int32Array(samples.length + 1);
    samples.forEach((sample, i) => {
      tokenOffsets[i + 1] = (tokenOffsets[i] as number) + sample.tokens.length;
    });
    const numTokens = tokenOffsets[samples.length] as number;
    const klPerToken = new Float32Array(numTokens);
    for (let k = 0; k < numTokens; k++) {
      klPerToken[k] = (old.logProbs[k] as number) - (ref.logProbs[k] as number);
    }
    const { advantages, returns, valueMask } = await this.advantages({
      samples,
      tokenOffsets,
      klPerToken,
      oldValues: old.values,
      stepRewards,
      episodeAdvantages,
      episodes: batch.length,
    });
    this.assertFinite(iteration, [
      ['advantages', advantages],
      ['returns', returns],
    ]);
    const advantageSeconds = (performance.now() - advantageStarted) / 1000;

    // 5. Update.
    const updateStarted = performance.now();
    const stats = await this.update({
      iteration,
      rng,
      samples,
      tokenOffsets,
      oldLogProbs: old.logProbs,
      refLogProbs: ref.logProbs,
      oldValues: old.values,
      advantages,
      returns,
      valueMask,
      critic,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const updateSeconds = (performance.now() - updateStarted) / 1000;

    // 6. Bookkeeping.
    let klSum = 0;
    for (let k = 0; k < numTokens; k++) klSum += klPerToken[k] as number;
    const meanKlPerSample = klSum / samples.length;
    const klCoefUsed = this.klCoef;
    if (config.adaptiveKl) {
      this.klCoef = adaptKlCoef(
        this.klCoef,
        meanKlPerSample,
        samples.length,
        config.klTarget,
        config.klHorizon,
      );
    }
    this.iteration = iteration;
    this.globalSteps += stepCount;
    const won = trajectories.filter((t) => t.won).length;
    const grounded = trajectories.reduce((n, t) => n + t.steps.filter((s) => s.grounded).length, 0);
    const rewardSum = stepRewards.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
    const seconds = (performance.now() - started) / 1000;
    const metrics: IterationMetrics = {
      iteration,
      global_step: this.globalSteps,
      'charts/success_rate': won / trajectories.length,
      'charts/score':
        (100 * trajectories.reduce((s, t) => s + t.finalReward, 0)) / trajectories.length,
      'charts/grounding_accuracy': grounded / stepCount,
      'charts/episode_length': stepCount / trajectories.length,
      'charts/kl_coef': klCoefUsed,
      'charts/learning_rate': config.learningRate,
      'rewards/mean_step_reward': critic ? rewardSum / stepCount : 0,
      'losses/policy': stats.policyLoss,
      'losses/value': stats.valueLoss,
      'losses/entropy': stats.entropy,
      'losses/approx_kl': stats.approxKl,
      'losses/clipfrac': stats.clipFraction,
      'losses/kl_ref': meanKlPerSample,
      'losses/grad_norm': stats.gradNorm,
      'charts/ppo_epochs': stats.epochs,
      'perf/env_steps_per_second':
        config.mode === 'online'
          ? stepCount / Math.max(1e-9, timing.policySeconds + timing.envSeconds)
          : 0,
      'perf/samples_per_second': samples.length / Math.max(1e-9, seconds),
      'perf/time_generate': timing.policySeconds,
      'perf/time_env': timing.envSeconds,
      'perf/time_rewards': rewardSeconds,
      'perf/time_score': scoreSeconds,
      'perf/time_advantages': advantageSeconds,
      'perf/time_update': updateSeconds,
      'perf/time_iteration': seconds,
    };
    if (this.options.metricsFile !== undefined) {
      await mkdir(dirname(this.options.metricsFile), { recursive: true });
      await appendFile(this.options.metricsFile, `${JSON.stringify(metrics)}\n`);
    }
    const checkpoint = this.options.checkpoint;
    if (checkpoint !== undefined && iteration % checkpoint.every === 0) {
      await this.save(checkpoint.directory);
    }
    await this.options.onIteration?.(metrics);
    return metrics;
  }

  /** Frees the optimiser state, the reference copy it made, and its own kernel runner. */
  async dispose(): Promise<void> {
    this.optimizer.dispose();
    if (this.ownsReference) this.reference.dispose();
    if (this.ownsKernels) await this.kernels.dispose();
  }

  private assertFinite(
    iteration: number,
    arrays: readonly (readonly [string, Float32Array])[],
  ): void {
    for (const [quantity, array] of arrays) {
      const bad = array.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) {
        throw new PpoDivergenceError({
          iteration,
          quantity,
          detail: `entry ${bad} is ${array[bad]}`,
          lastCheckpoint: this.lastCheckpoint,
        });
      }
    }
  }

  private onlineEpisodes(rng: ReturnType<typeof createRng>): EpisodeSpec[] {
    const taskIds = this.options.taskIds as readonly string[];
    const { tasksPerIteration, rolloutsPerTask } = this.config;
    const chosen: string[] = [];
    const order = rng.fork('tasks');
    while (chosen.length < tasksPerIteration) {
      const shuffled = order.shuffle([...taskIds]);
      chosen.push(...shuffled.slice(0, tasksPerIteration - chosen.length));
    }
    const seeds = rng.fork('seeds');
    return chosen.flatMap((taskId) =>
      Array.from({ length: rolloutsPerTask }, (_, rollout) => ({
        taskId,
        rollout,
        seed: seeds.nextUint32() >>> 1,
      })),
    );
  }

  private offlineEpisodes(iteration: number): Trajectory[] {
    const all = this.options.trajectories as readonly Trajectory[];
    const size = Math.min(all.length, this.config.tasksPerIteration * this.config.rolloutsPerTask);
    const perPass = Math.max(1, Math.floor(all.length / size));
    const pass = Math.floor((iteration - 1) / perPass);
    const slot = (iteration - 1) % perPass;
    const order = createRng(this.config.seed)
      .fork('offline-order')
      .fork(pass)
      .shuffle(all.map((_, i) => i));
    return order.slice(slot * size, slot * size + size).map((i) => all[i] as Trajectory);
  }

  private async advantages(input: {
    samples: readonly PpoSample[];
    tokenOffsets: Int32Array;
    klPerToken: Float32Array;
    oldValues: Float32Array | undefined;
    stepRewards: readonly (readonly number[])[];
    episodeAdvantages: Float64Array | undefined;
    episodes: number;
  }): Promise<{ advantages: Float32Array; returns: Float32Array; valueMask: Uint8Array }> {
    const { samples, tokenOffsets, klPerToken, oldValues, config } = {
      ...input,
      config: this.config,
    };
    const numTokens = klPerToken.length;
    const valueMask = new Uint8Array(numTokens);
    if (input.episodeAdvantages !== undefined) {
      // Critic-free: the episode's advantage on every one of its tokens.
      const advantages = new Float32Array(numTokens);
      samples.forEach((sample, i) => {
        advantages.fill(
          input.episodeAdvantages?.[sample.episode] as number,
          tokenOffsets[i] as number,
          tokenOffsets[i + 1] as number,
        );
      });
      return { advantages, returns: new Float32Array(numTokens), valueMask };
    }
    const values = oldValues as Float32Array;
    // Episode rows over the episode's samples (samples are episode-major).
    const episodeStarts = new Int32Array(input.episodes + 1);
    for (const sample of samples)
      episodeStarts[sample.episode + 1] = (episodeStarts[sample.episode + 1] as number) + 1;
    for (let e = 0; e < input.episodes; e++) {
      episodeStarts[e + 1] = (episodeStarts[e + 1] as number) + (episodeStarts[e] as number);
    }
    const stepReward = (sample: PpoSample): number =>
      (input.stepRewards[sample.episode] as readonly number[])[sample.step] as number;
    let advantages: Float32Array;
    let returns: Float32Array;
    if (config.gaeLevel === 'token') {
      const rewards = new Float32Array(numTokens);
      for (let k = 0; k < numTokens; k++) rewards[k] = -this.klCoef * (klPerToken[k] as number);
      samples.forEach((sample, i) => {
        const last = (tokenOffsets[i + 1] as number) - 1;
        rewards[last] = (rewards[last] as number) + stepReward(sample);
      });
      const offsets = Int32Array.from(episodeStarts, (s) => tokenOffsets[s] as number);
      const out = await this.kernels.gae({
        layout: { offsets },
        rewards,
        values,
        gamma: config.gamma,
        lambda: config.lambda,
      });
      advantages = out.advantages;
      returns = out.returns;
      valueMask.fill(1);
    } else {
      const rewards = new Float32Array(samples.length);
      const stepValues = new Float32Array(samples.length);
      samples.forEach((sample, i) => {
        let kl = 0;
        for (let k = tokenOffsets[i] as number; k < (tokenOffsets[i + 1] as number); k++) {
          kl += klPerToken[k] as number;
        }
        rewards[i] = stepReward(sample) - this.klCoef * kl;
        stepValues[i] = values[tokenOffsets[i] as number] as number;
      });
      const out = await this.kernels.gae({
        layout: { offsets: episodeStarts },
        rewards,
        values: stepValues,
        gamma: config.gamma,
        lambda: config.lambda,
      });
      advantages = new Float32Array(numTokens);
      returns = new Float32Array(numTokens);
      samples.forEach((_, i) => {
        const start = tokenOffsets[i] as number;
        advantages.fill(out.advantages[i] as number, start, tokenOffsets[i + 1] as number);
        returns[start] = out.returns[i] as number;
        valueMask[start] = 1;
      });
    }
    if (config.normalizeAdvantages && numTokens > 1) {
      advantages = await this.kernels.normalizeAdvantages({ values: advantages });
    }
    return { advantages, returns, valueMask };
  }

  private async update(input: {
    iteration: number;
    rng: ReturnType<typeof createRng>;
    samples: readonly PpoSample[];
    tokenOffsets: Int32Array;
    oldLogProbs: Float32Array;
    refLogProbs: Float32Array;
    oldValues: Float32Array | undefined;
    advantages: Float32Array;
    returns: Float32Array;
    valueMask: Uint8Array;
    critic: boolean;
    signal?: AbortSignal;
  }): Promise<{
    policyLoss: number;
    valueLoss: number;
    entropy: number;
    approxKl: number;
    clipFraction: number;
    gradNorm: number;
    epochs: number;
  }> {
    const { config } = this;
    const model = this.policy.model;
    const { samples, tokenOffsets } = input;
    const totals = {
      policyLoss: 0,
      valueLoss: 0,
      entropy: 0,
      approxKl: 0,
      clipFraction: 0,
      gradNorm: 0,
    };
    let minibatches = 0;
    let epochsRun = 0;
    const gather = (
      source: Float32Array | Uint8Array,
      indices: readonly number[],
    ): Float32Array => {
      const out: number[] = [];
      for (const i of indices) {
        for (let k = tokenOffsets[i] as number; k < (tokenOffsets[i + 1] as number); k++) {
          out.push(source[k] as number);
        }
      }
      return Float32Array.from(out);
    };
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      epochsRun += 1;
      let lastApproxKl = 0;
      const order = input.rng
        .fork('minibatches')
        .fork(epoch)
        .shuffle(samples.map((_, i) => i));
      for (let start = 0; start < order.length; start += config.minibatchSize) {
        input.signal?.throwIfAborted();
        const indices = order.slice(start, start + config.minibatchSize);
        const minibatch = indices.map((i) => samples[i] as PpoSample);
        const oldLogProbs = gather(input.oldLogProbs, indices);
        const refLogProbs = gather(input.refLogProbs, indices);
        const advantages = gather(input.advantages, indices);
        const returns = gather(input.returns, indices);
        const valueMask = gather(input.valueMask, indices);
        const oldValues =
          input.oldValues === undefined ? undefined : gather(input.oldValues, indices);
        const valueCount = valueMask.reduce((a, b) => a + b, 0);
        const readouts: Record<string, tf.Scalar> = {};
        const { value: loss, grads } = tf.variableGrads(() => {
          const out = actionOutputs(model, minibatch, {
            entropy: true,
            values: input.critic,
            detachValues: config.detachValue,
          });
          const logRatio = tf.sub(out.logProbs, oldLogProbs);
          const ratio = tf.exp(logRatio);
          const adv = tf.tensor1d(advantages);
          const surrogate = tf.maximum(
            tf.mul(tf.neg(adv), ratio),
            tf.mul(tf.neg(adv), tf.clipByValue(ratio, 1 - config.clipRange, 1 + config.clipRange)),
          );
          const policyLoss = tf.mean(surrogate) as tf.Scalar;
          const entropy = tf.mean(out.entropy as tf.Tensor1D) as tf.Scalar;
          let total = tf.sub(policyLoss, tf.mul(config.entropyCoef, entropy)) as tf.Scalar;
          let valueLoss: tf.Scalar = tf.scalar(0);
          if (
            input.critic &&
            out.values !== undefined &&
            oldValues !== undefined &&
            valueCount > 0
          ) {
            const target = tf.tensor1d(returns);
            const previous = tf.tensor1d(oldValues);
            const mask = tf.tensor1d(valueMask);
            const clipped = tf.add(
              previous,
              tf.clipByValue(
                tf.sub(out.values, previous),
                -config.clipRangeValue,
                config.clipRangeValue,
              ),
            );
            const squared = tf.maximum(
              tf.square(tf.sub(out.values, target)),
              tf.square(tf.sub(clipped, target)),
            );
            valueLoss = tf.mul(0.5, tf.div(tf.sum(tf.mul(squared, mask)), valueCount)) as tf.Scalar;
            total = tf.add(total, tf.mul(config.valueCoef, valueLoss)) as tf.Scalar;
          } else if (!input.critic) {
            // Critic-free: k3 estimate of KL(π ‖ π_ref) as a loss term (GRPO, Shao et al. 2024).
            const toRef = tf.sub(refLogProbs, out.logProbs);
            const k3 = tf.mean(tf.sub(tf.sub(tf.exp(toRef), toRef), 1)) as tf.Scalar;
            total = tf.add(total, tf.mul(this.klCoef, k3)) as tf.Scalar;
          }
          readouts.policyLoss = tf.keep(policyLoss);
          readouts.valueLoss = tf.keep(valueLoss);
          readouts.entropy = tf.keep(entropy);
          readouts.approxKl = tf.keep(tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar);
          readouts.clipFraction = tf.keep(
            tf.mean(
              tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), config.clipRange), 'float32'),
            ) as tf.Scalar,
          );
          return total;
        }, model.variables());
        const lossValue = loss.dataSync()[0] as number;
        const values = Object.fromEntries(
          Object.entries(readouts).map(([name, t]) => [name, t.dataSync()[0] as number]),
        );
        let report: ReturnType<AdamW['step']> | undefined;
        if (Number.isFinite(lossValue)) report = this.optimizer.step(grads);
        tf.dispose([loss, ...Object.values(grads), ...Object.values(readouts)]);
        if (!Number.isFinite(lossValue) || report === undefined || report.skipped) {
          throw new PpoDivergenceError({
            iteration: input.iteration,
            quantity: Number.isFinite(lossValue) ? 'gradients' : 'losses/total',
            detail: `epoch ${epoch + 1}, minibatch ${start / config.minibatchSize + 1}: loss ${lossValue}, gradient norm ${report?.gradNorm ?? 'n/a'}; the update was not applied`,
            lastCheckpoint: this.lastCheckpoint,
          });
        }
        totals.policyLoss += values.policyLoss as number;
        totals.valueLoss += values.valueLoss as number;
        totals.entropy += values.entropy as number;
        totals.approxKl += values.approxKl as number;
        lastApproxKl = values.approxKl as number;
        totals.clipFraction += values.clipFraction as number;
        totals.gradNorm += report.gradNorm;
        minibatches += 1;
        this.options.onProgress?.({
          iteration: input.iteration,
          stage: 'update',
          done: minibatches,
          total: config.epochs * Math.ceil(samples.length / config.minibatchSize),
        });
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (config.targetKl > 0 && lastApproxKl > config.targetKl) break;
    }
    const n = Math.max(1, minibatches);
    return {
      policyLoss: totals.policyLoss / n,
      valueLoss: totals.valueLoss / n,
      entropy: totals.entropy / n,
      approxKl: totals.approxKl / n,
      clipFraction: totals.clipFraction / n,
      gradNorm: totals.gradNorm / n,
      epochs: epochsRun,
    };
  }
}

/** Keeps the metrics lines of iterations ≤ `iteration` (atomic rewrite); a missing file is fine. */
async function truncateMetrics(file: string, iteration: number): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const kept = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      try {
        const parsed = JSON.parse(line) as { iteration?: unknown };
        return typeof parsed.iteration === 'number' && parsed.iteration <= iteration;
      } catch {
        return false;
      }
    });
  await writeFileAtomic(file, kept.length === 0 ? '' : `${kept.join('\n')}\n`);
}

/** Where {@link PpoTrainer} writes by default inside a run directory (architecture.md §6). */
export function ppoRunPaths(runDirectory: string): { checkpoint: string; metrics: string } {
  return {
    checkpoint: join(runDirectory, 'ppo', 'checkpoint'),
    metrics: join(runDirectory, 'ppo', 'metrics.jsonl'),
  };
}
