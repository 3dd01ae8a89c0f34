import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type Command,
  InvalidArgumentError as FlagArgumentError,
  Option,
} from '@commander-js/extra-typings';
import {
  computeSpaRewards,
  InvalidArgumentError,
  parseTrajectoriesJsonl,
  type Trajectory,
  TrajectoryValidationError,
} from '@spa/core';
import {
  type ConvertOptions,
  INTEROP_FORMATS,
  type InteropFormat,
  readInteropFile,
  writeInteropFile,
} from '@spa/interop';
import { ConfigValidationError } from './errors';
import type { ProgramIO } from './program';

/** The formats of Python trainers that `spa export` writes and `spa import` reads. */
type ExchangeFormat = Exclude<InteropFormat, 'spa'>;

const EXCHANGE_FORMATS = INTEROP_FORMATS.filter(
  (format): format is ExchangeFormat => format !== 'spa',
);

/** The formats each format-specific flag applies to (keyed by commander's attribute name). */
const EXPORT_FLAG_FORMATS: Readonly<Record<string, readonly ExchangeFormat[]>> = {
  template: ['spa-reference', 'verl'],
  system: ['verl', 'openrlhf'],
  labels: ['trl'],
  threshold: ['trl'],
  separator: ['trl'],
  dataSource: ['verl'],
  ability: ['verl'],
  split: ['verl'],
  style: ['verl'],
};
const IMPORT_FLAG_FORMATS: Readonly<Record<string, readonly ExchangeFormat[]>> = {
  skipTurns: ['spa-reference'],
  separator: ['trl'],
};

const finiteNumber = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new FlagArgumentError(`expected a number, got "${value}"`);
  }
  return n;
};
const count = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) {
    throw new FlagArgumentError(`expected a whole number ≥ 0, got "${value}"`);
  }
  return n;
};

/**
 * Refuses a format-specific flag given on the command line for a format that has no use for it
 * (it would be silently ignored otherwise).
 */
function rejectForeignFlags(
  command: Command<[], Record<string, unknown>>,
  format: ExchangeFormat,
  flags: Readonly<Record<string, readonly ExchangeFormat[]>>,
): void {
  const problems: string[] = [];
  for (const [key, formats] of Object.entries(flags)) {
    if (command.getOptionValueSource(key) !== 'cli' || formats.includes(format)) continue;
    const flag = command.options.find((option) => option.attributeName() === key)?.long ?? key;
    problems.push(`${flag}: only for --format ${formats.join(' or ')}, not ${format}`);
  }
  if (problems.length > 0) throw new ConfigValidationError('flags', problems);
}

/** Checks that `--in` is a readable file and that `--out` is neither it nor a directory. */
async function checkPaths(input: string, output: string): Promise<void> {
  const inputStat = await stat(input).catch(() => undefined);
  if (inputStat === undefined) {
    throw new ConfigValidationError('--in', [`in: no such file: ${input}`]);
  }
  if (!inputStat.isFile()) {
    throw new ConfigValidationError('--in', [`in: ${input} is not a file`]);
  }
  const outputStat = await stat(output).catch(() => undefined);
  if (outputStat?.isDirectory() === true) {
    throw new ConfigValidationError('--out', [
      `out: ${output} is a directory; give the path of the file to write`,
    ]);
  }
  const same =
    resolve(input) === resolve(output) ||
    (outputStat !== undefined && (await realpath(input)) === (await realpath(output)));
  if (same) {
    throw new ConfigValidationError('--out', [
      `out: ${output} is the input file; write to another path (the input is never overwritten)`,
    ]);
  }
}

/**
 * Reads @spa/core Trajectory JSONL with core's parser, keeping the 1-based line of every
 * trajectory so that an exporter's complaint about `trajectories[i]` can name the line.
 */
async function readTrajectoryLines(
  path: string,
): Promise<{ trajectories: Trajectory[]; lines: number[] }> {
  const text = await readFile(path, 'utf8');
  let current = 0;
  function* numbered(): Generator<string> {
    for (const line of text.split(/\r?\n/)) {
      current += 1;
      yield line;
    }
  }
  const trajectories: Trajectory[] = [];
  const lines: number[] = [];
  // The parser is lazy: when it yields a trajectory, `current` is that trajectory's line.
  for await (const trajectory of parseTrajectoriesJsonl(numbered(), { source: path })) {
    trajectories.push(trajectory);
    lines.push(current);
  }
  return { trajectories, lines };
}

/**
 * Turns an error about the input data into an exit-2 error that names the file, the line or
 * record, and the field; anything else is rethrown as is.
 */
