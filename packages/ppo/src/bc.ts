import { createRng, InvalidArgumentError, type Trajectory } from '@spa/core';
import { AdamW, tokenLogProbs } from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import { type EvaluatePolicyOptions, type EvaluationSummary, evaluatePolicy } from './evaluate';
import type { LmPolicy } from './policy';
import { chunkByLength, decisionsFromTrajectory } from './samples';

/** Options of {@link behaviourClone}. */
export interface BehaviourCloneOptions {
  /** Passes over the demonstrations. Default 3 (the reference SFT scripts). */
  readonly epochs?: number;
  /** Demonstrations per optimiser step. Default 8. */
  readonly batchSize?: number;
  /** Peak learning rate. Default 1e-3. */
  readonly learningRate?: number;
  /** Linear warm-up steps. Default 3 % of all steps (the reference SFT scripts' warmup_ratio 0.03). */
  readonly warmupSteps?: number;
  /** After the warm-up: cosine decay to 0 (the reference SFT scripts, default) or constant. */
  readonly decay?: 'cosine' | 'constant' | 'linear';
  /**
   * Padded tokens per forward pass: a larger batch is split and its gradients accumulated
   * exactly (same update as unsplit). Bounds memory when short history windows turn every
   * demonstrated step into its own sequence. Default 16384.
   */
  readonly maxBatchTokens?: number;
  /** Global gradient-norm clip. Default 1. */
  readonly clipNorm?: number;
  /** AdamW weight decay. Default 0 (the reference SFT scripts). */
  readonly weightDecay?: number;
  /** Held-out demonstrations: their loss is reported after every epoch. */
  readonly validation?: readonly Trajectory[];
  /** Seed of the shuffling. Default 0. */
  readonly seed?: number;
  /**
   * Play these tasks greedily after every `every` epochs (default 1) and report the success
   * rate, score and grounding accuracy with the epoch.
   */
  readonly evaluation?: Omit<EvaluatePolicyOptions, 'policy' | 'signal' | 'onEpisode'> & {
    readonly every?: number;
  };
  /** Called after every epoch. */
  readonly onEpoch?: (event: BehaviourCloneEpoch) => void | Promise<void>;
  /**
   * Called after every optimiser step: the epoch, the step within it, the epoch's step count
   * and the step's loss (for progress bars).
   */
  readonly onStep?: (event: {
    readonly epoch: number;
    readonly step: number;
    readonly stepsPerEpoch: number;
    readonly loss: number;
  }) => void;
  readonly signal?: AbortSignal;
}

/** Reported after each epoch of {@link behaviourClone}. */
export interface BehaviourCloneEpoch {
  readonly epoch: number;
  readonly steps: number;
  /** Mean cross-entropy per action token over the epoch. */
  readonly trainLoss: number;
  /** Mean cross-entropy per action token on `validation`, when given. */
  readonly validationLoss?: number;
  /** The env evaluation of this epoch, when `evaluation` is given and due. */
  readonly evaluation?: EvaluationSummary;
}

/** What {@link behaviourClone} reports. */
export interface BehaviourCloneReport {
  readonly steps: number;
  /**
   * Demonstrated actions longer than the policy's action budget (`maxActionTokens − 1` tokens):
   * they are trained truncated and the policy can never write them whole. Raise
   * `maxActionTokens` when this is not 0.
   */
  readonly truncatedActions: number;
  readonly history: readonly BehaviourCloneEpoch[];
}

interface Example {
  readonly ids: number[];
  /** Positions of the action tokens (and each `<eoa>`): the cross-entropy targets. */
  readonly targets: number[];
}

/** The token sequences of one demonstration and their action-token targets. */
export function demonstrationExamples(policy: LmPolicy, trajectory: Trajectory): Example[] {
  const builder = policy.contexts;
  const episode = builder.episode(trajectory.goal, trajectory.steps);
  const targetsOf = (mask: Uint8Array): number[] => {
    const out: number[] = [];
    mask.forEach((flag, i) => {
      if (flag === 1) out.push(i);
    });
    return out;
  };
  if (episode !== undefined) return [{ ids: episode.ids, targets: targetsOf(episode.actionMask) }];
  return decisionsFromTrajectory(policy, trajectory).map(({ prompt, tokens }) => ({
    ids: [...prompt, ...tokens],
    targets: tokens.map((_, k) => prompt.length + k),
  }));
}

/**
 * Behaviour cloning: cross-entropy on the action tokens (and each closing `<eoa>`) of expert
 * demonstrations, everything else in the context unsupervised — the reference SFT's masking of
 * user turns (SPA-RL-Agent `fastchat/train/train.py`).
 *
 * @remarks A demonstration that fits in the context is one sequence (all its actions trained at
 * once, each with exactly the context the policy sees when acting); otherwise each step is its
 * own sequence with the context builder's truncation. AdamW, warm-up and cosine decay as the
 * reference scripts (3 epochs, warm-up ratio 0.03, weight decay 0).
 */
