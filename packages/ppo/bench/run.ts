/**
 * `@spa/ppo` benchmark (`npm run bench -w @spa/ppo`): where the time of one full PPO iteration
 * goes (rollouts → rewards → scoring → advantages → update), and how much batching the envs
 * speeds the rollouts up, in one run on the tfjs `wasm` backend (one thread in Node).
 *
 * Setup (the same for every preset): the scripted household env of `@spa/core/testing`
 * (`generateScriptedTasks()`: 12 train tasks; every env made with `createScriptedEnv` and a step
 * budget of MAX_EPISODE_STEPS), a byte-pair tokenizer trained with `trainTokenizer` on the tasks'
 * text (intro, goal, actions, observations; vocabulary ≤ 512), the model
 * `createLanguageModel({ tokenizer, preset, contextLength: 256, seed })` (scalar heads `value`
 * and `contribution`), `new LmPolicy(model, tokenizer, { context: { maxActionTokens: 16,
 * historyWindow: 2 } })`. Rewards: scheme `spa` with the tabular least-squares progress estimator
 * (`TabularProgressEstimator` of `@spa/core/testing`), fitted once on expert (20 % mistakes) and random-policy
 * rollouts of the train tasks.
 *
 * 1. PPO iteration (presets `test`, `tiny`): `PpoTrainer.create({ policy, envs, taskIds,
 *    estimator, config })` with 8 envs and config { tasksPerIteration: 8, rolloutsPerTask: 1,
 *    epochs: 1, minibatchSize: 16, learningRate: 1e-4 } (so each rollout tick is one batched
 *    forward pass over the 8 episodes). One warm-up `trainer.step()`, then WARM_ITERATIONS
 *    measured ones; every number is the median over the measured iterations of the trainer's
 *    own `perf/*` metrics: the stage times in seconds, each stage's share of that iteration's
 *    time, `perf/env_steps_per_second` (steps / (generate + env), the rollout phase alone) and
 *    `perf/samples_per_second` (PPO samples / iteration time; one sample per agent step). The
 *    full-iteration env step rate is steps / iteration time. "other" is the iteration time not
 *    in a named stage (building samples, finiteness checks, bookkeeping).
 * 2. Rollout alone: `collectRollouts` of the policy (after its PPO iterations) on the same 8
 *    episodes with 1 env (the episodes one after the other, batch 1 per tick) and with 8 envs
 *    (batch 8 per tick): one warm-up call per env count, then ROLLOUT_ROUNDS rounds alternating
 *    the two; env steps/s = steps / wall time of the median call.
 *
 * Optional arguments for quick checks: `--presets test`, `--iterations 1` (the default runs
 * everything and is what results.* hold).
 */

import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StepInfo, TextEnv, Trajectory } from '@spa/core';
import {
  createRandomPolicy,
  createScriptedEnv,
  createScriptedExpert,
  generateScriptedTasks,
  NOTHING_HAPPENS,
  TabularProgressEstimator,
} from '@spa/core/testing';
import { createLanguageModel, type ModelPresetName, selectBackend, trainTokenizer } from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';
import type { PpoConfig } from '../src/config';
import { LmPolicy } from '../src/policy';
import { type IterationMetrics, PpoTrainer } from '../src/ppo';
import { collectRollouts, type EpisodeSpec, explorationEpisodes } from '../src/rollout';

const here = dirname(fileURLToPath(import.meta.url));

const VOCAB = 512;
const CONTEXT = 256;
const MAX_ACTION_TOKENS = 16;
const HISTORY_WINDOW = 2;
const MAX_EPISODE_STEPS = 8;
const ENVS = 8;
const ROLLOUT_ROUNDS = 3;
const WARMUP_ITERATIONS = 1;
const MODEL_SEED = 1;
const CONFIG: Partial<PpoConfig> = {
  rewardScheme: 'spa',
  tasksPerIteration: 8,
  rolloutsPerTask: 1,
  epochs: 1,
  minibatchSize: 16,
  learningRate: 1e-4,
  seed: 7,
};
const ALL_PRESETS: readonly ModelPresetName[] = ['test', 'tiny'];

