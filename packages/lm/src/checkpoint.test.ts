import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testTokenizer } from './__fixtures__/fixtures';
import { selectBackend } from './backend';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { createLanguageModel, loadLanguageModel, saveLanguageModel } from './language-model';
import { generate } from './model/generate';
import { trainTokenizer } from './tokenizer/index';

const directories: string[] = [];
async function temporary(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'spa-lm-ckpt-'));
  directories.push(directory);
  return directory;
}

beforeAll(async () => {
  await selectBackend('wasm');
});
afterEach(async () => {
  for (const directory of directories.splice(0))
    await rm(directory, { recursive: true, force: true });
});

describe('saveLanguageModel / loadLanguageModel', () => {
  it('round-trips weights, tokenizer and metadata bit for bit', async () => {
    const directory = await temporary();
    const tokenizer = testTokenizer();
    const { model } = await createLanguageModel({
      tokenizer,
      preset: 'test',
      contextLength: 64,
      positions: 'rotary',
      seed: 3,
    });
    await saveLanguageModel(
      directory,
      { model, tokenizer },
      { metadata: { stage: 'sft', step: 12 } },
    );
    const loaded = await loadLanguageModel(directory);
    expect(loaded.model.config).toEqual(model.config);
    const original = model.getWeights();
    for (const [name, weight] of loaded.model.getWeights()) {
      expect(
        Buffer.from(weight.data.buffer).equals(
          Buffer.from((original.get(name) as { data: Float32Array }).data.buffer),
        ),
      ).toBe(true);
    }
    expect(loaded.tokenizer.toJSON()).toEqual(tokenizer.toJSON());
    expect(loaded.metadata).toMatchObject({
      stage: 'sft',
      step: 12,
      backend: 'wasm',
      tfjsVersion: tf.version_core,
    });
    const prompt = [tokenizer.specialId('<bos>'), ...tokenizer.encode('go to shelf 1')];
    expect(generate(loaded.model, [prompt], { maxNewTokens: 5, seed: 1 })).toEqual(
      generate(model, [prompt], { maxNewTokens: 5, seed: 1 }),
    );
    model.dispose();
    loaded.model.dispose();
  });

  it('keeps extra tensor groups and replaces older weight files', async () => {
    const directory = await temporary();
    const tokenizer = testTokenizer();
    const { model } = await createLanguageModel({ tokenizer, preset: 'test', contextLength: 32 });
    const extra = new Map([
      [
        'optimizer.m',
        new Map([['x', { shape: [2, 2], data: Float32Array.of(1, -0, Number.MIN_VALUE, 3.5) }]]),
      ],
    ]);
    await saveLanguageModel(directory, { model, tokenizer }, { extraTensors: extra });
    model.setWeights(
      new Map([['ln_f.b', { shape: [32], data: new Float32Array(32).fill(0.25) }]]),
      { strict: false },
    );
    await saveLanguageModel(directory, { model, tokenizer }, { extraTensors: extra });
    const files = (await readdir(directory)).sort();
    expect(files.filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    const loaded = await loadLanguageModel(directory);
    expect(loaded.extraTensors.get('optimizer.m')?.get('x')?.data).toEqual(
      Float32Array.of(1, -0, Number.MIN_VALUE, 3.5),
    );
    expect(loaded.model.getWeights().get('ln_f.b')?.data[0]).toBe(0.25);
    model.dispose();
    loaded.model.dispose();
  });

  it('fails clearly on missing, corrupt, truncated or mismatched files', async () => {
    const directory = await temporary();
    await expect(loadLanguageModel(directory)).rejects.toThrow(
      /model.json: cannot read the checkpoint/,
    );
    const tokenizer = testTokenizer();
    const { model } = await createLanguageModel({ tokenizer, preset: 'test', contextLength: 32 });
    await saveLanguageModel(directory, { model, tokenizer });
    model.dispose();
    const jsonPath = join(directory, 'model.json');
    const json = await readFile(jsonPath, 'utf8');
    const manifest = JSON.parse(json);
    const binPath = join(directory, manifest.weightsFile);
    const bytes = await readFile(binPath);

    const flipped = Buffer.from(bytes);
    flipped[100] = (flipped[100] as number) ^ 1;
    await writeFile(binPath, flipped);
    await expect(loadLanguageModel(directory)).rejects.toThrow(/SHA-256 mismatch.*corrupt/);
    await writeFile(binPath, bytes.subarray(0, bytes.length - 8));
    await expect(loadLanguageModel(directory)).rejects.toThrow(/expected \d+ bytes, found \d+/);
    await writeFile(binPath, bytes);

    await writeFile(jsonPath, json.slice(0, 50));
    await expect(loadLanguageModel(directory)).rejects.toThrow(/model.json: not valid JSON/);
    await writeFile(jsonPath, JSON.stringify({ ...manifest, version: 2 }));
    await expect(loadLanguageModel(directory)).rejects.toThrow(
      /field `version`: this package reads version 1, got 2/,
    );
    const other = trainTokenizer(['completely different text'], { vocabSize: 270 });
    await writeFile(
      jsonPath,
      JSON.stringify({ ...manifest, content: { ...manifest.content, tokenizer: other.toJSON() } }),
    );
    await expect(loadLanguageModel(directory)).rejects.toThrow(
      /tokenizerFingerprint.*does not match/,
    );
    await writeFile(
      jsonPath,
      JSON.stringify({
        ...manifest,
        content: { ...manifest.content, config: { ...manifest.content.config, depth: 3 } },
      }),
    );
    await expect(loadLanguageModel(directory)).rejects.toThrow(
      /weights do not match the configuration.*h2/,
    );
    const error = await loadLanguageModel(directory).catch((e: unknown) => e);
    expect(CheckpointError.isInstance(error)).toBe(true);
  });

  it('saveCheckpoint validates tensor extents', async () => {
    const directory = await temporary();
    const tensors = new Map([['g', new Map([['t', { shape: [3], data: new Float32Array(2) }]])]]);
    await expect(saveCheckpoint(directory, { json: {}, tensors })).rejects.toThrow(
      /shape \[3\] does not hold 2 values/,
    );
    await saveCheckpoint(directory, { json: { a: 1 }, tensors: new Map() });
    expect((await loadCheckpoint(directory)).json).toEqual({ a: 1 });
  });
});
