import { InvalidArgumentError } from '@spa/core';
import { renderSpaAction } from './actions';
import { buildDatasetInitGraph, loadExactInitialGraph, type SceneGraph } from './data';
import type { RevisedGraph } from './goal';
import { loadReconstructedInitialGraph } from './reconstruct';
import { parseScriptLine } from './sim/script';
import { loadVirtualhomeTasks, type VirtualhomeTask } from './tasks';
import {
  loadVirtualhomeTrainTasks,
  VIRTUALHOME_TRAIN_LEVELS,
  type VirtualhomeTrainLevel,
  type VirtualhomeTrainTask,
} from './train-split';

/**
 * The env's splits: `train` (built from the scene-1 dataset programs, see
 * `loadVirtualhomeTrainTasks`) and the two SPA/EVU test files (SPA evaluates on
 * `new_unseen_test`).
 */
export type VirtualhomeEnvSplit = 'train' | 'new_seen_test' | 'new_unseen_test';

/** The splits of {@link createVirtualhomeEnv}, in a stable order. */
export const VIRTUALHOME_ENV_SPLITS: readonly VirtualhomeEnvSplit[] = Object.freeze([
  'train',
  'new_seen_test',
  'new_unseen_test',
] as const);

/**
 * How a task's initial graph is known: `exact` (the dataset file the task was made from; every
 * training task) or `reconstructed` (rebuilt from the base scene and validated by replaying the
 * gold program).
 */
export type VirtualhomeGraphTag = 'exact' | 'reconstructed';

/** Everything the env needs to play one task. */
export interface VirtualhomeTaskSpec {
  /** `<split>:<line>` for test tasks (line 1-based in the split file), `train:<file>` for training tasks. */
  readonly taskId: string;
  readonly split: VirtualhomeEnvSplit;
  readonly tag: VirtualhomeGraphTag;
  /** Program title, e.g. `Write an email`. */
  readonly title: string;
  readonly description: string;
  /** The goal: SPA's `revised_graph`. */
  readonly goal: RevisedGraph;
  /** Class name → gold instance id (pre-bound in grounding). */
  readonly objectIdDict: Readonly<Record<string, number>>;
  /** The gold script, e.g. `[WALK] <home_office> (319)`. */
  readonly goldProgram: readonly string[];
  /** The gold program as SPA actions, e.g. `Walk to home office`. */
  readonly expertActions: readonly string[];
  /** The initial graph as a JSON document (before SPA's load-time edge clean-up). */
  initialGraph(): SceneGraph;
}

/** SPA's first user turn for a task (research note §1.3; note: no space before `(`). */
export function virtualhomeTaskPrompt(title: string, description: string): string {
  return `The task is ${title}(${description}).`;
}

/** Gold lines rendered as SPA actions; `undefined` for a line without a template. */
export function renderGoldProgram(lines: readonly string[]): string[] {
  return lines.map((line, index) => {
    const script = parseScriptLine(line);
    const text = renderSpaAction(
      script.action,
      script.parameters.map((parameter) => parameter.name),
    );
    if (text === undefined) {
      throw new InvalidArgumentError({
        field: `goldProgram[${index}]`,
        reason: `${script.action} has no SPA action template`,
      });
    }
    return text;
  });
}

function testSpec(
  task: VirtualhomeTask,
  tag: VirtualhomeGraphTag,
  initialGraph: () => SceneGraph,
): VirtualhomeTaskSpec {
  const { record } = task;
  return Object.freeze({
    taskId: task.taskKey,
    split: task.split,
    tag,
    title: record.task,
    description: record.description,
    goal: record.revised_graph,
    objectIdDict: record.object_id_dict,
    goldProgram: record.new_program_lines,
    expertActions: record.action_list,
    initialGraph,
  });
}

function trainSpec(task: VirtualhomeTrainTask): VirtualhomeTaskSpec {
  return Object.freeze({
    taskId: task.taskKey,
    split: 'train' as const,
    tag: 'exact' as const,
    title: task.task,
    description: task.description,
    goal: task.revised_graph,
    objectIdDict: task.object_id_dict,
    goldProgram: task.new_program_lines,
    expertActions: task.action_list,
    initialGraph: () => buildDatasetInitGraph(task.file),
  });
}

const specCache = new Map<string, readonly VirtualhomeTaskSpec[]>();

/** Options of {@link listVirtualhomeTaskSpecs}. */
export interface ListVirtualhomeTaskSpecsOptions {
  /** Which tags to include (default: all). */
  readonly tags?: readonly VirtualhomeGraphTag[];
  /** Exclusion level of the `train` split (default `recommended`). */
  readonly trainLevel?: VirtualhomeTrainLevel;
}

/**
 * The playable tasks of a split: those whose initial graph is known, tagged by how.
 *
 * @remarks
 * `train` replays every program of the level on first use (a few seconds; cached).
 */
export function listVirtualhomeTaskSpecs(
  split: VirtualhomeEnvSplit,
  options: ListVirtualhomeTaskSpecsOptions = {},
): readonly VirtualhomeTaskSpec[] {
  if (!(VIRTUALHOME_ENV_SPLITS as readonly string[]).includes(split)) {
    throw new InvalidArgumentError({
      field: 'split',
      reason: `expected one of ${VIRTUALHOME_ENV_SPLITS.join(', ')}, got ${JSON.stringify(split)}`,
    });
  }
  const level = options.trainLevel ?? 'recommended';
  if (!(VIRTUALHOME_TRAIN_LEVELS as readonly string[]).includes(level)) {
    throw new InvalidArgumentError({
      field: 'trainLevel',
      reason: `expected one of ${VIRTUALHOME_TRAIN_LEVELS.join(', ')}, got ${JSON.stringify(level)}`,
    });
  }
  const cacheKey = split === 'train' ? `train:${level}` : split;
  let all = specCache.get(cacheKey);
  if (all === undefined) {
    const specs: VirtualhomeTaskSpec[] = [];
    if (split === 'train') {
      for (const task of loadVirtualhomeTrainTasks(level)) specs.push(trainSpec(task));
    } else {
      for (const task of loadVirtualhomeTasks(split)) {
        if (task.tag === 'exact') {
          specs.push(
            testSpec(task, 'exact', () => loadExactInitialGraph(task.taskKey) as SceneGraph),
          );
        } else if (task.tag === 'reconstructed') {
          specs.push(
            testSpec(
              task,
              'reconstructed',
              () => loadReconstructedInitialGraph(task.taskKey) as SceneGraph,
            ),
          );
        }
      }
    }
    all = Object.freeze(specs);
    specCache.set(cacheKey, all);
  }
  const tags = options.tags;
  return tags === undefined ? all : all.filter((spec) => tags.includes(spec.tag));
}
