import { createRng } from '@spa/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';
import { createModelConfig } from './config';
import { generate } from './generate';
import { TransformerLM } from './model';

let learned: TransformerLM;
let rotary: TransformerLM;

beforeAll(async () => {
  await selectBackend('wasm');
  const base = { vocabSize: 60, preset: 'test' as const, contextLength: 40 };
  learned = TransformerLM.create(createModelConfig({ ...base, positions: 'learned' }), {
    seed: 11,
  });
  rotary = TransformerLM.create(createModelConfig({ ...base, positions: 'rotary' }), { seed: 12 });
});

afterAll(() => {
  learned.dispose();
  rotary.dispose();
});

const prompts = [[1, 2, 3, 4, 5], [6, 7], [8, 9, 10, 11, 12, 13, 14, 15], [3]];

describe('generate', () => {
  for (const name of ['learned', 'rotary'] as const) {
    it(`with the key/value cache equals recomputing the whole sequence (${name})`, () => {
      const model = name === 'learned' ? learned : rotary;
      const cached = generate(model, prompts, { maxNewTokens: 10, temperature: 0.8, seed: 3 });
      const full = generate(model, prompts, {
        maxNewTokens: 10,
        temperature: 0.8,
        seed: 3,
        useCache: false,
      });
      expect(cached.tokens).toEqual(full.tokens);
      cached.logProbs.forEach((row, r) => {
        row.forEach((value, i) => {
          expect(value).toBeCloseTo((full.logProbs[r] as number[])[i] as number, 4);
        });
      });
    });
  }

  it('gives each row the same tokens alone as in a batch (greedy)', () => {
    const batched = generate(rotary, prompts, { maxNewTokens: 8, temperature: 0 });
    prompts.forEach((prompt, row) => {
      const alone = generate(rotary, [prompt], { maxNewTokens: 8, temperature: 0 });
      expect(alone.tokens[0]).toEqual(batched.tokens[row]);
    });
  });

  it('is deterministic under a seed and varies with it', () => {
    const a = generate(learned, prompts, { maxNewTokens: 12, seed: 42 });
    const b = generate(learned, prompts, { maxNewTokens: 12, seed: 42 });
    const c = generate(learned, prompts, { maxNewTokens: 12, seed: 43 });
    expect(a).toEqual(b);
    expect(c.tokens).not.toEqual(a.tokens);
    const rngs = prompts.map((_, row) => createRng(42).fork(row));
    expect(generate(learned, prompts, { maxNewTokens: 12, rngs }).tokens).toEqual(a.tokens);
  });

  it('reports log-probabilities that match a forward pass', () => {
    const result = generate(learned, [[1, 2, 3]], { maxNewTokens: 4, seed: 1 });
    const sequence = [1, 2, 3, ...(result.tokens[0] as number[])];
    const logProbs = tf.tidy(() => {
      const hidden = learned.forward(tf.tensor2d([sequence], undefined, 'int32'));
      return tf.logSoftmax(learned.logits(hidden)).arraySync() as number[][];
    });
    (result.tokens[0] as number[]).forEach((token, i) => {
      expect((result.logProbs[0] as number[])[i]).toBeCloseTo(
        (logProbs[2 + i] as number[])[token] as number,
        4,
      );
    });
  });

  it('stops rows at stop tokens, at maxNewTokens and at the context length', () => {
    const greedy = generate(learned, [[1, 2, 3]], { maxNewTokens: 6, temperature: 0 });
    const first = (greedy.tokens[0] as number[])[0] as number;
    const stopped = generate(learned, [[1, 2, 3]], {
      maxNewTokens: 6,
      temperature: 0,
      stopTokens: [first],
    });
    expect(stopped.tokens[0]).toEqual([first]);
    expect(stopped.stopped).toEqual([true]);
    expect(greedy.tokens[0]).toHaveLength(6);
    const long = Array.from({ length: 37 }, (_, i) => (i % 50) + 1);
    const capped = generate(learned, [long], { maxNewTokens: 10, temperature: 0 });
    expect(capped.tokens[0]).toHaveLength(3);
    expect(capped.stopped).toEqual([false]);
  });

  it('top-k 1 equals greedy decoding', () => {
    const greedy = generate(rotary, prompts, { maxNewTokens: 6, temperature: 0 });
    const topOne = generate(rotary, prompts, {
      maxNewTokens: 6,
      temperature: 1.5,
      topK: 1,
      seed: 9,
    });
    expect(topOne.tokens).toEqual(greedy.tokens);
  });

  it('leaks no tensors and validates its inputs', () => {
    generate(learned, prompts, { maxNewTokens: 3 });
    const before = tf.memory().numTensors;
    generate(learned, prompts, { maxNewTokens: 5 });
    generate(rotary, prompts, { maxNewTokens: 5, useCache: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => generate(learned, [[]], { maxNewTokens: 2 })).toThrow(
      /prompts\[0\].*at least one token/,
    );
    expect(() => generate(learned, [[1, 99]], { maxNewTokens: 2 })).toThrow(
      /prompts\[0\]\[1\].*outside \[0, 60\)/,
    );
    expect(() => generate(learned, [[1]], { maxNewTokens: 0 })).toThrow(/maxNewTokens/);
    expect(() => generate(learned, [[1]], { maxNewTokens: 2, temperature: -1 })).toThrow(
      /temperature/,
    );
    expect(generate(learned, [], { maxNewTokens: 2 }).tokens).toEqual([]);
  });
});
