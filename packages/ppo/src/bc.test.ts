import type { Trajectory } from '@spa/core';
import {
  CORRECT_KEY,
  CORRIDOR_TASKS,
  corridorDemonstration,
  createCorridorEnv,
} from '@spa/core/testing';
import { createLanguageModel, selectBackend, trainTokenizer } from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BehaviourCloneEpoch, behaviourClone } from './bc';
import { LmPolicy } from './policy';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('behaviourClone', () => {
  it('reaches the known optimum from demonstrations (teacher-forced and in the env)', async () => {
    // The corridor: only the red key opens the door, after a walk (known optimum: win in 8 steps).
    const demonstrations = CORRIDOR_TASKS.map((taskId) =>
      corridorDemonstration(taskId, CORRECT_KEY),
    );
    const others = CORRIDOR_TASKS.map((taskId) => corridorDemonstration(taskId, 'blue'));
    const tokenizer = trainTokenizer(
      [...demonstrations, ...others].flatMap((d) => [
        d.goal,
        ...d.steps.flatMap((s) => [s.observation, s.action]),
      ]),
      { vocabSize: 300 },
    );
    const { model } = await createLanguageModel({
      tokenizer,
      preset: 'test',
      contextLength: 96,
      seed: 1,
    });
    const policy = new LmPolicy(model, tokenizer, {
      context: { maxActionTokens: 8, historyWindow: 1 },
    });
    const envs = [0, 1].map(() => createCorridorEnv());

    const before = tf.memory().numTensors;
    const epochs: BehaviourCloneEpoch[] = [];
    const stepEvents: { epoch: number; step: number; stepsPerEpoch: number }[] = [];
    const report = await behaviourClone(policy, demonstrations, {
      epochs: 16,
      batchSize: 1,
      learningRate: 1e-2,
      validation: others,
      evaluation: { envs, taskIds: CORRIDOR_TASKS, every: 8 },
      seed: 2,
      onEpoch: (event) => {
        epochs.push(event);
      },
      onStep: ({ epoch, step, stepsPerEpoch }) => stepEvents.push({ epoch, step, stepsPerEpoch }),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(stepEvents).toHaveLength(16 * 4);
    expect(stepEvents.slice(0, 5)).toEqual([
      { epoch: 1, step: 1, stepsPerEpoch: 4 },
      { epoch: 1, step: 2, stepsPerEpoch: 4 },
      { epoch: 1, step: 3, stepsPerEpoch: 4 },
      { epoch: 1, step: 4, stepsPerEpoch: 4 },
      { epoch: 2, step: 1, stepsPerEpoch: 4 },
    ]);
    expect(report.truncatedActions).toBe(0);
    expect(report.steps).toBe(16 * 4);
    expect(epochs).toEqual(report.history);
    const first = report.history[0];
    const last = report.history.at(-1);
    expect(last?.trainLoss).toBeLessThan((first?.trainLoss ?? 0) / 20);
    // The held-out demonstrations take the wrong key: their loss stays above the training loss.
    expect(last?.validationLoss).toBeGreaterThan(last?.trainLoss ?? 0);
    // Evaluated at epochs 8 and 16 only.
    expect(report.history.map((e) => e.evaluation !== undefined)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 1 === 8 || i + 1 === 16),
    );
    // In the env, greedy decoding reaches the optimum: every task won, every action grounded.
    expect(last?.evaluation).toMatchObject({ successRate: 1, groundingAccuracy: 1, meanSteps: 8 });
    // Teacher-forced: in each demonstrated context, greedy decoding writes the expert's action.
    for (const demo of demonstrations) {
      const contexts = demo.steps.map((step, t) => ({
        goal: demo.goal,
        history: demo.steps.slice(0, t),
        observation: step.observation,
      }));
      const decisions = await policy.act(contexts, { temperature: 0 });
      expect(decisions.map((d) => d.action)).toEqual(demo.steps.map((s) => s.action));
    }
    model.dispose();
    await Promise.all(envs.map((e) => e.close()));
  }, 120_000);

  it('splits a batch over maxBatchTokens and accumulates the same gradient', async () => {
    const demonstrations = CORRIDOR_TASKS.map((taskId) => corridorDemonstration(taskId, 'green'));
    const tokenizer = trainTokenizer(
      demonstrations.flatMap((d) => [d.goal, ...d.steps.flatMap((s) => [s.observation, s.action])]),
      { vocabSize: 300 },
    );
    const train = async (maxBatchTokens?: number) => {
      const { model } = await createLanguageModel({
        tokenizer,
        preset: 'test',
        contextLength: 96,
        seed: 4,
      });
      const policy = new LmPolicy(model, tokenizer, {
        context: { maxActionTokens: 8, historyWindow: 1 },
      });
      const report = await behaviourClone(policy, demonstrations, {
        epochs: 2,
        batchSize: 4,
        learningRate: 1e-3,
        ...(maxBatchTokens === undefined ? {} : { maxBatchTokens }),
      });
      const weights = model.getWeights();
      model.dispose();
      return { report, weights };
    };
    const whole = await train();
    const split = await train(64); // every step of a demonstration is ~30 tokens: many chunks
    expect(split.report.steps).toBe(whole.report.steps);
    split.report.history.forEach((epoch, i) => {
      expect(epoch.trainLoss).toBeCloseTo(whole.report.history[i]?.trainLoss ?? Number.NaN, 4);
    });
    for (const [name, weight] of whole.weights) {
      const other = split.weights.get(name)?.data ?? new Float32Array();
      weight.data.forEach((value, i) => {
        expect(Math.abs(value - (other[i] as number)), name).toBeLessThan(1e-4);
      });
    }
  });

  it('counts demonstrated actions longer than the action budget', async () => {
    const demo: Trajectory = {
      taskId: 't',
      env: 'x',
      goal: 'g',
      steps: [
        {
          observation: 'o',
          action: 'take the very long named object from the place',
          grounded: true,
          reward: 0,
        },
      ],
      finalReward: 0,
      won: false,
    };
    const tokenizer = trainTokenizer(['go to desk 1'], { vocabSize: 270 });
    const { model } = await createLanguageModel({ tokenizer, preset: 'test', contextLength: 64 });
    const policy = new LmPolicy(model, tokenizer, { context: { maxActionTokens: 8 } });
    const report = await behaviourClone(policy, [demo], { epochs: 1 });
    expect(report.truncatedActions).toBe(1);
    model.dispose();
  });

  it('rejects empty input and bad options', async () => {
    const tokenizer = trainTokenizer(['go to desk 1'], { vocabSize: 270 });
    const { model } = await createLanguageModel({ tokenizer, preset: 'test', contextLength: 64 });
    const policy = new LmPolicy(model, tokenizer, { context: { maxActionTokens: 8 } });
    await expect(behaviourClone(policy, [])).rejects.toThrow(/demonstrations.*nothing to clone/);
    const empty: Trajectory = {
      taskId: 't',
      env: 'x',
      goal: 'g',
      steps: [],
      finalReward: 0,
      won: false,
    };
    await expect(behaviourClone(policy, [empty])).rejects.toThrow(/demonstrations\[0\].steps/);
    const demo: Trajectory = {
      ...empty,
      steps: [{ observation: 'o', action: 'go to desk 1', grounded: true, reward: 0 }],
    };
    await expect(behaviourClone(policy, [demo], { epochs: 0 })).rejects.toThrow(/options.epochs/);
    await expect(
      behaviourClone(policy, [demo], { evaluation: { envs: [], taskIds: [], every: 0 } }),
    ).rejects.toThrow(/options.evaluation.every/);
    model.dispose();
  });
});
