import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Trajectory } from '@spa/core';
import { readAllTrajectories, writeFileAtomic, writeTrajectories } from '@spa/core/node';
import {
  COLOURS,
  CORRECT_KEY,
  CORRIDOR_TASKS,
  corridorDemonstration,
  createCorridorEnv,
  TabularProgressEstimator,
} from '@spa/core/testing';
import {
  createLanguageModel,
  loadLanguageModel,
  saveLanguageModel,
  selectBackend,
  trainTokenizer,
} from '@spa/lm';
import {
  behaviourClone,
  candidateProbabilities,
  collectRollouts,
  evaluatePolicy,
  explorationEpisodes,
  LmPolicy,
  monteCarloRewardInputs,
  type PpoRewardScheme,
  PpoTrainer,
  type RewardInputs,
  writeEvaluation,
} from '@spa/ppo';
import type { DemoConfig } from './config';
import { exists } from './fs';
import {
  attributionSpec,
  curvePoints,
  learningCurveSpec,
  readMetricsJsonl,
  writePlot,
} from './plot/index';

/** Where the demo reports to (the CLI prints; tests collect). */
export interface Reporter {
  log(line: string): void;
  progress(stage: string, done: number, total: number, detail?: string): void;
}

/** One PPO run's outcome. */
export interface DemoRunResult {
  readonly scheme: string;
  readonly seed: number;
  /** π(the decisive action) after training, averaged over the tasks. */
  readonly decisive: number;
  readonly successRate: number;
  readonly groundingAccuracy: number;
  readonly seconds: number;
}

/** What `spa demo` computes and writes to `results.json`. */
export interface DemoResult {
  readonly config: DemoConfig;
  readonly start: {
    readonly decisive: number;
    readonly successRate: number;
    readonly groundingAccuracy: number;
  };
  readonly runs: readonly DemoRunResult[];
  readonly seconds: number;
}

const POLICY_CONTEXT = { maxActionTokens: 8, historyWindow: 1 } as const;

/**
 * The demo: SPA vs sparse rewards on the corridor task of `@spa/core/testing` (one early
 * action decides a reward that arrives ~25 tokens later), with the whole pipeline —
 * behaviour cloning of a weakened policy, exploration, a least-squares progress estimator,
 * step-level PPO per scheme and seed, evaluation — and a run directory where every stage
 * resumes: finished stages are read back, an interrupted PPO run continues from its last
 * checkpoint (written after every iteration).
 */
