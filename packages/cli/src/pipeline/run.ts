import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, type Trajectory } from '@spa/core';
import { readAllTrajectories, writeFileAtomic, writeTrajectories } from '@spa/core/node';
import {
  generateDemonstrations as generateAlfworldDemonstrations,
  loadBundledGames,
} from '@spa/env-alfworld';
import { generateVirtualhomeDemonstrations, listVirtualhomeTaskSpecs } from '@spa/env-virtualhome';
import { generateDemonstrations as generateWebshopDemonstrations } from '@spa/env-webshop';
import { type TransformerFitReport, TransformerProgressEstimator } from '@spa/estimator';
import {
  createLanguageModel,
  loadLanguageModel,
  saveLanguageModel,
  selectBackend,
  trainTokenizer,
} from '@spa/lm';
import {
  type BehaviourCloneReport,
  behaviourClone,
  collectRollouts,
  type EvaluationResult,
  type EvaluationSummary,
  evaluatePolicy,
  explorationEpisodes,
  LmPolicy,
  monteCarloRewardInputs,
  type PpoRewardScheme,
  PpoTrainer,
  type RewardInputs,
  summarizeEpisodes,
  writeEvaluation,
} from '@spa/ppo';
import type { Reporter } from '../demo';
import { CLI_ENVS, createCliEnv } from '../eval';
import { exists } from '../fs';
import { type PipelineConfig, RUN_EXTENDING_FIELDS } from './config';
import { ppoRunNames, runPaths } from './paths';
import { writePipelinePlots } from './plots';

/** A run directory and what its stages need. */
export interface PipelineRun {
  readonly config: PipelineConfig;
  readonly out: string;
  readonly reporter: Reporter;
  readonly signal?: AbortSignal;
}

/** What the `bc` stage writes to `sft/report.json`. */
export interface BcStageReport {
  readonly demonstrations: { readonly tasks: number; readonly won: number; readonly steps: number };
  /** The sampled train tasks (exploration and PPO play these). */
  readonly taskIds: readonly string[];
  readonly parameters: number;
  readonly vocabSize: number;
  readonly bc: BehaviourCloneReport;
  readonly seconds: number;
}

/** What one PPO run writes to `ppo/<scheme>-seed<k>/result.json`. */
export interface PpoRunReport {
  readonly scheme: string;
  readonly seed: number;
  readonly iterations: number;
  readonly seconds: number;
}

/** One evaluated policy of the run (`eval/<name>/eval.json`, summarised). */
export interface PolicyEvaluationRow {
  /** `bc`, or `<scheme>-seed<k>`. */
  readonly name: string;
  /** `bc`, or the reward scheme. */
  readonly policy: string;
  readonly seed?: number;
  readonly summary: EvaluationSummary;
  readonly perType: Readonly<Record<string, EvaluationSummary>>;
  /** Wall seconds of the evaluation. */
  readonly seconds: number;
}

/** `results.json`: every evaluation of the run, with its configuration and stage reports. */
export interface PipelineResult {
  readonly config: PipelineConfig;
  readonly split: string;
  readonly tasks: number;
  readonly bc: BcStageReport;
  readonly estimator: TransformerFitReport;
  readonly evaluations: readonly PolicyEvaluationRow[];
  readonly ppo: readonly PpoRunReport[];
  /** Wall seconds of this invocation (stages done earlier are not counted again). */
  readonly seconds: number;
  /** Wall seconds of every stage of the run summed, whichever invocation ran them. */
  readonly stageSeconds: number;
}

const readJson = async <T>(path: string): Promise<T> =>
  JSON.parse(await readFile(path, 'utf8')) as T;

const writeJson = (path: string, value: unknown): Promise<void> =>
  writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);

/** JSON with object keys sorted: equal configs compare equal whatever their key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );

const sharedPart = (config: PipelineConfig): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...config };
  for (const field of RUN_EXTENDING_FIELDS) delete copy[field];
  return copy;
};

/**
 * Opens a run directory: writes `config.json`, or checks that the one there matches (schemes
 * and seeds may differ: they extend the run). With no `config`, reads the directory's.
 *
 * @throws Error — the directory holds a run with another configuration, or none when one is needed.
 */
