import { PPO_REWARD_SCHEMES } from '@spa/ppo';
import { z } from 'zod';
import { parseConfig, readConfigFile } from '../config';
import { ConfigValidationError } from '../errors';

/** Reward schemes a pipeline can train with: all of `@spa/ppo`'s but `prm` (it needs a success model). */
export const PIPELINE_SCHEMES: readonly string[] = PPO_REWARD_SCHEMES.filter(
  (scheme) => scheme !== 'prm',
);

/** The schemes `spa compare` runs by default: SPA, the sparse baseline and the cheap comparisons (mc replays every prefix, so it is opt-in). */
export const COMPARE_SCHEMES: readonly string[] = [
  'spa',
  'sparse',
  'uniform',
  'leave-one-out',
  'grpo',
  'rloo',
];

const positiveInt = z.number().int().min(1);
const taskCount = z.union([positiveInt, z.literal('all')]);

/**
 * Everything one pipeline run needs. Every field's description is its `--help` text
 * (conventions.md §B.13); nested fields are set from the command line with
 * `--set <path>=<value>` (e.g. `--set ppo.iterations=20`).
 */
export const pipelineConfigSchema = z
  .object({
    env: z.enum(['alfworld', 'webshop', 'virtualhome']).describe('the environment'),
    seed: z
      .number()
      .int()
      .min(0)
      .describe(
        'root seed of the shared stages (demonstration sample, BC, exploration, estimator)',
      ),
    demonstrations: taskCount.describe(
      'train tasks (a seeded sample, or all) whose expert demonstrations are cloned; exploration and PPO play the same tasks',
    ),
    vocabSize: z.number().int().min(260).describe('byte-level BPE vocabulary size'),
    model: z
      .object({
        preset: z.enum(['test', 'tiny', 'small', 'medium']).describe('@spa/lm model size preset'),
        width: positiveInt.optional().describe('override the preset width'),
        depth: positiveInt.optional().describe('override the preset depth'),
        heads: positiveInt.optional().describe('override the preset head count'),
      })
      .strict(),
    context: z
      .object({
        maxTokens: z.number().int().min(16).describe('prompt + action budget in tokens'),
        historyWindow: z.number().int().min(0).describe('earlier steps kept in the prompt'),
        maxObservationTokens: positiveInt.describe('each observation is cut to this many tokens'),
        maxActionTokens: positiveInt.describe('action budget in tokens (end-of-action included)'),
      })
      .strict(),
    bc: z
      .object({
        epochs: positiveInt.describe('behaviour-cloning epochs'),
        batchSize: positiveInt.describe('demonstrations per optimiser step'),
        learningRate: z.number().positive().max(1).describe('peak learning rate (cosine decay)'),
      })
      .strict(),
    explore: z
      .object({
        tasks: positiveInt.describe('train tasks explored (the first of the sampled ones)'),
        rolloutsPerTask: positiveInt.describe('sampled rollouts of each explored task'),
        temperature: z.number().min(0).describe('sampling temperature of exploration'),
      })
      .strict(),
    estimator: z
      .object({
        epochs: positiveInt.describe('progress-estimator epochs'),
        batchSize: positiveInt.describe('trajectories per optimiser step'),
        learningRate: z.number().positive().max(1).describe('estimator learning rate'),
      })
      .strict(),
    ppo: z
      .object({
        iterations: positiveInt.describe('PPO iterations per scheme and seed'),
        tasksPerIteration: positiveInt.describe('tasks drawn per iteration'),
        rolloutsPerTask: positiveInt.describe(
          'rollouts of each drawn task (grpo and rloo need ≥ 2)',
        ),
        epochs: positiveInt.describe('PPO epochs over each batch'),
        minibatchSize: positiveInt.describe('actions per minibatch'),
        learningRate: z.number().positive().max(1).describe('PPO learning rate'),
        alpha: z.number().min(0).describe('SPA: weight α of the progress contribution c_t'),
        beta: z.number().min(0).describe('SPA: weight β of the grounding signal g_t'),
        klCoef: z.number().min(0).describe('KL penalty to the behaviour-cloned reference'),
        mcRollouts: positiveInt.describe('mc scheme: continuations played from every prefix'),
      })
      .strict(),
    trainMaxSteps: positiveInt.describe('step cap of exploration and PPO episodes'),
    eval: z
      .object({
        split: z
          .string()
          .optional()
          .describe(
            'evaluation split (default: alfworld valid_unseen, webshop test, virtualhome new_unseen_test)',
          ),
        tasks: taskCount.describe('evaluated tasks: an evenly spaced sample, or all'),
        maxSteps: positiveInt
          .optional()
          .describe("step cap (default: the protocol's: alfworld 40, webshop 10, virtualhome 40)"),
      })
      .strict(),
    envs: positiveInt.describe('environments stepped concurrently (one batched forward pass)'),
    schemes: z
      .array(z.enum(PIPELINE_SCHEMES as unknown as [string, ...string[]]))
      .min(1)
      .describe(`reward schemes trained from the same BC weights (${PIPELINE_SCHEMES.join(', ')})`),
    seeds: z.array(z.number().int().min(0)).min(1).describe('PPO seeds, one run per scheme each'),
  })
  .strict();

