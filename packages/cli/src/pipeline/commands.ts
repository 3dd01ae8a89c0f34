import { type Command, Option } from '@commander-js/extra-typings';
import { annotateTrajectories, TransformerProgressEstimator } from '@spa/estimator';
import { selectBackend } from '@spa/lm';
import type { Reporter } from '../demo';
import { ConfigValidationError } from '../errors';
import {
  COMPARE_SCHEMES,
  PIPELINE_PRESETS,
  type PipelineConfig,
  pipelineConfigHelp,
  resolvePipelineConfig,
  validatePipelineConfig,
} from './config';
import { runPaths } from './paths';
import {
  openRun,
  type PipelineRun,
  pipelineSummary,
  runBcStage,
  runEstimatorStage,
  runEvalStage,
  runExploreStage,
  runPipeline,
  runPpoStage,
} from './run';

/** What the commands need from the program: output, Ctrl-C, and a reporter factory. */
export interface CommandContext {
  readonly write: (text: string) => void;
  readonly signal?: AbortSignal;
  readonly reporter: (progress: boolean) => Reporter & { stop(): void };
}

const list = (value: string): string[] => value.split(',').map((s) => s.trim());
const integers = (value: string): number[] =>
  list(value).map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n)) {
      throw new ConfigValidationError('flags', [
        `expected integers separated by commas, got ${JSON.stringify(value)}`,
      ]);
    }
    return n;
  });
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const ENVS = Object.keys(PIPELINE_PRESETS);

type RunFlags = Record<string, unknown> & {
  env?: string;
  preset?: string;
  config?: string;
  set?: string[];
  out?: string;
  progress: boolean;
};

/** The options every run command shares: where the run is and how it is configured. */
function runOptions<T extends Command<[], Record<string, unknown>>>(
  command: T,
  defaultOut?: string,
) {
  return command
    .addOption(
      new Option(
        '--env <name>',
        'environment (needed to start a run; an existing run directory keeps its own)',
      ).choices(ENVS),
    )
    .addOption(
      new Option('--preset <name>', 'starting configuration of the env').choices([
        'tiny',
        'demo',
        'short',
        'full',
      ]),
    )
    .option('--config <file>', 'JSON file of config fields, applied over the preset')
    .option(
      '--set <path=value>',
      'one config field, e.g. ppo.iterations=20 (repeatable; see the field list below)',
      collect,
    )
    .option(
      '--out <dir>',
      `run directory; rerun the same command to resume${defaultOut === undefined ? '' : ` (default ${defaultOut})`}`,
    )
    .option('--no-progress', 'plain lines instead of progress bars')
    .addHelpText('after', pipelineConfigHelp()) as unknown as Command<[], RunFlags>;
}

/**
 * Opens the run a command works on: with `--env`, a config from the env's preset (default
 * `demo`), the file, `--set` and `extra`; without, the run directory's own `config.json`.
 */
async function openRunFrom(
  flags: RunFlags,
  context: CommandContext,
  reporter: Reporter,
  extra: Partial<Record<keyof PipelineConfig, unknown>> = {},
  defaultOut?: (config: PipelineConfig) => string,
): Promise<PipelineRun> {
  let config: PipelineConfig | undefined;
  if (flags.env !== undefined) {
    config = await resolvePipelineConfig({
      env: flags.env,
      preset: flags.preset ?? 'demo',
      ...(flags.config === undefined ? {} : { file: flags.config }),
      assignments: flags.set ?? [],
      flags: extra,
    });
  } else if (
    flags.preset !== undefined ||
    flags.config !== undefined ||
    (flags.set?.length ?? 0) > 0
  ) {
    throw new ConfigValidationError('flags', [
      'env: --preset, --config and --set need --env (an existing run directory keeps its config.json)',
    ]);
  }
  const out = flags.out ?? (config === undefined ? undefined : defaultOut?.(config));
  if (out === undefined) {
    throw new ConfigValidationError('flags', [
      'out: give --out <run directory> (or --env to start a new run)',
    ]);
  }
  const run = await openRun(out, config, reporter, context.signal);
  const overrides = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
  if (config === undefined && Object.keys(overrides).length > 0) {
    // A stage command on an existing run may name other schemes or seeds (they extend the run).
    const merged = validatePipelineConfig({ ...run.config, ...overrides }, 'flags');
    return openRun(out, merged, reporter, context.signal);
  }
  return run;
}

async function withReporter<T>(
  context: CommandContext,
  progress: boolean,
  body: (reporter: Reporter) => Promise<T>,
): Promise<T> {
  const reporter = context.reporter(progress);
  try {
    return await body(reporter);
  } finally {
    reporter.stop();
  }
}

