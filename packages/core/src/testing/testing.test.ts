import { describe, expect, it } from 'vitest';
import { collectEpisode } from '../agent/episode';
import type { StepInfo, StepResult, TextEnv } from '../env/text-env';
import { withOrderEnforcing } from '../env/wrappers';
import { EnvCheckError } from '../errors/data-errors';
import { UnknownTaskError } from '../errors/env-errors';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { checkEnv } from './check-env';
import {
  COLOURS,
  CORRECT_KEY,
  CORRIDOR_TASKS,
  corridorDemonstration,
  createCorridorEnv,
  TabularProgressEstimator,
} from './corridor';
import { createScriptedEnv, generateScriptedTasks, NOTHING_HAPPENS } from './scripted-env';
import { createRandomPolicy, createScriptedExpert } from './scripted-policies';

describe('generateScriptedTasks', () => {
  it('is deterministic and splits train/test with unique ids', () => {
    const tasks = generateScriptedTasks();
    expect(generateScriptedTasks()).toEqual(tasks);
    expect(tasks.filter((task) => task.split === 'train')).toHaveLength(12);
    expect(tasks.filter((task) => task.split === 'test')).toHaveLength(6);
    expect(new Set(tasks.map((task) => task.id)).size).toBe(18);
    expect(new Set(tasks.map((task) => task.type))).toEqual(
      new Set(['pick', 'clean', 'heat', 'cool']),
    );
    expect(generateScriptedTasks({ seed: 1 })).not.toEqual(tasks);
  });
});

describe('createScriptedEnv', () => {
  it('passes checkEnv', async () => {
    const report = await checkEnv(createScriptedEnv(), { seed: 3 });
    expect(report.passed).toContain('probe episode stays well-formed');
    expect(report.passed).toContain('close is idempotent and final');
    expect(report.passed).toHaveLength(10);
  });

  it('is won by the key steps, in order, with reward 1 on the last one only', async () => {
    const tasks = generateScriptedTasks();
    const task = tasks.find((candidate) => candidate.type === 'heat') ?? tasks[1];
    if (task === undefined) throw new Error('no task');
    const env = createScriptedEnv({ tasks });
    const reset = await env.reset({ seed: 1, taskId: task.id });
    expect(reset.observation).toContain(`Your task is to: ${task.goal}`);
    expect(reset.info.admissibleActions).toContain(task.keySteps[0]?.action);
    // A key step out of order is inadmissible.
    const early = await env.step(task.keySteps[1]?.action ?? '');
    expect([early.observation, early.info.grounded]).toEqual([NOTHING_HAPPENS, false]);
    const rewards: number[] = [];
    for (const [index, step] of task.keySteps.entries()) {
      // Actions are normalised: case and spacing do not matter.
      const result = await env.step(index === 0 ? `  ${step.action.toUpperCase()} ` : step.action);
      expect(result.observation).toBe(step.observation);
      expect(result.info.progress).toBe(index + 1);
      rewards.push(result.reward);
      if (index === task.keySteps.length - 1) {
        expect(result).toMatchObject({
          terminated: true,
          truncated: false,
          info: { won: true, score: 1 },
        });
      }
    }
    expect(rewards).toEqual([...Array(task.keySteps.length - 1).fill(0), 1]);
  });

  it('truncates at its step budget and exposes its task catalog', async () => {
    const env = createScriptedEnv({ maxEpisodeSteps: 3 });
    expect(env.tasks?.splits).toEqual(['train', 'test']);
    expect(env.tasks?.taskIds('test')).toHaveLength(6);
    expect(() => env.tasks?.taskIds('valid')).toThrow(UnknownTaskError);
    await env.reset({ seed: 0 });
    await env.step('look');
    await env.step('look');
    expect((await env.step('look')).truncated).toBe(true);
    await expect(env.reset({ taskId: 'nope' })).rejects.toSatisfy(UnknownTaskError.isInstance);
  });

  it('rejects bad options naming the field', () => {
    expect(() => createScriptedEnv({ tasks: [] })).toThrow(InvalidArgumentError);
    expect(() => createScriptedEnv({ split: 'valid' })).toThrow(/options\.split/);
  });
});

