import {
  createRng,
  type EstimatorFitOptions,
  type EstimatorFitReport,
  InvalidArgumentError,
  type JsonValue,
  type ProgressEstimator,
  type Trajectory,
} from '@spa/core';
import {
  AdamW,
  ContextBuilder,
  type ContextBuilderOptions,
  createModelConfig,
  ensureBackend,
  hiddenAt,
  type LanguageModel,
  loadLanguageModel,
  type ModelConfigInput,
  saveLanguageModel,
  type Tokenizer,
  TransformerLM,
} from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import { evaluateContributions, type HeldOutMetrics } from './metrics';

/** The scalar head the estimator reads c_t from. */
export const CONTRIBUTION_HEAD = 'contribution';

/** How trajectories become token sequences (see `@spa/lm`'s `ContextBuilder`). */
export type EstimatorContextOptions = Omit<ContextBuilderOptions, 'maxTokens'> & {
  /** Default: the model's context length. */
  readonly maxTokens?: number;
};

/** Options of {@link TransformerProgressEstimator.create} (a model trained from scratch). */
export interface CreateEstimatorOptions extends Omit<ModelConfigInput, 'vocabSize'> {
  readonly tokenizer: Tokenizer;
  readonly seed?: number;
  readonly context?: EstimatorContextOptions;
}

/** Options of {@link TransformerProgressEstimator.fromLanguageModel}. */
export interface FromLanguageModelOptions {
  /** Seed of the new contribution head (when the model has none). Default 0. */
  readonly seed?: number;
  readonly context?: EstimatorContextOptions;
}

/** Everything {@link TransformerProgressEstimator.fit} accepts. */
export interface TransformerFitOptions extends EstimatorFitOptions {
  /** Epochs over the training trajectories. Default 3. */
  readonly epochs?: number;
  /** Trajectories per optimiser step. Default 8. */
  readonly batchSize?: number;
  /** Peak learning rate. Default 3e-4. */
  readonly learningRate?: number;
  /** Linear warm-up steps. Default min(500, 10 % of all steps) (the reference code: 500). */
  readonly warmupSteps?: number;
  /** Learning rate after the warm-up: constant (the reference code, default) or decaying to 0. */
  readonly decay?: 'constant' | 'linear' | 'cosine';
  /** Global gradient-norm clip. Default 1 (the reference code). */
  readonly clipNorm?: number;
  /** AdamW decoupled weight decay. Default 0.01 (the reference code). */
  readonly weightDecay?: number;
  /**
   * Share of the training trajectories held out for validation and early stopping when
   * `validation` is not given. Default 0.1 with at least 20 trajectories, else 0.
   */
  readonly validationSplit?: number;
  /** Stop after this many epochs without a better validation MSE (best weights restored). Default 2. */
  readonly patience?: number;
  /** Most tokens in one forward pass; larger batches accumulate gradients. Default 16,384. */
  readonly maxBatchTokens?: number;
  /** Called after every epoch. */
  readonly onEpoch?: (event: EstimatorEpochEvent) => void;
}

/** Reported after each epoch of {@link TransformerProgressEstimator.fit}. */
export interface EstimatorEpochEvent {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validation?: HeldOutMetrics;
  readonly best: boolean;
}

/** What {@link TransformerProgressEstimator.fit} reports. */
export interface TransformerFitReport extends EstimatorFitReport {
  readonly validation?: HeldOutMetrics;
  /** Epochs run (fewer than asked when early stopping triggered). */
  readonly epochs: number;
  /** Epoch (1-based) whose weights were kept; 0 when no validation set was used. */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  /** Per-epoch history. */
  readonly history: readonly EstimatorEpochEvent[];
}

/** One forward sequence and where to read contributions in it. */
interface Segment {
  readonly ids: number[];
  readonly reads: number[];
}

/**
 * The loss of the progress estimator: mean over trajectories of (Σ_t c_t − R)².
 *
 * @param contributions - c for every step of every trajectory, concatenated [M].
 * @param counts - steps per trajectory (sums to M).
 * @param targets - R per trajectory.
 * @remarks SPA-RL (arXiv 2505.20732) §3; the reference code's `nn.MSELoss` between Σc and R.
 */
