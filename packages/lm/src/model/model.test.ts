import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';
import { hiddenAt, tokenLogProbs } from '../train/batch';
import { AdamW } from '../train/optimizer';
import { countParameters, createModelConfig, MODEL_PRESETS, type ModelConfig } from './config';
import { TransformerLM } from './model';

beforeAll(async () => {
  await selectBackend('wasm');
});

function config(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return createModelConfig({ vocabSize: 50, preset: 'test', contextLength: 32, ...overrides });
}

function hidden(model: TransformerLM, ids: number[][]): Float32Array {
  return tf.tidy(
    () => model.forward(tf.tensor2d(ids, undefined, 'int32')).dataSync() as Float32Array,
  );
}

describe('TransformerLM', () => {
  it('counts parameters exactly and sizes the presets from ~1 M to ~20 M', () => {
    const model = TransformerLM.create(config(), { seed: 1 });
    let total = 0;
    for (const variable of model.variables()) total += variable.size;
    expect(model.parameterCount).toBe(total);
    model.dispose();
    const size = (preset: 'tiny' | 'small' | 'medium') =>
      countParameters(createModelConfig({ vocabSize: 4096, preset }));
    expect(size('tiny')).toBeGreaterThan(0.9e6);
    expect(size('tiny')).toBeLessThan(2e6);
    expect(size('small')).toBeGreaterThan(4e6);
    expect(size('medium')).toBeGreaterThan(15e6);
    expect(size('medium')).toBeLessThan(25e6);
    expect(Object.keys(MODEL_PRESETS)).toEqual(['test', 'tiny', 'small', 'medium']);
  });

  it('initialises deterministically from the seed', () => {
    const a = TransformerLM.create(config(), { seed: 7 });
    const b = TransformerLM.create(config(), { seed: 7 });
    const c = TransformerLM.create(config(), { seed: 8 });
    const wa = a.getWeights().get('h0.attn.qkv.w')?.data;
    expect(b.getWeights().get('h0.attn.qkv.w')?.data).toEqual(wa);
    expect(c.getWeights().get('h0.attn.qkv.w')?.data).not.toEqual(wa);
    for (const m of [a, b, c]) m.dispose();
  });

  for (const positions of ['learned', 'rotary'] as const) {
    it(`is causal and padding-independent (${positions} positions)`, () => {
      const model = TransformerLM.create(config({ positions }), { seed: 3 });
      const width = model.config.width;
      const base = hidden(model, [[1, 2, 3, 4, 5, 6]]);
      const changed = hidden(model, [[1, 2, 3, 9, 9, 9]]);
      // Positions 0..2 see only tokens 1, 2, 3.
      expect(changed.slice(0, 3 * width)).toEqual(base.slice(0, 3 * width));
      expect(changed.slice(3 * width, 4 * width)).not.toEqual(base.slice(3 * width, 4 * width));
      // A shorter sequence right-padded in a batch gives the same states at its positions.
      const batched = hidden(model, [
        [1, 2, 3, 4, 5, 6],
        [7, 8, 9, 0, 0, 0],
      ]);
      const alone = hidden(model, [[7, 8, 9]]);
      const padded = batched.slice(6 * width, 9 * width);
      for (let i = 0; i < alone.length; i++) expect(padded[i]).toBeCloseTo(alone[i] as number, 5);
      model.dispose();
    });
  }

  it('rejects sequences longer than the context and unknown heads', () => {
    const model = TransformerLM.create(config({ contextLength: 8 }), { seed: 1 });
    expect(() => hidden(model, [[1, 2, 3, 4, 5, 6, 7, 8, 9]])).toThrow(
      /exceeds the model's contextLength 8/,
    );
    expect(() => tf.tidy(() => model.scalar('nope', tf.zeros([1, 32]) as tf.Tensor2D))).toThrow(
      /unknown scalar head "nope"; this model has: value, contribution/,
    );
    model.dispose();
  });

  it('has gradients that match finite differences', () => {
    const model = TransformerLM.create(config({ positions: 'rotary', tieEmbeddings: false }), {
      seed: 5,
    });
    const sequences = [
      [1, 4, 9, 16, 25],
      [2, 3, 5, 7],
    ];
    const loss = (): tf.Scalar =>
      tf.tidy(() => {
        const lp = tokenLogProbs(model, sequences, [
          [1, 2, 3, 4],
          [1, 2, 3],
        ]);
        const value = model.scalar('value', hiddenAt(model, sequences, [[4], [3]]));
        return tf.add(tf.neg(tf.mean(lp)), tf.sum(tf.square(tf.sub(value, 0.7)))) as tf.Scalar;
      });
    const { grads, value } = tf.variableGrads(loss, model.variables());
    value.dispose();
    const probes = [
      'tok_emb',
      'h0.attn.qkv.w',
      'h1.mlp.fc.w',
      'h1.ln2.g',
      'lm_head.w',
      'head.value.w',
    ];
    const epsilon = 1e-2;
    for (const name of probes) {
      const variable = model.param(name);
      const analytic = grads[variable.name]?.dataSync() as Float32Array;
      const original = Float32Array.from(variable.dataSync());
      // The largest-gradient entry of each probed tensor, where float32 differences are reliable.
      let index = 0;
      for (let i = 1; i < analytic.length; i++) {
        if (Math.abs(analytic[i] as number) > Math.abs(analytic[index] as number)) index = i;
      }
      const evaluate = (delta: number): number => {
        const data = Float32Array.from(original);
        data[index] = (data[index] as number) + delta;
        variable.assign(tf.tensor(data, variable.shape));
        const l = loss();
        const out = l.dataSync()[0] as number;
        l.dispose();
        return out;
      };
      const numeric = (evaluate(epsilon) - evaluate(-epsilon)) / (2 * epsilon);
      variable.assign(tf.tensor(original, variable.shape));
      expect(Math.abs(numeric - (analytic[index] as number))).toBeLessThan(
        2e-2 * Math.max(1e-2, Math.abs(numeric)),
      );
    }
    tf.dispose(Object.values(grads));
    model.dispose();
  });

  it('leaks no tensors across training steps', () => {
    const model = TransformerLM.create(config(), { seed: 2 });
    const optimizer = new AdamW(
      model.variables().map((variable) => ({ name: model.nameOf(variable), variable })),
      { learningRate: 1e-2, clipNorm: 1, weightDecay: 0.01 },
    );
    const sequences = [
      [1, 2, 3, 4],
      [5, 6, 7, 8, 9, 10],
    ];
    const step = (): number => {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.neg(
            tf.mean(
              tokenLogProbs(model, sequences, [
                [1, 2, 3],
                [1, 2, 3, 4, 5],
              ]),
            ),
          ) as tf.Scalar,
        model.variables(),
      );
      optimizer.step(grads);
      const loss = value.dataSync()[0] as number;
      tf.dispose([value, ...Object.values(grads)]);
      return loss;
    };
    const first = step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 30; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first * 0.5);
    optimizer.dispose();
    model.dispose();
  });

  it('round-trips weights through getWeights / fromWeights / clone', () => {
    const model = TransformerLM.create(config({ positions: 'rotary' }), { seed: 4 });
    const copy = model.clone();
    expect(hidden(copy, [[3, 1, 4, 1, 5]])).toEqual(hidden(model, [[3, 1, 4, 1, 5]]));
    const weights = model.getWeights();
    expect(() => TransformerLM.fromWeights(config(), weights)).toThrow(
      /weights\['h0.ln1.g'\]|missing|pos_emb/,
    );
    const partial = new Map([['ln_f.g', { shape: [32], data: new Float32Array(32).fill(2) }]]);
    copy.setWeights(partial, { strict: false });
    expect(copy.getWeights().get('ln_f.g')?.data[0]).toBe(2);
    expect(() =>
      copy.setWeights(new Map([['ln_f.g', { shape: [3], data: new Float32Array(3) }]]), {
        strict: false,
      }),
    ).toThrow(/expected shape \[32\]/);
    model.dispose();
    copy.dispose();
    expect(() => model.variables()).toThrow(/disposed/);
  });

  it('validates configurations with named fields', () => {
    expect(() => createModelConfig({ vocabSize: 10, width: 30, heads: 4 })).toThrow(
      /config.heads.*does not divide width 30/,
    );
    expect(() => createModelConfig({ vocabSize: 0 })).toThrow(/config.vocabSize/);
    expect(() => createModelConfig({ vocabSize: 10, positions: 'alibi' as 'learned' })).toThrow(
      /expected 'learned' or 'rotary'/,
    );
    expect(() => createModelConfig({ vocabSize: 10, preset: 'huge' as 'tiny' })).toThrow(
      /accepted: test, tiny, small, medium/,
    );
    expect(() => createModelConfig({ vocabSize: 10, scalarHeads: ['value', 'value'] })).toThrow(
      /duplicate head 'value'/,
    );
  });

  it('agrees between the wasm and cpu backends within float32 tolerance', async () => {
    const model = TransformerLM.create(config({ positions: 'rotary' }), { seed: 9 });
    const onWasm = hidden(model, [[5, 4, 3, 2, 1]]);
    await selectBackend('cpu');
    const onCpu = hidden(model, [[5, 4, 3, 2, 1]]);
    await selectBackend('wasm');
    let maxDiff = 0;
    for (let i = 0; i < onWasm.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs((onWasm[i] as number) - (onCpu[i] as number)));
    expect(maxDiff).toBeLessThan(1e-4);
    model.dispose();
  });
});

describe('TransformerLM memory', () => {
  it('creating and disposing a model and its optimiser leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const model = TransformerLM.create(config(), { seed: 1 });
    const optimizer = new AdamW(
      model.variables().map((variable) => ({ name: model.nameOf(variable), variable })),
      { learningRate: 1e-3 },
    );
    optimizer.dispose();
    model.clone().dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('attention paths', () => {
  it('folded-head attention equals the batched path', async () => {
    const { foldedCausalAttention, batchMatMul, causalBias } = await import('./ops');
    const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', seed));
    const folded = tf.tidy(() =>
      foldedCausalAttention(q as tf.Tensor, k as tf.Tensor, v as tf.Tensor, 0.5).arraySync(),
    );
    const batched = tf.tidy(() => {
      const scores = tf.add(
        tf.mul(batchMatMul(q as tf.Tensor, k as tf.Tensor, false, true), 0.5),
        causalBias(5),
      );
      return batchMatMul(tf.softmax(scores), v as tf.Tensor).arraySync();
    });
    const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
    const a = flat(folded);
    const b = flat(batched);
    a.forEach((value, i) => {
      expect(value).toBeCloseTo(b[i] as number, 5);
    });
    tf.dispose([q, k, v] as tf.Tensor[]);
  });
});