describe('scripted policies and collectEpisode', () => {
  it('the expert wins every task; the trajectory records every step', async () => {
    const tasks = generateScriptedTasks();
    const env = createScriptedEnv({ tasks });
    const expert = createScriptedExpert(tasks);
    for (const task of tasks) {
      const trajectory = await collectEpisode(env, expert, { seed: 5, taskId: task.id });
      expect(trajectory).toMatchObject({
        taskId: task.id,
        won: true,
        finalReward: 1,
        goal: task.goal,
      });
      expect(trajectory.steps.map((step) => step.action)).toEqual(
        task.keySteps.map((step) => step.action),
      );
      expect(trajectory.steps.every((step) => step.grounded)).toBe(true);
    }
  });

  it('a random policy with invalid actions produces ungrounded steps and reproducible episodes', async () => {
    const run = async () => {
      const env = createScriptedEnv();
      const policy = createRandomPolicy({ seed: 9, invalidActionRate: 0.3 });
      const trajectories = [];
      for (let episode = 0; episode < 5; episode++) {
        trajectories.push(
          await collectEpisode(env, policy, { seed: episode, keepInfo: true, meta: { episode } }),
        );
      }
      return trajectories;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const steps = first.flatMap((trajectory) => trajectory.steps);
    expect(steps.some((step) => !step.grounded)).toBe(true);
    expect(steps.some((step) => step.grounded)).toBe(true);
    expect(first.every((trajectory) => trajectory.steps.length <= 20)).toBe(true);
    expect(first[0]?.steps[0]?.info).toHaveProperty('admissibleActions');
    expect(first[2]?.meta).toEqual({ seed: 2, episode: 2 });
  });
});

describe('checkEnv', () => {
  it('lists every contract violation of a broken env', async () => {
    let steps = 0;
    const broken: TextEnv<StepInfo> = {
      specificationVersion: 'v1',
      id: 'broken-v0',
      metadata: { rewardRange: [0, 1] },
      async reset() {
        steps = 0;
        // Not deterministic: the first observation changes on every reset.
        return {
          observation: `room ${Math.random()}`,
          info: { won: false, grounded: true, admissibleActions: ['a'] },
        };
      },
      async step(action): Promise<StepResult<StepInfo>> {
        steps += 1;
        // Claims the invalid action is grounded, and wins without terminating.
        return {
          observation: action,
          reward: steps === 3 ? 2 : 0,
          terminated: false,
          truncated: steps > 3,
          info: { won: steps === 2, grounded: true },
        };
      },
      async close() {},
      async [Symbol.asyncDispose]() {},
    };
    const error = await checkEnv(withOrderEnforcing(broken)).catch((caught: unknown) => caught);
    expect(EnvCheckError.isInstance(error)).toBe(true);
    const failures = (error as EnvCheckError).failures.join('\n');
    expect(failures).toContain(
      'reset is deterministic for the same (seed, taskId): first observation differs',
    );
    expect(failures).toContain(
      'an invalid string action is part of the game: info.grounded is true',
    );
    expect(failures).toContain(
      'probe episode stays well-formed: step 2: info.won is true but terminated is false',
    );
    expect(error).toHaveProperty(
      'message',
      expect.stringMatching(/^broken-v0 fails 3 env check\(s\):\n- /),
    );
    expect(failures).not.toContain('step before reset');
  });

  it('flags an env without order enforcing', async () => {
    const tasks = generateScriptedTasks({ train: 2, test: 1 });
    const env = createScriptedEnv({ tasks, maxEpisodeSteps: 0 });
    // createScriptedEnv always enforces order; strip it by delegating step directly.
    const unguarded: TextEnv<StepInfo> = {
      ...env,
      step: async (action) => ({
        observation: action,
        reward: 0,
        terminated: false,
        truncated: false,
        info: { won: false, grounded: false },
      }),
    };
    const error = await checkEnv(unguarded, { maxSteps: 5 }).catch((caught: unknown) => caught);
    expect((error as EnvCheckError).failures[0]).toMatch(
      /^step before reset throws ResetNeededError: got no error/,
    );
  });
});

describe('corridor', () => {
  it('passes checkEnv, and only the red key wins after the walk', async () => {
    // checkEnv throws an EnvCheckError listing every failed check.
    expect((await checkEnv(createCorridorEnv(), { seed: 3 })).passed).toHaveLength(10);
    const env = createCorridorEnv({ walks: 2 });
    for (const colour of COLOURS) {
      await env.reset({ taskId: 'corridor/west' });
      let last = await env.step(`take ${colour} key`);
      for (const action of ['walk forward', 'walk forward', 'open door'])
        last = await env.step(action);
      expect(last.terminated).toBe(true);
      expect(last.info.won).toBe(colour === CORRECT_KEY);
    }
    await env.reset({ taskId: 'corridor/west' });
    expect((await env.step('open door')).info.grounded).toBe(false);
    await expect(env.reset({ taskId: 'corridor/up' })).rejects.toThrow(/corridor\/up/);
    const demo = corridorDemonstration('corridor/north', CORRECT_KEY);
    expect(demo).toMatchObject({ won: true, finalReward: 1, goal: 'open the north door.' });
    expect(demo.steps).toHaveLength(8);
    expect(CORRIDOR_TASKS).toHaveLength(4);
  });

  it('the tabular estimator matches sums to outcomes and credits the decisive action', async () => {
    const trajectories = CORRIDOR_TASKS.flatMap((id) =>
      COLOURS.map((c) => corridorDemonstration(id, c)),
    );
    const estimator = new TabularProgressEstimator();
    const report = await estimator.fit(trajectories);
    expect(report.trainLoss).toBeLessThan(0.01);
    const [red, blue] = await estimator.predict([
      corridorDemonstration('corridor/east', 'red'),
      corridorDemonstration('corridor/east', 'blue'),
    ]);
    const sum = (xs: number[] | undefined) => (xs ?? []).reduce((a, b) => a + b, 0);
    expect(sum(red)).toBeCloseTo(1, 1);
    expect(sum(blue)).toBeCloseTo(0, 1);
    expect((red?.[0] ?? 0) - (blue?.[0] ?? 0)).toBeGreaterThan(0.9);
  });
});