export function progressLoss(
  contributions: tf.Tensor1D,
  counts: readonly number[],
  targets: readonly number[],
): tf.Scalar {
  return tf.tidy(() => {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total !== contributions.shape[0]) {
      throw new InvalidArgumentError({
        field: 'counts',
        reason: `sum ${total} differs from the ${contributions.shape[0]} contributions`,
      });
    }
    // Σ per trajectory as a matrix product with a 0/1 assignment matrix (differentiable on every backend).
    const assign = new Float32Array(counts.length * total);
    let offset = 0;
    counts.forEach((count, row) => {
      for (let i = 0; i < count; i++) assign[row * total + offset + i] = 1;
      offset += count;
    });
    const sums = tf.reshape(
      tf.matMul(tf.tensor2d(assign, [counts.length, total]), tf.reshape(contributions, [total, 1])),
      [counts.length],
    );
    return tf.mean(tf.square(tf.sub(sums, tf.tensor1d([...targets])))) as tf.Scalar;
  });
}

/**
 * SPA's progress estimator on an `@spa/lm` transformer: c_t is a linear head on the hidden state
 * at the `<eoa>` token closing action t, so it depends only on the goal, the earlier steps and
 * action t; training minimises E[(Σ_t c_t − R)²].
 *
 * @remarks
 * Matches the reference code (`prm/train_our_progress_model.py`): the backbone is initialised
 * from the behaviour-cloned policy and fully fine-tuned with Adam(W), weight decay 0.01, warm-up
 * and gradient clipping 1.0. Differences: the head reads the last hidden state (as the paper's
 * text says) rather than the vocabulary logits, and a trajectory that does not fit in the
 * context is read step by step with the context builder's truncation rules instead of being cut
 * at 4,096 tokens. A trajectory that fits is read in one forward pass, with the same result.
 */
export class TransformerProgressEstimator implements ProgressEstimator {
  readonly specificationVersion = 'v1' as const;
  private modelValue: TransformerLM;
  private tokenizerValue: Tokenizer;
  private contextOptions: EstimatorContextOptions;
  private builder: ContextBuilder;

  private constructor(
    model: TransformerLM,
    tokenizer: Tokenizer,
    context: EstimatorContextOptions = {},
  ) {
    this.modelValue = model;
    this.tokenizerValue = tokenizer;
    this.contextOptions = context;
    this.builder = makeBuilder(model, tokenizer, context);
  }

  /** A new estimator whose backbone starts from random weights. */
  static async create(options: CreateEstimatorOptions): Promise<TransformerProgressEstimator> {
    await ensureBackend();
    const { tokenizer, seed, context, ...rest } = options;
    const heads = rest.scalarHeads ?? [CONTRIBUTION_HEAD];
    const config = createModelConfig({
      ...rest,
      vocabSize: tokenizer.vocabSize,
      scalarHeads: heads.includes(CONTRIBUTION_HEAD) ? heads : [...heads, CONTRIBUTION_HEAD],
    });
    return new TransformerProgressEstimator(
      TransformerLM.create(config, { seed: seed ?? 0 }),
      tokenizer,
      context,
    );
  }

  /**
   * An estimator initialised from a language model (the paper: the behaviour-cloned policy). The
   * weights are copied; a missing contribution head is added with fresh weights.
   */
  static async fromLanguageModel(
    source: LanguageModel,
    options: FromLanguageModelOptions = {},
  ): Promise<TransformerProgressEstimator> {
    await ensureBackend();
    const heads = source.model.config.scalarHeads;
    const config = heads.includes(CONTRIBUTION_HEAD)
      ? source.model.config
      : { ...source.model.config, scalarHeads: [...heads, CONTRIBUTION_HEAD] };
    const model = TransformerLM.create(config, { seed: options.seed ?? 0 });
    model.setWeights(source.model.getWeights(), { strict: false });
    return new TransformerProgressEstimator(model, source.tokenizer, options.context);
  }

  /** An estimator (or a policy checkpoint, see {@link fromLanguageModel}) loaded from a directory. */
  static async fromDirectory(
    directory: string,
    options: FromLanguageModelOptions = {},
  ): Promise<TransformerProgressEstimator> {
    const loaded = await loadLanguageModel(directory);
    const saved = loaded.metadata.estimator as { context?: EstimatorContextOptions } | undefined;
    if (saved !== undefined && loaded.model.config.scalarHeads.includes(CONTRIBUTION_HEAD)) {
      return new TransformerProgressEstimator(
        loaded.model,
        loaded.tokenizer,
        options.context ?? saved.context ?? {},
      );
    }
    const estimator = await TransformerProgressEstimator.fromLanguageModel(loaded, options);
    loaded.model.dispose();
    return estimator;
  }

