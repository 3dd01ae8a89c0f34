import {
  createRng,
  createTaskCycle,
  EnvClosedError,
  type EnvId,
  InvalidActionError,
  InvalidArgumentError,
  ResetNeededError,
  type ResetOptions,
  type ResetResult,
  type StepInfo,
  type StepOptions,
  type StepResult,
  type TaskCatalog,
  type TextEnv,
  UnknownTaskError,
  withDefaultWrappers,
} from '@spa/core';
import {
  listVirtualhomeTaskSpecs,
  VIRTUALHOME_ENV_SPLITS,
  type VirtualhomeEnvSplit,
  type VirtualhomeGraphTag,
  type VirtualhomeTaskSpec,
  virtualhomeTaskPrompt,
} from './catalog';
import { compileGoal } from './goal';
import { EnvironmentGraph, removeDuplicateEdges } from './sim/graph';
import type { VirtualhomeTrainLevel } from './train-split';
import { type VirtualhomeStepKind, VirtualhomeWorld } from './world';

/** SPA-RL's VirtualHome step budget (`eval_agent/configs/task/virtualhome.json`, `max_steps: 40`). */
export const VIRTUALHOME_MAX_STEPS = 40;

/**
 * VirtualHome's step info.
 *
 * @remarks
 * | SPA-RL (`virtualhome_env.py`)                    | here                                          |
 * | ------------------------------------------------ | --------------------------------------------- |
 * | `check_env(state, revised_graph)` → `success`    | `won` (also `terminated`; reward = won ? 1 : 0) |
 * | observation ≠ `Nothing happens.` (`rl_data_org`) | `grounded`                                    |
 * | `state.success` as 0/1                           | `score`                                       |
 * | `"The task is " + task + "(" + description + ")."` | `goal` (also the reset observation)         |
 * | task `id` (not unique)                           | `taskId` = `<split>:<line>` (unique)          |
 * | task title                                       | `taskType`                                    |
 * | grounded script line / exception path            | `scriptLine`, `kind`, `reason` (diagnostics)  |
 */
export interface VirtualhomeStepInfo extends StepInfo {
  readonly won: boolean;
  readonly grounded: boolean;
  readonly score: number;
  readonly goal: string;
  readonly taskId: string;
  /** The task title, e.g. `Watch TV` (70–74 distinct titles per test split). */
  readonly taskType: string;
  readonly split: VirtualhomeEnvSplit;
  readonly tag: VirtualhomeGraphTag;
  /** How the last step ended (`executed` after `reset`). */
  readonly kind: VirtualhomeStepKind;
  /** The grounded script line of the last step, when one was formed. */
  readonly scriptLine?: string;
  /** Why the last step did nothing (hidden from the agent, as in SPA). */
  readonly reason?: string;
}

/** Options of {@link createVirtualhomeEnv}. */
export interface VirtualhomeEnvOptions {
  /** Split played when `reset` gets no `taskId`. Default `new_unseen_test` (SPA's evaluation split). */
  readonly split?: VirtualhomeEnvSplit;
  /** Graph tags to include in the pool (default all: `exact` and `reconstructed`). */
  readonly tags?: readonly VirtualhomeGraphTag[];
  /** Exclusion level of the `train` split (default `recommended`; see `VirtualhomeTrainLevel`). */
  readonly trainLevel?: VirtualhomeTrainLevel;
  /** Tasks to play instead of the bundled ones (e.g. your own graphs and goals). */
  readonly tasks?: readonly VirtualhomeTaskSpec[];
  /** Step budget (`withTimeLimit`; every step counts). Default 40 (SPA). `0` disables it. */
  readonly maxEpisodeSteps?: number;
  /**
   * `false` (default): the action string is the action itself (`walk to bedroom`); if it holds
   * `Action:`, only what follows is used, so full model outputs work too. `true`: SPA's exact
   * rule, where a string without `Action:` answers `Error Input. …`.
   */
  readonly requireActionPrefix?: boolean;
  /** Initial seed of the task order and of the grounding's random picks. Default 0. */
  readonly seed?: number;
  /** Without a `taskId`, play the pool in seeded random order (default) or in file order. */
  readonly shuffle?: boolean;
  /** How many built worlds the env keeps (least recently used dropped). Default 64. */
  readonly maxCachedWorlds?: number;
}

