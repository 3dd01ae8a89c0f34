/**
 * A training split for SPA-RL's VirtualHome environment, built from the scene-1 programs of the
 * VirtualHome program dataset, since SPA-RL's own training files are not public.
 *
 * @remarks
 * Sources: the shared data README (`data/virtualhome/README.md`, sections "Suggested training
 * split from the 518 scene-1 programs", "Task records", "Program dataset files", "What is not
 * available") and the research note `research/virtualhome.md` (§1.4 action templates, §1.8
 * `remove_duplicate_edge`, §3.1–3.3 task origin, record format and `revised_graph`). The file
 * lists per exclusion level are written by `scripts/build-train-split.ts`; the filters that need
 * the simulator run here, at load time, so they follow the simulator as it is.
 */
import { renderSpaAction } from './actions';
import {
  buildDatasetInitGraph,
  type DatasetProgram,
  loadDatasetPrograms,
  VirtualhomeDataError,
} from './data';
import { packageDataPath, readPackageJson } from './data-files';
import { compileGoal, computeRevisedGraph, type RevisedGraph } from './goal';
import {
  EnvironmentGraph,
  executeScriptLine,
  parseScriptLine,
  removeDuplicateEdges,
  type ScriptLine,
} from './sim/index';

/**
 * How strictly the training split keeps away from the test tasks (shared data README, "Suggested
 * training split from the 518 scene-1 programs", steps 1–3); each level includes the previous one.
 *
 * - `minimal`: no file named by the init-graph index for a test task, and no file whose program
 *   (ids as `(N)`) equals a test task's `new_program_lines` (444 of 518 files remain);
 * - `recommended`: also no file whose (title, description) equals, ignoring case, a test task's
 *   (348 remain); such a file is most likely the scene-1 instance of a test task from another
 *   scene;
 * - `strict`: also no file whose action/object sequence without ids (`[WALK] <home_office>` …)
 *   equals a test program's (308 remain).
 *
 * Titles cannot be kept apart at any level: 517 of the 518 files share a title with a test task,
 * so every level is "seen"-like in titles (README step 4).
 */
export type VirtualhomeTrainLevel = 'minimal' | 'recommended' | 'strict';

/** The levels from the loosest to the strictest. */
export const VIRTUALHOME_TRAIN_LEVELS: readonly VirtualhomeTrainLevel[] = Object.freeze([
  'minimal',
  'recommended',
  'strict',
] as const);

/**
 * A training task built from one scene-1 program of the VirtualHome program dataset, in the
 * format of SPA's task records (research note §3.2) minus the expert observations.
 *
 * @remarks
 * The initial graph is the program's dataset `init_graph` (`loadDatasetInitGraph(file)`); an
 * environment runs `remove_duplicate_edge` on it first, as for the test tasks (research note §1.8).
 */
export interface VirtualhomeTrainTask {
  /** `train:<file>`, e.g. `train:file3_1`. */
  readonly taskKey: string;
  /** The dataset file name without extension, e.g. `file3_1`. */
  readonly file: string;
  /** The program's title (its first line), e.g. "Relax on sofa". */
  readonly task: string;
  /** The program's description (its second line). */
  readonly description: string;
  /** The gold script with node ids as `(N)`, e.g. `[WALK] <home_office> (319)`. */
  readonly new_program_lines: readonly string[];
  /** The gold actions in SPA's natural language, e.g. `Walk to home office`. */
  readonly action_list: readonly string[];
  /** `"Step 1: <action_list[0]>\nStep 2: …"`. */
  readonly steps: string;
  /** Script class name → node id over the program's objects (one id per class). */
  readonly object_id_dict: Readonly<Record<string, number>>;
  /** The goal: the diff that the gold program makes, as SPA computed `revised_graph` (§3.3). */
  readonly revised_graph: RevisedGraph;
  /** `executable_programs/TrimmedTestScene1_graph/results_intentions_march-13-18/<file>.txt`. */
  readonly path: string;
}

/** Why a listed file yields no training task (see {@link trainSplitReport}). */
export type VirtualhomeTrainDropReason =
  | 'ambiguous'
  | 'no-template'
  | 'failing'
  | 'already-satisfied';

/** A listed file that yields no training task, and why. */
export interface VirtualhomeTrainDrop {
  readonly file: string;
  readonly reason: VirtualhomeTrainDropReason;
  /** E.g. the class with two ids, the action without a template, or the failing line and message. */
  readonly detail: string;
}