/** The stages of `PpoTrainer.step`, in order, with the trainer's metric of each. */
const STAGES = [
  { key: 'generate', metric: 'perf/time_generate', label: 'generate (policy forward passes)' },
  { key: 'env', metric: 'perf/time_env', label: 'env steps' },
  { key: 'rewards', metric: 'perf/time_rewards', label: 'rewards (estimator + assignStepRewards)' },
  { key: 'score', metric: 'perf/time_score', label: 'score (old + reference log-probs, values)' },
  { key: 'advantages', metric: 'perf/time_advantages', label: 'advantages (KL, GAE, whitening)' },
  { key: 'update', metric: 'perf/time_update', label: 'update (forward + backward + AdamW)' },
] as const;
type StageKey = (typeof STAGES)[number]['key'] | 'other';

// ── arguments ──

function argument(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index < 0 ? undefined : process.argv[index + 1];
}
const presets = (argument('--presets')
  ?.split(',')
  .filter((s) => s.length > 0) ?? ALL_PRESETS) as ModelPresetName[];
const measuredIterations = Number(argument('--iterations') ?? 3);

// ── helpers ──

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const benchStarted = performance.now();
const elapsed = (): string => `${((performance.now() - benchStarted) / 1000).toFixed(0)} s`;
const log = (line: string): void => console.log(`[${elapsed()}] ${line}`);

// ── setup ──

const backend = await selectBackend('wasm');
log(
  `backend wasm (tfjs ${backend.tfjsVersion}, SIMD ${backend.simd}, ${backend.threads} thread(s))`,
);
const loadStart = loadavg()[0] as number;

const tasks = generateScriptedTasks();
const trainTasks = tasks.filter((task) => task.split === 'train');
const taskIds = trainTasks.map((task) => task.id);
const corpus = tasks.flatMap((task) => [
  task.intro,
  task.goal,
  `Your task is to: ${task.goal}`,
  ...[...task.keySteps, ...task.distractors].flatMap((a) => [a.action, a.observation]),
]);
corpus.push(NOTHING_HAPPENS);
const tokenizer = trainTokenizer(corpus, { vocabSize: VOCAB });
log(`tokenizer: ${tokenizer.vocabSize} tokens`);

const makeEnvs = (count: number): TextEnv<StepInfo>[] =>
  Array.from({ length: count }, () =>
    createScriptedEnv({ tasks, maxEpisodeSteps: MAX_EPISODE_STEPS }),
  );
const envs = makeEnvs(ENVS);

// Progress estimator: fitted once on expert and random rollouts of the train tasks.
const estimator = new TabularProgressEstimator();
const fitEpisodes = explorationEpisodes(taskIds, { rolloutsPerTask: 2, seed: 3 });
const fitTrajectories: Trajectory[] = [];
for (const policy of [
  createScriptedExpert(tasks, { seed: 1, mistakeRate: 0.2 }),
  createRandomPolicy({ seed: 2 }),
]) {
  const played = await collectRollouts({ policy, envs, episodes: fitEpisodes });
  fitTrajectories.push(...played.map((episode) => episode.trajectory));
}
const fitReport = await estimator.fit(fitTrajectories);
const fitWon = fitTrajectories.filter((t) => t.won).length;
log(
  `estimator fitted on ${fitTrajectories.length} trajectories (${fitWon} won), train loss ${fitReport.trainLoss.toFixed(4)}`,
);

// ── 1. PPO iterations, 2. rollouts ──

interface PresetRow {
  readonly preset: ModelPresetName;
  readonly parameters: number;
  readonly width: number;
  readonly depth: number;
  readonly iterations: IterationMetrics[];
  readonly warmupSeconds: number;
  readonly iterationSeconds: number;
  readonly stepsPerIteration: number;
  readonly envStepsPerS: number;
  readonly rolloutEnvStepsPerS: number;
  readonly samplesPerS: number;
  readonly seconds: Record<StageKey, number>;
  readonly share: Record<StageKey, number>;
  /** Median over the iterations of (generate + score + update) / iteration. */
  readonly modelShare: number;
  readonly tensorLeak: number;
  readonly rollout: Record<1 | 8, RolloutRow>;
  readonly promptTokens: number;
  readonly actionTokens: number;
}

interface RolloutRow {
  readonly envs: number;
  readonly steps: number;
  readonly seconds: number;
  readonly envStepsPerS: number;
  readonly policySeconds: number;
  readonly envSeconds: number;
}

const results: Record<string, number> = {};
const rows: PresetRow[] = [];

