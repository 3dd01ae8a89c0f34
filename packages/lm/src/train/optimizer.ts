import { InvalidArgumentError } from '@spa/core';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightData } from '../model/model';

/** Learning-rate schedule: linear warm-up, then constant, linear or cosine decay. */
export interface LearningRateSchedule {
  /** Steps of linear warm-up from 0 to the peak rate (the reference code uses 500). Default 0. */
  readonly warmupSteps?: number;
  /** What follows the warm-up. Default `constant`. */
  readonly decay?: 'constant' | 'linear' | 'cosine';
  /** Step at which a decaying schedule reaches `minLearningRate` (required for decay). */
  readonly totalSteps?: number;
  /** Floor of a decaying schedule. Default 0. */
  readonly minLearningRate?: number;
}

/** Options of {@link AdamW}. */
export interface AdamWOptions {
  /** Peak learning rate. */
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Decoupled weight decay (Loshchilov & Hutter 2019). Default 0. */
  readonly weightDecay?: number;
  /** Which parameters decay (by logical name). Default: matrices only (not biases, norms). */
  readonly decays?: (name: string) => boolean;
  /** Clip the global gradient norm to this value (the reference code uses 1.0). Default: off. */
  readonly clipNorm?: number;
  readonly schedule?: LearningRateSchedule;
}

/** What one {@link AdamW.step} did. */
export interface OptimizerStepReport {
  /** Global L2 norm of the gradients before clipping. */
  readonly gradNorm: number;
  /** Learning rate used for this step. */
  readonly learningRate: number;
  /** Whether the gradients were scaled down by `clipNorm`. */
  readonly clipped: boolean;
  /** True when the gradient norm was NaN or ±Inf: nothing was updated. */
  readonly skipped: boolean;
}

/** Serialisable optimiser state (for checkpoints that resume bit-exactly). */
export interface OptimizerState {
  readonly step: number;
  readonly m: ReadonlyMap<string, WeightData>;
  readonly v: ReadonlyMap<string, WeightData>;
}

