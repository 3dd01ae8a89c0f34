import { InvalidArgumentError } from '@spa/core';
import {
  loadExactInitialGraphIndex,
  loadTaskRecords,
  VIRTUALHOME_SPLITS,
  VirtualhomeDataError,
  type VirtualhomeSplit,
} from './data';
import { readPackageJson } from './data-files';
import type { RevisedGraph } from './goal';

/**
 * One SPA/EVU VirtualHome test task record (research note §3.2), keys as in the file.
 */
export interface VirtualhomeTaskRecord {
  readonly task: string;
  readonly description: string;
  /** Gold script with node ids, e.g. `[WALK] <home_office> (319)`. */
  readonly new_program_lines: readonly string[];
  /** `"Step 1: <action_list[0]>\nStep 2: …"`. */
  readonly steps: string;
  /** Always `"redacted"`. */
  readonly path: string;
  /** NL gold actions, e.g. `Walk to home office`. */
  readonly action_list: readonly string[];
  /** Observation after each gold action, without the `Observation: ` prefix. */
  readonly ObserANDState: readonly string[];
  readonly SuccessOrFail: readonly boolean[];
  readonly FailReasons: readonly string[];
  readonly revised_graph: RevisedGraph;
  /** Not unique: identify tasks by {@link VirtualhomeTask.taskKey}. */
  readonly id: string;
  /** Class name → gold node id. */
  readonly object_id_dict: Readonly<Record<string, number>>;
}

/**
 * How a task's initial graph is known: `exact` (55 tasks: the dataset file it was made from),
 * `reconstructed` (rebuilt from its base scene and validated by replaying the gold program; see
 * `reconstructInitialGraph`), or `unavailable` (neither; the task cannot be played).
 */
export type VirtualhomeTaskTag = 'exact' | 'reconstructed' | 'unavailable';

/** A test task: its record, where it comes from, and whether its initial graph is known. */
export interface VirtualhomeTask {
  /** `<split>:<line>`, line 1-based, e.g. `new_unseen_test:12`. */
  readonly taskKey: string;
  readonly split: VirtualhomeSplit;
  /** 1-based line in the split file. */
  readonly line: number;
  readonly tag: VirtualhomeTaskTag;
  readonly record: VirtualhomeTaskRecord;
}

const RECORD_KEYS = [
  'task',
  'description',
  'new_program_lines',
  'steps',
  'path',
  'action_list',
  'ObserANDState',
  'SuccessOrFail',
  'FailReasons',
  'revised_graph',
  'id',
  'object_id_dict',
] as const;

const isStringArray = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The task key of a split and 1-based line. */
export function virtualhomeTaskKey(split: VirtualhomeSplit, line: number): string {
  return `${split}:${line}`;
}

const tasksCache = new Map<VirtualhomeSplit, readonly VirtualhomeTask[]>();

/** The task keys listed in `data/reconstructed-tasks.json` (written by `scripts/build-reconstructed.ts`). */
function loadReconstructedKeys(): ReadonlySet<string> {
  const value = readPackageJson('reconstructed-tasks.json');
  if (!Array.isArray(value) || !value.every((key) => typeof key === 'string')) {
    throw new VirtualhomeDataError({
      source: 'data/reconstructed-tasks.json',
      reason: 'expected an array of task keys',
    });
  }
  return new Set(value as string[]);
}

/**
 * The 247 test tasks of a split in file order, typed and tagged.
 *
 * @remarks
 * Throws {@link VirtualhomeDataError} naming the file line when a record lacks a key or a field has
 * the wrong type.
 */
export function loadVirtualhomeTasks(split: VirtualhomeSplit): readonly VirtualhomeTask[] {
  const cached = tasksCache.get(split);
  if (cached !== undefined) return cached;
  const exact = loadExactInitialGraphIndex();
  const reconstructed = loadReconstructedKeys();
  const source = `data/tasks/${split}.jsonl.br`;
  const tasks = loadTaskRecords(split).map(({ line, record }) => {
    const fail = (reason: string): never => {
      throw new VirtualhomeDataError({ source, line, reason });
    };
    const keys = Object.keys(record);
    if (
      keys.length !== RECORD_KEYS.length ||
      RECORD_KEYS.some((key, index) => keys[index] !== key)
    ) {
      fail(`keys ${keys.join(', ')}; expected ${RECORD_KEYS.join(', ')}`);
    }
    for (const key of ['task', 'description', 'steps', 'path', 'id'] as const) {
      if (typeof record[key] !== 'string') fail(`${key} is not a string`);
    }
    for (const key of [
      'new_program_lines',
      'action_list',
      'ObserANDState',
      'FailReasons',
    ] as const) {
      if (!isStringArray(record[key])) fail(`${key} is not a list of strings`);
    }
    const flags = record.SuccessOrFail;
    if (!Array.isArray(flags) || !flags.every((flag) => typeof flag === 'boolean')) {
      fail('SuccessOrFail is not a list of booleans');
    }
    const goal = record.revised_graph as Record<string, unknown> | null;
    if (
      goal === null ||
      typeof goal !== 'object' ||
      !Array.isArray(goal.nodes) ||
      !Array.isArray(goal.revised_nodes) ||
      !Array.isArray(goal.revised_add_edges)
    ) {
      fail('revised_graph is not {nodes, revised_nodes, revised_add_edges}');
    }
    const ids = record.object_id_dict;
    if (
      ids === null ||
      typeof ids !== 'object' ||
      !Object.values(ids).every((value) => Number.isInteger(value))
    ) {
      fail('object_id_dict is not a map of class names to node ids');
    }
    const taskKey = virtualhomeTaskKey(split, line);
    return Object.freeze({
      taskKey,
      split,
      line,
      tag: exact.has(taskKey)
        ? ('exact' as const)
        : reconstructed.has(taskKey)
          ? ('reconstructed' as const)
          : ('unavailable' as const),
      record: record as unknown as VirtualhomeTaskRecord,
    });
  });
  const frozen = Object.freeze(tasks);
  tasksCache.set(split, frozen);
  return frozen;
}

/** The task with key `<split>:<line>`. Throws {@link InvalidArgumentError} for an unknown key. */
export function getVirtualhomeTask(taskKey: string): VirtualhomeTask {
  const [split, lineText] = taskKey.split(':');
  const known = (VIRTUALHOME_SPLITS as readonly string[]).includes(split ?? '');
  const task = known
    ? loadVirtualhomeTasks(split as VirtualhomeSplit).find(
        (entry) => String(entry.line) === lineText,
      )
    : undefined;
  if (task === undefined) {
    throw new InvalidArgumentError({
      field: 'taskKey',
      reason: `no task ${JSON.stringify(taskKey)} (expected <split>:<line>, split one of ${VIRTUALHOME_SPLITS.join(', ')})`,
    });
  }
  return task;
}

/** Task counts per split and tag. */
export function countVirtualhomeTasks(): Readonly<
  Record<VirtualhomeSplit, Readonly<Record<VirtualhomeTaskTag | 'total', number>>>
> {
  const result = {} as Record<VirtualhomeSplit, Record<VirtualhomeTaskTag | 'total', number>>;
  for (const split of VIRTUALHOME_SPLITS) {
    const counts = { total: 0, exact: 0, reconstructed: 0, unavailable: 0 };
    for (const task of loadVirtualhomeTasks(split)) {
      counts.total += 1;
      counts[task.tag] += 1;
    }
    result[split] = counts;
  }
  return result;
}