/** What the load-time filters did to one level's file list. */
export interface VirtualhomeTrainSplitReport {
  readonly level: VirtualhomeTrainLevel;
  /** Files listed for the level in `data/train-split.json`. */
  readonly listed: number;
  /** Dropped: a class occurs with two different ids, so `object_id_dict` would be ambiguous. */
  readonly ambiguous: number;
  /** Dropped: an action without an SPA template (the agent could never say it). */
  readonly noTemplate: number;
  /** Dropped: a script line fails when the program is replayed from its initial graph. */
  readonly failing: number;
  /** Dropped: the goal already holds in the initial graph (an empty or no-op goal). */
  readonly alreadySatisfied: number;
  /** Training tasks made. */
  readonly kept: number;
  /** For the failing programs: the action of the first failing line → number of programs. */
  readonly failingActions: Readonly<Record<string, number>>;
  /** Every dropped file, in list order. */
  readonly dropped: readonly VirtualhomeTrainDrop[];
}

/** A training file's parts, from the dataset's `.txt` layout. */
export interface DatasetProgramParts {
  readonly title: string;
  readonly description: string;
  /** Script lines as written in the file, ids as `(k.N)`. */
  readonly script: readonly string[];
}

const SPLIT_FILE = 'train-split.json';
const PROGRAM_FOLDER = 'executable_programs/TrimmedTestScene1_graph/results_intentions_march-13-18';

/**
 * Splits a dataset program file (shared data README, "Program dataset files"): line 1 the title,
 * line 2 the description, two empty lines, then one script line per line (trailing empty lines
 * ignored). Throws {@link VirtualhomeDataError} naming `source` when the layout differs.
 */
export function parseDatasetProgram(text: string, source: string): DatasetProgramParts {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const [title, description, blank1, blank2, ...script] = lines;
  if (
    title === undefined ||
    description === undefined ||
    blank1 !== '' ||
    blank2 !== '' ||
    script.length === 0 ||
    script.some((line) => line.trim() === '')
  ) {
    throw new VirtualhomeDataError({
      source,
      reason: 'expected title, description, two empty lines, then script lines',
    });
  }
  return { title, description, script };
}

/**
 * The dataset's script lines with each instance `(k.N)` (script instance k bound to node N)
 * rewritten as SPA's `(N)`, e.g. `[WALK] <couch> (1.352)` → `[WALK] <couch> (352)`.
 */
export function datasetScriptLines(script: readonly string[]): string[] {
  return script.map((line) => line.trim().replace(/\(\s*\d+\s*\.\s*(\d+)\s*\)/g, '($1)'));
}

/** Script lines with the instances removed, e.g. `[WALK] <home_office> (319)` → `[WALK] <home_office>`. */
export function sequenceWithoutIds(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(/\s*\([^()]*\)/g, '').trim());
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The parsed `data/train-split.json`. */
export interface VirtualhomeTrainSplitFile {
  readonly levels: Readonly<Record<VirtualhomeTrainLevel, readonly string[]>>;
  readonly excluded: readonly { readonly file: string; readonly reasons: readonly string[] }[];
}

/**
 * Checks the JSON of `data/train-split.json` (written by `scripts/build-train-split.ts`). Throws
 * {@link VirtualhomeDataError} naming `source` and the offending field, e.g. `levels.strict[3]`.
 */
export function parseTrainSplit(value: unknown, source: string): VirtualhomeTrainSplitFile {
  const fail = (field: string, reason: string): never => {
    throw new VirtualhomeDataError({ source, reason: `${field}: ${reason}` });
  };
  if (!isObject(value)) return fail('(root)', 'expected an object {levels, excluded}');
  const { levels, excluded } = value;
  if (!isObject(levels)) return fail('levels', 'expected an object of file lists');
  const out = {} as Record<VirtualhomeTrainLevel, readonly string[]>;
  for (const level of VIRTUALHOME_TRAIN_LEVELS) {
    const files = levels[level];
    if (!Array.isArray(files)) return fail(`levels.${level}`, 'expected an array of file names');
    const seen = new Set<string>();
    for (const [index, file] of files.entries()) {
      if (typeof file !== 'string' || !/^file\d+_\d+$/.test(file)) {
        fail(
          `levels.${level}[${index}]`,
          `expected a file name like file3_1, got ${JSON.stringify(file)}`,
        );
      }
      if (seen.has(file)) fail(`levels.${level}[${index}]`, `duplicate file ${file}`);
      seen.add(file);
    }
    out[level] = Object.freeze([...(files as string[])]);
  }
  for (const [rank, level] of VIRTUALHOME_TRAIN_LEVELS.entries()) {
    const looser = VIRTUALHOME_TRAIN_LEVELS[rank - 1];
    if (looser === undefined) continue;
    const allowed = new Set(out[looser]);
    const stray = out[level].find((file) => !allowed.has(file));
    if (stray !== undefined) fail(`levels.${level}`, `${stray} is not in levels.${looser}`);
  }
  if (!Array.isArray(excluded)) return fail('excluded', 'expected an array of {file, reasons}');
  for (const [index, entry] of excluded.entries()) {
    if (
      !isObject(entry) ||
      typeof entry.file !== 'string' ||
      !Array.isArray(entry.reasons) ||
      !entry.reasons.every((reason) => typeof reason === 'string')
    ) {
      fail(`excluded[${index}]`, 'expected {file: string, reasons: string[]}');
    }
  }
  return {
    levels: Object.freeze(out),
    excluded: excluded as VirtualhomeTrainSplitFile['excluded'],
  };
}