/** One timed `collectRollouts` call of `episodes` on `rolloutEnvs`. */
async function rolloutOnce(
  policy: LmPolicy,
  rolloutEnvs: readonly TextEnv<StepInfo>[],
  episodes: readonly EpisodeSpec[],
): Promise<{ row: RolloutRow; promptTokens: number; actionTokens: number }> {
  const timing = { policySeconds: 0, envSeconds: 0 };
  const started = performance.now();
  const played = await collectRollouts({ policy, envs: rolloutEnvs, episodes, timing });
  const seconds = (performance.now() - started) / 1000;
  const steps = played.reduce((n, e) => n + e.trajectory.steps.length, 0);
  const decisions = played.flatMap((e) => e.decisions);
  return {
    row: {
      envs: rolloutEnvs.length,
      steps,
      seconds,
      envStepsPerS: steps / seconds,
      policySeconds: timing.policySeconds,
      envSeconds: timing.envSeconds,
    },
    promptTokens: decisions.reduce((n, d) => n + d.prompt.length, 0) / decisions.length,
    actionTokens: decisions.reduce((n, d) => n + d.tokens.length, 0) / decisions.length,
  };
}

/**
 * The same episodes with 1 env and with 8: one warm-up call each, then ROLLOUT_ROUNDS rounds
 * alternating 1 env and 8 envs (so a change of machine load hits both); the median call of each.
 */
async function rolloutComparison(
  policy: LmPolicy,
  episodes: readonly EpisodeSpec[],
): Promise<{ rows: Record<1 | 8, RolloutRow>; promptTokens: number; actionTokens: number }> {
  const sets = { 1: makeEnvs(1), 8: makeEnvs(8) } as const;
  const counts = [1, 8] as const;
  for (const n of counts) await rolloutOnce(policy, sets[n], episodes);
  const runs: Record<1 | 8, RolloutRow[]> = { 1: [], 8: [] };
  let tokens = { promptTokens: 0, actionTokens: 0 };
  for (let round = 0; round < ROLLOUT_ROUNDS; round++) {
    for (const n of counts) {
      const run = await rolloutOnce(policy, sets[n], episodes);
      runs[n].push(run.row);
      tokens = { promptTokens: run.promptTokens, actionTokens: run.actionTokens };
    }
  }
  for (const n of counts) for (const env of sets[n]) await env.close();
  const pick = (list: readonly RolloutRow[]): RolloutRow => {
    const seconds = median(list.map((r) => r.seconds));
    return list.reduce((a, b) =>
      Math.abs(b.seconds - seconds) < Math.abs(a.seconds - seconds) ? b : a,
    );
  };
  return { rows: { 1: pick(runs[1]), 8: pick(runs[8]) }, ...tokens };
}

