/**
 * The paper's claim in miniature, measured: on a long-horizon task where only the first action
 * matters (take the right key, then walk a corridor before the reward arrives), step-level PPO
 * with SPA rewards learns the decisive action faster than with the sparse final reward — same
 * weakened starting policy, same budget, several seeds.
 */
import type { Trajectory } from '@spa/core';
import {
  COLOURS,
  CORRECT_KEY,
  CORRIDOR_TASKS,
  corridorDemonstration,
  createCorridorEnv,
  TabularProgressEstimator,
} from '@spa/core/testing';
import { createLanguageModel, selectBackend, type TransformerLM, trainTokenizer } from '@spa/lm';
import { beforeAll, describe, expect, it } from 'vitest';
import { behaviourClone } from './bc';
import type { PpoRewardScheme } from './config';
import { evaluatePolicy } from './evaluate';
import { LmPolicy } from './policy';
import { PpoTrainer } from './ppo';
import { collectRollouts, explorationEpisodes } from './rollout';
import { candidateProbabilities } from './samples';

let weakened: LmPolicy;
let estimator: TabularProgressEstimator;
const envs = [0, 1, 2, 3].map(() => createCorridorEnv());

/** π(take red key | first observation), normalised over the three keys, averaged over tasks. */
function decisiveProbability(policy: LmPolicy): number {
  let total = 0;
  for (const taskId of CORRIDOR_TASKS) {
    const demo = corridorDemonstration(taskId, CORRECT_KEY);
    const probabilities = candidateProbabilities(
      policy,
      { goal: demo.goal, history: [], observation: demo.steps[0]?.observation ?? '' },
      COLOURS.map((colour) => `take ${colour} key`),
    );
    total += probabilities[COLOURS.indexOf(CORRECT_KEY)] as number;
  }
  return total / CORRIDOR_TASKS.length;
}

async function successRate(policy: LmPolicy): Promise<number> {
  const result = await evaluatePolicy({
    policy,
    envs,
    taskIds: CORRIDOR_TASKS,
    temperature: 0,
  });
  return result.summary.successRate;
}

beforeAll(async () => {
  await selectBackend('wasm');
  // Demonstrations take each key equally often: the cloned policy walks and opens the door
  // but picks the key at random — a weakened policy with a known optimum.
  const demonstrations: Trajectory[] = CORRIDOR_TASKS.flatMap((taskId) =>
    COLOURS.map((colour) => corridorDemonstration(taskId, colour)),
  );
  const tokenizer = trainTokenizer(
    demonstrations.flatMap((d) => [d.goal, ...d.steps.flatMap((s) => [s.observation, s.action])]),
    { vocabSize: 300 },
  );
  const { model } = await createLanguageModel({
    tokenizer,
    preset: 'test',
    contextLength: 96,
    seed: 1,
  });
  weakened = new LmPolicy(model, tokenizer, { context: { maxActionTokens: 8, historyWindow: 1 } });
  await behaviourClone(weakened, demonstrations, {
    epochs: 15,
    batchSize: 1,
    learningRate: 1e-2,
    seed: 1,
  });
  // Exploration (4 rollouts per task) and the progress estimator, fitted once on it.
  const explored = await collectRollouts({
    policy: weakened,
    envs,
    episodes: explorationEpisodes(CORRIDOR_TASKS, { rolloutsPerTask: 4, seed: 5 }),
  });
  estimator = new TabularProgressEstimator();
  await estimator.fit(explored.map((e) => e.trajectory));
}, 120_000);

async function train(
  scheme: PpoRewardScheme,
  seed: number,
): Promise<{ decisive: number; success: number }> {
  const model: TransformerLM = weakened.model.clone();
  const policy = new LmPolicy(model, weakened.tokenizer, {
    context: { maxActionTokens: 8, historyWindow: 1 },
  });
  const trainer = PpoTrainer.create({
    policy,
    envs,
    taskIds: CORRIDOR_TASKS,
    estimator,
    config: {
      rewardScheme: scheme,
      tasksPerIteration: 4,
      rolloutsPerTask: 2,
      epochs: 2,
      minibatchSize: 16,
      learningRate: 3e-3,
      seed,
    },
  });
  await trainer.train(10);
  await trainer.dispose();
  const result = { decisive: decisiveProbability(policy), success: await successRate(policy) };
  model.dispose();
  return result;
}

describe('SPA vs sparse rewards (long horizon, one decisive early action)', () => {
  it('SPA learns the decisive action faster under the same budget, over 3 seeds', async () => {
    const start = { decisive: decisiveProbability(weakened), success: await successRate(weakened) };
    const rows: Record<string, { decisive: number; success: number }[]> = { spa: [], sparse: [] };
    for (const seed of [1, 2, 3]) {
      for (const scheme of ['spa', 'sparse'] as const)
        rows[scheme]?.push(await train(scheme, seed));
    }
    const mean = (list: { decisive: number; success: number }[], key: 'decisive' | 'success') =>
      list.reduce((s, r) => s + r[key], 0) / list.length;
    console.log(JSON.stringify({ start, rows }, null, 1));
    const spa = rows.spa ?? [];
    const sparse = rows.sparse ?? [];
    expect(mean(spa, 'decisive')).toBeGreaterThan(mean(sparse, 'decisive') + 0.2);
    expect(mean(spa, 'decisive')).toBeGreaterThan(start.decisive + 0.3);
    expect(mean(spa, 'success')).toBeGreaterThan(mean(sparse, 'success'));
  }, 300_000);
});