let splitCache: VirtualhomeTrainSplitFile | undefined;

/** Reads and checks `data/train-split.json` from the package folder (cached). */
export function loadTrainSplitFile(): VirtualhomeTrainSplitFile {
  if (splitCache !== undefined) return splitCache;
  splitCache = parseTrainSplit(readPackageJson(SPLIT_FILE), packageDataPath(SPLIT_FILE));
  return splitCache;
}

type BuildResult =
  | { readonly kind: 'task'; readonly task: VirtualhomeTrainTask }
  | { readonly kind: 'drop'; readonly drop: VirtualhomeTrainDrop; readonly action?: string };

const buildCache = new Map<string, BuildResult>();
let programsByFile: ReadonlyMap<string, DatasetProgram> | undefined;

/** Deep-freezes a JSON value (goal dicts) so cached tasks cannot be altered by callers. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** Builds the training task of one dataset file, or says why there is none (cached per file). */
function buildTask(file: string): BuildResult {
  const cached = buildCache.get(file);
  if (cached !== undefined) return cached;
  programsByFile ??= new Map(loadDatasetPrograms().map((entry) => [entry.file, entry]));
  const program = programsByFile.get(file);
  if (program === undefined) {
    throw new VirtualhomeDataError({
      source: `data/${SPLIT_FILE}`,
      reason: `levels: ${file} is not one of the packaged dataset programs`,
    });
  }
  const source = `data/dataset-programs-scene1.jsonl.br (${file})`;
  const result = buildFromProgram(program, source);
  buildCache.set(file, result);
  return result;
}

function buildFromProgram(program: DatasetProgram, source: string): BuildResult {
  const file = program.file;
  const drop = (reason: VirtualhomeTrainDropReason, detail: string, action?: string) =>
    ({
      kind: 'drop',
      drop: Object.freeze({ file, reason, detail }),
      ...(action === undefined ? {} : { action }),
    }) as const;
  const parts = parseDatasetProgram(program.program, source);
  const lines = datasetScriptLines(parts.script);
  let scripts: ScriptLine[];
  try {
    scripts = lines.map((line) => parseScriptLine(line));
  } catch (error) {
    throw new VirtualhomeDataError({
      source,
      reason: 'a script line does not parse',
      cause: error,
    });
  }

  // object_id_dict: class → id over the program's objects; a class with two ids is ambiguous.
  const ids: Record<string, number> = {};
  for (const script of scripts) {
    for (const { name, instance } of script.parameters) {
      const known = ids[name];
      if (known !== undefined && known !== instance) {
        return drop('ambiguous', `${name} has ids ${known} and ${instance}`);
      }
      ids[name] = instance;
    }
  }

  const actions: string[] = [];
  for (const script of scripts) {
    const names = script.parameters.map((parameter) => parameter.name);
    const action = renderSpaAction(script.action, names);
    if (action === undefined) return drop('no-template', script.action, script.action);
    actions.push(action);
  }

  const init = buildDatasetInitGraph(file);
  const start = EnvironmentGraph.fromJson({
    nodes: init.nodes,
    edges: removeDuplicateEdges(init.edges),
  });
  const graph = start.clone();
  for (const [index, script] of scripts.entries()) {
    const outcome = executeScriptLine(graph, script, { inPlace: true });
    if (!outcome.success) {
      return drop(
        'failing',
        `line ${index + 1} ${lines[index]}: ${outcome.message ?? 'failed'}`,
        script.action,
      );
    }
  }
  const revised = computeRevisedGraph(start, graph);
  if (compileGoal(revised).isSatisfied(start)) {
    return drop('already-satisfied', 'the gold program changes nothing that the goal checks');
  }
  const task: VirtualhomeTrainTask = {
    taskKey: `train:${file}`,
    file,
    task: parts.title,
    description: parts.description,
    new_program_lines: Object.freeze(lines),
    action_list: Object.freeze(actions),
    steps: actions.map((action, index) => `Step ${index + 1}: ${action}`).join('\n'),
    object_id_dict: Object.freeze(ids),
    revised_graph: deepFreeze(revised),
    path: `${PROGRAM_FOLDER}/${file}.txt`,
  };
  return { kind: 'task', task: Object.freeze(task) };
}