/** A validated pipeline configuration. */
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

/** Environment names of the pipeline. */
export type PipelineEnv = PipelineConfig['env'];

/**
 * Preset names: `tiny` (tests, seconds), `demo` (about 5 minutes on 2 cores), `short` (the
 * budget of docs/results.md: tens of minutes per env for six schemes × three seeds), `full` (hours).
 */
export type PipelinePresetName = 'tiny' | 'demo' | 'short' | 'full';

const COMMON = {
  seed: 1,
  model: { preset: 'test' as const },
  explore: { temperature: 1 },
  ppo: { epochs: 2, minibatchSize: 16, alpha: 1, beta: 0.5, klCoef: 0.3, mcRollouts: 2 },
  schemes: ['spa', 'sparse'],
  seeds: [1],
};

/** What differs between the environments' presets. */
interface EnvShape {
  readonly env: PipelineEnv;
  /** Demonstrations of `demo` and `short`. */
  readonly demonstrations: number | 'all';
  /** Prompt budget of `demo`/`short`, then of `full`. */
  readonly maxTokens: readonly [number, number];
  /** Observation cap of `demo`/`short`, then of `full`. */
  readonly maxObservationTokens: readonly [number, number];
  /** Covers the env's longest expert actions (WebShop's searches need 48). */
  readonly maxActionTokens: number;
  readonly tinyActionTokens: number;
  readonly tinyMaxTokens: number;
  readonly trainMaxSteps: number;
  /** Tasks evaluated by `short` and `full`. */
  readonly evalTasks: number | 'all';
  readonly full: {
    readonly bcEpochs: number;
    readonly exploreTasks: number;
    readonly trainMaxSteps: number;
  };
  /** `demo` changes for envs whose steps cost more (WebShop's longer prompts), to stay near 5 minutes. */
  readonly demo?: {
    readonly demonstrations: number;
    readonly exploreTasks: number;
    readonly estimatorEpochs: number;
    readonly tasksPerIteration: number;
    readonly iterations: number;
    readonly evalTasks: number;
  };
}