export async function runDemo(
  config: DemoConfig,
  out: string,
  reporter: Reporter,
  signal?: AbortSignal,
): Promise<DemoResult> {
  const started = performance.now();
  await selectBackend('wasm');
  await mkdir(out, { recursive: true });
  const configFile = join(out, 'config.json');
  if (await exists(configFile)) {
    const previous = JSON.parse(await readFile(configFile, 'utf8')) as unknown;
    if (JSON.stringify(previous) !== JSON.stringify(config)) {
      throw new Error(
        `${out} holds a run with another configuration (${configFile}); use another --out or delete it`,
      );
    }
    reporter.log(`Resuming the run in ${out}.`);
  } else {
    await writeFileAtomic(configFile, `${JSON.stringify(config, null, 2)}\n`);
  }

  // ── behaviour cloning: a weakened policy that takes each key equally often ──
  const sftDir = join(out, 'sft');
  let policy: LmPolicy;
  if (await exists(join(sftDir, 'model.json'))) {
    const loaded = await loadLanguageModel(sftDir);
    policy = new LmPolicy(loaded.model, loaded.tokenizer, { context: POLICY_CONTEXT });
    reporter.log('Behaviour cloning: done earlier, loaded.');
  } else {
    const demonstrations = CORRIDOR_TASKS.flatMap((taskId) =>
      COLOURS.map((colour) => corridorDemonstration(taskId, colour)),
    );
    const tokenizer = trainTokenizer(
      demonstrations.flatMap((d) => [d.goal, ...d.steps.flatMap((s) => [s.observation, s.action])]),
      { vocabSize: 300 },
    );
    const { model } = await createLanguageModel({
      tokenizer,
      preset: 'test',
      contextLength: 96,
      seed: 1,
    });
    policy = new LmPolicy(model, tokenizer, { context: POLICY_CONTEXT });
    await behaviourClone(policy, demonstrations, {
      epochs: config.bcEpochs,
      batchSize: 1,
      learningRate: 1e-2,
      seed: 1,
      ...(signal === undefined ? {} : { signal }),
      onEpoch: (event) =>
        reporter.progress(
          'behaviour cloning',
          event.epoch,
          config.bcEpochs,
          `loss ${event.trainLoss.toFixed(3)}`,
        ),
    });
    await saveLanguageModel(sftDir, { model, tokenizer }, { metadata: { stage: 'sft' } });
    reporter.log('Behaviour cloning: done.');
  }
  const envs = [0, 1, 2, 3].map(() => createCorridorEnv());

  // ── exploration and the progress estimator ──
  const exploreFile = join(out, 'explore', 'trajectories.jsonl');
  let explored: Trajectory[];
  if (await exists(exploreFile)) {
    explored = await readAllTrajectories(exploreFile);
  } else {
    const rollouts = await collectRollouts({
      policy,
      envs,
      episodes: explorationEpisodes(CORRIDOR_TASKS, {
        rolloutsPerTask: config.explorationRollouts,
        seed: 5,
      }),
      ...(signal === undefined ? {} : { signal }),
    });
    explored = rollouts.map((episode) => episode.trajectory);
    await mkdir(join(out, 'explore'), { recursive: true });
    await writeTrajectories(exploreFile, explored);
  }
  const estimator = new TabularProgressEstimator();
  const fit = await estimator.fit(explored);
  const annotated = (await estimator.predict(explored)).map((contributions, i) => ({
    ...(explored[i] as Trajectory),
    contributions,
  }));
  await mkdir(join(out, 'estimator'), { recursive: true });
  await writeFileAtomic(
    join(out, 'estimator', 'metrics.json'),
    `${JSON.stringify({ kind: 'tabular least squares', trainLoss: fit.trainLoss, trajectories: explored.length }, null, 2)}\n`,
  );
  await writeTrajectories(join(out, 'estimator', 'annotated.jsonl'), annotated);
  reporter.log(
    `Explored ${explored.length} episodes (${explored.filter((t) => t.won).length} won); estimator fit, loss ${fit.trainLoss.toFixed(4)}.`,
  );

  const measure = async (target: LmPolicy) => {
    const result = await evaluatePolicy({
      policy: target,
      envs,
      taskIds: CORRIDOR_TASKS,
      episodesPerTask: config.evalEpisodes,
      temperature: 1,
      seed: 1234,
    });
    return { decisive: decisiveProbability(target), result };
  };
  const startMeasure = await measure(policy);
  const start = {
    decisive: startMeasure.decisive,
    successRate: startMeasure.result.summary.successRate,
    groundingAccuracy: startMeasure.result.summary.groundingAccuracy,
  };
  await writeEvaluation(startMeasure.result, join(out, 'eval', 'bc'), 'Behaviour cloning');

  // ── PPO: every scheme × seed from the same weights ──
  const runs: DemoRunResult[] = [];
  for (const seed of config.seeds) {
    for (const scheme of config.schemes) {
      const name = `${scheme}-seed${seed}`;
      const runDir = join(out, 'ppo', name);
      const doneFile = join(runDir, 'result.json');
      if (await exists(doneFile)) {
        runs.push(JSON.parse(await readFile(doneFile, 'utf8')) as DemoRunResult);
        reporter.log(`PPO ${name}: done earlier.`);
        continue;
      }
      const runStarted = performance.now();
      const checkpoint = { directory: join(runDir, 'checkpoint'), every: 1 };
      const metricsFile = join(runDir, 'metrics.jsonl');
      const onIteration = (m: { iteration: number } & Record<string, number>) =>
        reporter.progress(
          `PPO ${name}`,
          m.iteration,
          config.iterations,
          `success ${(100 * (m['charts/success_rate'] ?? 0)).toFixed(0)} %`,
        );
      const resuming = await exists(join(checkpoint.directory, 'model.json'));
      const runPolicy = resuming
        ? undefined
        : new LmPolicy(policy.model.clone(), policy.tokenizer, { context: POLICY_CONTEXT });
      // mc: Monte-Carlo prefix values from 2 continuations of every prefix by the policy in training.
      let trained: LmPolicy | undefined = runPolicy;
      const rewardInputs: RewardInputs = (trajectories) =>
        monteCarloRewardInputs({ policy: trained as LmPolicy, envs, rolloutsPerPrefix: 2, seed })(
          trajectories,
        );
      const shared = {
        envs,
        taskIds: CORRIDOR_TASKS,
        estimator,
        checkpoint,
        metricsFile,
        onIteration,
        ...(scheme === 'mc' ? { rewardInputs } : {}),
      };
      const trainer =
        runPolicy === undefined
          ? await PpoTrainer.resume(checkpoint.directory, {
              ...shared,
              policyOptions: { context: POLICY_CONTEXT },
            })
          : PpoTrainer.create({
              ...shared,
              policy: runPolicy,
              config: {
                rewardScheme: scheme as PpoRewardScheme,
                tasksPerIteration: config.tasksPerIteration,
                rolloutsPerTask: config.rolloutsPerTask,
                epochs: 2,
                minibatchSize: 16,
                learningRate: config.learningRate,
                seed,
              },
            });
      trained = trainer.policy;
      try {
        if (trainer.iteration > 0)
          reporter.log(`PPO ${name}: resuming after iteration ${trainer.iteration}.`);
        await trainer.train(
          Math.max(0, config.iterations - trainer.iteration),
          signal === undefined ? {} : { signal },
        );
      } finally {
        await trainer.dispose();
      }
      const after = await measure(trainer.policy);
      await writeEvaluation(after.result, join(runDir, 'eval'), `PPO ${name}`);
      const result: DemoRunResult = {
        scheme,
        seed,
        decisive: after.decisive,
        successRate: after.result.summary.successRate,
        groundingAccuracy: after.result.summary.groundingAccuracy,
        seconds: (performance.now() - runStarted) / 1000,
      };
      trainer.policy.model.dispose();
      await writeFileAtomic(doneFile, `${JSON.stringify(result, null, 2)}\n`);
      runs.push(result);
      reporter.log(
        `PPO ${name}: π(decisive) ${result.decisive.toFixed(2)}, success ${(100 * result.successRate).toFixed(1)} %.`,
      );
    }
  }
  policy.model.dispose();
  await Promise.all(envs.map((env) => env.close()));
  await writeDemoPlots(out, config, annotated);
  reporter.log(
    `Plots: ${join(out, 'plots')}/{success_rate,grounding_accuracy,attribution}.{svg,png}.`,
  );
  const result: DemoResult = { config, start, runs, seconds: (performance.now() - started) / 1000 };
  await writeFileAtomic(join(out, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFileAtomic(join(out, 'summary.md'), demoSummary(result));
  return result;
}

/** π(take the red key | first observation), normalised over the three keys, averaged over the tasks. */
export function decisiveProbability(policy: LmPolicy): number {
  let total = 0;
  for (const taskId of CORRIDOR_TASKS) {
    const demo = corridorDemonstration(taskId, CORRECT_KEY);
    const probabilities = candidateProbabilities(
      policy,
      { goal: demo.goal, history: [], observation: demo.steps[0]?.observation ?? '' },
      COLOURS.map((colour) => `take ${colour} key`),
    );
    total += probabilities[COLOURS.indexOf(CORRECT_KEY)] as number;
  }
  return total / CORRIDOR_TASKS.length;
}

const meanStd = (values: readonly number[]): string => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return mean.toFixed(2);
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  return `${mean.toFixed(2)} ± ${std.toFixed(2)}`;
};

/** The Markdown summary: one row per scheme, mean ± std over seeds. */
export function demoSummary(result: DemoResult): string {
  const schemes = [...new Set(result.runs.map((r) => r.scheme))];
  const rows = schemes.map((scheme) => {
    const runs = result.runs.filter((r) => r.scheme === scheme);
    return `| ${scheme} | ${runs.length} | ${meanStd(runs.map((r) => r.decisive))} | ${meanStd(runs.map((r) => 100 * r.successRate))} | ${meanStd(runs.map((r) => 100 * r.groundingAccuracy))} |`;
  });
  return [
    '# spa demo: SPA vs sparse rewards on a long-horizon task',
    '',
    'The corridor task (`@spa/core/testing`): the first action picks one of three keys; only the red key opens the door, after a walk, so the reward arrives about 25 action tokens after the decision. Every run starts from the same behaviour-cloned policy, which picks the key at random, and gets the same PPO budget.',
    '',
    `Before PPO: π(decisive action) ${result.start.decisive.toFixed(2)}, success ${(100 * result.start.successRate).toFixed(1)} %, grounding ${(100 * result.start.groundingAccuracy).toFixed(1)} %.`,
    '',
    '| rewards | seeds | π(decisive action) | success % (sampled) | grounding % |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `Config: ${JSON.stringify(result.config)}. Wall time ${result.seconds.toFixed(0)} s.`,
    '',
  ].join('\n');
}

/**
 * `plots/`: learning curves of every scheme (mean and min–max band over seeds) and the
 * estimator's per-step contributions along a few explored trajectories (won and lost).
 */
async function writeDemoPlots(
  out: string,
  config: DemoConfig,
  annotated: readonly Trajectory[],
): Promise<void> {
  const directory = join(out, 'plots');
  const lines = new Map<string, Awaited<ReturnType<typeof readMetricsJsonl>>>();
  for (const seed of config.seeds) {
    for (const scheme of config.schemes) {
      lines.set(
        `${scheme} seed ${seed}`,
        await readMetricsJsonl(join(out, 'ppo', `${scheme}-seed${seed}`, 'metrics.jsonl')),
      );
    }
  }
  for (const [metric, title] of [
    ['charts/success_rate', 'Training success rate (rollouts)'],
    ['charts/grounding_accuracy', 'Grounding accuracy (rollouts)'],
  ] as const) {
    const rows = [...lines].flatMap(([series, metrics]) => curvePoints(series, metrics, metric));
    await writePlot(
      learningCurveSpec(rows, { metric, title, aggregate: config.seeds.length > 1 }),
      directory,
      metric.split('/')[1] as string,
    );
  }
  const won = annotated.filter((t) => t.won).slice(0, 2);
  const lost = annotated.filter((t) => !t.won).slice(0, 2);
  await writePlot(
    attributionSpec([...won, ...lost], { title: 'Estimated progress c_t per step' }),
    directory,
    'attribution',
  );
}