export async function openRun(
  out: string,
  config: PipelineConfig | undefined,
  reporter: Reporter,
  signal?: AbortSignal,
): Promise<PipelineRun> {
  const paths = runPaths(out);
  await mkdir(out, { recursive: true });
  let resolved = config;
  if (await exists(paths.config)) {
    const previous = await readJson<PipelineConfig>(paths.config);
    if (resolved === undefined) {
      resolved = previous;
    } else if (canonical(sharedPart(previous)) !== canonical(sharedPart(resolved))) {
      throw new Error(
        `${out} holds a run with another configuration (${paths.config}); use another --out or delete it`,
      );
    } else {
      // config.json lists every scheme and seed the directory holds; this command runs its own.
      await writeJson(paths.config, {
        ...resolved,
        schemes: [...new Set([...previous.schemes, ...resolved.schemes])],
        seeds: [...new Set([...previous.seeds, ...resolved.seeds])],
      });
    }
    reporter.log(`Run directory ${out} (resuming where it stopped).`);
  } else {
    if (resolved === undefined) {
      throw new Error(
        `${out} has no config.json: start the run with --env (and --preset) or 'spa pipeline'`,
      );
    }
    await writeJson(paths.config, resolved);
  }
  await selectBackend('wasm');
  return { config: resolved, out, reporter, ...(signal === undefined ? {} : { signal }) };
}

const signalOf = (run: PipelineRun) => (run.signal === undefined ? {} : { signal: run.signal });

const policyContext = (config: PipelineConfig) => ({ ...config.context });

/** The train environments of a run (step cap `trainMaxSteps`). */
function trainEnvs(config: PipelineConfig) {
  return Array.from({ length: config.envs }, () =>
    createCliEnv(config.env, 'train', { maxEpisodeSteps: config.trainMaxSteps }),
  );
}

/** Expert demonstrations on a seeded sample of `count` train tasks. */
async function demonstrationsOf(
  config: PipelineConfig,
  onEpisode: (index: number, total: number) => void,
): Promise<{ trajectories: Trajectory[]; tasks: number }> {
  const rng = createRng(config.seed).fork('train-tasks');
  const limit = config.demonstrations === 'all' ? undefined : config.demonstrations;
  const trajectories: Trajectory[] = [];
  const each = (_: Trajectory, index: number, total: number) => onEpisode(index + 1, total);
  let tasks: number;
  if (config.env === 'alfworld') {
    // The split is stored grouped by task type: shuffle before taking a sample.
    const games = rng.shuffle([...loadBundledGames('train')]).slice(0, limit);
    tasks = games.length;
    for await (const t of generateAlfworldDemonstrations({
      games,
      split: 'train',
      onEpisode: each,
    }))
      trajectories.push(t);
  } else if (config.env === 'virtualhome') {
    const specs = rng.shuffle([...listVirtualhomeTaskSpecs('train')]).slice(0, limit);
    tasks = specs.length;
    for await (const t of generateVirtualhomeDemonstrations({ tasks: specs, onEpisode: each }))
      trajectories.push(t);
  } else {
    // WebShop's goals are already shuffled (seeded) when the env builds them: the first n train
    // goals are a random sample. Every expert purchase is kept (partial rewards included).
    let count = 0;
    for await (const t of generateWebshopDemonstrations({
      split: 'train',
      ...(limit === undefined ? {} : { limit }),
      env: { preset: 'spa-rl' },
      onEpisode: each,
    })) {
      trajectories.push(t);
      count += 1;
    }
    tasks = count;
  }
  return { trajectories, tasks };
}

const textsOf = (t: Trajectory): string[] => [
  t.goal,
  ...t.steps.flatMap((step) => [step.observation, step.action]),
];

/** Loads the behaviour-cloned policy of a run (after the `bc` stage). */
export async function loadSftPolicy(run: PipelineRun, name = 'bc'): Promise<LmPolicy> {
  const loaded = await loadLanguageModel(runPaths(run.out).sft);
  return new LmPolicy(loaded.model, loaded.tokenizer, {
    name,
    context: policyContext(run.config),
  });
}

