import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';
import { AdamW, learningRateAt } from './optimizer';

beforeAll(async () => {
  await selectBackend('wasm');
});

function scalarProblem(initial: number[]) {
  const variable = tf.variable(tf.tensor1d(initial), true);
  const grads = (values: number[]) => ({ [variable.name]: tf.tensor1d(values) });
  return { variable, grads };
}

describe('AdamW', () => {
  it('matches the bias-corrected Adam update computed by hand', () => {
    const { variable, grads } = scalarProblem([1, -2]);
    const optimizer = new AdamW([{ name: 'p.w', variable }], {
      learningRate: 0.1,
      weightDecay: 0.5,
    });
    const g1 = grads([0.5, -1]);
    optimizer.step(g1);
    // Step 1: m̂ = g, v̂ = g², update = g/(|g| + ε) + λp = sign(g) + 0.5·p.
    const expected1 = [1 - 0.1 * (1 + 0.5 * 1), -2 - 0.1 * (-1 + 0.5 * -2)];
    const after1 = Array.from(variable.dataSync());
    after1.forEach((value, i) => {
      expect(value).toBeCloseTo(expected1[i] as number, 5);
    });
    const g2 = grads([0.1, 0.3]);
    optimizer.step(g2);
    const m = [0.9 * 0.05 + 0.1 * 0.1, 0.9 * -0.1 + 0.1 * 0.3];
    const v = [0.999 * 0.00025 + 0.001 * 0.01, 0.999 * 0.001 + 0.001 * 0.09];
    const expected2 = after1.map((p, i) => {
      const mHat = (m[i] as number) / (1 - 0.9 ** 2);
      const vHat = (v[i] as number) / (1 - 0.999 ** 2);
      return p - 0.1 * (mHat / (Math.sqrt(vHat) + 1e-8) + 0.5 * p);
    });
    Array.from(variable.dataSync()).forEach((value, i) => {
      expect(value).toBeCloseTo(expected2[i] as number, 5);
    });
    tf.dispose([variable, ...Object.values(g1), ...Object.values(g2)]);
    optimizer.dispose();
  });

  it('clips the global norm, skips non-finite gradients and reports both', () => {
    const { variable, grads } = scalarProblem([0, 0]);
    const optimizer = new AdamW([{ name: 'b', variable }], { learningRate: 1, clipNorm: 1 });
    const big = grads([3, 4]);
    const report = optimizer.step(big);
    expect(report).toMatchObject({ gradNorm: 5, clipped: true, skipped: false });
    const bad = grads([Number.NaN, 1]);
    const before = Array.from(variable.dataSync());
    expect(optimizer.step(bad)).toMatchObject({ skipped: true });
    expect(Array.from(variable.dataSync())).toEqual(before);
    tf.dispose([variable, ...Object.values(big), ...Object.values(bad)]);
    optimizer.dispose();
  });

  it('resumes bit-exactly from a saved state', () => {
    const run = (split: boolean): Float32Array => {
      const { variable, grads } = scalarProblem([0.3, -0.7]);
      let optimizer = new AdamW([{ name: 'p.w', variable }], {
        learningRate: 0.05,
        schedule: { warmupSteps: 2 },
      });
      for (let step = 0; step < 6; step++) {
        if (split && step === 3) {
          const state = optimizer.getState();
          optimizer.dispose();
          optimizer = new AdamW([{ name: 'p.w', variable }], {
            learningRate: 0.05,
            schedule: { warmupSteps: 2 },
          });
          optimizer.setState(state);
        }
        const g = grads([Math.sin(step), Math.cos(step)]);
        optimizer.step(g);
        tf.dispose(Object.values(g));
      }
      const out = Float32Array.from(variable.dataSync());
      variable.dispose();
      optimizer.dispose();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('schedules warm-up and decay', () => {
    expect(learningRateAt(0, 1, { warmupSteps: 4 })).toBe(0.25);
    expect(learningRateAt(3, 1, { warmupSteps: 4 })).toBe(1);
    expect(learningRateAt(100, 1, { warmupSteps: 4 })).toBe(1);
    expect(learningRateAt(4, 1, { warmupSteps: 4, decay: 'linear', totalSteps: 14 })).toBe(1);
    expect(learningRateAt(9, 1, { warmupSteps: 4, decay: 'linear', totalSteps: 14 })).toBeCloseTo(
      0.5,
    );
    expect(
      learningRateAt(14, 1, {
        warmupSteps: 4,
        decay: 'cosine',
        totalSteps: 14,
        minLearningRate: 0.1,
      }),
    ).toBeCloseTo(0.1);
  });

  it('validates its options', () => {
    expect(() => new AdamW([], { learningRate: 0 })).toThrow(/options.learningRate/);
    expect(() => new AdamW([], { learningRate: 1, beta1: 1 })).toThrow(/options.beta1/);
    expect(() => new AdamW([], { learningRate: 1, schedule: { decay: 'cosine' } })).toThrow(
      /schedule.totalSteps/,
    );
    const optimizer = new AdamW([], { learningRate: 1 });
    expect(() =>
      optimizer.setState({
        step: 1,
        m: new Map([['x', { shape: [1], data: new Float32Array(1) }]]),
        v: new Map(),
      }),
    ).toThrow(/state.m\['x'\]`: not a parameter/);
  });
});
