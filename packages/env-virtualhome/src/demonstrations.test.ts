import { validateTrajectory } from '@spa/core';
import { describe, expect, it } from 'vitest';
import { listVirtualhomeTaskSpecs } from './catalog';
import { createVirtualhomeExpert, generateVirtualhomeDemonstrations } from './demonstrations';

describe('expert demonstrations (gold programs rendered as SPA actions)', () => {
  it('win every sampled task of every split and are valid core trajectories', async () => {
    for (const split of ['new_unseen_test', 'new_seen_test', 'train'] as const) {
      // Every 12th task (a deterministic sample; the full sweep wins all 230 + 230 + 302 tasks, see README).
      const tasks = listVirtualhomeTaskSpecs(split).filter((_, index) => index % 12 === 0);
      let count = 0;
      for await (const trajectory of generateVirtualhomeDemonstrations({
        tasks,
        onlySuccessful: false,
      })) {
        validateTrajectory(trajectory);
        expect(trajectory.won).toBe(true);
        expect(trajectory.steps.every((step) => step.grounded)).toBe(true);
        expect(trajectory.steps.at(-1)?.reward).toBe(1);
        count += 1;
      }
      expect(count).toBe(tasks.length);
    }
  }, 60_000);

  it('the expert names the task it cannot play', async () => {
    const policy = createVirtualhomeExpert([]);
    await expect(
      policy.act([{ taskId: 'x:1', goal: '', history: [], observation: '' }]),
    ).rejects.toThrow(/context\.taskId/);
  });
});