function presetsOf(shape: EnvShape): Record<PipelinePresetName, PipelineConfig> {
  const { env } = shape;
  const tiny: PipelineConfig = {
    ...COMMON,
    env,
    demonstrations: 6,
    vocabSize: 512,
    context: {
      maxTokens: shape.tinyMaxTokens,
      historyWindow: 1,
      maxObservationTokens: 64,
      maxActionTokens: shape.tinyActionTokens,
    },
    bc: { epochs: 2, batchSize: 2, learningRate: 3e-3 },
    explore: { ...COMMON.explore, tasks: 2, rolloutsPerTask: 2 },
    estimator: { epochs: 1, batchSize: 4, learningRate: 3e-4 },
    ppo: {
      ...COMMON.ppo,
      iterations: 1,
      tasksPerIteration: 2,
      rolloutsPerTask: 1,
      minibatchSize: 8,
      learningRate: 1e-4,
    },
    trainMaxSteps: 6,
    eval: { tasks: 4, maxSteps: 6 },
    envs: 4,
  };
  const short: PipelineConfig = {
    ...COMMON,
    env,
    demonstrations: shape.demonstrations,
    vocabSize: 1024,
    context: {
      maxTokens: shape.maxTokens[0],
      historyWindow: 1,
      maxObservationTokens: shape.maxObservationTokens[0],
      maxActionTokens: shape.maxActionTokens,
    },
    bc: { epochs: 3, batchSize: 1, learningRate: 3e-3 },
    explore: { ...COMMON.explore, tasks: 32, rolloutsPerTask: 2 },
    estimator: { epochs: 2, batchSize: 8, learningRate: 3e-4 },
    ppo: {
      ...COMMON.ppo,
      iterations: 6,
      tasksPerIteration: 8,
      rolloutsPerTask: 2,
      learningRate: 3e-4,
    },
    trainMaxSteps: shape.trainMaxSteps,
    eval: { tasks: shape.evalTasks },
    envs: 16,
  };
  const cut = shape.demo;
  const demo: PipelineConfig = {
    ...short,
    demonstrations: cut?.demonstrations ?? short.demonstrations,
    bc: { epochs: 2, batchSize: 4, learningRate: 3e-3 },
    explore: { ...short.explore, tasks: cut?.exploreTasks ?? short.explore.tasks },
    estimator: { ...short.estimator, epochs: cut?.estimatorEpochs ?? short.estimator.epochs },
    ppo: {
      ...short.ppo,
      iterations: cut?.iterations ?? 4,
      tasksPerIteration: cut?.tasksPerIteration ?? short.ppo.tasksPerIteration,
    },
    eval: { tasks: cut?.evalTasks ?? 50 },
  };
  const full: PipelineConfig = {
    ...short,
    model: { preset: 'tiny' },
    demonstrations: 'all',
    vocabSize: 2048,
    context: {
      maxTokens: shape.maxTokens[1],
      historyWindow: 2,
      maxObservationTokens: shape.maxObservationTokens[1],
      maxActionTokens: shape.maxActionTokens,
    },
    bc: { epochs: shape.full.bcEpochs, batchSize: 8, learningRate: 1e-3 },
    explore: { ...COMMON.explore, tasks: shape.full.exploreTasks, rolloutsPerTask: 5 },
    estimator: { epochs: 3, batchSize: 8, learningRate: 3e-4 },
    ppo: { ...short.ppo, iterations: 100, tasksPerIteration: 16, learningRate: 1e-5 },
    trainMaxSteps: shape.full.trainMaxSteps,
    seeds: [1, 2, 3],
  };
  return { tiny, demo, short, full };
}

/**
 * The presets of every environment, sized from timed runs on a 2-core machine (wasm backend):
 * `demo` (two schemes, one seed, 50 evaluation tasks) takes about 5 minutes; `short` clones
 * with one demonstration per optimiser step for 3 epochs (about 6× the updates of `demo`; with
 * fewer the `test` model does not even write well-formed actions) and evaluates on the whole test
 * split (WebShop: SPA-RL's 200 goals, test_indices.json per paper.md); `full` clones every
 * demonstration for 3–5 epochs with the `tiny` model (about 1.3 M parameters) and trains PPO for
 * 100 iterations (many hours on 2 cores). Action budgets cover the longest expert actions of each
 * env (WebShop's `search[…]` queries are the longest).
 */
export const PIPELINE_PRESETS: Readonly<
  Record<PipelineEnv, Readonly<Record<PipelinePresetName, PipelineConfig>>>
> = {
  alfworld: presetsOf({
    env: 'alfworld',
    demonstrations: 200,
    maxTokens: [256, 384],
    maxObservationTokens: [96, 96],
    maxActionTokens: 12,
    tinyActionTokens: 12,
    tinyMaxTokens: 192,
    trainMaxSteps: 20,
    evalTasks: 'all',
    full: { bcEpochs: 3, exploreTasks: 1000, trainMaxSteps: 40 },
  }),
  webshop: presetsOf({
    env: 'webshop',
    demonstrations: 300,
    maxTokens: [384, 512],
    maxObservationTokens: [128, 192],
    maxActionTokens: 48,
    tinyActionTokens: 48,
    tinyMaxTokens: 256,
    trainMaxSteps: 15,
    evalTasks: 200,
    full: { bcEpochs: 3, exploreTasks: 1000, trainMaxSteps: 15 },
    // Measured: with the other envs' demo budget, WebShop's demo took 702 s on 2 cores.
    demo: {
      demonstrations: 150,
      exploreTasks: 16,
      estimatorEpochs: 1,
      tasksPerIteration: 4,
      iterations: 3,
      evalTasks: 30,
    },
  }),
  virtualhome: presetsOf({
    env: 'virtualhome',
    demonstrations: 'all',
    maxTokens: [256, 384],
    maxObservationTokens: [96, 128],
    maxActionTokens: 16,
    tinyActionTokens: 16,
    tinyMaxTokens: 192,
    trainMaxSteps: 20,
    evalTasks: 'all',
    full: { bcEpochs: 5, exploreTasks: 302, trainMaxSteps: 40 },
  }),
};

/** Fields whose change keeps a run directory's shared stages valid (more schemes or seeds extend a run). */
export const RUN_EXTENDING_FIELDS = ['schemes', 'seeds'] as const;

