import { InvalidArgumentError } from '@spa/core';

/** How token positions enter the model. */
export type PositionEncoding = 'learned' | 'rotary';

/** Shape of a {@link TransformerLM}. Plain JSON; saved with every checkpoint. */
export interface ModelConfig {
  /** Number of token ids (the tokenizer's `vocabSize`). */
  readonly vocabSize: number;
  /** Longest sequence the model reads, in tokens. */
  readonly contextLength: number;
  /** Hidden size d (the residual stream's width). */
  readonly width: number;
  /** Number of transformer blocks. */
  readonly depth: number;
  /** Attention heads; must divide `width` (and leave an even head size with rotary positions). */
  readonly heads: number;
  /** Hidden size of each block's MLP, as a multiple of `width`. */
  readonly mlpRatio: number;
  /** Learned absolute position embeddings, or rotary embeddings inside attention (RoFormer). */
  readonly positions: PositionEncoding;
  /** Reuse the token embedding as the output projection (GPT-2 style). */
  readonly tieEmbeddings: boolean;
  /** Names of scalar heads (e.g. `value`, `contribution`): a linear map of the last hidden state. */
  readonly scalarHeads: readonly string[];
  /** Epsilon of every layer norm. */
  readonly layerNormEpsilon: number;
  /** Standard deviation of the initial weights (GPT-2: 0.02). */
  readonly initStd: number;
}

/** A named size of {@link ModelConfig}; `vocabSize` and `contextLength` come from the caller. */
export type ModelPresetName = 'test' | 'tiny' | 'small' | 'medium';

type PresetShape = Pick<ModelConfig, 'width' | 'depth' | 'heads' | 'mlpRatio'>;

/**
 * Model sizes. With a 4,096-token vocabulary and a 512-token context, `tiny` has about 1.3 M
 * parameters, `small` about 6 M and `medium` about 20 M ({@link countParameters} gives exact
 * numbers); `test` is a toy for unit tests.
 */
export const MODEL_PRESETS: Readonly<Record<ModelPresetName, PresetShape>> = {
  test: { width: 32, depth: 2, heads: 2, mlpRatio: 4 },
  tiny: { width: 128, depth: 4, heads: 4, mlpRatio: 4 },
  small: { width: 256, depth: 6, heads: 8, mlpRatio: 4 },
  medium: { width: 384, depth: 10, heads: 6, mlpRatio: 4 },
};

/** What {@link createModelConfig} accepts: a preset or explicit sizes, plus overrides. */
export interface ModelConfigInput extends Partial<ModelConfig> {
  readonly vocabSize: number;
  /** Start from this preset; explicit fields override it. Default `tiny`. */
  readonly preset?: ModelPresetName;
}

/**
 * Completes and validates a model configuration.
 *
 * @remarks Defaults: preset `tiny`, context 512, learned positions, tied embeddings, scalar heads
 * `value` and `contribution`, layer-norm epsilon 1e-5, init std 0.02.
 *
 * @throws InvalidArgumentError naming the field, its value and the accepted values.
 */
export function createModelConfig(input: ModelConfigInput): ModelConfig {
  const presetName = input.preset ?? 'tiny';
  const preset = MODEL_PRESETS[presetName];
  if (preset === undefined) {
    throw new InvalidArgumentError({
      field: `preset`,
      reason: `unknown model preset ${JSON.stringify(presetName)}; accepted: ${Object.keys(MODEL_PRESETS).join(', ')}`,
    });
  }
  const config: ModelConfig = {
    vocabSize: input.vocabSize,
    contextLength: input.contextLength ?? 512,
    width: input.width ?? preset.width,
    depth: input.depth ?? preset.depth,
    heads: input.heads ?? preset.heads,
    mlpRatio: input.mlpRatio ?? preset.mlpRatio,
    positions: input.positions ?? 'learned',
    tieEmbeddings: input.tieEmbeddings ?? true,
    scalarHeads: [...(input.scalarHeads ?? ['value', 'contribution'])],
    layerNormEpsilon: input.layerNormEpsilon ?? 1e-5,
    initStd: input.initStd ?? 0.02,
  };
  validateModelConfig(config);
  return config;
}

function positiveInteger(field: string, value: unknown, max = 1 << 24): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError({
      field: `${field}`,
      reason: `expected an integer in [1, ${max}], got ${JSON.stringify(value)}`,
    });
  }
}

/**
 * Checks every field of a configuration (e.g. one read from a checkpoint).
 *
 * @throws InvalidArgumentError naming the field, its value and the accepted values.
 */