for (const preset of presets) {
  const { model } = await createLanguageModel({
    tokenizer,
    preset,
    contextLength: CONTEXT,
    seed: MODEL_SEED,
  });
  const policy = new LmPolicy(model, tokenizer, {
    context: { maxActionTokens: MAX_ACTION_TOKENS, historyWindow: HISTORY_WINDOW },
  });
  const trainer = PpoTrainer.create({ policy, envs, taskIds, estimator, config: CONFIG });
  log(
    `${preset}: ${model.parameterCount.toLocaleString('en-US')} parameters (width ${model.config.width}, depth ${model.config.depth})`,
  );
  let warmupSeconds = 0;
  for (let i = 0; i < WARMUP_ITERATIONS; i++) {
    const m = await trainer.step();
    warmupSeconds += m['perf/time_iteration'] as number;
    log(`${preset}: warm-up iteration ${(m['perf/time_iteration'] as number).toFixed(1)} s`);
  }
  const tensorsBefore = tf.memory().numTensors;
  const iterations: IterationMetrics[] = [];
  for (let i = 0; i < measuredIterations; i++) {
    const m = await trainer.step();
    iterations.push(m);
    log(
      `${preset}: iteration ${m.iteration}: ${(m['perf/time_iteration'] as number).toFixed(2)} s, ` +
        STAGES.map((s) => `${s.key} ${(m[s.metric] as number).toFixed(2)}`).join(', ') +
        `, ${m['charts/episode_length']} steps/episode`,
    );
  }
  const tensorLeak = tf.memory().numTensors - tensorsBefore;

  const get = (m: IterationMetrics, metric: string): number => m[metric] as number;
  const otherOf = (m: IterationMetrics): number =>
    get(m, 'perf/time_iteration') - STAGES.reduce((s, stage) => s + get(m, stage.metric), 0);
  const stageSeconds = (m: IterationMetrics, key: StageKey): number => {
    if (key === 'other') return otherOf(m);
    const stage = STAGES.find((s) => s.key === key);
    return get(m, stage?.metric as string);
  };
  const keys: StageKey[] = [...STAGES.map((s) => s.key), 'other'];
  const seconds = Object.fromEntries(
    keys.map((k) => [k, median(iterations.map((m) => stageSeconds(m, k)))]),
  ) as Record<StageKey, number>;
  const share = Object.fromEntries(
    keys.map((k) => [
      k,
      median(iterations.map((m) => stageSeconds(m, k) / get(m, 'perf/time_iteration'))),
    ]),
  ) as Record<StageKey, number>;
  const modelShare = median(
    iterations.map(
      (m) =>
        (stageSeconds(m, 'generate') + stageSeconds(m, 'score') + stageSeconds(m, 'update')) /
        get(m, 'perf/time_iteration'),
    ),
  );
  const stepsOf = (m: IterationMetrics): number =>
    get(m, 'charts/episode_length') * (CONFIG.tasksPerIteration as number);
  const iterationSeconds = median(iterations.map((m) => get(m, 'perf/time_iteration')));
  const envStepsPerS = median(iterations.map((m) => stepsOf(m) / get(m, 'perf/time_iteration')));
  const rolloutEnvStepsPerS = median(iterations.map((m) => get(m, 'perf/env_steps_per_second')));
  const samplesPerS = median(iterations.map((m) => get(m, 'perf/samples_per_second')));
  const stepsPerIteration = median(iterations.map(stepsOf));
  await trainer.dispose();

  // Rollout alone, same 8 episodes, 1 env vs 8 envs.
  const episodes = explorationEpisodes(taskIds.slice(0, ENVS), { seed: 11 });
  const comparison = await rolloutComparison(policy, episodes);
  const one = comparison.rows[1];
  const eight = comparison.rows[8];
  log(
    `${preset}: rollout, 1 env: ${one.steps} steps in ${one.seconds.toFixed(2)} s = ${one.envStepsPerS.toFixed(1)} steps/s`,
  );
  log(
    `${preset}: rollout, 8 envs: ${eight.steps} steps in ${eight.seconds.toFixed(2)} s = ${eight.envStepsPerS.toFixed(1)} steps/s`,
  );
  model.dispose();

  const row: PresetRow = {
    preset,
    parameters: model.parameterCount,
    width: model.config.width,
    depth: model.config.depth,
    iterations,
    warmupSeconds,
    iterationSeconds,
    stepsPerIteration,
    envStepsPerS,
    rolloutEnvStepsPerS,
    samplesPerS,
    seconds,
    share,
    modelShare,
    tensorLeak,
    rollout: comparison.rows,
    promptTokens: comparison.promptTokens,
    actionTokens: comparison.actionTokens,
  };
  rows.push(row);

  const p = `ppo.${preset}`;
  results[`${p}.parameters`] = row.parameters;
  results[`${p}.iteration_s`] = round(iterationSeconds, 3);
  results[`${p}.warmup_iteration_s`] = round(warmupSeconds, 3);
  results[`${p}.env_steps_per_iteration`] = stepsPerIteration;
  results[`${p}.env_steps_per_s`] = round(envStepsPerS, 2);
  results[`${p}.rollout_env_steps_per_s`] = round(rolloutEnvStepsPerS, 2);
  results[`${p}.samples_per_s`] = round(samplesPerS, 2);
  for (const k of keys) {
    results[`${p}.time_${k}_s`] = round(seconds[k], 4);
    results[`${p}.share_${k}_pct`] = round(share[k] * 100, 2);
  }
  results[`${p}.share_model_pct`] = round(modelShare * 100, 2);
  results[`${p}.tensor_leak`] = tensorLeak;
  results[`${p}.mean_prompt_tokens`] = round(row.promptTokens, 1);
  results[`${p}.mean_action_tokens`] = round(row.actionTokens, 2);
  const r = `rollout.${preset}`;
  for (const x of [one, eight]) {
    results[`${r}.env_steps_per_s.envs${x.envs}`] = round(x.envStepsPerS, 2);
    results[`${r}.seconds.envs${x.envs}`] = round(x.seconds, 3);
    results[`${r}.steps.envs${x.envs}`] = x.steps;
  }
  results[`${r}.speedup_envs8_vs_envs1`] = round(eight.envStepsPerS / one.envStepsPerS, 3);
}
for (const env of envs) await env.close();