/**
 * Creates SPA-RL's VirtualHome environment on the bundled tasks (or `options.tasks`), already
 * wrapped with `withTimeLimit` (40 steps) and `withOrderEnforcing`.
 *
 * @remarks
 * - Id `virtualhome/<split>-v0` (`virtualhome/custom-v0` for explicit tasks).
 * - `reset({ taskId })` plays that task (`<split>:<line>`); without one the env walks the pool in
 *   seeded cycles (`createTaskCycle`). The observation is SPA's task line, `The task is
 *   <title>(<description>).`; SPA shows no initial view of the house.
 * - The world is rebuilt from the task's initial graph at every reset (SPA's exploration script
 *   instead keeps the world across its 10 rollouts of a task; research note §1.9). The grounding's
 *   random picks come from a stream derived from `(seed, taskId)`, so the same `(seed, taskId)` and
 *   actions give the same episode.
 * - `step(action)` never throws on a string: failures answer `Nothing happens.` (grounded false),
 *   SPA's exception path answers `Error Input. Your input must contains 'Action: '` (grounded
 *   true, as in SPA). `reward = won ? 1 : 0`; `terminated = won`; `truncated` after 40 steps.
 */
export function createVirtualhomeEnv(
  options: VirtualhomeEnvOptions = {},
): TextEnv<VirtualhomeStepInfo> {
  const split = options.split ?? 'new_unseen_test';
  if (!(VIRTUALHOME_ENV_SPLITS as readonly string[]).includes(split)) {
    throw new InvalidArgumentError({
      field: 'options.split',
      reason: `expected one of ${VIRTUALHOME_ENV_SPLITS.join(', ')}, got ${JSON.stringify(split)}`,
    });
  }
  const maxEpisodeSteps = options.maxEpisodeSteps ?? VIRTUALHOME_MAX_STEPS;
  if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 0) {
    throw new InvalidArgumentError({
      field: 'options.maxEpisodeSteps',
      reason: `expected an integer >= 0 (0 = no limit), got ${maxEpisodeSteps}`,
    });
  }
  const maxCachedWorlds = options.maxCachedWorlds ?? 64;
  if (!Number.isInteger(maxCachedWorlds) || maxCachedWorlds < 0) {
    throw new InvalidArgumentError({
      field: 'options.maxCachedWorlds',
      reason: `expected an integer >= 0, got ${maxCachedWorlds}`,
    });
  }
  const tags = options.tags;
  if (tags !== undefined) {
    for (const [index, tag] of tags.entries()) {
      if (tag !== 'exact' && tag !== 'reconstructed') {
        throw new InvalidArgumentError({
          field: `options.tags[${index}]`,
          reason: `expected "exact" or "reconstructed", got ${JSON.stringify(tag)}`,
        });
      }
    }
  }
  const explicit = options.tasks;
  const byId = new Map<string, VirtualhomeTaskSpec>();
  if (explicit !== undefined) {
    if (!Array.isArray(explicit) || explicit.length === 0) {
      throw new InvalidArgumentError({
        field: 'options.tasks',
        reason: 'expected a non-empty array of task specs',
      });
    }
    for (const [index, spec] of explicit.entries()) {
      if (byId.has(spec.taskId)) {
        throw new InvalidArgumentError({
          field: `options.tasks[${index}].taskId`,
          reason: `duplicate task id ${JSON.stringify(spec.taskId)}`,
        });
      }
      byId.set(spec.taskId, spec);
    }
  }
  const specsOf = (name: VirtualhomeEnvSplit): readonly VirtualhomeTaskSpec[] =>
    explicit === undefined
      ? listVirtualhomeTaskSpecs(name, {
          ...(tags === undefined ? {} : { tags }),
          ...(options.trainLevel === undefined ? {} : { trainLevel: options.trainLevel }),
        })
      : explicit.filter((spec) => spec.split === name);
  const splits =
    explicit === undefined
      ? VIRTUALHOME_ENV_SPLITS
      : VIRTUALHOME_ENV_SPLITS.filter((name) => explicit.some((spec) => spec.split === name));
  const find = (taskId: string): VirtualhomeTaskSpec | undefined => {
    if (explicit !== undefined) return byId.get(taskId);
    const name = taskId.split(':')[0] ?? '';
    if (!(VIRTUALHOME_ENV_SPLITS as readonly string[]).includes(name)) return undefined;
    return specsOf(name as VirtualhomeEnvSplit).find((spec) => spec.taskId === taskId);
  };
  const id: EnvId = explicit === undefined ? `virtualhome/${split}-v0` : 'virtualhome/custom-v0';
  const poolIds = (): readonly string[] =>
    explicit === undefined
      ? specsOf(split).map((spec) => spec.taskId)
      : explicit.map((spec) => spec.taskId);
  const catalog: TaskCatalog = {
    splits,
    taskIds(name) {
      if (!(splits as readonly string[]).includes(name)) {
        throw new UnknownTaskError({
          taskId: name,
          envId: id,
          hint: `splits: ${splits.join(', ')}`,
        });
      }
      return specsOf(name as VirtualhomeEnvSplit).map((spec) => spec.taskId);
    },
  };

  // Built worlds by task id, least recently used first: building costs the edge clean-up and the
  // graph index (milliseconds); resetting a kept world is O(1).
  const worlds = new Map<string, VirtualhomeWorld>();
  const worldFor = (spec: VirtualhomeTaskSpec): VirtualhomeWorld => {
    let world = worlds.get(spec.taskId);
    if (world === undefined) {
      const json = spec.initialGraph();
      world = new VirtualhomeWorld({
        initialGraph: EnvironmentGraph.fromJson({
          nodes: json.nodes,
          edges: removeDuplicateEdges(json.edges),
        }),
        goal: compileGoal(spec.goal, `${spec.taskId}.revised_graph`),
        objectIdDict: spec.objectIdDict,
      });
    } else {
      worlds.delete(spec.taskId);
    }
    if (maxCachedWorlds > 0) {
      worlds.set(spec.taskId, world);
      if (worlds.size > maxCachedWorlds) worlds.delete(worlds.keys().next().value as string);
    }
    return world;
  };

  const seed = options.seed ?? 0;
  const cycle = createTaskCycle({ taskIds: poolIds, seed, shuffle: options.shuffle ?? true });
  let episodeSeed = seed;
  let closed = false;
  let current: { world: VirtualhomeWorld; spec: VirtualhomeTaskSpec; prompt: string } | undefined;

  const info = (
    spec: VirtualhomeTaskSpec,
    prompt: string,
    fields: {
      won: boolean;
      grounded: boolean;
      kind: VirtualhomeStepKind;
      scriptLine?: string;
      reason?: string;
    },
  ): VirtualhomeStepInfo => ({
    ...fields,
    score: fields.won ? 1 : 0,
    goal: prompt,
    taskId: spec.taskId,
    taskType: spec.title,
    split: spec.split,
    tag: spec.tag,
  });

  const raw: TextEnv<VirtualhomeStepInfo> = {
    specificationVersion: 'v1',
    id,
    metadata: {
      rewardRange: [0, 1],
      split,
      requireActionPrefix: options.requireActionPrefix ?? false,
      source: 'SPA-RL VirtualHome (evolving graph); tasks from WangHanLinHenry/EVU',
    },
    tasks: catalog,
    async reset(resetOptions: ResetOptions = {}): Promise<ResetResult<VirtualhomeStepInfo>> {
      if (closed) throw new EnvClosedError({ envId: id, method: 'reset' });
      resetOptions.signal?.throwIfAborted();
      if (resetOptions.seed !== undefined) {
        cycle.reseed(resetOptions.seed);
        episodeSeed = resetOptions.seed;
      } else {
        episodeSeed = cycle.rng.nextSeed();
      }
      const taskId = resetOptions.taskId ?? cycle.next();
      const spec = find(taskId);
      if (spec === undefined) {
        throw new UnknownTaskError({
          taskId,
          envId: id,
          hint: 'ids look like "new_unseen_test:12" (<split>:<line>) or "train:file185_2"; see env.tasks',
        });
      }
      const world = worldFor(spec);
      const streamSeed = episodeSeed;
      world.reset(() => createRng(streamSeed).fork(spec.taskId));
      const prompt = virtualhomeTaskPrompt(spec.title, spec.description);
      current = { world, spec, prompt };
      return {
        observation: prompt,
        info: info(spec, prompt, { won: false, grounded: true, kind: 'executed' }),
      };
    },
    async step(
      action: string,
      stepOptions?: StepOptions,
    ): Promise<StepResult<VirtualhomeStepInfo>> {
      if (closed) throw new EnvClosedError({ envId: id, method: 'step' });
      if (typeof action !== 'string') throw new InvalidActionError({ action, envId: id });
      stepOptions?.signal?.throwIfAborted();
      if (current === undefined) {
        throw new ResetNeededError({ envId: id, message: `${id}: step() called before reset()` });
      }
      const { world, spec, prompt } = current;
      const outcome =
        options.requireActionPrefix === true || action.includes('Action:')
          ? world.stepOutput(action)
          : world.act(action);
      return {
        observation: outcome.observation,
        reward: outcome.won ? 1 : 0,
        terminated: outcome.won,
        truncated: false,
        info: info(spec, prompt, {
          won: outcome.won,
          grounded: outcome.grounded,
          kind: outcome.kind,
          ...(outcome.scriptLine === undefined ? {} : { scriptLine: outcome.scriptLine }),
          ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
        }),
      };
    },
    async close() {
      closed = true;
      current = undefined;
      worlds.clear();
    },
    async [Symbol.asyncDispose]() {
      await raw.close();
    },
  };
  return withDefaultWrappers(raw, { maxEpisodeSteps });
}
