import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CORRIDOR_TASKS,
  corridorDemonstration,
  createCorridorEnv,
  createRandomPolicy,
  createScriptedEnv,
  createScriptedExpert,
  generateScriptedTasks,
} from '@spa/core/testing';
import { createLanguageModel, selectBackend, type Tokenizer, trainTokenizer } from '@spa/lm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluatePolicy,
  evaluationMetrics,
  evaluationToMarkdown,
  summarizeEpisodes,
  writeEvaluation,
} from './evaluate';
import { LmPolicy } from './policy';
import { collectRollouts, explorationEpisodes, type RolloutTiming } from './rollout';

let tokenizer: Tokenizer;

beforeAll(async () => {
  await selectBackend('wasm');
  const demo = corridorDemonstration('corridor/north-red', 'blue');
  tokenizer = trainTokenizer([demo.goal, ...demo.steps.flatMap((s) => [s.observation, s.action])], {
    vocabSize: 300,
  });
});

async function randomPolicy(seed: number): Promise<LmPolicy> {
  const { model } = await createLanguageModel({
    tokenizer,
    preset: 'test',
    contextLength: 96,
    seed,
  });
  return new LmPolicy(model, tokenizer, { context: { maxActionTokens: 8, historyWindow: 1 } });
}

describe('explorationEpisodes', () => {
  it('gives N seeded rollouts per task, the same list for the same arguments', () => {
    const specs = explorationEpisodes(['a', 'b'], { rolloutsPerTask: 3, seed: 4 });
    expect(specs.map((s) => [s.taskId, s.rollout])).toEqual([
      ['a', 0],
      ['a', 1],
      ['a', 2],
      ['b', 0],
      ['b', 1],
      ['b', 2],
    ]);
    expect(new Set(specs.map((s) => s.seed)).size).toBe(6);
    expect(explorationEpisodes(['a', 'b'], { rolloutsPerTask: 3, seed: 4 })).toEqual(specs);
    expect(explorationEpisodes(['a', 'b'], { rolloutsPerTask: 3, seed: 5 })).not.toEqual(specs);
    expect(() => explorationEpisodes(['a'], { rolloutsPerTask: 0 })).toThrow(/rolloutsPerTask/);
  });
});