/**
 * Stage `bc`: expert demonstrations → tokenizer → model → behaviour cloning; writes `sft/`
 * (the model) and `sft/report.json` last, so a stage cut short reruns from its start.
 */
export async function runBcStage(run: PipelineRun): Promise<BcStageReport> {
  const paths = runPaths(run.out);
  if (await exists(paths.sftReport)) {
    run.reporter.log('bc: done earlier.');
    return readJson<BcStageReport>(paths.sftReport);
  }
  const started = performance.now();
  const { config, reporter } = run;
  const { trajectories, tasks } = await demonstrationsOf(config, (done, total) =>
    reporter.progress('demonstrations', done, total),
  );
  const steps = trajectories.reduce((n, t) => n + t.steps.length, 0);
  reporter.log(
    `${trajectories.length} expert demonstrations (${steps} steps) on ${tasks} train tasks.`,
  );
  const tokenizer = trainTokenizer(trajectories.flatMap(textsOf), {
    vocabSize: config.vocabSize,
  });
  const { model } = await createLanguageModel({
    tokenizer,
    ...config.model,
    contextLength: config.context.maxTokens,
    seed: config.seed,
  });
  const policy = new LmPolicy(model, tokenizer, { name: 'bc', context: policyContext(config) });
  try {
    const bc = await behaviourClone(policy, trajectories, {
      ...config.bc,
      seed: config.seed,
      ...signalOf(run),
      onStep: (e) =>
        reporter.progress(
          `bc epoch ${e.epoch}/${config.bc.epochs}`,
          e.step,
          e.stepsPerEpoch,
          `loss ${e.loss.toFixed(3)}`,
        ),
    });
    if (bc.truncatedActions > 0) {
      reporter.log(
        `warning: ${bc.truncatedActions} demonstrated actions are longer than context.maxActionTokens (${config.context.maxActionTokens}) and were cut; the policy cannot learn to finish them (raise it with --set context.maxActionTokens=…).`,
      );
    }
    await saveLanguageModel(paths.sft, { model, tokenizer }, { metadata: { stage: 'sft' } });
    const report: BcStageReport = {
      demonstrations: { tasks, won: trajectories.filter((t) => t.won).length, steps },
      taskIds: [...new Set(trajectories.map((t) => t.taskId))],
      parameters: model.parameterCount,
      vocabSize: tokenizer.vocabSize,
      bc,
      seconds: (performance.now() - started) / 1000,
    };
    await writeJson(paths.sftReport, report);
    reporter.log(
      `bc: ${bc.history.length} epochs, loss ${bc.history.at(-1)?.trainLoss.toFixed(3)}, ${report.parameters} parameters, ${report.seconds.toFixed(0)} s.`,
    );
    return report;
  } finally {
    model.dispose();
  }
}

/** Stage `explore`: N sampled rollouts of the BC policy per explored train task. */
export async function runExploreStage(run: PipelineRun): Promise<Trajectory[]> {
  const paths = runPaths(run.out);
  if (await exists(paths.exploreSummary)) {
    run.reporter.log('explore: done earlier.');
    return readAllTrajectories(paths.explore);
  }
  const { config, reporter } = run;
  const started = performance.now();
  const bc = await requireBc(run);
  const policy = await loadSftPolicy(run);
  const envs = trainEnvs(config);
  try {
    const episodes = explorationEpisodes(bc.taskIds.slice(0, config.explore.tasks), {
      rolloutsPerTask: config.explore.rolloutsPerTask,
      seed: config.seed,
    });
    let done = 0;
    let won = 0;
    const rollouts = await collectRollouts({
      policy,
      envs,
      episodes,
      temperature: config.explore.temperature,
      seed: config.seed,
      ...signalOf(run),
      onEpisode: (episode) => {
        done += 1;
        if (episode.trajectory.won) won += 1;
        reporter.progress(
          'explore',
          done,
          episodes.length,
          `success ${((100 * won) / done).toFixed(1)} %`,
        );
      },
    });
    const trajectories = rollouts.map((r) => r.trajectory);
    await mkdir(join(run.out, 'explore'), { recursive: true });
    await writeTrajectories(paths.explore, trajectories);
    const summary = summaryOfTrajectories(trajectories);
    await writeJson(paths.exploreSummary, {
      ...summary,
      seconds: (performance.now() - started) / 1000,
    });
    reporter.log(
      `explore: ${summary.episodes} episodes, success ${(100 * summary.successRate).toFixed(1)} %, score ${summary.score.toFixed(1)}.`,
    );
    return trajectories;
  } finally {
    policy.model.dispose();
    await Promise.all(envs.map((env) => env.close()));
  }
}

