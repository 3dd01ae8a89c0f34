import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { InvalidArgumentError as InvalidArgumentErrorOfCore } from '@spa/core';
import { SingleBar } from 'cli-progress';
import { benchPackages, benchTable, readBenchResults, runPackageBench } from './bench';
import { DEMO_PRESETS, demoConfigSchema, resolveDemoConfig } from './config';
import { demoSummary, type Reporter, runDemo } from './demo';
import { ConfigValidationError } from './errors';
import { CLI_ENVS, runEvaluation } from './eval';
import { addInteropCommands } from './export';
import { addPipelineCommands } from './pipeline/commands';
import { curvePoints, learningCurveSpec, readMetricsJsonl, writePlot } from './plot/index';
import { addServeCommands } from './serve';

/** Where the program writes (the process streams, or buffers in tests). */
export interface ProgramIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  /** Aborted on Ctrl-C: the running stage checkpoints and the command exits cleanly. */
  readonly signal?: AbortSignal;
  /** Environment variables (`spa serve` reads its token variable here). Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

const describe = (field: keyof typeof demoConfigSchema.shape): string =>
  demoConfigSchema.shape[field].description ?? field;

const integerList = (value: string): number[] =>
  value.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n))
      throw new InvalidArgumentError(`expected integers separated by commas, got "${value}"`);
    return n;
  });
const number = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
};

/** A terminal reporter: progress bars on a TTY (with rate and ETA), plain lines otherwise. */
function terminalReporter(io: ProgramIO, progress: boolean): Reporter & { stop(): void } {
  const tty = progress && io.stdout.isTTY === true;
  let bar: SingleBar | undefined;
  let current = '';
  let started = 0;
  /** Items per second since the stage's bar started (steps, episodes, iterations). */
  const rate = (done: number): string => {
    const seconds = (performance.now() - started) / 1000;
    const perSecond = seconds > 0 ? done / seconds : 0;
    return perSecond >= 1
      ? `${perSecond.toFixed(1)}/s`
      : `${(1 / Math.max(perSecond, 1e-9)).toFixed(1)} s each`;
  };
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
    current = '';
  };
  return {
    log(line) {
      stop();
      io.stdout.write(`${line}\n`);
    },
    progress(stage, done, total, detail = '') {
      if (!tty) {
        if (done === total || done === 1) io.stdout.write(`${stage}: ${done}/${total} ${detail}\n`);
        return;
      }
      if (current !== stage) {
        stop();
        bar = new SingleBar({
          format: `${stage} [{bar}] {value}/{total} | {rate} | {detail} | ETA {eta_formatted}`,
          stream: io.stdout as NodeJS.WritableStream,
          hideCursor: true,
        });
        started = performance.now();
        bar.start(total, 0, { detail, rate: '' });
        current = stage;
      }
      bar?.update(done, { detail, rate: rate(done) });
    },
    stop,
  };
}

