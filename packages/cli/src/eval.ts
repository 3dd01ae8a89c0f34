import type { StepInfo, TextEnv } from '@spa/core';
import { loadLanguageModel, selectBackend } from '@spa/lm';
import { type EvaluationResult, evaluatePolicy, LmPolicy, writeEvaluation } from '@spa/ppo';
import { createSpaRlEnvFactory, SERVER_ENVS } from '@spa/server';
import { ConfigValidationError } from './errors';

/** The environments the CLI can build, with their default evaluation split (the paper's). */
export const CLI_ENVS = SERVER_ENVS;

/** A name of {@link CLI_ENVS}. */
export type CliEnvName = keyof typeof CLI_ENVS;

/** One factory for the process, so that WebShop envs share one catalogue and search index. */
const envFactory = createSpaRlEnvFactory();

/**
 * One env instance under SPA-RL's evaluation protocol (`spa-rl` presets: ALFWorld 40 steps,
 * WebShop 10 steps, VirtualHome 40 steps), optionally with a shorter step cap (training).
 */
export function createCliEnv(
  name: CliEnvName,
  split: string,
  options: { readonly maxEpisodeSteps?: number } = {},
): TextEnv<StepInfo> {
  return envFactory(name, split, options);
}

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  readonly env: string;
  readonly checkpoint: string;
  readonly split?: string;
  /** Evaluate an evenly spaced sample of this many tasks. Default: all. */
  readonly limit?: number;
  readonly envs: number;
  readonly temperature: number;
  readonly maxSteps?: number;
  /** Context options for checkpoints that do not record them (PPO checkpoints do). */
  readonly context: {
    readonly historyWindow: number;
    readonly maxActionTokens: number;
    readonly maxObservationTokens: number;
  };
  readonly out: string;
  readonly onEpisode?: (done: number, total: number, won: number) => void;
  readonly signal?: AbortSignal;
}

/** Loads a policy checkpoint and evaluates it on an env split; writes `eval.json` and `eval.md`. */
export async function runEvaluation(options: RunEvaluationOptions): Promise<EvaluationResult> {
  if (!(options.env in CLI_ENVS)) {
    throw new ConfigValidationError('--env', [
      `env: got ${JSON.stringify(options.env)}; accepted: ${Object.keys(CLI_ENVS).join(', ')}`,
    ]);
  }
  const name = options.env as CliEnvName;
  const split = options.split ?? CLI_ENVS[name].split;
  await selectBackend('wasm');
  const loaded = await loadLanguageModel(options.checkpoint);
  const saved = loaded.metadata.policy as
    | {
        maxTokens: number;
        historyWindow: number | null;
        maxObservationTokens: number;
        maxActionTokens: number;
      }
    | undefined;
  const policy = new LmPolicy(loaded.model, loaded.tokenizer, {
    name: options.checkpoint,
    context:
      saved === undefined
        ? options.context
        : {
            maxTokens: saved.maxTokens,
            historyWindow: saved.historyWindow ?? Number.POSITIVE_INFINITY,
            maxObservationTokens: saved.maxObservationTokens,
            maxActionTokens: saved.maxActionTokens,
          },
  });
  const envs = Array.from({ length: options.envs }, () => createCliEnv(name, split));
  try {
    const all = envs[0]?.tasks?.taskIds(split) ?? [];
    const limit = options.limit ?? all.length;
    const taskIds =
      limit >= all.length
        ? all
        : Array.from(
            { length: limit },
            (_, i) => all[Math.floor((i * all.length) / limit)] as string,
          );
    const result = await evaluatePolicy({
      policy,
      envs,
      taskIds,
      temperature: options.temperature,
      ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onEpisode: ({ done, total, won }) => options.onEpisode?.(done, total, won),
    });
    await writeEvaluation(result, options.out, `${name} ${split}`);
    return result;
  } finally {
    loaded.model.dispose();
    await Promise.all(envs.map((env) => env.close()));
  }
}