  /** The backbone with its heads. */
  get model(): TransformerLM {
    return this.modelValue;
  }

  get tokenizer(): Tokenizer {
    return this.tokenizerValue;
  }

  /** Trains on trajectories with their `finalReward` (see {@link TransformerFitOptions}). */
  async fit(
    trajectories: readonly Trajectory[],
    options: TransformerFitOptions = {},
  ): Promise<TransformerFitReport> {
    await ensureBackend();
    const epochs = positiveInteger('options.epochs', options.epochs ?? 3);
    const batchSize = positiveInteger('options.batchSize', options.batchSize ?? 8);
    const maxBatchTokens = positiveInteger(
      'options.maxBatchTokens',
      options.maxBatchTokens ?? 16_384,
    );
    const patience = positiveInteger('options.patience', options.patience ?? 2);
    if (trajectories.length === 0)
      throw new InvalidArgumentError({ field: 'trajectories', reason: 'nothing to train on' });
    checkTrajectories(trajectories);
    const seed = options.seed ?? 0;
    const rng = createRng(seed).fork('estimator-fit');

    let train = [...trajectories];
    let validation = options.validation;
    if (validation === undefined) {
      const split = options.validationSplit ?? (trajectories.length >= 20 ? 0.1 : 0);
      if (!(split >= 0 && split < 1)) {
        throw new InvalidArgumentError({
          field: 'options.validationSplit',
          reason: `expected a number in [0, 1), got ${split}`,
        });
      }
      const held = Math.floor(train.length * split);
      if (held > 0) {
        rng.fork('split').shuffle(train);
        validation = train.slice(0, held);
        train = train.slice(held);
      }
    }
    const stepsPerEpoch = Math.ceil(train.length / batchSize);
    const totalSteps = stepsPerEpoch * epochs;
    const optimizer = new AdamW(
      this.modelValue
        .variables()
        .map((variable) => ({ name: this.modelValue.nameOf(variable), variable })),
      {
        learningRate: options.learningRate ?? 3e-4,
        weightDecay: options.weightDecay ?? 0.01,
        clipNorm: options.clipNorm ?? 1,
        schedule: {
          warmupSteps: options.warmupSteps ?? Math.min(500, Math.ceil(totalSteps * 0.1)),
          decay: options.decay ?? 'constant',
          totalSteps,
        },
      },
    );
    const history: EstimatorEpochEvent[] = [];
    let best = {
      mse: Number.POSITIVE_INFINITY,
      epoch: 0,
      weights: undefined as ReturnType<TransformerLM['getWeights']> | undefined,
    };
    let steps = 0;
    let stoppedEarly = false;
    let lastValidation: HeldOutMetrics | undefined;
    try {
      for (let epoch = 1; epoch <= epochs; epoch++) {
        const order = rng.fork(`epoch-${epoch}`).shuffle([...train]);
        let lossSum = 0;
        for (let start = 0; start < order.length; start += batchSize) {
          throwIfAborted(options.signal);
          const batch = order.slice(start, start + batchSize);
          const loss = this.trainStep(batch, optimizer, maxBatchTokens);
          if (!Number.isFinite(loss)) {
            throw new InvalidArgumentError({
              field: 'trajectories',
              reason: `the training loss became ${loss} at step ${steps + 1}; lower the learning rate or check the rewards`,
            });
          }
          lossSum += loss * batch.length;
          steps += 1;
          options.onProgress?.({ epoch, step: steps, totalSteps, loss });
          // Yield to the event loop so that abort signals and progress output get a turn.
          await new Promise((resolve) => setImmediate(resolve));
        }
        const trainLoss = lossSum / order.length;
        let event: EstimatorEpochEvent = { epoch, trainLoss, best: false };
        if (validation !== undefined && validation.length > 0) {
          lastValidation = await this.evaluate(validation, { maxBatchTokens });
          const improved = lastValidation.mse < best.mse;
          if (improved)
            best = { mse: lastValidation.mse, epoch, weights: this.modelValue.getWeights() };
          event = { epoch, trainLoss, validation: lastValidation, best: improved };
        }
        history.push(event);
        options.onEpoch?.(event);
        if (validation !== undefined && epoch - best.epoch >= patience) {
          stoppedEarly = epoch < epochs;
          break;
        }
      }
    } finally {
      optimizer.dispose();
    }
    if (best.weights !== undefined && best.epoch !== history.length) {
      this.modelValue.setWeights(best.weights);
      lastValidation = history[best.epoch - 1]?.validation;
    }
    return {
      steps,
      trainLoss: history.at(-1)?.trainLoss ?? Number.NaN,
      ...(lastValidation === undefined ? {} : { validation: lastValidation }),
      epochs: history.length,
      bestEpoch: best.epoch,
      stoppedEarly,
      history,
    };
  }

