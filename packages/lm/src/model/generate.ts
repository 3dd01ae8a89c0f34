import { createRng, InvalidArgumentError, type Rng } from '@spa/core';
import * as tf from '@tensorflow/tfjs-core';
import { hiddenAt, padSequences } from '../train/batch';
import type { TransformerLM } from './model';
import {
  applyRotary,
  batchMatMul,
  causalBias,
  gatherRows,
  layerNorm,
  linear,
  rotaryTables,
} from './ops';

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Most tokens to write per prompt. */
  readonly maxNewTokens: number;
  /** Sampling temperature; 0 = greedy (ties go to the lowest id). Default 1. */
  readonly temperature?: number;
  /** Sample only among the k most likely tokens. Default: all. */
  readonly topK?: number;
  /** A row stops after writing one of these ids (it is included in the output). */
  readonly stopTokens?: readonly number[];
  /** Seed: row i samples from `createRng(seed).fork(i)`. Default 0. Ignored when `rngs` is given. */
  readonly seed?: number;
  /** One random stream per prompt (e.g. per env), for reproducibility independent of batching. */
  readonly rngs?: readonly Rng[];
  /**
   * Reuse keys and values of earlier positions (default true). `false` recomputes the whole
   * sequence for every new token; kept for measurements and as a cross-check.
   */
  readonly useCache?: boolean;
}

/** What {@link generate} wrote. */
export interface GenerateResult {
  /** The new tokens of each prompt, the stop token included when one was written. */
  readonly tokens: number[][];
  /** Log-probability of each new token under the model (temperature 1, no top-k). */
  readonly logProbs: number[][];
  /** Whether each row ended on a stop token (else it hit `maxNewTokens` or the context). */
  readonly stopped: boolean[];
}

interface LayerCache {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
}

/**
 * Writes continuations of a batch of prompts, one batched forward pass per new token.
 *
 * @remarks
 * Prompts are right-padded into one batch; with the key/value cache (default), the prompt is
 * run once and each new token costs one pass over a single position per row, attending to the
 * cached keys (padding slots masked out). Rows stop independently; the loop ends when all have
 * stopped, when `maxNewTokens` is reached, or when a row reaches the model's context length.
 * Sampling happens in JavaScript from the seeded streams, so the same seed, backend and batch
 * give the same tokens.
 */