export async function behaviourClone(
  policy: LmPolicy,
  demonstrations: readonly Trajectory[],
  options: BehaviourCloneOptions = {},
): Promise<BehaviourCloneReport> {
  const positive = (field: string, value: number): number => {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError({ field, reason: `expected an integer ≥ 1, got ${value}` });
    }
    return value;
  };
  const epochs = positive('options.epochs', options.epochs ?? 3);
  const batchSize = positive('options.batchSize', options.batchSize ?? 8);
  const maxBatchTokens = positive('options.maxBatchTokens', options.maxBatchTokens ?? 16384);
  if (demonstrations.length === 0) {
    throw new InvalidArgumentError({ field: 'demonstrations', reason: 'nothing to clone' });
  }
  demonstrations.forEach((trajectory, index) => {
    if (trajectory.steps.length === 0) {
      throw new InvalidArgumentError({
        field: `demonstrations[${index}].steps`,
        reason: `demonstration ${JSON.stringify(trajectory.taskId)} has no steps`,
      });
    }
  });
  const model = policy.model;
  const examples = demonstrations.map((trajectory) => demonstrationExamples(policy, trajectory));
  const actionBudget = policy.contexts.maxActionTokens - 1;
  let truncatedActions = 0;
  for (const trajectory of demonstrations) {
    for (const step of trajectory.steps) {
      if (policy.tokenizer.encode(step.action).length > actionBudget) truncatedActions += 1;
    }
  }
  const every = options.evaluation?.every ?? 1;
  if (!Number.isInteger(every) || every < 1) {
    throw new InvalidArgumentError({
      field: 'options.evaluation.every',
      reason: `expected an integer ≥ 1, got ${every}`,
    });
  }
  const validation = options.validation?.map((trajectory) =>
    demonstrationExamples(policy, trajectory),
  );
  const totalSteps = Math.ceil(examples.length / batchSize) * epochs;
  const optimizer = new AdamW(
    model.variables().map((variable) => ({ name: model.nameOf(variable), variable })),
    {
      learningRate: options.learningRate ?? 1e-3,
      weightDecay: options.weightDecay ?? 0,
      clipNorm: options.clipNorm ?? 1,
      schedule: {
        warmupSteps: options.warmupSteps ?? Math.ceil(totalSteps * 0.03),
        decay: options.decay ?? 'cosine',
        totalSteps,
      },
    },
  );
  const rng = createRng(options.seed ?? 0).fork('behaviour-clone');
  const history: BehaviourCloneEpoch[] = [];
  let steps = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = rng.fork(`epoch-${epoch}`).shuffle(examples.map((_, i) => i));
      let lossSum = 0;
      let tokenCount = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        options.signal?.throwIfAborted();
        const batch = order
          .slice(start, start + batchSize)
          .flatMap((i) => examples[i] as Example[]);
        const count = batch.reduce((n, example) => n + example.targets.length, 0);
        // Mean cross-entropy over the batch's action tokens, accumulated chunk by chunk.
        let loss = 0;
        let grads: Record<string, tf.Tensor> = {};
        for (const chunk of chunkByLength(batch, (e) => e.ids.length, maxBatchTokens)) {
          const part = tf.variableGrads(
            () =>
              tf.div(
                tf.neg(
                  tf.sum(
                    tokenLogProbs(
                      model,
                      chunk.map((e) => e.ids),
                      chunk.map((e) => e.targets),
                    ),
                  ),
                ),
                count,
              ) as tf.Scalar,
            model.variables(),
          );
          loss += part.value.dataSync()[0] as number;
          part.value.dispose();
          const merged: Record<string, tf.Tensor> = { ...part.grads };
          for (const [name, g] of Object.entries(grads)) {
            const other = merged[name];
            merged[name] = other === undefined ? g : tf.add(g, other);
            if (other !== undefined) tf.dispose([g, other]);
          }
          grads = merged;
        }
        const report = optimizer.step(grads);
        tf.dispose(Object.values(grads));
        if (report.skipped || !Number.isFinite(loss)) {
          throw new InvalidArgumentError({
            field: 'demonstrations',
            reason: `behaviour cloning diverged at step ${steps + 1} (loss ${loss}, gradient norm ${report.gradNorm}); lower the learning rate`,
          });
        }
        lossSum += loss * count;
        tokenCount += count;
        steps += 1;
        options.onStep?.({
          epoch,
          step: start / batchSize + 1,
          stepsPerEpoch: Math.ceil(order.length / batchSize),
          loss,
        });
        await new Promise((resolve) => setImmediate(resolve));
      }
      let validationLoss: number | undefined;
      if (validation !== undefined && validation.length > 0) {
        let sum = 0;
        let n = 0;
        for (const group of validation) {
          const lp = tf.tidy(() =>
            tokenLogProbs(
              model,
              group.map((e) => e.ids),
              group.map((e) => e.targets),
            ).dataSync(),
          );
          for (const v of lp) sum -= v;
          n += lp.length;
        }
        validationLoss = sum / n;
      }
      let evaluation: EvaluationSummary | undefined;
      if (options.evaluation !== undefined && (epoch % every === 0 || epoch === epochs)) {
        const { every: _every, ...evaluate } = options.evaluation;
        evaluation = (
          await evaluatePolicy({
            ...evaluate,
            policy,
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          })
        ).summary;
      }
      const event: BehaviourCloneEpoch = {
        epoch,
        steps,
        trainLoss: lossSum / tokenCount,
        ...(validationLoss === undefined ? {} : { validationLoss }),
        ...(evaluation === undefined ? {} : { evaluation }),
      };
      history.push(event);
      await options.onEpoch?.(event);
    }
  } finally {
    optimizer.dispose();
  }
  return { steps, truncatedActions, history };
}