function inputError(error: unknown, path: string, lines: readonly number[] = []): unknown {
  const located = (field: string): { where: string; field: string } | undefined => {
    const match = /^trajectories\[(\d+)\]\.?(.*)$/.exec(field);
    if (match === null) return undefined;
    const index = Number(match[1]);
    const line = lines[index];
    return {
      where: line === undefined ? `${path}: trajectory ${index + 1}` : `${path}:${line}`,
      field: match[2] === '' || match[2] === undefined ? 'record' : match[2],
    };
  };
  if (TrajectoryValidationError.isInstance(error)) {
    const at = error.source === undefined ? located(error.field) : undefined;
    const reason = at === undefined ? error.message : `${at.where}: ${at.field}: ${error.reason}`;
    return new InvalidArgumentError({ field: '--in', reason, cause: error });
  }
  if (InvalidArgumentError.isInstance(error)) {
    const at = located(error.field);
    if (at === undefined) return error;
    const reason =
      at.field === 'rewards'
        ? 'the trajectory has no per-step rewards; pass --reward-source spa to compute r_t = α·c_t + β·g_t from its contributions (a run’s estimator/annotated.jsonl has them), annotate the file with `spa estimator annotate`, or pass --reward-source env'
        : error.reason;
    return new InvalidArgumentError({
      field: '--in',
      reason: `${at.where}: ${at.field}: ${reason}`,
      cause: error,
    });
  }
  return error;
}

/**
 * The trajectories with `rewards` = r_t = α·c_t + β·g_t from their `contributions` (core's
 * `computeSpaRewards`, the reference code's last-step convention). A trajectory without
 * contributions is an error naming its line.
 */
function withSpaRewards(
  trajectories: readonly Trajectory[],
  lines: readonly number[],
  path: string,
  alpha: number,
  beta: number,
): Trajectory[] {
  return trajectories.map((trajectory, index) => {
    if (trajectory.contributions === undefined) {
      throw new InvalidArgumentError({
        field: '--in',
        reason: `${path}:${lines[index] ?? index + 1}: contributions: the trajectory has none; fit an estimator and annotate the file first (\`spa estimator annotate\`), or choose another --reward-source`,
      });
    }
    const rewards = computeSpaRewards({
      contributions: trajectory.contributions,
      grounded: trajectory.steps.map((step) => step.grounded),
      alpha,
      beta,
    });
    return { ...trajectory, rewards };
  });
}

/** "2 trajectories, 5 steps" (singular for 1). */
function counted(written: number, trajectories: readonly Trajectory[]): string {
  const steps = trajectories.reduce((sum, trajectory) => sum + trajectory.steps.length, 0);
  return `${written} ${written === 1 ? 'trajectory' : 'trajectories'}, ${steps} ${steps === 1 ? 'step' : 'steps'}`;
}

const formatOption = (description: string) =>
  new Option('--format <format>', description).choices(EXCHANGE_FORMATS).makeOptionMandatory();

/**
 * Adds `spa export` (Trajectory JSONL → a Python trainer's format) and `spa import` (the
 * reverse) to the program.
 *
 * @remarks
 * Both go through `@spa/interop`'s file helpers, which write atomically (temporary file in the
 * same directory, then rename): a failed conversion leaves any previous `--out` in place. Bad
 * input exits with code 2 and a message naming the file, the line or record, and the field.
 */