export function generate(
  model: TransformerLM,
  prompts: readonly (readonly number[])[],
  options: GenerateOptions,
): GenerateResult {
  const { maxNewTokens, temperature = 1, topK, stopTokens = [], useCache = true } = options;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
    throw new InvalidArgumentError({
      field: 'options.maxNewTokens',
      reason: `expected an integer ≥ 1, got ${maxNewTokens}`,
    });
  }
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new InvalidArgumentError({
      field: 'options.temperature',
      reason: `expected a finite number ≥ 0, got ${temperature}`,
    });
  }
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    throw new InvalidArgumentError({
      field: 'options.topK',
      reason: `expected an integer ≥ 1, got ${topK}`,
    });
  }
  const { vocabSize, contextLength } = model.config;
  prompts.forEach((prompt, row) => {
    if (prompt.length === 0) {
      throw new InvalidArgumentError({
        field: `prompts[${row}]`,
        reason: 'a prompt needs at least one token',
      });
    }
    if (prompt.length >= contextLength) {
      throw new InvalidArgumentError({
        field: `prompts[${row}]`,
        reason: `${prompt.length} tokens leave no room to generate in contextLength ${contextLength}`,
      });
    }
    for (let i = 0; i < prompt.length; i++) {
      const id = prompt[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new InvalidArgumentError({
          field: `prompts[${row}][${i}]`,
          reason: `token id ${id} is outside [0, ${vocabSize})`,
        });
      }
    }
  });
  if (options.rngs !== undefined && options.rngs.length !== prompts.length) {
    throw new InvalidArgumentError({
      field: 'options.rngs',
      reason: `expected ${prompts.length} streams, got ${options.rngs.length}`,
    });
  }
  const batch = prompts.length;
  const tokens: number[][] = prompts.map(() => []);
  const logProbs: number[][] = prompts.map(() => []);
  const stopped = prompts.map(() => false);
  if (batch === 0) return { tokens, logProbs, stopped };
  const root = createRng(options.seed ?? 0);
  const rngs = options.rngs ?? prompts.map((_, row) => root.fork(row));
  const stops = new Set(stopTokens);
  const lengths = prompts.map((prompt) => prompt.length);
  const done = prompts.map((prompt) => prompt.length >= contextLength);

  const pick = (logits: Float32Array, row: number): number => {
    const offset = row * vocabSize;
    const token = sample(logits, offset, vocabSize, temperature, topK, rngs[row] as Rng);
    (tokens[row] as number[]).push(token);
    (logProbs[row] as number[]).push(logSoftmaxAt(logits, offset, vocabSize, token));
    if (stops.has(token)) {
      stopped[row] = true;
      done[row] = true;
    }
    if ((lengths[row] as number) + (tokens[row] as number[]).length >= contextLength)
      done[row] = true;
    return token;
  };

  if (!useCache) {
    for (let step = 0; step < maxNewTokens && done.includes(false); step++) {
      const sequences = prompts.map((prompt, row) => [...prompt, ...(tokens[row] as number[])]);
      const logits = lastLogits(model, sequences);
      for (let row = 0; row < batch; row++) if (!done[row]) pick(logits, row);
    }
    return { tokens, logProbs, stopped };
  }

  const width = Math.max(...lengths);
  const caches: LayerCache[] = [];
  try {
    // Prefill: the right-padded prompts, positions 0..width−1.
    const { ids } = padSequences(prompts);
    const lastRows = Int32Array.from(lengths, (length, row) => row * width + length - 1);
    let logits = tf.tidy(() => {
      const input = tf.tensor2d(ids, [batch, width], 'int32');
      const positions = Int32Array.from({ length: batch * width }, (_, i) => i % width);
      const hidden = runCached(model, input, positions, causalBias(width), caches);
      return model.logits(gatherRows(hidden, lastRows)).dataSync() as Float32Array;
    });
    let next = Int32Array.from({ length: batch }, (_, row) => pick(logits, row));
    for (let step = 1; step < maxNewTokens && done.includes(false); step++) {
      const slots = width + step;
      const positions = Int32Array.from(lengths, (length) => length + step - 1);
      const keyBias = new Float32Array(batch * slots);
      for (let row = 0; row < batch; row++) {
        for (let slot = lengths[row] as number; slot < width; slot++)
          keyBias[row * slots + slot] = -1e9;
      }
      const input = next;
      logits = tf.tidy(() => {
        const bias = tf.reshape(tf.tensor2d(keyBias, [batch, slots]), [batch, 1, 1, slots]);
        const hidden = runCached(
          model,
          tf.tensor2d(input, [batch, 1], 'int32'),
          positions,
          bias,
          caches,
        );
        return model.logits(hidden).dataSync() as Float32Array;
      });
      next = Int32Array.from({ length: batch }, (_, row) => (done[row] ? 0 : pick(logits, row)));
    }
  } finally {
    for (const cache of caches) tf.dispose([cache.k, cache.v]);
  }
  return { tokens, logProbs, stopped };
}

/**
 * One cached pass: `ids` [B, n] at `positions` (B·n, row-major), attending to the cached keys
 * plus the new ones under `bias` (broadcastable to [B, H, n, S]). Appends the new keys and values
 * to `caches` (kept outside the surrounding tidy) and returns the final hidden states [B·n, D].
 */