/** An evaluation-style summary of played trajectories. */
export function summaryOfTrajectories(trajectories: readonly Trajectory[]): EvaluationSummary {
  return summarizeEpisodes(
    trajectories.map((t) => ({
      taskId: t.taskId,
      seed: 0,
      won: t.won,
      finalReward: t.finalReward,
      steps: t.steps.length,
      groundedSteps: t.steps.filter((s) => s.grounded).length,
      actions: [],
    })),
  );
}

async function requireBc(run: PipelineRun): Promise<BcStageReport> {
  const paths = runPaths(run.out);
  if (!(await exists(paths.sftReport))) {
    throw new Error(
      `${run.out}: the bc stage has not run yet (no ${paths.sftReport}); run 'spa bc' first`,
    );
  }
  return readJson<BcStageReport>(paths.sftReport);
}

/**
 * Stage `estimator`: the progress estimator, initialised from the BC model (as the paper does),
 * fitted on the explored trajectories with the loss (Σ_t c_t − R)²; writes the model,
 * `report.json` and the explored trajectories annotated with their contributions.
 */
export async function runEstimatorStage(run: PipelineRun): Promise<TransformerFitReport> {
  const paths = runPaths(run.out);
  if (await exists(paths.estimatorReport)) {
    run.reporter.log('estimator: done earlier.');
    return readJson<TransformerFitReport>(paths.estimatorReport);
  }
  const { config, reporter } = run;
  if (!(await exists(paths.exploreSummary))) {
    throw new Error(`${run.out}: the explore stage has not run yet; run 'spa explore' first`);
  }
  const started = performance.now();
  const trajectories = await readAllTrajectories(paths.explore);
  const estimator = await TransformerProgressEstimator.fromDirectory(paths.sft, {
    seed: config.seed,
    context: policyContext(config),
  });
  try {
    const fit = await estimator.fit(trajectories, {
      ...config.estimator,
      seed: config.seed,
      ...signalOf(run),
      onEpoch: (e) =>
        reporter.progress(
          'estimator',
          e.epoch,
          config.estimator.epochs,
          `loss ${e.trainLoss.toFixed(4)}`,
        ),
    });
    await estimator.save(paths.estimator);
    const contributions = await estimator.predict(trajectories);
    await writeTrajectories(
      paths.annotated,
      trajectories.map((t, i) => ({ ...t, contributions: contributions[i] as number[] })),
    );
    await writeJson(paths.estimatorReport, {
      ...fit,
      seconds: (performance.now() - started) / 1000,
    });
    reporter.log(
      `estimator: ${fit.epochs} epochs, train loss ${fit.trainLoss.toFixed(4)}${fit.validation === undefined ? '' : `, validation MSE ${fit.validation.mse.toFixed(4)}`}.`,
    );
    return fit;
  } finally {
    estimator.dispose();
  }
}

/**
 * Stage `ppo` for one scheme and seed: step-level PPO from the BC weights, a checkpoint after
 * every iteration (an interrupted run resumes from it, bit-exact), `metrics.jsonl`, then
 * `result.json`.
 */
