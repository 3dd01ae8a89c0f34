import { readFile } from 'node:fs/promises';
import { PPO_REWARD_SCHEMES } from '@spa/ppo';
import { z } from 'zod';
import { ConfigValidationError } from './errors';

/** The reward schemes `spa demo` can run: all of `@spa/ppo`'s except `prm`. */
export const DEMO_SCHEMES: readonly string[] = PPO_REWARD_SCHEMES.filter(
  (scheme) => scheme !== 'prm',
);

/**
 * The `spa demo` configuration. Every field's description is its `--help` text (zod
 * `.describe()`, conventions.md §B.13).
 */
export const demoConfigSchema = z
  .object({
    seeds: z
      .array(z.number().int().min(0))
      .min(1)
      .describe(
        'PPO seeds; every scheme runs once per seed from the same behaviour-cloned weights',
      ),
    schemes: z
      .array(z.enum(DEMO_SCHEMES as unknown as [string, ...string[]]))
      .min(1)
      .describe(
        `reward schemes to compare (${DEMO_SCHEMES.join(', ')}; prm needs a success-probability model the demo does not train)`,
      ),
    iterations: z.number().int().min(1).describe('PPO iterations per run'),
    tasksPerIteration: z.number().int().min(1).describe('tasks per PPO iteration'),
    rolloutsPerTask: z.number().int().min(1).describe('rollouts of each task per PPO iteration'),
    learningRate: z.number().positive().max(1).describe('PPO learning rate'),
    bcEpochs: z.number().int().min(1).describe('behaviour-cloning epochs'),
    explorationRollouts: z
      .number()
      .int()
      .min(1)
      .describe('exploration rollouts per task for the progress estimator'),
    evalEpisodes: z.number().int().min(1).describe('sampled evaluation episodes per task'),
  })
  .strict();

/** A validated demo configuration. */
export type DemoConfig = z.infer<typeof demoConfigSchema>;

/** Named starting points: `demo` is the measured comparison; `smoke` is for tests (seconds). */
export const DEMO_PRESETS: Readonly<Record<'demo' | 'smoke', DemoConfig>> = {
  demo: {
    seeds: [1, 2, 3],
    schemes: ['spa', 'sparse'],
    iterations: 10,
    tasksPerIteration: 4,
    rolloutsPerTask: 2,
    learningRate: 3e-3,
    bcEpochs: 15,
    explorationRollouts: 4,
    evalEpisodes: 8,
  },
  smoke: {
    seeds: [1],
    schemes: ['spa', 'sparse'],
    iterations: 2,
    tasksPerIteration: 2,
    rolloutsPerTask: 1,
    learningRate: 3e-3,
    bcEpochs: 2,
    explorationRollouts: 1,
    evalEpisodes: 1,
  },
};

/** Names of the presets. */
export type DemoPresetName = keyof typeof DEMO_PRESETS;

/**
 * Preset, then the JSON config file, then flags: validated together; every problem is listed
 * with its field, the value and what is accepted.
 *
 * @throws ConfigValidationError
 */
export async function resolveDemoConfig(input: {
  readonly preset: string;
  readonly file?: string;
  readonly flags: Partial<Record<keyof DemoConfig, unknown>>;
}): Promise<DemoConfig> {
  const preset = DEMO_PRESETS[input.preset as DemoPresetName];
  if (preset === undefined) {
    throw new ConfigValidationError('--preset', [
      `preset: got ${JSON.stringify(input.preset)}; accepted: ${Object.keys(DEMO_PRESETS).join(', ')}`,
    ]);
  }
  const fromFile = input.file === undefined ? {} : await readConfigFile(input.file);
  const flags = Object.fromEntries(Object.entries(input.flags).filter(([, v]) => v !== undefined));
  const merged = { ...preset, ...fromFile, ...flags };
  const source = [input.file, Object.keys(flags).length > 0 ? 'flags' : undefined]
    .filter((s) => s !== undefined)
    .join(' + ');
  return parseConfig(demoConfigSchema, merged, source === '' ? `preset ${input.preset}` : source);
}

/** Reads a JSON config file: an object of (possibly partial) config fields. */
export async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigValidationError(file, [`cannot read the file: ${(error as Error).message}`], {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigValidationError(file, [`not JSON: ${(error as Error).message}`], {
      cause: error,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigValidationError(file, ['expected a JSON object of config fields']);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Parses a merged config object with a zod schema; every problem is listed with its field path,
 * the value and what is accepted.
 *
 * @throws ConfigValidationError
 */
export function parseConfig<T>(schema: z.ZodType<T>, merged: unknown, source: string): T {
  const parsed = schema.safeParse(merged);
  if (parsed.success) return parsed.data;
  throw new ConfigValidationError(
    source,
    parsed.error.issues.map((issue) => {
      const path = issue.path.join('.');
      const value = issue.path.reduce<unknown>(
        (node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey],
        merged,
      );
      return `${path === '' ? '(root)' : path}: ${issue.message} (got ${JSON.stringify(value)})`;
    }),
  );
}