/** Adds `pipeline`, `compare`, `bc`, `explore`, `estimator fit|annotate` and `ppo` to the program. */
export function addPipelineCommands(program: Command, context: CommandContext): void {
  runOptions(
    program
      .command('pipeline')
      .description(
        "SPA-RL's whole pipeline on an environment: behaviour cloning → exploration → progress estimator → step-level PPO per reward scheme and seed → greedy evaluation; writes config.json, sft/, explore/, estimator/, ppo/, eval/, results.json, summary.md and plots/ (architecture.md §6); every stage resumes",
      ),
    'runs/<env>-<preset>',
  )
    .option('--reward <schemes>', 'reward schemes (comma-separated; default: the preset’s)', list)
    .option('--seed <seeds>', 'PPO seeds (comma-separated; default: the preset’s)', integers)
    .action(async (options) => {
      await withReporter(context, options.progress, async (reporter) => {
        const run = await openRunFrom(
          options,
          context,
          reporter,
          { schemes: options.reward, seeds: options.seed },
          (c) => `runs/${c.env}-${options.preset ?? 'demo'}`,
        );
        const result = await runPipeline(run);
        context.write(`\n${pipelineSummary(result)}\nRun directory: ${run.out}\n`);
      });
    });

  runOptions(
    program
      .command('compare')
      .description(
        'the paper’s comparison in one command: BC and PPO with several reward schemes × seeds from the same behaviour-cloned weights and budget; one results table (summary.md, mean ± std over seeds) and plots',
      ),
    'runs/compare-<env>-<preset>',
  )
    .option(
      '--schemes <list>',
      `reward schemes (default ${COMPARE_SCHEMES.join(',')}; mc is opt-in: it replays every prefix)`,
      list,
    )
    .option('--seeds <list>', 'PPO seeds (default 1,2,3)', integers)
    .action(async (options) => {
      await withReporter(context, options.progress, async (reporter) => {
        const run = await openRunFrom(
          options,
          context,
          reporter,
          {
            schemes: options.schemes ?? (options.env === undefined ? undefined : COMPARE_SCHEMES),
            seeds: options.seeds ?? (options.env === undefined ? undefined : [1, 2, 3]),
          },
          (c) => `runs/compare-${c.env}-${options.preset ?? 'demo'}`,
        );
        const started = performance.now();
        const result = await runPipeline(run);
        context.write(
          `\n${pipelineSummary(result)}\nRun directory: ${run.out} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
        );
      });
    });

  /** A command that runs one stage on a run directory and prints one line about its output. */
  const stageCommand = (
    parent: Command,
    name: string,
    description: string,
    stage: (run: PipelineRun) => Promise<string>,
  ): void => {
    runOptions(parent.command(name).description(description)).action(async (options) => {
      await withReporter(context, options.progress, async (reporter) => {
        const run = await openRunFrom(options, context, reporter);
        context.write(`${await stage(run)}\n`);
      });
    });
  };
  stageCommand(
    program,
    'bc',
    'stage 1: expert demonstrations on a seeded sample of train tasks → tokenizer → model → behaviour cloning (sft/)',
    async (run) => {
      const report = await runBcStage(run);
      return `sft/: ${report.parameters} parameters; ${JSON.stringify(report.demonstrations)}`;
    },
  );
  stageCommand(
    program,
    'explore',
    'stage 2: sampled rollouts of the behaviour-cloned policy on the train tasks (explore/trajectories.jsonl)',
    async (run) =>
      `${runPaths(run.out).explore}: ${(await runExploreStage(run)).length} trajectories`,
  );

  const estimator = program
    .command('estimator')
    .description('the progress estimator: fit it on a run’s exploration, or annotate trajectories');
  stageCommand(
    estimator,
    'fit',
    'stage 3: the estimator, initialised from the BC model, fitted with (Σ_t c_t − R)² on explore/ (estimator/)',
    async (run) => `estimator/: train loss ${(await runEstimatorStage(run)).trainLoss.toFixed(4)}`,
  );
  estimator
    .command('annotate')
    .description(
      'writes contributions c_t and SPA step rewards r_t = α·c_t + β·g_t into every trajectory of a JSONL file (streaming, atomic)',
    )
    .requiredOption('--estimator <dir>', 'an estimator directory (a run’s estimator/)')
    .requiredOption('--in <file>', 'trajectories, one @spa/core Trajectory JSON per line')
    .requiredOption('--out <file>', 'where the annotated trajectories go')
    .option('--alpha <x>', 'α, the weight of c_t', Number, 1)
    .option('--beta <x>', 'β, the weight of g_t', Number, 0.5)
    .option('--batch-size <n>', 'trajectories per forward batch', Number, 32)
    .action(async (options) => {
      await selectBackend('wasm');
      const model = await TransformerProgressEstimator.fromDirectory(options.estimator);
      try {
        const report = await annotateTrajectories(model, options.in, options.out, {
          batchSize: options.batchSize,
          rewards: { alpha: options.alpha, beta: options.beta },
          ...(context.signal === undefined ? {} : { signal: context.signal }),
        });
        const m = report.metrics;
        context.write(
          `${report.trajectories} trajectories, ${report.steps} steps annotated → ${options.out}${m === undefined ? '' : `; Σc_t vs R: MSE ${m.mse.toFixed(4)}, Spearman ${m.rankCorrelation.toFixed(3)}`}\n`,
        );
      } finally {
        model.dispose();
      }
    });

  runOptions(
    program
      .command('ppo')
      .description(
        'stage 4: step-level PPO from the BC weights with one reward scheme and seed (ppo/<scheme>-seed<k>/: checkpoint every iteration, metrics.jsonl), then its greedy evaluation (eval/<scheme>-seed<k>/)',
      ),
  )
    .option('--reward <scheme>', 'reward scheme', 'spa')
    .option('--seed <n>', 'PPO seed', Number, 1)
    .option('--no-eval', 'skip the evaluation after training')
    .action(async (options) => {
      await withReporter(context, options.progress, async (reporter) => {
        const reward = String(options.reward);
        const seed = Number(options.seed);
        const run = await openRunFrom(options, context, reporter, {
          schemes: [reward],
          seeds: [seed],
        });
        await runPpoStage(run, reward, seed);
        if (options.eval === true) {
          const result = await runEvalStage(run, `${reward}-seed${seed}`);
          const s = result.summary;
          context.write(
            `success ${(100 * s.successRate).toFixed(1)} %, score ${s.score.toFixed(1)}, grounding ${(100 * s.groundingAccuracy).toFixed(1)} %\n`,
          );
        }
      });
    });
}