  /** Per-step contributions c_t, one row per trajectory. */
  async predict(
    trajectories: readonly Trajectory[],
    options: { readonly signal?: AbortSignal; readonly maxBatchTokens?: number } = {},
  ): Promise<number[][]> {
    await ensureBackend();
    const maxBatchTokens = positiveInteger(
      'options.maxBatchTokens',
      options.maxBatchTokens ?? 16_384,
    );
    const out: number[][] = [];
    const segments = trajectories.map((trajectory) => this.segments(trajectory));
    for (const chunk of chunkByTokens(segments, maxBatchTokens)) {
      throwIfAborted(options.signal);
      out.push(...this.contributionRows(chunk));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  }

  /** MSE, MAE, share within 0.1 and rank correlation of Σc against R on held-out trajectories. */
  async evaluate(
    trajectories: readonly Trajectory[],
    options: { readonly maxBatchTokens?: number; readonly tolerance?: number } = {},
  ): Promise<HeldOutMetrics> {
    const predictions = await this.predict(trajectories, options);
    return evaluateContributions(
      predictions,
      trajectories,
      options.tolerance === undefined ? {} : { tolerance: options.tolerance },
    );
  }

  /** Writes the estimator (an `@spa/lm` checkpoint with estimator metadata). */
  async save(directory: string): Promise<void> {
    await saveLanguageModel(
      directory,
      { model: this.modelValue, tokenizer: this.tokenizerValue },
      {
        metadata: {
          estimator: {
            head: CONTRIBUTION_HEAD,
            context: this.contextOptions as unknown as JsonValue,
          },
        },
      },
    );
  }

  /** Replaces this estimator's model, tokenizer and context options with those saved in `directory`. */
  async load(directory: string): Promise<void> {
    const loaded = await TransformerProgressEstimator.fromDirectory(directory);
    this.modelValue.dispose();
    this.modelValue = loaded.modelValue;
    this.tokenizerValue = loaded.tokenizerValue;
    this.contextOptions = loaded.contextOptions;
    this.builder = loaded.builder;
  }

  /** Frees the model's tensors. */
  dispose(): void {
    this.modelValue.dispose();
  }

  /** @internal The forward sequences of one trajectory. */
  segments(trajectory: Trajectory): Segment[] {
    const episode = this.builder.episode(trajectory.goal, trajectory.steps);
    if (episode !== undefined) return [{ ids: episode.ids, reads: episode.actionEnds }];
    return trajectory.steps.map((step, t) => {
      const encoded = this.builder.withAction(
        {
          goal: trajectory.goal,
          history: trajectory.steps.slice(0, t),
          observation: step.observation,
        },
        step.action,
      );
      return { ids: encoded.ids, reads: [encoded.actionEnd] };
    });
  }

  /** One forward pass over a chunk: the contributions of each of its trajectories (no gradients). */
  private contributionRows(chunk: readonly (readonly Segment[])[]): number[][] {
    const values = tf.tidy(() => this.contributions(chunk.flat()).dataSync() as Float32Array);
    let cursor = 0;
    return chunk.map((segments) => {
      const count = segments.reduce((n, segment) => n + segment.reads.length, 0);
      cursor += count;
      return Array.from(values.subarray(cursor - count, cursor));
    });
  }

  private contributions(segments: readonly Segment[]): tf.Tensor1D {
    const hidden = hiddenAt(
      this.modelValue,
      segments.map((s) => s.ids),
      segments.map((s) => s.reads),
    );
    return this.modelValue.scalar(CONTRIBUTION_HEAD, hidden);
  }

  private trainStep(
    batch: readonly Trajectory[],
    optimizer: AdamW,
    maxBatchTokens: number,
  ): number {
    const perTrajectory = batch.map((trajectory) => this.segments(trajectory));
    const counts = batch.map((trajectory) => trajectory.steps.length);
    const targets = batch.map((trajectory) => trajectory.finalReward);
    const variables = this.modelValue.variables();
    const chunks = chunkByTokens(perTrajectory, maxBatchTokens);
    if (chunks.length === 1) {
      const { value, grads } = tf.variableGrads(
        () => progressLoss(this.contributions(perTrajectory.flat()), counts, targets),
        variables,
      );
      optimizer.step(grads);
      const loss = value.dataSync()[0] as number;
      tf.dispose([value, ...Object.values(grads)]);
      return loss;
    }
    // Too many tokens for one pass: L = mean_i (S_i − R_i)² is linear in each c once the sums
    // are known, so pass 1 computes S_i without gradients and pass 2 accumulates the gradient
    // of Σ_i w_i·S_i with w_i = 2(S_i − R_i)/N, chunk by chunk.
    const sums = chunks.flatMap((chunk) =>
      this.contributionRows(chunk).map((row) => row.reduce((a, b) => a + b, 0)),
    );
    let loss = 0;
    sums.forEach((sum, i) => {
      loss += (sum - (targets[i] as number)) ** 2;
    });
    loss /= sums.length;
    const accumulated: Record<string, tf.Tensor> = {};
    let first = 0;
    for (const chunk of chunks) {
      const weights: number[] = [];
      chunk.forEach((trajectorySegments, j) => {
        const i = first + j;
        const w = (2 * ((sums[i] as number) - (targets[i] as number))) / sums.length;
        for (const segment of trajectorySegments)
          for (let k = 0; k < segment.reads.length; k++) weights.push(w);
      });
      first += chunk.length;
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(this.contributions(chunk.flat()), tf.tensor1d(weights))) as tf.Scalar,
        variables,
      );
      value.dispose();
      for (const [name, grad] of Object.entries(grads)) {
        const previous = accumulated[name];
        accumulated[name] = previous === undefined ? grad : tf.tidy(() => tf.add(previous, grad));
        if (previous !== undefined) tf.dispose([previous, grad]);
      }
    }
    optimizer.step(accumulated);
    tf.dispose(Object.values(accumulated));
    return loss;
  }
}

