import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type Policy, type StepInfo, type TextEnv } from '@spa/core';
import { writeFileAtomic } from '@spa/core/node';
import { collectRollouts, type EpisodeSpec, explorationEpisodes } from './rollout';

/** Aggregates over a set of evaluation episodes. */
export interface EvaluationSummary {
  readonly episodes: number;
  /** Share of episodes won (ALFWorld/VirtualHome: solved; WebShop: reward 1), in [0, 1]. */
  readonly successRate: number;
  /** Mean final reward ×100 (WebShop's score; equal to 100·successRate where R ∈ {0, 1}). */
  readonly score: number;
  /** Grounded actions / all actions, pooled over the episodes, in [0, 1]. */
  readonly groundingAccuracy: number;
  /** Mean number of actions per episode. */
  readonly meanSteps: number;
}

/** One evaluated episode. */
export interface EvaluatedEpisode {
  readonly taskId: string;
  readonly taskType?: string;
  readonly seed: number;
  readonly won: boolean;
  readonly finalReward: number;
  readonly steps: number;
  readonly groundedSteps: number;
  /** The actions written, in order (for error analysis). */
  readonly actions: readonly string[];
}

/** What {@link evaluatePolicy} returns. */
export interface EvaluationResult {
  readonly policy: string;
  readonly env: string;
  readonly temperature: number;
  readonly summary: EvaluationSummary;
  /** The same aggregates per task type (from the env's `info.taskType`; `unknown` without one). */
  readonly perType: Readonly<Record<string, EvaluationSummary>>;
  readonly episodes: readonly EvaluatedEpisode[];
  readonly wallSeconds: number;
}

/** Options of {@link evaluatePolicy}. */
export interface EvaluatePolicyOptions {
  readonly policy: Policy;
  /** Envs stepped concurrently (one batched forward pass per tick). */
  readonly envs: readonly TextEnv<StepInfo>[];
  /** The tasks to evaluate, e.g. `env.tasks.taskIds('valid_unseen')`. */
  readonly taskIds: readonly string[];
  /** Episodes per task. Default 1. */
  readonly episodesPerTask?: number;
  /** Default 0 (greedy), as the reference evaluation. */
  readonly temperature?: number;
  /** Seed of the episodes' env resets and sampling. Default 0. */
  readonly seed?: number;
  /** Step cap per episode. Default: the env's time limit. */
  readonly maxSteps?: number;
  /** Called after each finished episode, with the running counts. */
  readonly onEpisode?: (progress: {
    readonly done: number;
    readonly total: number;
    readonly won: number;
  }) => void;
  readonly signal?: AbortSignal;
}

/** Aggregates episodes into an {@link EvaluationSummary}. */
export function summarizeEpisodes(episodes: readonly EvaluatedEpisode[]): EvaluationSummary {
  let won = 0;
  let reward = 0;
  let steps = 0;
  let grounded = 0;
  for (const episode of episodes) {
    if (episode.won) won += 1;
    reward += episode.finalReward;
    steps += episode.steps;
    grounded += episode.groundedSteps;
  }
  const n = episodes.length;
  return {
    episodes: n,
    successRate: n === 0 ? 0 : won / n,
    score: n === 0 ? 0 : (100 * reward) / n,
    groundingAccuracy: steps === 0 ? 0 : grounded / steps,
    meanSteps: n === 0 ? 0 : steps / n,
  };
}

/**
 * Plays every task of a split with `policy` (greedy by default) and reports success rate, score,
 * grounding accuracy and mean steps, overall and per task type — the paper's evaluation metrics
 * (architecture.md §3).
 */