export function addInteropCommands(program: Command, io: ProgramIO): void {
  program
    .command('export')
    .description(
      'writes @spa/core Trajectory JSONL (e.g. a run’s estimator/annotated.jsonl, with SPA step rewards) in a Python trainer’s format: spa-reference (SPA-RL step-PPO JSON), trl (stepwise supervision JSONL), verl (parquet), openrlhf (JSONL)',
    )
    .requiredOption('--in <file>', 'trajectories, one @spa/core Trajectory JSON per line')
    .addOption(formatOption('format to write'))
    .requiredOption('--out <file>', 'file to write (replaced atomically; never the input)')
    .addOption(
      new Option(
        '--reward-source <source>',
        'per-step reward to write: rewards = each trajectory’s `rewards` (SPA r_t = α·c_t + β·g_t written by `spa estimator annotate`; a trajectory without them is an error); spa = r_t = α·c_t + β·g_t computed now from each trajectory’s `contributions` (as in a run’s estimator/annotated.jsonl), with --alpha and --beta; env = the env’s own step rewards (sparse: the outcome on the last step)',
      )
        .choices(['rewards', 'spa', 'env'] as const)
        .default('rewards' as const),
    )
    .option(
      '--alpha <x>',
      'with --reward-source spa: α, the weight of c_t (default 1, the paper)',
      finiteNumber,
    )
    .option(
      '--beta <x>',
      'with --reward-source spa: β, the weight of g_t (default 0.5, the paper)',
      finiteNumber,
    )
    .option(
      '--sidecar',
      'add the `spa` column, JSON holding what the format has no field for (task id, env, goal, grounding, env rewards, contributions, rewards, meta), so that `spa import` gives the trajectories back exactly (default for trl, verl, openrlhf)',
    )
    .option(
      '--no-sidecar',
      'write only the format’s own columns (default for spa-reference, which then has exactly the three columns the reference trainer reads)',
    )
    .addOption(
      new Option(
        '--template <name>',
        'spa-reference, verl: how turns are rendered (spa-reference prompt/response, verl extra_info.transcript): llama3 = the reference code’s Llama-3 chat template, none = raw text',
      )
        .choices(['llama3', 'none'] as const)
        .default('llama3' as const),
    )
    .option(
      '--system <text>',
      'verl, openrlhf: a system message put first in the chat prompt (e.g. the agent instruction)',
    )
    .addOption(
      new Option(
        '--labels <kind>',
        'trl: boolean = r_t > --threshold (what PRMTrainer classifies), reward = r_t as a number',
      )
        .choices(['boolean', 'reward'] as const)
        .default('boolean' as const),
    )
    .option('--threshold <x>', 'trl: threshold of boolean labels', finiteNumber, 0)
    .option(
      '--separator <text>',
      'trl: text between a step’s observation and its action in `completions` (default: a newline, then "Action: ")',
    )
    .option('--data-source <name>', 'verl: data_source of every row (default spa/<env>)')
    .option('--ability <name>', 'verl: ability of every row (default agent)')
    .option('--split <name>', 'verl: extra_info.split (default train)')
    .option('--style <name>', 'verl: reward_model.style (default spa-step)')
    .addHelpText(
      'after',
      '\nExample:\n  spa export --in runs/alfworld-demo/estimator/annotated.jsonl --format verl --out data/alfworld/train.parquet --reward-source spa\n',
    )
    .action(async (options, command) => {
      const format = options.format;
      rejectForeignFlags(
        command as unknown as Command<[], Record<string, unknown>>,
        format,
        EXPORT_FLAG_FORMATS,
      );
      await checkPaths(options.in, options.out);
      const { trajectories, lines } = await readTrajectoryLines(options.in).catch((error) => {
        throw inputError(error, options.in);
      });
      if (trajectories.length === 0) {
        throw new ConfigValidationError('--in', [`in: ${options.in} holds no trajectories`]);
      }
      if (options.rewardSource !== 'spa' && (options.alpha ?? options.beta) !== undefined) {
        throw new ConfigValidationError('flags', [
          '--alpha, --beta: only with --reward-source spa',
        ]);
      }
      const rewarded =
        options.rewardSource === 'spa'
          ? withSpaRewards(trajectories, lines, options.in, options.alpha ?? 1, options.beta ?? 0.5)
          : trajectories;
      const exportOptions: ConvertOptions['exportOptions'] = {
        rewardSource: options.rewardSource === 'env' ? 'env' : 'rewards',
        ...(options.sidecar === undefined ? {} : { metadata: options.sidecar }),
        template: options.template,
        labels: options.labels,
        threshold: options.threshold,
        ...(options.system === undefined ? {} : { system: options.system }),
        ...(options.separator === undefined ? {} : { separator: options.separator }),
        ...(options.dataSource === undefined ? {} : { dataSource: options.dataSource }),
        ...(options.ability === undefined ? {} : { ability: options.ability }),
        ...(options.split === undefined ? {} : { split: options.split }),
        ...(options.style === undefined ? {} : { style: options.style }),
      };
      const written = await writeInteropFile(format, options.out, rewarded, exportOptions).catch(
        (error) => {
          throw inputError(error, options.in, lines);
        },
      );
      io.stdout.write(
        `${counted(written, trajectories)} exported as ${format} (step rewards: ${options.rewardSource}) → ${options.out}\n`,
      );
    });

  program
    .command('import')
    .description(
      'reads a Python trainer’s file (spa-reference, trl, verl, openrlhf) back into @spa/core Trajectory JSONL, e.g. to annotate it with `spa estimator annotate`; rows with the `spa` sidecar come back exactly',
    )
    .requiredOption('--in <file>', 'file to read')
    .addOption(formatOption('format of --in'))
    .requiredOption(
      '--out <file>',
      'where the trajectories go, one JSON per line (replaced atomically; never the input)',
    )
    .option(
      '--env <name>',
      'env of trajectories whose row has no `spa` sidecar (default unknown); their taskId is <file>#<row>',
    )
    .option(
      '--skip-turns <n>',
      'spa-reference: leading turns to drop from every row (files of the reference code start with the instruction turn and an in-context example)',
      count,
    )
    .option(
      '--separator <text>',
      'trl: text that splits a completion into observation and action in rows without sidecar (default: a newline, then "Action: ")',
    )
    .addHelpText(
      'after',
      '\nExample:\n  spa import --in data/alfworld/prm.jsonl --format trl --out runs/imported/trajectories.jsonl\n',
    )
    .action(async (options, command) => {
      const format = options.format;
      rejectForeignFlags(
        command as unknown as Command<[], Record<string, unknown>>,
        format,
        IMPORT_FLAG_FORMATS,
      );
      await checkPaths(options.in, options.out);
      const trajectories = await readInteropFile(format, options.in, {
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.skipTurns === undefined ? {} : { skipTurns: options.skipTurns }),
        ...(options.separator === undefined ? {} : { separator: options.separator }),
      }).catch((error) => {
        throw inputError(error, options.in);
      });
      if (trajectories.length === 0) {
        throw new ConfigValidationError('--in', [`in: ${options.in} holds no trajectories`]);
      }
      const written = await writeInteropFile('spa', options.out, trajectories);
      const rewarded = trajectories.filter((trajectory) => trajectory.rewards !== undefined).length;
      io.stdout.write(
        `${counted(written, trajectories)} imported from ${format} (${rewarded} with step rewards) → ${options.out}\n`,
      );
    });
}