export function validateModelConfig(config: ModelConfig, where = 'config'): void {
  if (config === null || typeof config !== 'object') {
    throw new InvalidArgumentError({ field: `${where}`, reason: `expected an object` });
  }
  positiveInteger(`${where}.vocabSize`, config.vocabSize);
  positiveInteger(`${where}.contextLength`, config.contextLength, 65536);
  positiveInteger(`${where}.width`, config.width, 65536);
  positiveInteger(`${where}.depth`, config.depth, 1024);
  positiveInteger(`${where}.heads`, config.heads, 1024);
  if (config.width % config.heads !== 0) {
    throw new InvalidArgumentError({
      field: `${where}.heads`,
      reason: `${config.heads} does not divide width ${config.width}`,
    });
  }
  if (typeof config.mlpRatio !== 'number' || !(config.mlpRatio > 0) || config.mlpRatio > 64) {
    throw new InvalidArgumentError({
      field: `${where}.mlpRatio`,
      reason: `expected a number in (0, 64], got ${JSON.stringify(config.mlpRatio)}`,
    });
  }
  if (!Number.isInteger(config.width * config.mlpRatio)) {
    throw new InvalidArgumentError({
      field: `${where}.mlpRatio`,
      reason: `width × mlpRatio = ${config.width * config.mlpRatio} is not an integer`,
    });
  }
  if (config.positions !== 'learned' && config.positions !== 'rotary') {
    throw new InvalidArgumentError({
      field: `${where}.positions`,
      reason: `expected 'learned' or 'rotary', got ${JSON.stringify(config.positions)}`,
    });
  }
  if (config.positions === 'rotary' && (config.width / config.heads) % 2 !== 0) {
    throw new InvalidArgumentError({
      field: `${where}.heads`,
      reason: `rotary positions need an even head size, got ${config.width / config.heads}`,
    });
  }
  if (typeof config.tieEmbeddings !== 'boolean') {
    throw new InvalidArgumentError({
      field: `${where}.tieEmbeddings`,
      reason: `expected a boolean`,
    });
  }
  if (!Array.isArray(config.scalarHeads)) {
    throw new InvalidArgumentError({
      field: `${where}.scalarHeads`,
      reason: `expected an array of names`,
    });
  }
  const seen = new Set<string>();
  config.scalarHeads.forEach((name, index) => {
    if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
      throw new InvalidArgumentError({
        field: `${where}.scalarHeads[${index}]`,
        reason: `expected a name matching /^[A-Za-z][A-Za-z0-9_-]*$/, got ${JSON.stringify(name)}`,
      });
    }
    if (seen.has(name)) {
      throw new InvalidArgumentError({
        field: `${where}.scalarHeads[${index}]`,
        reason: `duplicate head '${name}'`,
      });
    }
    seen.add(name);
  });
  for (const field of ['layerNormEpsilon', 'initStd'] as const) {
    const value = config[field];
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new InvalidArgumentError({
        field: `${where}.${field}`,
        reason: `expected a positive finite number, got ${JSON.stringify(value)}`,
      });
    }
  }
}

/** Shapes of every parameter of a model with this configuration, in a fixed order. */
export function parameterShapes(config: ModelConfig): Map<string, readonly number[]> {
  const { vocabSize: v, width: d, depth, contextLength, mlpRatio } = config;
  const hidden = d * mlpRatio;
  const shapes = new Map<string, readonly number[]>();
  shapes.set('tok_emb', [v, d]);
  if (config.positions === 'learned') shapes.set('pos_emb', [contextLength, d]);
  for (let layer = 0; layer < depth; layer++) {
    const p = `h${layer}.`;
    shapes.set(`${p}ln1.g`, [d]);
    shapes.set(`${p}ln1.b`, [d]);
    shapes.set(`${p}attn.qkv.w`, [d, 3 * d]);
    shapes.set(`${p}attn.qkv.b`, [3 * d]);
    shapes.set(`${p}attn.proj.w`, [d, d]);
    shapes.set(`${p}attn.proj.b`, [d]);
    shapes.set(`${p}ln2.g`, [d]);
    shapes.set(`${p}ln2.b`, [d]);
    shapes.set(`${p}mlp.fc.w`, [d, hidden]);
    shapes.set(`${p}mlp.fc.b`, [hidden]);
    shapes.set(`${p}mlp.proj.w`, [hidden, d]);
    shapes.set(`${p}mlp.proj.b`, [d]);
  }
  shapes.set('ln_f.g', [d]);
  shapes.set('ln_f.b', [d]);
  if (!config.tieEmbeddings) shapes.set('lm_head.w', [d, v]);
  for (const head of config.scalarHeads) {
    shapes.set(`head.${head}.w`, [d, 1]);
    shapes.set(`head.${head}.b`, [1]);
  }
  return shapes;
}

/** Exact number of parameters of a model with this configuration. */
export function countParameters(config: ModelConfig): number {
  let total = 0;
  for (const shape of parameterShapes(config).values()) {
    total += shape.reduce((a, b) => a * b, 1);
  }
  return total;
}