export async function runPpoStage(
  run: PipelineRun,
  scheme: string,
  seed: number,
): Promise<PpoRunReport> {
  const { config, reporter } = run;
  const name = `${scheme}-seed${seed}`;
  const dir = runPaths(run.out).ppo(name);
  const doneFile = join(dir, 'result.json');
  if (await exists(doneFile)) {
    reporter.log(`ppo ${name}: done earlier.`);
    return readJson<PpoRunReport>(doneFile);
  }
  const bc = await requireBc(run);
  const started = performance.now();
  const envs = trainEnvs(config);
  const needsEstimator = scheme === 'spa';
  if (needsEstimator && !(await exists(runPaths(run.out).estimatorReport))) {
    throw new Error(
      `${run.out}: the estimator stage has not run yet; run 'spa estimator fit' first`,
    );
  }
  const estimator = needsEstimator
    ? await TransformerProgressEstimator.fromDirectory(runPaths(run.out).estimator)
    : undefined;
  const checkpoint = { directory: join(dir, 'checkpoint'), every: 1 };
  const metricsFile = join(dir, 'metrics.jsonl');
  const resuming = await exists(join(checkpoint.directory, 'model.json'));
  let trainer: PpoTrainer | undefined;
  const rewardInputs: RewardInputs = (trajectories) =>
    monteCarloRewardInputs({
      policy: (trainer as PpoTrainer).policy,
      envs,
      rolloutsPerPrefix: config.ppo.mcRollouts,
      seed,
    })(trajectories);
  const shared = {
    envs,
    taskIds: bc.taskIds,
    ...(estimator === undefined ? {} : { estimator }),
    checkpoint,
    metricsFile,
    ...(scheme === 'mc' ? { rewardInputs } : {}),
    onIteration: (m: { iteration: number } & Record<string, number>) =>
      reporter.progress(
        `ppo ${name}`,
        m.iteration,
        config.ppo.iterations,
        `success ${(100 * (m['charts/success_rate'] ?? 0)).toFixed(1)} %, grounding ${(100 * (m['charts/grounding_accuracy'] ?? 0)).toFixed(1)} %`,
      ),
  };
  try {
    if (resuming) {
      trainer = await PpoTrainer.resume(checkpoint.directory, {
        ...shared,
        policyOptions: { name },
      });
      reporter.log(`ppo ${name}: resuming after iteration ${trainer.iteration}.`);
    } else {
      await mkdir(dir, { recursive: true });
      const policy = await loadSftPolicy(run, name);
      const { iterations: _iterations, mcRollouts: _mc, ...ppo } = config.ppo;
      trainer = PpoTrainer.create({
        ...shared,
        policy,
        config: { ...ppo, rewardScheme: scheme as PpoRewardScheme, seed },
      });
    }
    await trainer.train(Math.max(0, config.ppo.iterations - trainer.iteration), signalOf(run));
    await trainer.save(checkpoint.directory);
  } finally {
    await trainer?.dispose();
    trainer?.policy.model.dispose();
    estimator?.dispose();
    await Promise.all(envs.map((env) => env.close()));
  }
  const report: PpoRunReport = {
    scheme,
    seed,
    iterations: config.ppo.iterations,
    seconds: (performance.now() - started) / 1000,
  };
  await writeJson(doneFile, report);
  return report;
}

/** The evaluation split and tasks of a run (an evenly spaced sample when `eval.tasks` is a number). */
export function evaluationTasks(config: PipelineConfig): { split: string; taskIds: string[] } {
  const split = config.eval.split ?? CLI_ENVS[config.env].split;
  const env = createCliEnv(config.env, split);
  const all = env.tasks?.taskIds(split) ?? [];
  void env.close();
  const limit = config.eval.tasks === 'all' ? all.length : config.eval.tasks;
  const taskIds =
    limit >= all.length
      ? [...all]
      : Array.from(
          { length: limit },
          (_, i) => all[Math.floor((i * all.length) / limit)] as string,
        );
  return { split, taskIds };
}

/**
 * Stage `eval`: greedy evaluation of `bc` or of a finished PPO run (`<scheme>-seed<k>`) on the
 * evaluation split; writes `eval/<name>/eval.{json,md}`.
 */
