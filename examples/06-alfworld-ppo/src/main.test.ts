import { createAlfworldEnv } from '@spa/env-alfworld';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS, runExample, TEST_SPLIT } from './main';

const budget = BUDGETS.tiny;
let result: Awaited<ReturnType<typeof runExample>>;

beforeAll(async () => {
  result = await runExample('tiny');
}, 120_000);

describe('example 06: SPA-RL on ALFWorld, budget tiny', () => {
  it('clones every demonstrated action whole, and the BC loss falls', () => {
    expect(result.demonstrations).toBe(budget.tasks);
    expect(result.bc.truncatedActions).toBe(0);
    const losses = result.bc.history.map((epoch) => epoch.trainLoss);
    expect(losses).toHaveLength(budget.bc);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)).toBeLessThan(losses[0] ?? 0);
    expect(Number.isFinite(result.estimator.trainLoss)).toBe(true);
  });

  it('evaluates BC, PPO-spa and PPO-sparse greedily on the first valid_unseen games', async () => {
    const env = createAlfworldEnv({ preset: 'spa-rl', split: TEST_SPLIT });
    const asked = env.tasks?.taskIds(TEST_SPLIT).slice(0, budget.tests) ?? [];
    await env.close();
    expect(asked).toHaveLength(budget.tests);
    const policies = result.evaluations.map((e) => e.policy);
    expect(policies).toEqual(['BC', 'BC + PPO (spa)', 'BC + PPO (sparse)']);
    for (const e of result.evaluations) {
      expect([...e.taskIds].sort()).toEqual([...asked].sort());
      expect(e.episodes).toBe(budget.tests);
      for (const share of [e.successRate, e.groundingAccuracy]) {
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(1);
      }
      expect(e.score).toBe(100 * e.successRate); // reward: won ? 1 : 0
      expect(e.score).toBeLessThanOrEqual(100);
      expect(e.meanSteps).toBeGreaterThan(0);
      expect(e.meanSteps).toBeLessThanOrEqual(budget.steps);
    }
  });

  it('records every PPO iteration of both schemes, with finite metrics', () => {
    for (const scheme of ['spa', 'sparse']) {
      const metrics = result.iterations[scheme] ?? [];
      expect(metrics.map((m) => m.iteration)).toEqual([1]);
      expect(metrics[0]?.['charts/success_rate']).toBeGreaterThanOrEqual(0);
      for (const [name, value] of Object.entries(metrics[0] ?? {})) {
        expect(Number.isFinite(value), `${scheme} ${name}`).toBe(true);
      }
    }
  });
});