/** A parameter handed to the optimiser: its logical name and variable. */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** Learning rate at optimiser step `step` (0-based) of a schedule with peak `peak`. */
export function learningRateAt(
  step: number,
  peak: number,
  schedule: LearningRateSchedule = {},
): number {
  const warmup = schedule.warmupSteps ?? 0;
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const decay = schedule.decay ?? 'constant';
  if (decay === 'constant') return peak;
  const total = schedule.totalSteps ?? 0;
  const floor = schedule.minLearningRate ?? 0;
  const span = Math.max(1, total - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  const factor = decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return floor + (peak - floor) * factor;
}

/**
 * Adam with decoupled weight decay, global-norm gradient clipping, a warm-up/decay schedule and
 * a NaN/Inf guard, written on tfjs ops so its state can be saved and restored exactly.
 *
 * @remarks Update (Kingma & Ba 2015, bias-corrected; AdamW's decay applied to the parameter):
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·(m̂/(√v̂ + ε) + λ·p).
 */
export class AdamW {
  private readonly params: readonly NamedVariable[];
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly options: Required<Omit<AdamWOptions, 'clipNorm' | 'schedule'>> &
    Pick<AdamWOptions, 'clipNorm' | 'schedule'>;
  private stepCount = 0;

  constructor(params: readonly NamedVariable[], options: AdamWOptions) {
    const check = (field: string, value: number, ok: boolean, accepted: string): void => {
      if (!ok || !Number.isFinite(value)) {
        throw new InvalidArgumentError({
          field: `options.${field}`,
          reason: `expected ${accepted}, got ${value}`,
        });
      }
    };
    const lr = options.learningRate;
    check('learningRate', lr, lr > 0, 'a positive number');
    const beta1 = options.beta1 ?? 0.9;
    const beta2 = options.beta2 ?? 0.999;
    check('beta1', beta1, beta1 >= 0 && beta1 < 1, 'a number in [0, 1)');
    check('beta2', beta2, beta2 >= 0 && beta2 < 1, 'a number in [0, 1)');
    const epsilon = options.epsilon ?? 1e-8;
    check('epsilon', epsilon, epsilon > 0, 'a positive number');
    const weightDecay = options.weightDecay ?? 0;
    check('weightDecay', weightDecay, weightDecay >= 0, 'a number ≥ 0');
    if (options.clipNorm !== undefined) {
      check('clipNorm', options.clipNorm, options.clipNorm > 0, 'a positive number');
    }
    const schedule = options.schedule;
    if (schedule?.warmupSteps !== undefined) {
      check(
        'schedule.warmupSteps',
        schedule.warmupSteps,
        Number.isInteger(schedule.warmupSteps) && schedule.warmupSteps >= 0,
        'an integer ≥ 0',
      );
    }
    if (schedule?.decay !== undefined && schedule.decay !== 'constant') {
      if (!['linear', 'cosine'].includes(schedule.decay)) {
        throw new InvalidArgumentError({
          field: 'options.schedule.decay',
          reason: `expected 'constant', 'linear' or 'cosine', got ${JSON.stringify(schedule.decay)}`,
        });
      }
      check(
        'schedule.totalSteps',
        schedule.totalSteps ?? Number.NaN,
        (schedule.totalSteps ?? 0) >= 1,
        'an integer ≥ 1 with a decaying schedule',
      );
    }
    this.options = {
      learningRate: lr,
      beta1,
      beta2,
      epsilon,
      weightDecay,
      decays:
        options.decays ??
        ((name) => name.endsWith('.w') || name === 'tok_emb' || name === 'pos_emb'),
      ...(options.clipNorm === undefined ? {} : { clipNorm: options.clipNorm }),
      ...(schedule === undefined ? {} : { schedule }),
    };
    this.params = params;
    for (const { name, variable } of params) {
      this.m.set(name, zeroVariable(variable));
      this.v.set(name, zeroVariable(variable));
    }
  }

  /** Optimiser steps taken so far (skipped steps included). */
  get iterations(): number {
    return this.stepCount;
  }

  /** The learning rate the next step will use. */
  get currentLearningRate(): number {
    return learningRateAt(this.stepCount, this.options.learningRate, this.options.schedule);
  }

  /**
   * Applies one update from `grads`, keyed by tfjs variable name (what `tf.variableGrads`
   * returns). Parameters without a gradient are left alone. Does not dispose `grads`.
   */
  step(grads: Readonly<Record<string, tf.Tensor>>): OptimizerStepReport {
    const learningRate = this.currentLearningRate;
    this.stepCount += 1;
    const present = this.params.filter(({ variable }) => grads[variable.name] !== undefined);
    const gradNorm = tf.tidy(() => {
      if (present.length === 0) return 0;
      const squares = present.map(({ variable }) =>
        tf.sum(tf.square(grads[variable.name] as tf.Tensor)),
      );
      return Math.sqrt(tf.addN(squares).dataSync()[0] as number);
    });
    if (!Number.isFinite(gradNorm)) {
      return { gradNorm, learningRate, clipped: false, skipped: true };
    }
    const clip = this.options.clipNorm;
    const clipped = clip !== undefined && gradNorm > clip;
    const scale = clipped ? clip / (gradNorm + 1e-6) : 1;
    const { beta1, beta2, epsilon, weightDecay, decays } = this.options;
    const correction1 = 1 - beta1 ** this.stepCount;
    const correction2 = 1 - beta2 ** this.stepCount;
    for (const { name, variable } of present) {
      const m = this.m.get(name) as tf.Variable;
      const v = this.v.get(name) as tf.Variable;
      tf.tidy(() => {
        const g =
          scale === 1
            ? (grads[variable.name] as tf.Tensor)
            : tf.mul(grads[variable.name] as tf.Tensor, scale);
        const nextM = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const nextV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(nextM);
        v.assign(nextV);
        let update = tf.div(
          tf.div(nextM, correction1),
          tf.add(tf.sqrt(tf.div(nextV, correction2)), epsilon),
        );
        if (weightDecay > 0 && decays(name)) update = tf.add(update, tf.mul(variable, weightDecay));
        variable.assign(tf.sub(variable, tf.mul(update, learningRate)));
      });
    }
    return { gradNorm, learningRate, clipped, skipped: false };
  }

  /** A copy of the optimiser's state. */
  getState(): OptimizerState {
    const read = (source: Map<string, tf.Variable>): Map<string, WeightData> => {
      const out = new Map<string, WeightData>();
      for (const [name, variable] of source) {
        out.set(name, { shape: [...variable.shape], data: Float32Array.from(variable.dataSync()) });
      }
      return out;
    };
    return { step: this.stepCount, m: read(this.m), v: read(this.v) };
  }

  /**
   * Restores a state from {@link getState} (same parameter names and shapes).
   *
   * @throws InvalidArgumentError — a missing, unknown or mis-shaped moment.
   */
  setState(state: OptimizerState): void {
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new InvalidArgumentError({
        field: 'state.step',
        reason: `expected an integer ≥ 0, got ${state.step}`,
      });
    }
    for (const [label, target, source] of [
      ['m', this.m, state.m],
      ['v', this.v, state.v],
    ] as const) {
      for (const [name, variable] of target) {
        const weight = source.get(name);
        if (weight === undefined) {
          throw new InvalidArgumentError({ field: `state.${label}['${name}']`, reason: 'missing' });
        }
        if (weight.data.length !== variable.size) {
          throw new InvalidArgumentError({
            field: `state.${label}['${name}']`,
            reason: `expected ${variable.size} values, got ${weight.data.length}`,
          });
        }
      }
      for (const name of source.keys()) {
        if (!target.has(name)) {
          throw new InvalidArgumentError({
            field: `state.${label}['${name}']`,
            reason: 'not a parameter of this optimiser',
          });
        }
      }
    }
    for (const [target, source] of [
      [this.m, state.m],
      [this.v, state.v],
    ] as const) {
      for (const [name, variable] of target) {
        const weight = source.get(name) as WeightData;
        tf.tidy(() => variable.assign(tf.tensor(weight.data, variable.shape, 'float32')));
      }
    }
    this.stepCount = state.step;
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const variable of [...this.m.values(), ...this.v.values()]) variable.dispose();
    this.m.clear();
    this.v.clear();
  }
}

function zeroVariable(like: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(like);
  const variable = tf.variable(zeros, false);
  zeros.dispose();
  return variable;
}
