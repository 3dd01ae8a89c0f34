import { collectEpisode } from '@spa/core';
import { createScriptedEnv, generateScriptedTasks } from '@spa/core/testing';
import { createLanguageModel, selectBackend, type Tokenizer, trainTokenizer } from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LmPolicy } from './policy';

let tokenizer: Tokenizer;

beforeAll(async () => {
  await selectBackend('wasm');
  const corpus = generateScriptedTasks().flatMap((task) => [
    task.goal,
    task.intro,
    ...[...task.keySteps, ...task.distractors].flatMap((s) => [s.action, s.observation]),
  ]);
  tokenizer = trainTokenizer(corpus, { vocabSize: 400 });
});

describe('LmPolicy', () => {
  it('writes text actions with log-probs and values, reproducibly under a seed', async () => {
    const { model } = await createLanguageModel({
      tokenizer,
      preset: 'test',
      contextLength: 256,
      seed: 2,
    });
    const policy = new LmPolicy(model, tokenizer, { context: { maxActionTokens: 12 } });
    const contexts = [
      {
        goal: 'put some mug in shelf.',
        history: [],
        observation: 'You are in the middle of a room.',
      },
      {
        goal: 'heat some apple and put it in desk.',
        history: [{ observation: 'You are in a room.', action: 'go to desk 1' }],
        observation: 'You arrive at desk 1.',
      },
    ];
    const before = tf.memory().numTensors;
    const first = await policy.act(contexts, { seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(await policy.act(contexts, { seed: 5 })).toEqual(first);
    expect((await policy.act(contexts, { seed: 6 })).map((a) => a.tokens)).not.toEqual(
      first.map((a) => a.tokens),
    );
    for (const decision of first) {
      expect(typeof decision.action).toBe('string');
      expect(decision.tokenLogProbs).toHaveLength(decision.tokens.length);
      expect(decision.tokens.length).toBeLessThanOrEqual(11);
      for (const lp of decision.tokenLogProbs) expect(lp).toBeLessThanOrEqual(0);
      expect(Number.isFinite(decision.value)).toBe(true);
      expect(decision.prompt.at(-1)).toBe(tokenizer.specialId('<act>'));
      const decoded = tokenizer.decode(
        decision.finished ? decision.tokens.slice(0, -1) : decision.tokens,
      );
      expect(decoded.trim()).toBe(decision.action);
    }
    const greedy = await policy.act(contexts, { temperature: 0, seed: 1 });
    expect(await policy.act(contexts, { temperature: 0, seed: 99 })).toEqual(greedy);
    model.dispose();
  });

  it('plays a whole scripted episode: every generated string is a legal env action', async () => {
    const { model } = await createLanguageModel({
      tokenizer,
      preset: 'test',
      contextLength: 256,
      seed: 3,
    });
    const policy = new LmPolicy(model, tokenizer, {
      context: { maxActionTokens: 12, historyWindow: 3 },
    });
    const env = createScriptedEnv({ maxEpisodeSteps: 6 });
    const trajectory = await collectEpisode(env, policy, { seed: 4, actOptions: { seed: 4 } });
    expect(trajectory.steps).toHaveLength(6);
    // An untrained model writes mostly inadmissible text: the env answers, never throws.
    expect(trajectory.steps.filter((step) => !step.grounded).length).toBeGreaterThan(0);
    await env.close();
    model.dispose();
  });

  it('checks its inputs', async () => {
    const { model } = await createLanguageModel({
      tokenizer,
      preset: 'test',
      contextLength: 64,
      scalarHeads: [],
    });
    const other = trainTokenizer(['a b c'], { vocabSize: 270 });
    expect(() => new LmPolicy(model, other)).toThrow(/vocabulary \d+ differs from the model's 400/);
    expect(() => new LmPolicy(model, tokenizer, { values: true })).toThrow(/no 'value' head/);
    const policy = new LmPolicy(model, tokenizer, { context: { maxActionTokens: 8 } });
    expect(await policy.act([])).toEqual([]);
    const [decision] = await policy.act([{ goal: 'g', history: [], observation: 'o' }]);
    expect(decision?.value).toBeUndefined();
    model.dispose();
  });
});
