import { corridorDemonstration } from '@spa/core/testing';
import { createLanguageModel, selectBackend, tokenLogProbs, trainTokenizer } from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LmPolicy } from './policy';
import {
  actionOutputs,
  candidateProbabilities,
  chunkByTokens,
  decisionsFromTrajectory,
  samplesOf,
  scoreSamples,
} from './samples';

let policy: LmPolicy;
const demo = corridorDemonstration('corridor/north', 'red');

beforeAll(async () => {
  await selectBackend('wasm');
  const tokenizer = trainTokenizer(
    [demo.goal, ...demo.steps.flatMap((s) => [s.observation, s.action])],
    {
      vocabSize: 300,
    },
  );
  const { model } = await createLanguageModel({
    tokenizer,
    preset: 'test',
    contextLength: 96,
    seed: 3,
  });
  policy = new LmPolicy(model, tokenizer, { context: { maxActionTokens: 8, historyWindow: 1 } });
});

describe('PPO samples', () => {
  it('rebuilds the prompts the policy sees and the action tokens with <eoa>', () => {
    const decisions = decisionsFromTrajectory(policy, demo);
    expect(decisions).toHaveLength(demo.steps.length);
    decisions.forEach((decision, t) => {
      const step = demo.steps[t];
      expect(decision.prompt).toEqual(
        policy.contexts.prompt({
          goal: demo.goal,
          history: demo.steps.slice(0, t),
          observation: step?.observation ?? '',
        }),
      );
      expect(decision.tokens.at(-1)).toBe(policy.contexts.endOfAction);
      expect(policy.tokenizer.decode(decision.tokens.slice(0, -1))).toBe(step?.action);
    });
    const samples = samplesOf([decisions, decisions.slice(0, 2)]);
    expect(samples.map((s) => [s.episode, s.step])).toEqual([
      ...decisions.map((_, t) => [0, t]),
      [1, 0],
      [1, 1],
    ]);
    expect(() => samplesOf([[{ prompt: [1], tokens: [] }]])).toThrow(/decisions\[0\]\[0\].tokens/);
  });

  it('reads the log-probs of the action tokens (equal to lm tokenLogProbs), in chunks', () => {
    const samples = samplesOf([decisionsFromTrajectory(policy, demo)]);
    const expected = tf.tidy(() =>
      tokenLogProbs(
        policy.model,
        samples.map((s) => [...s.prompt, ...s.tokens]),
        samples.map((s) => s.tokens.map((_, k) => s.prompt.length + k)),
      ).dataSync(),
    );
    const whole = scoreSamples(policy.model, samples, { values: true, maxTokens: 1 << 20 });
    const chunked = scoreSamples(policy.model, samples, { values: true, maxTokens: 64 });
    expect(chunkByTokens(samples, 64).length).toBeGreaterThan(1);
    expect(chunkByTokens(samples, 64).flat()).toEqual(samples);
    Array.from(expected).forEach((value, i) => {
      expect(whole.logProbs[i]).toBeCloseTo(value, 4);
      expect(chunked.logProbs[i]).toBeCloseTo(value, 4);
    });
    expect(whole.values).toHaveLength(expected.length);
  });

  it('detached values send no gradient into the transformer, only into the value head', () => {
    const samples = samplesOf([decisionsFromTrajectory(policy, demo).slice(0, 2)]);
    const gradsOf = (detach: boolean) => {
      const { grads, value } = tf.variableGrads(
        () =>
          tf.sum(
            actionOutputs(policy.model, samples, { values: true, detachValues: detach })
              .values as tf.Tensor1D,
          ) as tf.Scalar,
        policy.model.variables(),
      );
      const norms = Object.fromEntries(
        Object.entries(grads).map(([name, g]) => [
          name,
          tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0] as number),
        ]),
      );
      tf.dispose([value, ...Object.values(grads)]);
      return norms;
    };
    const nameOf = (param: string) => (policy.model.param(param) as tf.Variable).name;
    const shared = gradsOf(false);
    const detached = gradsOf(true);
    expect(shared[nameOf('tok_emb')]).toBeGreaterThan(0);
    expect(detached[nameOf('tok_emb')] ?? 0).toBe(0);
    expect(detached[nameOf('head.value.w')]).toBeGreaterThan(0);
  });

  it('splits probability among candidate actions by their sequence probability', () => {
    const context = { goal: demo.goal, history: [], observation: demo.steps[0]?.observation ?? '' };
    const actions = ['take red key', 'take blue key', 'walk forward'];
    const probabilities = candidateProbabilities(policy, context, actions);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const sequence = actions.map((action) => {
      const encoded = policy.contexts.withAction(context, action);
      const sample = {
        episode: 0,
        step: 0,
        prompt: encoded.ids.slice(0, encoded.actionStart),
        tokens: encoded.ids.slice(encoded.actionStart),
      };
      return Math.exp(
        scoreSamples(policy.model, [sample], { values: false, maxTokens: 4096 }).logProbs.reduce(
          (a, b) => a + b,
          0,
        ),
      );
    });
    const total = sequence.reduce((a, b) => a + b, 0);
    probabilities.forEach((p, i) => {
      expect(p).toBeCloseTo((sequence[i] as number) / total, 4);
    });
    expect(() => candidateProbabilities(policy, context, [])).toThrow(/actions/);
  });
});