export async function runEvalStage(run: PipelineRun, name: string): Promise<EvaluationResult> {
  const { config, reporter } = run;
  const dir = runPaths(run.out).eval(name);
  const file = join(dir, 'eval.json');
  if (await exists(file)) return readJson<EvaluationResult>(file);
  let policy: LmPolicy;
  if (name === 'bc') {
    policy = await loadSftPolicy(run);
  } else {
    const checkpoint = join(runPaths(run.out).ppo(name), 'checkpoint');
    if (!(await exists(join(runPaths(run.out).ppo(name), 'result.json')))) {
      throw new Error(`${run.out}: PPO run ${name} has not finished; run 'spa ppo' first`);
    }
    const loaded = await loadLanguageModel(checkpoint);
    policy = new LmPolicy(loaded.model, loaded.tokenizer, {
      name,
      context: policyContext(config),
    });
  }
  const { split, taskIds } = evaluationTasks(config);
  const envs = Array.from({ length: config.envs }, () => createCliEnv(config.env, split));
  try {
    const result = await evaluatePolicy({
      policy,
      envs,
      taskIds,
      seed: config.seed,
      ...(config.eval.maxSteps === undefined ? {} : { maxSteps: config.eval.maxSteps }),
      ...signalOf(run),
      onEpisode: ({ done, total, won }) =>
        reporter.progress(
          `eval ${name}`,
          done,
          total,
          `success ${((100 * won) / done).toFixed(1)} %`,
        ),
    });
    await writeEvaluation(result, dir, `${name} on ${config.env} ${split}`);
    const s = result.summary;
    reporter.log(
      `eval ${name}: success ${(100 * s.successRate).toFixed(1)} %, score ${s.score.toFixed(1)}, grounding ${(100 * s.groundingAccuracy).toFixed(1)} %, ${s.meanSteps.toFixed(1)} steps.`,
    );
    return result;
  } finally {
    policy.model.dispose();
    await Promise.all(envs.map((env) => env.close()));
  }
}

/**
 * The whole pipeline (`spa pipeline`, `spa compare`): bc → explore → estimator → PPO per scheme
 * and seed (each evaluated when it finishes) → results.json, summary.md and plots. Every stage
 * is skipped when its output exists, so rerunning the command resumes.
 */
export async function runPipeline(run: PipelineRun): Promise<PipelineResult> {
  const started = performance.now();
  const bc = await runBcStage(run);
  await runEvalStage(run, 'bc');
  await runExploreStage(run);
  // Fitted for every scheme list: only spa trains on it, but the attribution plot reads it.
  const estimator = await runEstimatorStage(run);
  const ppo: PpoRunReport[] = [];
  for (const { scheme, seed, name } of ppoRunNames(run.config)) {
    ppo.push(await runPpoStage(run, scheme, seed));
    await runEvalStage(run, name);
  }
  return writeResults(run, bc, estimator, ppo, (performance.now() - started) / 1000);
}

