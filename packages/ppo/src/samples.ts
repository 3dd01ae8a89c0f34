import { InvalidArgumentError, type PolicyContext, type Trajectory } from '@spa/core';
import { hiddenAt, pickLogProbs, type TransformerLM } from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import { type LmPolicy, VALUE_HEAD } from './policy';
import type { StepDecision } from './rollout';

/**
 * One PPO sample: an agent step, i.e. the prompt the policy saw and the tokens it wrote. The
 * tokens are the training positions; the prompt is context only.
 */
export interface PpoSample {
  /** Index of the episode in the iteration's batch. */
  readonly episode: number;
  /** Index of the step within its episode. */
  readonly step: number;
  readonly prompt: readonly number[];
  readonly tokens: readonly number[];
}

/**
 * The decisions of a recorded trajectory, rebuilt from its text (offline PPO replays text, as
 * the reference code does): the prompt the policy's context builder makes at each step and the
 * action's tokens followed by `<eoa>`.
 */
export function decisionsFromTrajectory(policy: LmPolicy, trajectory: Trajectory): StepDecision[] {
  const builder = policy.contexts;
  return trajectory.steps.map((step, t) => {
    const encoded = builder.withAction(
      {
        goal: trajectory.goal,
        history: trajectory.steps.slice(0, t),
        observation: step.observation,
      },
      step.action,
    );
    return {
      prompt: encoded.ids.slice(0, encoded.actionStart),
      tokens: encoded.ids.slice(encoded.actionStart),
    };
  });
}

/** The samples of a batch of episodes, episode-major then step order. */
export function samplesOf(decisions: readonly (readonly StepDecision[])[]): PpoSample[] {
  const samples: PpoSample[] = [];
  decisions.forEach((steps, episode) => {
    steps.forEach((decision, step) => {
      if (decision.tokens.length === 0) {
        throw new InvalidArgumentError({
          field: `decisions[${episode}][${step}].tokens`,
          reason: 'an action with no tokens cannot be trained on',
        });
      }
      samples.push({ episode, step, prompt: decision.prompt, tokens: decision.tokens });
    });
  });
  return samples;
}

/** Per action token of a set of samples: log-probability, entropy and value. */
export interface ActionOutputs {
  /** log π(token | prefix), `[numTokens]`. */
  readonly logProbs: tf.Tensor1D;
  /** Entropy of π(· | prefix) over the vocabulary, `[numTokens]` (when asked). */
  readonly entropy?: tf.Tensor1D;
  /** The value head at the position that predicts each token, `[numTokens]` (when asked). */
  readonly values?: tf.Tensor1D;
}

/**
 * One forward pass over `samples` (each `prompt ++ tokens`), read at the positions that predict
 * the action tokens: token k of a sample is predicted from position `prompt.length − 1 + k`.
 * Outputs are flat, sample after sample. Differentiable (call inside `tf.variableGrads`).
 */
export function actionOutputs(
  model: TransformerLM,
  samples: readonly PpoSample[],
  want: {
    readonly entropy?: boolean;
    readonly values?: boolean;
    /** Read the values from hidden states the value loss cannot flow back through. */
    readonly detachValues?: boolean;
  } = {},
): ActionOutputs {
  const sequences = samples.map((sample) => [...sample.prompt, ...sample.tokens]);
  const positions = samples.map((sample) =>
    sample.tokens.map((_, k) => sample.prompt.length - 1 + k),
  );
  const targets = Int32Array.from(samples.flatMap((sample) => sample.tokens));
  return tf.tidy(() => {
    const hidden = hiddenAt(model, sequences, positions);
    const logits = model.logits(hidden);
    const logSoftmax = tf.logSoftmax(logits);
    const logProbs = pickLogProbs(logSoftmax as tf.Tensor2D, targets);
    const entropy = want.entropy
      ? (tf.neg(tf.sum(tf.mul(tf.exp(logSoftmax), logSoftmax), 1)) as tf.Tensor1D)
      : undefined;
    const values = want.values
      ? model.scalar(VALUE_HEAD, want.detachValues ? stopGradient(hidden) : hidden)
      : undefined;
    return {
      logProbs,
      ...(entropy === undefined ? {} : { entropy }),
      ...(values === undefined ? {} : { values }),
    } as ActionOutputs & tf.TensorContainerObject;
  });
}

