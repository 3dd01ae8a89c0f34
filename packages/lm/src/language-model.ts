import type { JsonValue } from '@spa/core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from './backend';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from './checkpoint';
import {
  createModelConfig,
  type ModelConfig,
  type ModelConfigInput,
  validateModelConfig,
} from './model/config';
import { TransformerLM, type WeightData } from './model/model';
import { Tokenizer } from './tokenizer/index';

/** Options of {@link createLanguageModel}. */
export interface CreateLanguageModelOptions extends Omit<ModelConfigInput, 'vocabSize'> {
  /** The tokenizer; its vocabulary size sets the model's. */
  readonly tokenizer: Tokenizer;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/** A model with its tokenizer: what a checkpoint holds. */
export interface LanguageModel {
  readonly model: TransformerLM;
  readonly tokenizer: Tokenizer;
}

/** What {@link loadLanguageModel} returns. */
export interface LoadedLanguageModel extends LanguageModel {
  /** Metadata saved with the checkpoint (backend, versions, and the caller's fields). */
  readonly metadata: { readonly [key: string]: JsonValue };
  /** Extra tensor groups saved with the model (e.g. optimiser moments), by group name. */
  readonly extraTensors: ReadonlyMap<string, ReadonlyMap<string, WeightData>>;
}

/** Options of {@link saveLanguageModel}. */
export interface SaveLanguageModelOptions {
  /** Extra JSON to keep with the model (training step, seed, run id…). */
  readonly metadata?: { readonly [key: string]: JsonValue };
  /** Extra tensor groups (not `model`) to keep with the model, e.g. optimiser state. */
  readonly extraTensors?: ReadonlyMap<string, ReadonlyMap<string, WeightData>>;
}

/** A new model sized for `options.tokenizer`, on the active backend (wasm unless selected). */
export async function createLanguageModel(
  options: CreateLanguageModelOptions,
): Promise<LanguageModel> {
  await ensureBackend();
  const { tokenizer, seed, ...rest } = options;
  const config = createModelConfig({ ...rest, vocabSize: tokenizer.vocabSize });
  return { model: TransformerLM.create(config, { seed: seed ?? 0 }), tokenizer };
}

/**
 * Saves a model, its tokenizer and metadata to a directory (see `saveCheckpoint` for the
 * format and crash safety). The active backend and tfjs version are recorded.
 */
export async function saveLanguageModel(
  directory: string,
  value: LanguageModel,
  options: SaveLanguageModelOptions = {},
): Promise<void> {
  const backend = await ensureBackend();
  const tensors = new Map<string, ReadonlyMap<string, WeightData>>([
    ['model', value.model.getWeights()],
  ]);
  for (const [group, weights] of options.extraTensors ?? []) {
    if (group === 'model')
      throw new CheckpointError(directory, "extra tensor group 'model' is reserved");
    tensors.set(group, weights);
  }
  await saveCheckpoint(directory, {
    json: {
      kind: 'spa-lm',
      config: value.model.config as unknown as JsonValue,
      tokenizer: value.tokenizer.toJSON() as unknown as JsonValue,
      tokenizerFingerprint: value.tokenizer.fingerprint(),
      metadata: {
        ...options.metadata,
        backend: backend.name,
        tfjsVersion: tf.version_core,
        parameters: value.model.parameterCount,
      },
    },
    tensors,
  });
}

/**
 * Loads a directory written by {@link saveLanguageModel}: the same weights bit for bit.
 *
 * @throws CheckpointError — a missing or corrupt file, a tokenizer that does not match the
 *   model's vocabulary or its fingerprint, or weights that do not match the configuration.
 */
export async function loadLanguageModel(directory: string): Promise<LoadedLanguageModel> {
  await ensureBackend();
  const content = await loadCheckpoint(directory);
  const file = `${directory}/model.json`;
  const json = content.json as Record<string, unknown>;
  if (json.kind !== 'spa-lm') {
    throw new CheckpointError(
      file,
      `field \`content.kind\`: expected 'spa-lm', got ${JSON.stringify(json.kind)}`,
    );
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = Tokenizer.fromJSON(json.tokenizer);
  } catch (error) {
    throw new CheckpointError(file, `field \`content.tokenizer\`: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (tokenizer.fingerprint() !== json.tokenizerFingerprint) {
    throw new CheckpointError(
      file,
      'field `content.tokenizerFingerprint`: does not match the saved tokenizer (edited or mixed files)',
    );
  }
  const config = json.config as ModelConfig;
  try {
    validateModelConfig(config, 'content.config');
  } catch (error) {
    throw new CheckpointError(file, (error as Error).message, { cause: error });
  }
  if (config.vocabSize !== tokenizer.vocabSize) {
    throw new CheckpointError(
      file,
      `content.config.vocabSize ${config.vocabSize} differs from the tokenizer's ${tokenizer.vocabSize}`,
    );
  }
  const weights = content.tensors.get('model');
  if (weights === undefined) throw new CheckpointError(file, "no tensor group 'model'");
  let model: TransformerLM;
  try {
    model = TransformerLM.fromWeights(config, weights);
  } catch (error) {
    throw new CheckpointError(
      file,
      `weights do not match the configuration: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const extraTensors = new Map(content.tensors);
  extraTensors.delete('model');
  const metadata = (json.metadata ?? {}) as { readonly [key: string]: JsonValue };
  return { model, tokenizer, metadata, extraTensors };
}