/** Reads every evaluation of the run and writes `results.json`, `summary.md` and `plots/`. */
export async function writeResults(
  run: PipelineRun,
  bc: BcStageReport,
  estimator: TransformerFitReport,
  ppo: readonly PpoRunReport[],
  seconds: number,
): Promise<PipelineResult> {
  const { config } = run;
  const paths = runPaths(run.out);
  const evaluations: PolicyEvaluationRow[] = [];
  const rowOf = (name: string, policy: string, r: EvaluationResult, seed?: number) => ({
    name,
    policy,
    ...(seed === undefined ? {} : { seed }),
    summary: r.summary,
    perType: r.perType,
    seconds: r.wallSeconds,
  });
  evaluations.push(rowOf('bc', 'bc', await readJson(join(paths.eval('bc'), 'eval.json'))));
  for (const { scheme, seed, name } of ppoRunNames(config)) {
    evaluations.push(
      rowOf(name, scheme, await readJson(join(paths.eval(name), 'eval.json')), seed),
    );
  }
  const { split, taskIds } = evaluationTasks(config);
  const secondsOf = async (file: string): Promise<number> =>
    (await exists(file)) ? ((await readJson<{ seconds?: number }>(file)).seconds ?? 0) : 0;
  const stageSeconds =
    bc.seconds +
    (await secondsOf(paths.exploreSummary)) +
    (await secondsOf(paths.estimatorReport)) +
    ppo.reduce((n, p) => n + p.seconds, 0) +
    evaluations.reduce((n, e) => n + e.seconds, 0);
  const result: PipelineResult = {
    config,
    split,
    tasks: taskIds.length,
    bc,
    estimator,
    evaluations,
    ppo,
    seconds,
    stageSeconds,
  };
  await writeJson(paths.results, result);
  await writeFileAtomic(paths.summary, pipelineSummary(result));
  await writePipelinePlots(run);
  return result;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** "mean ± std" (sample std) of values, or the value alone for one. */
export function meanStd(values: readonly number[], digits = 1): string {
  const m = mean(values);
  if (values.length < 2) return m.toFixed(digits);
  const std = Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
  return `${m.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

/**
 * `summary.md`: one row per policy (BC, then every scheme with mean ± std over its seeds) —
 * success %, score, grounding accuracy %, mean steps — then success % per task type.
 */
export function pipelineSummary(result: PipelineResult): string {
  const { config } = result;
  const policies = ['bc', ...config.schemes];
  const rowsOf = (policy: string) => result.evaluations.filter((e) => e.policy === policy);
  const label = (policy: string) => (policy === 'bc' ? 'BC' : `BC + PPO (${policy})`);
  const main = policies.map((policy) => {
    const rows = rowsOf(policy);
    const s = rows.map((r) => r.summary);
    return `| ${label(policy)} | ${rows.length} | ${meanStd(s.map((x) => 100 * x.successRate))} | ${meanStd(s.map((x) => x.score))} | ${meanStd(s.map((x) => 100 * x.groundingAccuracy))} | ${meanStd(s.map((x) => x.meanSteps))} |`;
  });
  const types = [...new Set(result.evaluations.flatMap((e) => Object.keys(e.perType)))].sort();
  // One row per task type (VirtualHome has about 70), one column per policy.
  const perType = types.map((type) => {
    const cells = policies.map((policy) =>
      meanStd(rowsOf(policy).map((r) => 100 * (r.perType[type]?.successRate ?? 0))),
    );
    return `| ${type} | ${cells.join(' | ')} |`;
  });
  const bc = result.bc;
  return [
    `# SPA-RL pipeline on ${config.env}`,
    '',
    `Greedy evaluation on ${result.tasks} tasks of \`${result.split}\`. Behaviour cloning on ${bc.taskIds.length} expert demonstrations (${bc.demonstrations.won} won, ${bc.demonstrations.steps} steps) for ${config.bc.epochs} epochs; ${config.explore.tasks} × ${config.explore.rolloutsPerTask} exploration rollouts; PPO ${config.ppo.iterations} iterations × ${config.ppo.tasksPerIteration * config.ppo.rolloutsPerTask} episodes per scheme and seed (seeds ${config.seeds.join(', ')}). Model: ${bc.parameters} parameters. Mean ± sample std over seeds.`,
    '',
    '| policy | seeds | success % | score | grounding % | mean steps |',
    '|---|---:|---:|---:|---:|---:|',
    ...main,
    '',
    '## Success % per task type',
    '',
    `| task type | ${policies.map(label).join(' | ')} |`,
    `|---|${policies.map(() => '---:').join('|')}|`,
    ...perType,
    '',
    `Wall time: behaviour cloning ${bc.seconds.toFixed(0)} s; PPO ${meanStd(
      result.ppo.map((p) => p.seconds),
      0,
    )} s per run; evaluation ${meanStd(
      result.evaluations.map((e) => e.seconds),
      0,
    )} s per policy.`,
    '',
    `Estimator: train loss ${result.estimator.trainLoss.toFixed(4)}${result.estimator.validation === undefined ? '' : `, validation MSE ${result.estimator.validation.mse.toFixed(4)}`}. All stages together: ${result.stageSeconds.toFixed(0)} s of wall time.`,
    '',
  ].join('\n');
}