/**
 * Splits items into consecutive chunks whose padded size (longest × count) stays within
 * `maxTokens`; an item longer than that is a chunk of its own.
 */
export function chunkByLength<T>(
  items: readonly T[],
  length: (item: T) => number,
  maxTokens: number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let longest = 0;
  for (const item of items) {
    const size = length(item);
    const width = Math.max(longest, size);
    if (current.length > 0 && width * (current.length + 1) > maxTokens) {
      chunks.push(current);
      current = [];
      longest = 0;
    }
    current.push(item);
    longest = Math.max(longest, size);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Splits samples into consecutive chunks of at most `maxTokens` padded sequence tokens (≥ 1 sample each). */
export function chunkByTokens<T extends PpoSample>(
  samples: readonly T[],
  maxTokens: number,
): T[][] {
  return chunkByLength(samples, (sample) => sample.prompt.length + sample.tokens.length, maxTokens);
}

/**
 * Log-probabilities (and values) of every action token of `samples` without gradients, in
 * chunks of at most `maxTokens` padded tokens.
 */
export function scoreSamples(
  model: TransformerLM,
  samples: readonly PpoSample[],
  options: { readonly values: boolean; readonly maxTokens: number },
): { logProbs: Float32Array; values?: Float32Array } {
  const total = samples.reduce((n, sample) => n + sample.tokens.length, 0);
  const logProbs = new Float32Array(total);
  const values = options.values ? new Float32Array(total) : undefined;
  let offset = 0;
  for (const chunk of chunkByTokens(samples, options.maxTokens)) {
    const outputs = actionOutputs(model, chunk, { values: options.values });
    const lp = outputs.logProbs.dataSync();
    logProbs.set(lp, offset);
    if (values !== undefined && outputs.values !== undefined) {
      values.set(outputs.values.dataSync(), offset);
    }
    offset += lp.length;
    tf.dispose([outputs.logProbs, outputs.values, outputs.entropy].filter((t) => t !== undefined));
  }
  return values === undefined ? { logProbs } : { logProbs, values };
}

/** Identity forward, zero gradient backward. */
const stopGradient = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([]);
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as <T extends tf.Tensor>(x: T) => T;

/**
 * How the policy splits its probability among candidate actions in one context: each
 * candidate's sequence probability (its tokens and `<eoa>`, temperature 1), normalised over the
 * candidates. Useful to watch one decision during training (e.g. the decisive first action).
 */
export function candidateProbabilities(
  policy: LmPolicy,
  context: PolicyContext,
  actions: readonly string[],
): number[] {
  if (actions.length === 0) {
    throw new InvalidArgumentError({ field: 'actions', reason: 'expected at least one candidate' });
  }
  const samples = actions.map((action, step) => {
    const encoded = policy.contexts.withAction(context, action);
    return {
      episode: 0,
      step,
      prompt: encoded.ids.slice(0, encoded.actionStart),
      tokens: encoded.ids.slice(encoded.actionStart),
    };
  });
  const { logProbs } = scoreSamples(policy.model, samples, { values: false, maxTokens: 1 << 16 });
  let offset = 0;
  const logs = samples.map((sample) => {
    let sum = 0;
    for (let k = 0; k < sample.tokens.length; k++) sum += logProbs[offset + k] as number;
    offset += sample.tokens.length;
    return sum;
  });
  const top = Math.max(...logs);
  const weights = logs.map((l) => Math.exp(l - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}