describe('collectRollouts', () => {
  it('plays episodes in lock-step; an episode does not depend on how many envs share the batch', async () => {
    const policy = await randomPolicy(3);
    const episodes = explorationEpisodes(CORRIDOR_TASKS.slice(0, 3), {
      rolloutsPerTask: 2,
      seed: 1,
    });
    const timing: RolloutTiming = { policySeconds: 0, envSeconds: 0 };
    const finished: number[] = [];
    const three = await collectRollouts({
      policy,
      envs: [0, 1, 2].map(() => createCorridorEnv()),
      episodes,
      timing,
      onEpisode: (_, index) => finished.push(index),
    });
    const one = await collectRollouts({ policy, envs: [createCorridorEnv()], episodes });
    expect(three.map((e) => e.trajectory)).toEqual(one.map((e) => e.trajectory));
    // Same tokens; log-probs agree to float32 rounding (padding changes the kernels' shapes).
    const strip = (e: (typeof one)[number]) =>
      e.decisions.map((d) => ({ prompt: d.prompt, tokens: d.tokens }));
    expect(three.map(strip)).toEqual(one.map(strip));
    const flat = (list: typeof one) =>
      list.flatMap((e) => e.decisions.flatMap((d) => d.logProbs ?? []));
    const reference = flat(one);
    flat(three).forEach((value, i) => {
      expect(Math.abs(value - (reference[i] as number))).toBeLessThan(1e-5);
    });
    expect([...finished].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(timing.policySeconds).toBeGreaterThan(0);
    expect(timing.envSeconds).toBeGreaterThanOrEqual(0);
    for (const [index, episode] of three.entries()) {
      const spec = episodes[index];
      expect(episode.trajectory.taskId).toBe(spec?.taskId);
      expect(episode.trajectory.meta).toMatchObject({ seed: spec?.seed, rollout: spec?.rollout });
      // The untrained policy writes mostly invalid text: the env answers, never throws.
      expect(episode.trajectory.steps.length).toBe(10);
      expect(episode.decisions).toHaveLength(episode.trajectory.steps.length);
      for (const [t, decision] of episode.decisions.entries()) {
        expect(decision.tokens.length).toBeGreaterThan(0);
        expect(decision.logProbs).toHaveLength(decision.tokens.length);
        expect(
          tokenizer
            .decode(decision.tokens.filter((id) => id !== policy.contexts.endOfAction))
            .trim(),
        ).toBe(episode.trajectory.steps[t]?.action);
      }
    }
    // Different seeds, different samples.
    const other = await collectRollouts({
      policy,
      envs: [createCorridorEnv()],
      episodes: explorationEpisodes(CORRIDOR_TASKS.slice(0, 3), { rolloutsPerTask: 2, seed: 2 }),
    });
    expect(other.map((e) => e.trajectory.steps)).not.toEqual(one.map((e) => e.trajectory.steps));
    policy.model.dispose();
  });

  it('runs any core policy (no tokens recorded) and rejects bad options', async () => {
    const tasks = generateScriptedTasks({ train: 3, test: 0 });
    const envs = [createScriptedEnv({ tasks }), createScriptedEnv({ tasks })];
    const rollouts = await collectRollouts({
      policy: createScriptedExpert(tasks),
      envs,
      episodes: tasks.map((task, i) => ({ taskId: task.id, seed: i })),
    });
    expect(rollouts.every((e) => e.trajectory.won && e.terminated)).toBe(true);
    expect(rollouts.every((e) => e.decisions.length === 0)).toBe(true);
    const policy = createRandomPolicy();
    await expect(collectRollouts({ policy, envs: [], episodes: [] })).rejects.toThrow(
      /options.envs/,
    );
    const env = envs[0];
    if (env === undefined) throw new Error('unreachable');
    await expect(collectRollouts({ policy, envs: [env, env], episodes: [] })).rejects.toThrow(
      /same env instance/,
    );
    await expect(collectRollouts({ policy, envs, episodes: [], temperature: -1 })).rejects.toThrow(
      /options.temperature/,
    );
    await expect(collectRollouts({ policy, envs, episodes: [{ seed: 0.5 }] })).rejects.toThrow(
      /episodes\[0\].seed/,
    );
    // A step cap below the env's limit ends episodes early (not won, not terminated).
    const capped = await collectRollouts({
      policy,
      envs,
      episodes: [{ taskId: tasks[0]?.id as string, seed: 1 }],
      maxSteps: 2,
    });
    expect(capped[0]?.trajectory.steps).toHaveLength(2);
    expect(capped[0]?.terminated).toBe(false);
  });
});

describe('evaluatePolicy', () => {
  it('reports success, score, grounding and steps overall and per task type, as JSON and Markdown', async () => {
    const tasks = generateScriptedTasks({ train: 4, test: 0 });
    const envs = [0, 1].map(() => createScriptedEnv({ tasks }));
    const expert = await evaluatePolicy({
      policy: createScriptedExpert(tasks),
      envs,
      taskIds: tasks.map((t) => t.id),
      episodesPerTask: 2,
    });
    expect(expert.summary).toMatchObject({
      episodes: 8,
      successRate: 1,
      score: 100,
      groundingAccuracy: 1,
    });
    expect(Object.keys(expert.perType).sort()).toEqual(
      [...new Set(tasks.map((t) => t.type))].sort(),
    );
    const random = await evaluatePolicy({
      policy: createRandomPolicy({ seed: 1, invalidActionRate: 0.5 }),
      envs,
      taskIds: tasks.map((t) => t.id),
    });
    expect(random.summary.groundingAccuracy).toBeLessThan(0.8);
    expect(random.summary.groundingAccuracy).toBeGreaterThan(0.2);
    expect(summarizeEpisodes(random.episodes)).toEqual(random.summary);
    expect(evaluationMetrics(expert.summary)).toMatchObject({
      'charts/success_rate': 1,
      'charts/grounding_accuracy': 1,
    });
    const markdown = evaluationToMarkdown(expert, 'Scripted');
    expect(markdown).toContain('# Scripted');
    expect(markdown).toContain('| **all** | 8 | 100.0 | 100.0 | 100.0 |');
    const directory = await mkdtemp(join(tmpdir(), 'spa-eval-'));
    try {
      const files = await writeEvaluation(expert, directory);
      expect(JSON.parse(await readFile(files.json, 'utf8')).summary).toEqual(expert.summary);
      expect(await readFile(files.markdown, 'utf8')).toBe(evaluationToMarkdown(expert));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    await expect(
      evaluatePolicy({ policy: createRandomPolicy(), envs, taskIds: [] }),
    ).rejects.toThrow(/options.taskIds/);
  });
});