function makeBuilder(
  model: TransformerLM,
  tokenizer: Tokenizer,
  context: EstimatorContextOptions,
): ContextBuilder {
  return new ContextBuilder(tokenizer, {
    ...context,
    maxTokens: context.maxTokens ?? model.config.contextLength,
  });
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError({ field, reason: `expected an integer ≥ 1, got ${value}` });
  }
  return value;
}

function checkTrajectories(trajectories: readonly Trajectory[]): void {
  trajectories.forEach((trajectory, index) => {
    if (trajectory.steps.length === 0) {
      throw new InvalidArgumentError({
        field: `trajectories[${index}].steps`,
        reason: `trajectory ${JSON.stringify(trajectory.taskId)} has no steps`,
      });
    }
    if (!Number.isFinite(trajectory.finalReward)) {
      throw new InvalidArgumentError({
        field: `trajectories[${index}].finalReward`,
        reason: `expected a finite number, got ${trajectory.finalReward}`,
      });
    }
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw signal.reason ?? new Error('aborted');
}

/** Groups trajectories so that each group's padded forward pass stays under `maxTokens`. */
function chunkByTokens(perTrajectory: readonly Segment[][], maxTokens: number): Segment[][][] {
  const chunks: Segment[][][] = [];
  let current: Segment[][] = [];
  let rows = 0;
  let width = 0;
  for (const segments of perTrajectory) {
    const nextRows = rows + segments.length;
    const nextWidth = Math.max(width, ...segments.map((s) => s.ids.length));
    if (current.length > 0 && nextRows * nextWidth > maxTokens) {
      chunks.push(current);
      current = [];
      rows = segments.length;
      width = Math.max(...segments.map((s) => s.ids.length));
    } else {
      rows = nextRows;
      width = nextWidth;
    }
    current.push(segments);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