/** Parses `path=value` (`--set`): the value as JSON when it parses (numbers, lists, `"all"`), else as a string. */
export function parseAssignment(text: string): { path: string[]; value: unknown } {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new ConfigValidationError('--set', [
      `expected <path>=<value> (e.g. ppo.iterations=20), got ${JSON.stringify(text)}`,
    ]);
  }
  const raw = text.slice(at + 1).trim();
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    if (raw.includes(',')) value = raw.split(',').map((part) => part.trim());
  }
  return { path: text.slice(0, at).trim().split('.'), value };
}

function assign(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next =
    child !== null && typeof child === 'object' && !Array.isArray(child)
      ? { ...(child as Record<string, unknown>) }
      : {};
  assign(next, rest, value);
  target[head] = next;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (
    base === null ||
    over === null ||
    typeof base !== 'object' ||
    typeof over !== 'object' ||
    Array.isArray(base) ||
    Array.isArray(over)
  ) {
    return over;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over as Record<string, unknown>)) {
    out[key] = key in out ? deepMerge(out[key], value) : value;
  }
  return out;
}

/**
 * Validates a merged config object; every problem is listed with its field path, the value and
 * what is accepted.
 *
 * @throws ConfigValidationError
 */
export function validatePipelineConfig(merged: unknown, source: string): PipelineConfig {
  return parseConfig(pipelineConfigSchema, merged, source);
}

/** Input of {@link resolvePipelineConfig}: preset < file < `--set` assignments < dedicated flags. */
export interface ResolvePipelineInput {
  readonly env: string;
  readonly preset: string;
  readonly file?: string;
  /** `path=value` assignments (`--set`). */
  readonly assignments?: readonly string[];
  /** Top-level fields from dedicated flags (`--schemes`, `--seeds`…); undefined ones are ignored. */
  readonly flags?: Partial<Record<keyof PipelineConfig, unknown>>;
}

/**
 * The configuration of a run: the env's preset, then the JSON file, then `--set` assignments,
 * then dedicated flags, validated together.
 *
 * @throws ConfigValidationError — an unknown env or preset, an unreadable file, a bad field.
 */
export async function resolvePipelineConfig(input: ResolvePipelineInput): Promise<PipelineConfig> {
  const presets = PIPELINE_PRESETS[input.env as PipelineEnv];
  if (presets === undefined) {
    throw new ConfigValidationError('--env', [
      `env: got ${JSON.stringify(input.env)}; accepted: ${Object.keys(PIPELINE_PRESETS).join(', ')}`,
    ]);
  }
  const preset = presets[input.preset as PipelinePresetName];
  if (preset === undefined) {
    throw new ConfigValidationError('--preset', [
      `preset: got ${JSON.stringify(input.preset)}; accepted: ${Object.keys(presets).join(', ')}`,
    ]);
  }
  let merged = deepMerge(preset, input.file === undefined ? {} : await readConfigFile(input.file));
  const assigned: Record<string, unknown> = {};
  for (const text of input.assignments ?? []) {
    const { path, value } = parseAssignment(text);
    assign(assigned, path, value);
  }
  merged = deepMerge(merged, assigned);
  const flags = Object.fromEntries(
    Object.entries(input.flags ?? {}).filter(([, v]) => v !== undefined),
  );
  merged = deepMerge(merged, flags);
  const sources = [
    input.file,
    (input.assignments?.length ?? 0) > 0 ? '--set' : undefined,
    Object.keys(flags).length > 0 ? 'flags' : undefined,
  ].filter((s) => s !== undefined);
  return validatePipelineConfig(
    merged,
    sources.length === 0 ? `preset ${input.env}/${input.preset}` : sources.join(' + '),
  );
}

/** `--help` text: every config field with its description, as `--set` paths. */
export function pipelineConfigHelp(): string {
  const lines: string[] = [
    '',
    'Config fields (JSON file via --config, or --set <path>=<value>; presets per env: tiny, demo, short, full):',
  ];
  const walk = (shape: Record<string, z.ZodType>, prefix: string): void => {
    for (const [key, field] of Object.entries(shape)) {
      const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
      if (inner instanceof z.ZodObject) {
        walk(inner.shape as Record<string, z.ZodType>, `${prefix}${key}.`);
      } else {
        lines.push(`  ${`${prefix}${key}`.padEnd(28)} ${field.description ?? ''}`);
      }
    }
  };
  walk(pipelineConfigSchema.shape as unknown as Record<string, z.ZodType>, '');
  return `${lines.join('\n')}\n`;
}
