import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COLOURS,
  CORRIDOR_TASKS,
  corridorDemonstration,
  createCorridorEnv,
  createRandomPolicy,
  TabularProgressEstimator,
} from '@spa/core/testing';
import {
  createLanguageModel,
  loadLanguageModel,
  selectBackend,
  type Tokenizer,
  trainTokenizer,
} from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PpoConfig } from './config';
import { monteCarloRewardInputs } from './monte-carlo';
import { LmPolicy } from './policy';
import { type IterationMetrics, PpoDivergenceError, PpoTrainer } from './ppo';

let tokenizer: Tokenizer;
let directory: string;

beforeAll(async () => {
  await selectBackend('wasm');
  const demos = CORRIDOR_TASKS.flatMap((id) => COLOURS.map((c) => corridorDemonstration(id, c)));
  tokenizer = trainTokenizer(
    demos.flatMap((d) => [d.goal, ...d.steps.flatMap((s) => [s.observation, s.action])]),
    { vocabSize: 300 },
  );
  directory = await mkdtemp(join(tmpdir(), 'spa-ppo-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function freshPolicy(seed = 1): Promise<LmPolicy> {
  const { model } = await createLanguageModel({
    tokenizer,
    preset: 'test',
    contextLength: 96,
    seed,
  });
  return new LmPolicy(model, tokenizer, { context: { maxActionTokens: 8, historyWindow: 1 } });
}

const FAST: Partial<PpoConfig> = {
  rewardScheme: 'sparse',
  tasksPerIteration: 2,
  epochs: 1,
  minibatchSize: 10,
  learningRate: 1e-3,
  seed: 7,
};

const stable = (line: IterationMetrics): Record<string, number> =>
  Object.fromEntries(Object.entries(line).filter(([key]) => !key.startsWith('perf/')));

describe('PpoTrainer', () => {
  it('resumes after an interruption exactly as the uninterrupted run', async () => {
    const run = async (name: string, interrupt: boolean) => {
      const policy = await freshPolicy();
      const paths = { directory: join(directory, name, 'ckpt'), every: 2 };
      const metricsFile = join(directory, name, 'metrics.jsonl');
      const envs = [createCorridorEnv(), createCorridorEnv()];
      const trainer = PpoTrainer.create({
        policy,
        envs,
        taskIds: CORRIDOR_TASKS,
        config: FAST,
        checkpoint: paths,
        metricsFile,
      });
      if (!interrupt) {
        await trainer.train(4);
        await trainer.dispose();
        return {
          weights: policy.model.getWeights(),
          metricsFile,
          dispose: () => policy.model.dispose(),
        };
      }
      await trainer.train(2);
      // Iteration 3 dies half-way through its rollouts.
      const controller = new AbortController();
      const dying = PpoTrainer.create({
        policy,
        envs,
        taskIds: CORRIDOR_TASKS,
        config: FAST,
        checkpoint: paths,
        metricsFile,
        onProgress: (event) => {
          if (event.stage === 'rollout') controller.abort(new Error('killed'));
        },
      });
      dying.iteration = 2;
      await expect(dying.step({ signal: controller.signal })).rejects.toThrow(/killed/);
      await dying.dispose();
      await trainer.dispose();
      policy.model.dispose();
      const resumed = await PpoTrainer.resume(paths.directory, {
        envs,
        taskIds: CORRIDOR_TASKS,
        checkpoint: paths,
        metricsFile,
      });
      expect(resumed.iteration).toBe(2);
      await resumed.train(2);
      await resumed.dispose();
      return {
        weights: resumed.policy.model.getWeights(),
        metricsFile,
        dispose: () => resumed.policy.model.dispose(),
      };
    };
    const straight = await run('straight', false);
    const interrupted = await run('interrupted', true);
    for (const [name, weight] of straight.weights) {
      expect(interrupted.weights.get(name)?.data, name).toEqual(weight.data);
    }
    const lines = async (file: string) =>
      (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => stable(JSON.parse(l)));
    const a = await lines(straight.metricsFile);
    expect(a.map((l) => l.iteration)).toEqual([1, 2, 3, 4]);
    expect(await lines(interrupted.metricsFile)).toEqual(a);
    straight.dispose();
    interrupted.dispose();
  }, 60_000);

  it('stops with a clear error on non-finite values and keeps the last good checkpoint', async () => {
    const policy = await freshPolicy(2);
    const checkpoint = { directory: join(directory, 'nan', 'ckpt'), every: 1 };
    const trainer = PpoTrainer.create({
      policy,
      envs: [createCorridorEnv()],
      taskIds: CORRIDOR_TASKS,
      config: FAST,
      checkpoint,
      onIteration: () => {
        // A corrupted value head, as an exploding update would leave it.
        (policy.model.param('head.value.b') as tf.Variable).assign(tf.tensor1d([Number.NaN]));
      },
    });
    await trainer.step();
    const error = await trainer.step().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PpoDivergenceError);
    expect((error as PpoDivergenceError).iteration).toBe(2);
    expect((error as PpoDivergenceError).quantity).toBe('values');
    expect((error as Error).message).toMatch(
      /iteration 2.*not finite.*last good checkpoint is .*ckpt/,
    );
    // The checkpoint of iteration 1 is intact and finite.
    const saved = await loadLanguageModel(checkpoint.directory);
    expect(saved.metadata.iteration).toBe(1);
    for (const weight of saved.model.getWeights().values()) {
      expect(weight.data.every(Number.isFinite)).toBe(true);
    }
    // Saving the corrupted state is refused.
    await expect(trainer.save(join(directory, 'nan', 'bad'))).rejects.toThrow(/head.value.b/);
    saved.model.dispose();
    await trainer.dispose();
    policy.model.dispose();
  });

  it('trains offline on a fixed set, with critic-free grpo, and reports stable metric names', async () => {
    const policy = await freshPolicy(3);
    const before = policy.model.getWeights();
    const trajectories = CORRIDOR_TASKS.flatMap((id) =>
      COLOURS.map((c) => corridorDemonstration(id, c)),
    );
    const metrics: IterationMetrics[] = [];
    const offline = PpoTrainer.create({
      policy,
      trajectories,
      config: {
        ...FAST,
        mode: 'offline',
        rewardScheme: 'grpo',
        tasksPerIteration: 3,
        rolloutsPerTask: 3,
      },
      onIteration: (m) => {
        metrics.push(m);
      },
    });
    const tensors = tf.memory().numTensors;
    await offline.train(2);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(metrics).toHaveLength(2);
    for (const name of [
      'charts/success_rate',
      'charts/grounding_accuracy',
      'losses/policy',
      'losses/value',
      'losses/approx_kl',
      'losses/entropy',
      'perf/env_steps_per_second',
      'perf/time_update',
    ]) {
      expect(Number.isFinite(metrics[0]?.[name]), name).toBe(true);
    }
    expect(metrics[0]?.['losses/value']).toBe(0);
    // targetKl: the first epoch already moves the policy past 1e-9, so the other two are skipped.
    expect(metrics.map((m) => m['charts/ppo_epochs'])).toEqual([1, 1]);
    expect(metrics[0]?.global_step).toBe(9 * 8);
    const after = policy.model.getWeights();
    expect(after.get('tok_emb')?.data).not.toEqual(before.get('tok_emb')?.data);
    // The value head gets no gradient without a critic.
    expect(after.get('head.value.w')?.data).toEqual(before.get('head.value.w')?.data);
    await offline.dispose();
    policy.model.dispose();
  });

  it('asks SPA for an estimator, uses its contributions, and validates its inputs', async () => {
    const policy = await freshPolicy(4);
    const envs = [createCorridorEnv()];
    const noEstimator = PpoTrainer.create({
      policy,
      envs,
      taskIds: CORRIDOR_TASKS,
      config: { ...FAST, rewardScheme: 'spa' },
    });
    await expect(noEstimator.step()).rejects.toThrow(
      /options.estimator.*'spa' needs a progress estimator/,
    );
    await noEstimator.dispose();
    const estimator = new TabularProgressEstimator();
    await estimator.fit(CORRIDOR_TASKS.map((id) => corridorDemonstration(id, 'red')));
    const spa = PpoTrainer.create({
      policy,
      envs,
      taskIds: CORRIDOR_TASKS,
      estimator,
      config: { ...FAST, rewardScheme: 'spa', gaeLevel: 'step' },
    });
    const metrics = await spa.step();
    // β·g on grounded steps: an untrained policy is rarely grounded, so rewards are small but finite.
    expect(Number.isFinite(metrics['rewards/mean_step_reward'])).toBe(true);
    await spa.dispose();
    expect(() => PpoTrainer.create({ policy, config: FAST })).toThrow(/options.envs/);
    expect(() => PpoTrainer.create({ policy, envs, config: FAST })).toThrow(/options.taskIds/);
    expect(() => PpoTrainer.create({ policy, config: { ...FAST, mode: 'offline' } })).toThrow(
      /options.trajectories/,
    );
    expect(() =>
      PpoTrainer.create({
        policy,
        envs,
        taskIds: CORRIDOR_TASKS,
        config: FAST,
        checkpoint: { directory, every: 0 },
      }),
    ).toThrow(/options.checkpoint.every/);
    await expect(PpoTrainer.resume(directory, { envs, taskIds: CORRIDOR_TASKS })).rejects.toThrow();
    policy.model.dispose();
  });

  it("computes the 'mc' scheme's prefix returns by replaying prefixes and continuing them", async () => {
    const envs = [createCorridorEnv(), createCorridorEnv()];
    // Uniform over the admissible actions: a random key, then the only valid walk / open.
    const inputs = monteCarloRewardInputs({
      policy: createRandomPolicy({ seed: 3 }),
      envs,
      rolloutsPerPrefix: 12,
    });
    const red = { ...corridorDemonstration('corridor/north', 'red'), meta: { seed: 3 } };
    const blue = { ...corridorDemonstration('corridor/east', 'blue'), meta: { seed: 4 } };
    const { prefixReturns } = await inputs([red, blue]);
    expect(prefixReturns).toHaveLength(2);
    const [fromRed, fromBlue] = prefixReturns ?? [];
    expect(fromRed).toHaveLength(red.steps.length);
    // From the start a random key wins about a third of the time; after the recorded key, the outcome is fixed.
    const start = Array.from(fromRed?.[0] ?? []);
    expect(start.some((r) => r === 1) && start.some((r) => r === 0)).toBe(true);
    for (let t = 1; t < red.steps.length; t++) {
      expect(Array.from(fromRed?.[t] ?? [])).toEqual(new Array(12).fill(1));
      expect(Array.from(fromBlue?.[t] ?? [])).toEqual(new Array(12).fill(0));
    }
    await expect(inputs([corridorDemonstration('corridor/north', 'red')])).rejects.toThrow(
      /trajectories\[0\].meta.seed/,
    );
    // And the trainer takes them as the 'mc' scheme's inputs.
    const policy = await freshPolicy(5);
    const trainer = PpoTrainer.create({
      policy,
      envs,
      taskIds: CORRIDOR_TASKS,
      rewardInputs: monteCarloRewardInputs({ policy, envs, rolloutsPerPrefix: 1 }),
      config: { ...FAST, rewardScheme: 'mc' },
    });
    const metrics = await trainer.step();
    expect(Number.isFinite(metrics['rewards/mean_step_reward'])).toBe(true);
    await trainer.dispose();
    policy.model.dispose();
  }, 60_000);

  it('skips the reference pass when there is no KL term', async () => {
    const policy = await freshPolicy(6);
    const trainer = PpoTrainer.create({
      policy,
      envs: [createCorridorEnv()],
      taskIds: CORRIDOR_TASKS,
      config: { ...FAST, klCoef: 0, adaptiveKl: false },
    });
    const metrics = await trainer.train(2);
    // The policy moved after iteration 1, yet no KL to the reference is measured or charged.
    expect(metrics.map((m) => m['losses/kl_ref'])).toEqual([0, 0]);
    expect(metrics[1]?.['charts/kl_coef']).toBe(0);
    await trainer.dispose();
    policy.model.dispose();
  });
});
