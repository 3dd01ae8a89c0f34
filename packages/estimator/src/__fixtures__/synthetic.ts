import { createRng, type Trajectory } from '@spa/core';

/**
 * A synthetic credit-assignment task with known per-step contributions, in the scripted
 * household text of `@spa/core/testing`: four "progress" actions each add 0.25 to the final
 * reward (done at most once each), while distractor and invalid actions add nothing. So
 * R = 0.25 · (number of progress actions) and the true contribution of a step is 0.25 or 0.
 */
export const PROGRESS_ACTIONS = [
  'take key 1 from drawer 2',
  'unlock chest 1 with key 1',
  'open chest 1',
  'take gold 1 from chest 1',
] as const;

const DISTRACTORS = [
  'look',
  'inventory',
  'go to desk 1',
  'examine shelf 3',
  'go to sofa 2',
  'open window 1',
] as const;

const OBSERVATIONS: Record<string, string> = {
  'take key 1 from drawer 2': 'You have the key.',
  'unlock chest 1 with key 1': 'The chest is unlocked.',
  'open chest 1': 'You see a gold 1.',
  'take gold 1 from chest 1': 'You have the gold.',
  look: 'A room.',
  inventory: 'Nothing useful.',
  'go to desk 1': 'A pen 1.',
  'examine shelf 3': 'Nothing.',
  'go to sofa 2': 'A sofa.',
  'open window 1': 'Nothing happens.',
};

/** A trajectory of the synthetic task plus its true contributions. */
export interface SyntheticTrajectory {
  readonly trajectory: Trajectory;
  readonly truth: number[];
}

/** `count` seeded trajectories of 2–7 steps with 0–4 progress actions in random positions. */
export function syntheticTrajectories(count: number, seed: number): SyntheticTrajectory[] {
  const rng = createRng(seed).fork('synthetic-progress');
  const out: SyntheticTrajectory[] = [];
  for (let index = 0; index < count; index++) {
    const length = rng.nextInt(2, 7);
    const progress = rng.nextInt(0, Math.min(4, length));
    const chosen = rng.shuffle([...PROGRESS_ACTIONS]).slice(0, progress);
    const slots = rng
      .shuffle(Array.from({ length }, (_, i) => i))
      .slice(0, progress)
      .sort((a, b) => a - b);
    const actions: string[] = Array.from({ length }, () => rng.choice(DISTRACTORS));
    slots.forEach((slot, i) => {
      actions[slot] = chosen[i] as string;
    });
    let observation = 'You see a drawer 2 and a chest 1.';
    const steps = actions.map((action) => {
      const step = { observation, action, grounded: !action.startsWith('open window'), reward: 0 };
      observation = OBSERVATIONS[action] as string;
      return step;
    });
    const truth: number[] = actions.map((action) =>
      (PROGRESS_ACTIONS as readonly string[]).includes(action) ? 0.25 : 0,
    );
    const finalReward = truth.reduce((a, b) => a + b, 0);
    out.push({
      trajectory: {
        taskId: `synthetic/${index}`,
        env: 'synthetic-progress',
        goal: 'find the gold and take it.',
        steps,
        finalReward,
        won: finalReward === 1,
      },
      truth,
    });
  }
  return out;
}