// ── results.json ──

const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
const output: Record<string, number | string> = {
  ...results,
  vocab_size: tokenizer.vocabSize,
  context_length: CONTEXT,
  max_action_tokens: MAX_ACTION_TOKENS,
  history_window: HISTORY_WINDOW,
  max_episode_steps: MAX_EPISODE_STEPS,
  envs: ENVS,
  tasks_per_iteration: CONFIG.tasksPerIteration as number,
  minibatch_size: CONFIG.minibatchSize as number,
  epochs: CONFIG.epochs as number,
  warmup_iterations: WARMUP_ITERATIONS,
  measured_iterations: measuredIterations,
  load_average_start: round(loadStart, 2),
  load_average_end: round(loadavg()[0] as number, 2),
  bench_seconds: round((performance.now() - benchStarted) / 1000, 1),
  tfjs: tf.version_core,
  node: process.version,
  cpus: cpus().length,
  date: new Date().toISOString(),
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(output, null, 2)}\n`);

// ── results.md ──

const fmt = (value: number, digits: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (share: number): string => `${fmt(share * 100, 1)} %`;
const keys: StageKey[] = [...STAGES.map((s) => s.key), 'other'];
const labelOf = (k: StageKey): string =>
  k === 'other'
    ? 'other (samples, checks, bookkeeping)'
    : (STAGES.find((s) => s.key === k)?.label ?? k);

const ranked = (row: PresetRow): StageKey[] =>
  [...keys].sort((a, b) => row.share[b] - row.share[a]);
const tokensPerIteration = (row: PresetRow): number =>
  row.stepsPerIteration * (row.promptTokens + row.actionTokens);

const lines: string[] = [
  '# @spa/ppo benchmark',
  '',
  `Method: every number comes from one run of \`bench/run.ts\` on the tfjs \`wasm\` backend (XNNPACK, SIMD ${backend.simd ? 'on' : 'off'}, ${backend.threads} thread). Env: the scripted household env of \`@spa/core/testing\` (12 train tasks, step budget ${MAX_EPISODE_STEPS}); tokenizer: \`trainTokenizer\` on the tasks' text (${tokenizer.vocabSize} tokens); model: \`createLanguageModel({ preset, contextLength: ${CONTEXT} })\`; policy: \`LmPolicy\` with \`maxActionTokens: ${MAX_ACTION_TOKENS}, historyWindow: ${HISTORY_WINDOW}\`; rewards: scheme \`spa\` with \`TabularProgressEstimator\` of \`@spa/core/testing\`, fitted on ${fitTrajectories.length} expert (20 % mistakes) and random rollouts. **PPO iteration**: \`PpoTrainer\` with ${ENVS} envs and { tasksPerIteration: ${CONFIG.tasksPerIteration}, rolloutsPerTask: ${CONFIG.rolloutsPerTask}, epochs: ${CONFIG.epochs}, minibatchSize: ${CONFIG.minibatchSize}, learningRate: ${CONFIG.learningRate} } (every rollout tick is one batched generation over the ${ENVS} episodes); ${WARMUP_ITERATIONS} warm-up \`trainer.step()\`, then the **median of ${measuredIterations}** measured iterations of the trainer's own \`perf/*\` metrics (each stage's share is computed per iteration, then the median is taken, so shares need not add up to exactly 100 %). Env steps/s (full iteration) = env steps / iteration time; rollout env steps/s = \`perf/env_steps_per_second\` = env steps / (generate + env); samples/s = \`perf/samples_per_second\` = PPO samples / iteration time (one sample per agent step, so it equals the full-iteration env step rate). **Rollout alone**: \`collectRollouts\` of the policy after its PPO iterations on the same 8 episodes with 1 env (episodes in sequence, batch 1 per tick) and with 8 envs (batch 8 per tick): one warm-up call each, then ${ROLLOUT_ROUNDS} rounds alternating 1 and 8 envs; env steps/s = steps / wall time of the median call. The machine is shared (1-minute load average ${fmt(loadStart, 2)} at the start, ${fmt(output.load_average_end as number, 2)} at the end), so expect ±20 % between runs.`,
  '',
  '## Full PPO iteration',
  '',
  `| preset | parameters | env steps / iteration | iteration (s) | measured iterations (s) | env steps/s (full iteration) | samples/s | rollout env steps/s (generate + env) | warm-up iteration (s) | leaked tensors |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.preset} (width ${r.width}, depth ${r.depth}) | ${fmt(r.parameters, 0)} | ${fmt(r.stepsPerIteration, 0)} | ${fmt(r.iterationSeconds, 2)} | ${r.iterations.map((m) => fmt(m['perf/time_iteration'] as number, 2)).join(' / ')} | ${fmt(r.envStepsPerS, 2)} | ${fmt(r.samplesPerS, 2)} | ${fmt(r.rolloutEnvStepsPerS, 2)} | ${fmt(r.warmupSeconds, 2)} | ${r.tensorLeak} |`,
  ),
  '',
  '## Time split (seconds per iteration and share of the iteration, medians)',
  '',
  `| stage | ${rows.map((r) => `${r.preset}: s / iteration | ${r.preset}: share`).join(' | ')} |`,
  `| --- | ${rows.map(() => '---: | ---:').join(' | ')} |`,
  ...keys.map(
    (k) =>
      `| ${labelOf(k)} | ${rows.map((r) => `${fmt(r.seconds[k], 3)} | ${pct(r.share[k])}`).join(' | ')} |`,
  ),
  `| **iteration** | ${rows.map((r) => `**${fmt(r.iterationSeconds, 3)}** | 100 %`).join(' | ')} |`,
  '',
  `Per step, the policy saw prompts of ${rows.map((r) => `${fmt(r.promptTokens, 1)} (${r.preset})`).join(' and ')} tokens on average and wrote ${rows.map((r) => `${fmt(r.actionTokens, 1)} (${r.preset})`).join(' and ')} action tokens (measured on the 8-env rollout below).`,
  '',
  '## Rollout alone: batching speed-up',
  '',
  '| preset | envs | env steps | wall time (s) | env steps/s | generate (s) | env (s) | speed-up vs 1 env |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.flatMap((r) =>
    ([1, 8] as const).map((n) => {
      const x = r.rollout[n];
      return `| ${r.preset} | ${n} | ${x.steps} | ${fmt(x.seconds, 2)} | ${fmt(x.envStepsPerS, 2)} | ${fmt(x.policySeconds, 2)} | ${fmt(x.envSeconds, 3)} | ${fmt(x.envStepsPerS / r.rollout[1].envStepsPerS, 2)}× |`;
    }),
  ),
  '',
  '## What dominates',
  '',
  ...rows.map((r) => {
    const [first, second, third] = ranked(r) as [StageKey, StageKey, StageKey];
    return `- **${r.preset}**: ${first} ${pct(r.share[first])} of the iteration (${fmt(r.seconds[first], 2)} s), then ${second} ${pct(r.share[second])} and ${third} ${pct(r.share[third])}. The three stages that run the transformer (generate, score, update) take ${pct(r.modelShare)}; env stepping ${pct(r.share.env)}, the SPA rewards (estimator + \`assignStepRewards\`) ${pct(r.share.rewards)} and the advantages (GAE on \`@spa/kernels\`, whitening) ${pct(r.share.advantages)}. Score ÷ update = ${fmt(r.seconds.score / r.seconds.update, 2)} (scoring runs two forward passes, policy and reference, over every sample's prompt + action; the update one forward + backward); with ≈ ${fmt(tokensPerIteration(r), 0)} prompt + action tokens per iteration (env steps × the mean token counts above), the update processes ≈ ${fmt(tokensPerIteration(r) / r.seconds.update, 0)} tokens/s. Batching 8 envs into one forward pass per tick makes the rollout ${fmt(r.rollout[8].envStepsPerS / r.rollout[1].envStepsPerS, 2)}× faster than 1 env.`;
  }),
  '',
  '## Machine and reproduction',
  '',
  `Node ${process.version}, ${cpus().length} CPUs (${cpuModel}), tfjs ${tf.version_core}, ${output.date}; the whole run took ${output.bench_seconds} s.`,
  '',
  'Reproduce: `npm run bench -w @spa/ppo` (writes `bench/results.json` and `bench/results.md`).',
  '',
];
const markdown = lines.join('\n');
writeFileSync(join(here, 'results.md'), markdown);
console.log(markdown);