function runCached(
  model: TransformerLM,
  ids: tf.Tensor2D,
  positions: Int32Array,
  bias: tf.Tensor,
  caches: LayerCache[],
): tf.Tensor2D {
  const [batch, n] = ids.shape;
  const { width, heads, depth, layerNormEpsilon: eps } = model.config;
  const hs = width / heads;
  const flatIds = tf.reshape(ids, [batch * n]) as tf.Tensor1D;
  let x = gatherRows(model.param('tok_emb') as tf.Tensor2D, flatIds);
  let rotary: { cos: tf.Tensor; sin: tf.Tensor } | undefined;
  if (model.config.positions === 'learned') {
    x = tf.add(x, gatherRows(model.param('pos_emb') as tf.Tensor2D, positions));
  } else {
    const tables = rotaryTables(positions, hs);
    rotary = {
      cos: tf.reshape(tables.cos, [batch, 1, n, hs]),
      sin: tf.reshape(tables.sin, [batch, 1, n, hs]),
    };
  }
  for (let layer = 0; layer < depth; layer++) {
    const p = `h${layer}.`;
    const h = layerNorm(x, model.param(`${p}ln1.g`), model.param(`${p}ln1.b`), eps);
    const qkv = linear(h, model.param(`${p}attn.qkv.w`), model.param(`${p}attn.qkv.b`));
    let [q, k, v] = tf
      .split(qkv, 3, 1)
      .map((part) => tf.transpose(tf.reshape(part, [batch, n, heads, hs]), [0, 2, 1, 3])) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ];
    if (rotary !== undefined) {
      q = applyRotary(q, rotary.cos, rotary.sin) as tf.Tensor4D;
      k = applyRotary(k, rotary.cos, rotary.sin) as tf.Tensor4D;
    }
    const previous = caches[layer];
    const keys = previous === undefined ? k : tf.concat([previous.k, k], 2);
    const values = previous === undefined ? v : tf.concat([previous.v, v], 2);
    if (previous !== undefined) tf.dispose([previous.k, previous.v]);
    caches[layer] = { k: tf.keep(keys), v: tf.keep(values) };
    const scores = tf.add(tf.mul(batchMatMul(q, keys, false, true), 1 / Math.sqrt(hs)), bias);
    const attended = batchMatMul(tf.softmax(scores), values);
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [
      batch * n,
      width,
    ]) as tf.Tensor2D;
    x = tf.add(x, linear(merged, model.param(`${p}attn.proj.w`), model.param(`${p}attn.proj.b`)));
    x = model.mlp(layer, x);
  }
  return layerNorm(x, model.param('ln_f.g'), model.param('ln_f.b'), eps);
}

function lastLogits(model: TransformerLM, sequences: readonly (readonly number[])[]): Float32Array {
  return tf.tidy(() => {
    const hidden = hiddenAt(
      model,
      sequences,
      sequences.map((sequence) => [sequence.length - 1]),
    );
    return model.logits(hidden).dataSync() as Float32Array;
  });
}

function logSoftmaxAt(logits: Float32Array, offset: number, size: number, token: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < size; i++) max = Math.max(max, logits[offset + i] as number);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += Math.exp((logits[offset + i] as number) - max);
  return (logits[offset + token] as number) - max - Math.log(sum);
}

function sample(
  logits: Float32Array,
  offset: number,
  size: number,
  temperature: number,
  topK: number | undefined,
  rng: Rng,
): number {
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < size; i++) {
      if ((logits[offset + i] as number) > (logits[offset + best] as number)) best = i;
    }
    return best;
  }
  let candidates: number[];
  if (topK !== undefined && topK < size) {
    candidates = Array.from({ length: size }, (_, i) => i);
    // Highest logit first, lowest id among equals: a total order, so the set is deterministic.
    candidates.sort(
      (a, b) => (logits[offset + b] as number) - (logits[offset + a] as number) || a - b,
    );
    candidates.length = topK;
  } else {
    candidates = Array.from({ length: size }, (_, i) => i);
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const i of candidates) max = Math.max(max, logits[offset + i] as number);
  const weights = new Float64Array(candidates.length);
  let total = 0;
  candidates.forEach((i, j) => {
    const w = Math.exp(((logits[offset + i] as number) - max) / temperature);
    weights[j] = w;
    total += w;
  });
  let u = rng.nextFloat() * total;
  for (let j = 0; j < candidates.length; j++) {
    u -= weights[j] as number;
    if (u < 0) return candidates[j] as number;
  }
  return candidates[candidates.length - 1] as number;
}