function checkLevel(level: VirtualhomeTrainLevel): void {
  if (!(VIRTUALHOME_TRAIN_LEVELS as readonly string[]).includes(level)) {
    throw new VirtualhomeDataError({
      source: `data/${SPLIT_FILE}`,
      reason: `no level ${JSON.stringify(level)}; expected one of ${VIRTUALHOME_TRAIN_LEVELS.join(', ')}`,
    });
  }
}

const tasksCache = new Map<VirtualhomeTrainLevel, readonly VirtualhomeTrainTask[]>();

/**
 * The VirtualHome training tasks at an exclusion level, in the order of `data/train-split.json`
 * (numeric by file name).
 *
 * @remarks
 * SPA-RL's own training files (`new_train_sft.json`, `new_train_conversation.jsonl`) are not
 * public (shared data README, "What is not available"), so the training tasks are built from the
 * 518 scene-1 programs of the VirtualHome program dataset (Liao et al., CVPR 2019; research note
 * §3.1) that survive the level's exclusions (see {@link VirtualhomeTrainLevel}), following the
 * README's step 6 and the regularities of the test records ("Task records"):
 *
 * - `task`/`description`: lines 1–2 of the program file; `new_program_lines`: the script with
 *   `(k.N)` → `(N)`;
 * - files where a class occurs with two ids are skipped (their `object_id_dict` would be
 *   ambiguous; never the case in the test records);
 * - the program is replayed from its dataset `init_graph` after `remove_duplicate_edge` with the
 *   fixed simulator (research note §1.8, §2.7); a program with a failing line is dropped;
 * - `revised_graph` = {@link computeRevisedGraph} of the start and end states (research note
 *   §3.3; not the dataset's `final_graph`); a goal already satisfied at the start is dropped;
 * - `action_list[i]` = {@link renderSpaAction} of line i (SPA's template filled with the class
 *   names, `_` → space, first letter upper-cased; research note §1.4); a program with an action
 *   that has no SPA template is dropped; `steps` = `Step 1: …\nStep 2: …`.
 *
 * The first call replays every listed program (each rebuilt from its diff, cleaned up and run).
 * Results are cached per file and per level. Throws {@link VirtualhomeDataError}
 * when `data/train-split.json` or a program is malformed.
 */
export function loadVirtualhomeTrainTasks(
  level: VirtualhomeTrainLevel = 'recommended',
): readonly VirtualhomeTrainTask[] {
  checkLevel(level);
  const cached = tasksCache.get(level);
  if (cached !== undefined) return cached;
  const tasks: VirtualhomeTrainTask[] = [];
  for (const file of loadTrainSplitFile().levels[level]) {
    const result = buildTask(file);
    if (result.kind === 'task') tasks.push(result.task);
  }
  const frozen = Object.freeze(tasks);
  tasksCache.set(level, frozen);
  return frozen;
}

/**
 * What the load-time filters of {@link loadVirtualhomeTrainTasks} do at `level`: how many files
 * are listed, dropped for each reason and kept, and which actions fail.
 */
export function trainSplitReport(
  level: VirtualhomeTrainLevel = 'recommended',
): VirtualhomeTrainSplitReport {
  checkLevel(level);
  const dropped: VirtualhomeTrainDrop[] = [];
  const failingActions: Record<string, number> = {};
  const files = loadTrainSplitFile().levels[level];
  let kept = 0;
  for (const file of files) {
    const result = buildTask(file);
    if (result.kind === 'task') {
      kept += 1;
      continue;
    }
    dropped.push(result.drop);
    if (result.drop.reason === 'failing' && result.action !== undefined) {
      failingActions[result.action] = (failingActions[result.action] ?? 0) + 1;
    }
  }
  const count = (reason: VirtualhomeTrainDropReason) =>
    dropped.filter((drop) => drop.reason === reason).length;
  return Object.freeze({
    level,
    listed: files.length,
    ambiguous: count('ambiguous'),
    noTemplate: count('no-template'),
    failing: count('failing'),
    alreadySatisfied: count('already-satisfied'),
    kept,
    failingActions: Object.freeze(failingActions),
    dropped: Object.freeze(dropped),
  });
}