/** The `spa` program (commander). Exit codes: 0 ok, 1 failure, 2 bad configuration, 130 interrupted. */
export function createProgram(io: ProgramIO): Command {
  const program = new Command('spa')
    .description(
      'SPA-RL for TypeScript: stepwise progress attribution for LLM-agent reinforcement learning',
    )
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  program
    .command('demo')
    .description(
      'SPA vs sparse rewards on a long-horizon scripted task: behaviour cloning, exploration, progress estimator, step-level PPO per scheme and seed, evaluation; resumable run directory',
    )
    .addOption(
      new Option('--preset <name>', 'starting configuration')
        .choices(Object.keys(DEMO_PRESETS))
        .default('demo'),
    )
    .option('--config <file>', 'JSON file of config fields (applied over the preset)')
    .option('--out <dir>', 'run directory (rerun the same command to resume)', 'runs/demo')
    .option('--seeds <list>', describe('seeds'), integerList)
    .option('--schemes <list>', describe('schemes'), (v) => v.split(',').map((s) => s.trim()))
    .option('--iterations <n>', describe('iterations'), number)
    .option('--learning-rate <x>', describe('learningRate'), number)
    .option('--bc-epochs <n>', describe('bcEpochs'), number)
    .option('--no-progress', 'plain lines instead of progress bars')
    .action(async (options) => {
      const config = await resolveDemoConfig({
        preset: options.preset,
        ...(options.config === undefined ? {} : { file: options.config }),
        flags: {
          seeds: options.seeds,
          schemes: options.schemes,
          iterations: options.iterations,
          learningRate: options.learningRate,
          bcEpochs: options.bcEpochs,
        },
      });
      const reporter = terminalReporter(io, options.progress);
      try {
        const result = await runDemo(config, options.out, reporter, io.signal);
        reporter.stop();
        io.stdout.write(`\n${demoSummary(result)}\nRun directory: ${options.out}\n`);
      } finally {
        reporter.stop();
      }
    });
  program
    .command('bench')
    .description(
      "runs every package's benchmark (npm run bench in packages/<name>) and prints one table of their results/json metrics",
    )
    .option('--root <dir>', 'repository checkout', process.cwd())
    .option('--packages <list>', 'only these packages (folder names, comma-separated)', (v) =>
      v.split(',').map((s) => s.trim()),
    )
    .option('--no-run', 'do not run the benchmarks; print the results already written')
    .option('--filter <regexp>', 'only the metrics matching this regular expression')
    .action(async (options) => {
      const available = await benchPackages(options.root);
      const chosen = options.packages ?? available;
      const unknown = chosen.filter((name) => !available.includes(name));
      if (unknown.length > 0) {
        throw new ConfigValidationError('--packages', [
          `packages: ${unknown.join(', ')} has no benchmark; accepted: ${available.join(', ')}`,
        ]);
      }
      let filter: RegExp | undefined;
      if (options.filter !== undefined) {
        try {
          filter = new RegExp(options.filter);
        } catch (error) {
          throw new ConfigValidationError('--filter', [`filter: ${(error as Error).message}`]);
        }
      }
      const results = [];
      for (const name of chosen) {
        if (options.run) {
          io.stdout.write(`Running the ${name} benchmark…\n`);
          await runPackageBench(options.root, name, () => {}, io.signal);
        }
        results.push(await readBenchResults(options.root, name));
      }
      io.stdout.write(benchTable(results, filter));
    });
  program
    .command('eval')
    .description(
      'evaluates a policy checkpoint on an environment split: success rate, score, grounding accuracy, mean steps, per task type (eval.json + eval.md)',
    )
    .addOption(
      new Option('--env <name>', 'environment')
        .choices(Object.keys(CLI_ENVS))
        .makeOptionMandatory(),
    )
    .requiredOption('--checkpoint <dir>', 'an @spa/lm checkpoint (behaviour-cloned or PPO)')
    .option(
      '--split <name>',
      'task split (default: alfworld valid_unseen, webshop test, virtualhome new_unseen_test)',
    )
    .option('--limit <n>', 'an evenly spaced sample of this many tasks (default: all)', number)
    .option('--envs <n>', 'environments stepped concurrently', number, 16)
    .option('--temperature <x>', 'sampling temperature; 0 = greedy', number, 0)
    .option('--max-steps <n>', "step cap per episode (default: the protocol's)", number)
    .option(
      '--history-window <n>',
      'context: earlier steps kept (checkpoints without policy metadata)',
      number,
      1,
    )
    .option(
      '--max-action-tokens <n>',
      'context: action budget (checkpoints without policy metadata)',
      number,
      12,
    )
    .option(
      '--max-observation-tokens <n>',
      'context: observation cap (checkpoints without policy metadata)',
      number,
      96,
    )
    .option('--out <dir>', 'where eval.json and eval.md go', 'runs/eval')
    .option('--no-progress', 'plain lines instead of a progress bar')
    .action(async (options) => {
      const reporter = terminalReporter(io, options.progress);
      try {
        const result = await runEvaluation({
          env: options.env,
          checkpoint: options.checkpoint,
          ...(options.split === undefined ? {} : { split: options.split }),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
          envs: options.envs,
          temperature: options.temperature,
          ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
          context: {
            historyWindow: options.historyWindow,
            maxActionTokens: options.maxActionTokens,
            maxObservationTokens: options.maxObservationTokens,
          },
          out: options.out,
          onEpisode: (done, total, won) =>
            reporter.progress(
              'evaluation',
              done,
              total,
              `success ${((100 * won) / done).toFixed(1)} %`,
            ),
          ...(io.signal === undefined ? {} : { signal: io.signal }),
        });
        reporter.stop();
        const s = result.summary;
        io.stdout.write(
          `${s.episodes} episodes: success ${(100 * s.successRate).toFixed(1)} %, score ${s.score.toFixed(1)}, grounding ${(100 * s.groundingAccuracy).toFixed(1)} %, mean steps ${s.meanSteps.toFixed(1)}. Wrote ${options.out}/eval.{json,md}.\n`,
        );
      } finally {
        reporter.stop();
      }
    });
  program
    .command('plot')
    .description(
      'learning curves from metrics.jsonl files (one series per file, named after its folder, e.g. ppo/spa-seed1), as SVG and PNG',
    )
    .argument('<files...>', 'metrics.jsonl files')
    .option(
      '--metric <names>',
      'metrics to plot, comma-separated',
      (v) => v.split(',').map((s) => s.trim()),
      ['charts/success_rate', 'charts/grounding_accuracy'],
    )
    .option('--out <dir>', 'where to write <metric>.svg and .png', 'plots')
    .option(
      '--aggregate',
      'group series named "<scheme>-seed<k>" by scheme: mean line and min–max band',
    )
    .action(async (files, options) => {
      const runs = await Promise.all(
        files.map(async (file) => ({
          series: seriesName(file),
          lines: await readMetricsJsonl(file),
        })),
      );
      for (const metric of options.metric) {
        const rows = runs.flatMap((run) => curvePoints(run.series, run.lines, metric));
        if (rows.length === 0) {
          const known = [
            ...new Set(runs.flatMap((run) => run.lines.flatMap((l) => Object.keys(l)))),
          ].sort();
          throw new ConfigValidationError('--metric', [
            `metric: no line has ${JSON.stringify(metric)}; the files have: ${known.join(', ')}`,
          ]);
        }
        const name = metric.replace(/[^A-Za-z0-9_.-]+/g, '_');
        const written = await writePlot(
          learningCurveSpec(rows, { metric, aggregate: options.aggregate === true }),
          options.out,
          name,
        );
        io.stdout.write(`${written.svg}\n${written.png}\n`);
      }
    });
  addPipelineCommands(program as unknown as Command, {
    write: (text) => io.stdout.write(text),
    reporter: (progress) => terminalReporter(io, progress),
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
  addInteropCommands(program as unknown as Command, io);
  addServeCommands(program as unknown as Command, io);
  return program;
}

/** "runs/demo/ppo/spa-seed1/metrics.jsonl" → "spa seed 1" (the folder name, with the seed spelled out). */
function seriesName(file: string): string {
  const parts = file.split(/[\\/]/).filter((p) => p !== '');
  const folder = parts.length >= 2 ? (parts[parts.length - 2] as string) : file;
  return folder.replace(/-seed(\d+)$/, ' seed $1');
}

/** Runs the program on `argv` (without `node` and the script); returns the exit code. */
export async function runCli(argv: readonly string[], io: ProgramIO): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    if (error instanceof ConfigValidationError || InvalidArgumentErrorOfCore.isInstance(error)) {
      io.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (io.signal?.aborted) {
      io.stderr.write(
        'Interrupted: the last checkpoint is kept; rerun the same command to resume.\n',
      );
      return 130;
    }
    io.stderr.write(`spa: ${(error as Error).message}\n`);
    return 1;
  }
}