export async function evaluatePolicy(options: EvaluatePolicyOptions): Promise<EvaluationResult> {
  if (options.taskIds.length === 0) {
    throw new InvalidArgumentError({ field: 'options.taskIds', reason: 'no tasks to evaluate' });
  }
  const temperature = options.temperature ?? 0;
  const specs: EpisodeSpec[] = explorationEpisodes(options.taskIds, {
    rolloutsPerTask: options.episodesPerTask ?? 1,
    seed: options.seed ?? 0,
  });
  const started = performance.now();
  let done = 0;
  let won = 0;
  const rollouts = await collectRollouts({
    policy: options.policy,
    envs: options.envs,
    episodes: specs,
    temperature,
    seed: options.seed ?? 0,
    ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onEpisode: (episode) => {
      done += 1;
      if (episode.trajectory.won) won += 1;
      options.onEpisode?.({ done, total: specs.length, won });
    },
  });
  const episodes: EvaluatedEpisode[] = rollouts.map(({ trajectory }, index) => {
    const taskType = trajectory.meta?.taskType;
    return {
      taskId: trajectory.taskId,
      ...(typeof taskType === 'string' ? { taskType } : {}),
      seed: (specs[index] as EpisodeSpec).seed,
      won: trajectory.won,
      finalReward: trajectory.finalReward,
      steps: trajectory.steps.length,
      groundedSteps: trajectory.steps.filter((step) => step.grounded).length,
      actions: trajectory.steps.map((step) => step.action),
    };
  });
  const types = [...new Set(episodes.map((episode) => episode.taskType ?? 'unknown'))].sort();
  const perType: Record<string, EvaluationSummary> = {};
  for (const type of types) {
    perType[type] = summarizeEpisodes(
      episodes.filter((episode) => (episode.taskType ?? 'unknown') === type),
    );
  }
  return {
    policy: options.policy.name,
    env: options.envs[0]?.id ?? 'unknown',
    temperature,
    summary: summarizeEpisodes(episodes),
    perType,
    episodes,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/** The summary under the project's stable metric names (architecture.md §3), with a prefix. */
export function evaluationMetrics(
  summary: EvaluationSummary,
  prefix = 'charts/',
): Record<string, number> {
  return {
    [`${prefix}success_rate`]: summary.successRate,
    [`${prefix}score`]: summary.score,
    [`${prefix}grounding_accuracy`]: summary.groundingAccuracy,
    [`${prefix}mean_steps`]: summary.meanSteps,
    [`${prefix}episodes`]: summary.episodes,
  };
}

/** A Markdown report: the overall row, then one row per task type. */
export function evaluationToMarkdown(result: EvaluationResult, title = 'Evaluation'): string {
  const percent = (value: number): string => (100 * value).toFixed(1);
  const row = (name: string, s: EvaluationSummary): string =>
    `| ${name} | ${s.episodes} | ${percent(s.successRate)} | ${s.score.toFixed(1)} | ${percent(s.groundingAccuracy)} | ${s.meanSteps.toFixed(2)} |`;
  return [
    `# ${title}`,
    '',
    `Policy \`${result.policy}\` on \`${result.env}\`, temperature ${result.temperature}, ${result.wallSeconds.toFixed(1)} s.`,
    '',
    '| task type | episodes | success % | score | grounding % | mean steps |',
    '|---|---:|---:|---:|---:|---:|',
    row('**all**', result.summary),
    ...Object.entries(result.perType).map(([type, summary]) => row(type, summary)),
    '',
  ].join('\n');
}

/**
 * Writes `eval.json` (the whole result) and `eval.md` (the tables) into `directory`, each
 * atomically (a temp file renamed), so an interrupted write never leaves a half report.
 */
export async function writeEvaluation(
  result: EvaluationResult,
  directory: string,
  title?: string,
): Promise<{ readonly json: string; readonly markdown: string }> {
  await mkdir(directory, { recursive: true });
  const json = join(directory, 'eval.json');
  const markdown = join(directory, 'eval.md');
  await writeFileAtomic(json, `${JSON.stringify(result, null, 1)}\n`);
  await writeFileAtomic(markdown, evaluationToMarkdown(result, title));
  return { json, markdown };
}
