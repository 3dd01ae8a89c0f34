import { collectEpisode, InvalidArgumentError, type Policy, type Trajectory } from '@spa/core';
import {
  listVirtualhomeTaskSpecs,
  type VirtualhomeEnvSplit,
  type VirtualhomeGraphTag,
  type VirtualhomeTaskSpec,
} from './catalog';
import { createVirtualhomeEnv, VIRTUALHOME_MAX_STEPS } from './env';
import type { VirtualhomeTrainLevel } from './train-split';

/**
 * The gold-program expert: for each task, its `expertActions` (SPA's `action_list`, the gold
 * program rendered with the action templates) in order; `Nothing happens`-proof, since the env
 * stops at the first step that satisfies the goal. After the list it answers `stand up`.
 *
 * @param tasks - the tasks it can play, by task id.
 */
export function createVirtualhomeExpert(tasks: readonly VirtualhomeTaskSpec[]): Policy {
  const byId = new Map(tasks.map((spec) => [spec.taskId, spec.expertActions]));
  return {
    specificationVersion: 'v1',
    name: 'virtualhome-gold-program',
    async act(contexts) {
      return contexts.map((context) => {
        const actions = context.taskId === undefined ? undefined : byId.get(context.taskId);
        if (actions === undefined) {
          throw new InvalidArgumentError({
            field: 'context.taskId',
            reason: `the gold-program expert has no actions for task ${JSON.stringify(context.taskId)}`,
          });
        }
        return { action: actions[context.history.length] ?? 'stand up' };
      });
    },
  };
}

/** Options of {@link generateVirtualhomeDemonstrations}. */
export interface VirtualhomeDemonstrationOptions {
  /** Default `train`. */
  readonly split?: VirtualhomeEnvSplit;
  /** Exclusion level of the `train` split (default `recommended`). */
  readonly trainLevel?: VirtualhomeTrainLevel;
  /** Graph tags to include (default all). */
  readonly tags?: readonly VirtualhomeGraphTag[];
  /** Tasks to play instead of a bundled split. */
  readonly tasks?: readonly VirtualhomeTaskSpec[];
  /** Yield only won episodes (default true). */
  readonly onlySuccessful?: boolean;
  /** Stop after this many tasks. */
  readonly limit?: number;
  /** Seed of `reset` (the grounding's random stream). Default 0. */
  readonly seed?: number;
  /** Called after each task. */
  readonly onEpisode?: (trajectory: Trajectory, index: number, total: number) => void;
}

/**
 * Expert demonstrations in `@spa/core`'s Trajectory format: each task of the split played by
 * {@link createVirtualhomeExpert} through {@link createVirtualhomeEnv} (40-step budget), so the
 * observations, `grounded` flags and final reward are the env's. Write them with
 * `writeTrajectories` from `@spa/core/node`.
 */
export async function* generateVirtualhomeDemonstrations(
  options: VirtualhomeDemonstrationOptions = {},
): AsyncGenerator<Trajectory, void, undefined> {
  const split = options.split ?? 'train';
  const all =
    options.tasks ??
    listVirtualhomeTaskSpecs(split, {
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      ...(options.trainLevel === undefined ? {} : { trainLevel: options.trainLevel }),
    });
  const tasks = options.limit === undefined ? all : all.slice(0, options.limit);
  const env = createVirtualhomeEnv({ tasks, maxEpisodeSteps: VIRTUALHOME_MAX_STEPS });
  const policy = createVirtualhomeExpert(tasks);
  const onlySuccessful = options.onlySuccessful ?? true;
  try {
    for (const [index, spec] of tasks.entries()) {
      const trajectory = await collectEpisode(env, policy, {
        seed: options.seed ?? 0,
        taskId: spec.taskId,
        meta: { expert: policy.name, split: spec.split, tag: spec.tag },
      });
      options.onEpisode?.(trajectory, index, tasks.length);
      if (!onlySuccessful || trajectory.won) yield trajectory;
    }
  } finally {
    await env.close();
  }
}
