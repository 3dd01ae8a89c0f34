import { beforeAll, describe, expect, it } from 'vitest';
import { renderSpaAction, toSpaScriptLine } from './actions';
import { loadDatasetInitGraph, loadDatasetPrograms, VirtualhomeDataError } from './data';
import { compileGoal, computeRevisedGraph } from './goal';
import {
  EnvironmentGraph,
  executeScriptLine,
  parseScriptLine,
  removeDuplicateEdges,
} from './sim/index';
import { loadVirtualhomeTasks } from './tasks';
import {
  datasetScriptLines,
  loadTrainSplitFile,
  loadVirtualhomeTrainTasks,
  parseTrainSplit,
  sequenceWithoutIds,
  trainSplitReport,
  VIRTUALHOME_TRAIN_LEVELS,
  type VirtualhomeTrainTask,
} from './train-split';

const testRecords = (['new_seen_test', 'new_unseen_test'] as const).flatMap((split) =>
  loadVirtualhomeTasks(split).map((task) => task.record),
);
const titleKey = (task: string, description: string): string =>
  `${task}\n${description}`.toLowerCase();

/**
 * Measured with the packaged data and simulator (`trainSplitReport`). A change here means the
 * simulator or the data changed which programs replay: check the report's `dropped` list.
 */
const EXPECTED = {
  minimal: {
    listed: 444,
    ambiguous: 23,
    noTemplate: 0,
    failing: 27,
    alreadySatisfied: 0,
    kept: 394,
    failingActions: { PUTBACK: 11, POUR: 8, PUTIN: 5, CLOSE: 2, GRAB: 1 },
  },
  recommended: {
    listed: 348,
    ambiguous: 23,
    noTemplate: 0,
    failing: 23,
    alreadySatisfied: 0,
    kept: 302,
    failingActions: { PUTBACK: 8, POUR: 8, PUTIN: 4, CLOSE: 2, GRAB: 1 },
  },
  strict: {
    listed: 308,
    ambiguous: 23,
    noTemplate: 0,
    failing: 21,
    alreadySatisfied: 0,
    kept: 264,
    failingActions: { PUTBACK: 8, POUR: 8, PUTIN: 2, CLOSE: 2, GRAB: 1 },
  },
} as const;

describe('VirtualHome training split: data/train-split.json', () => {
  it('lists 444 / 348 / 308 files, nested, and accounts for all 518 programs', () => {
    const split = loadTrainSplitFile();
    expect(split.levels.minimal).toHaveLength(444);
    expect(split.levels.recommended).toHaveLength(348);
    expect(split.levels.strict).toHaveLength(308);
    const minimal = new Set(split.levels.minimal);
    const recommended = new Set(split.levels.recommended);
    expect(split.levels.recommended.every((file) => minimal.has(file))).toBe(true);
    expect(split.levels.strict.every((file) => recommended.has(file))).toBe(true);
    // Every program is either kept at `strict` or excluded, with reasons naming the first level
    // that drops it.
    const all = loadDatasetPrograms().map((program) => program.file);
    const excluded = new Map(split.excluded.map((entry) => [entry.file, entry.reasons]));
    const strict = new Set(split.levels.strict);
    expect(all.filter((file) => strict.has(file) === excluded.has(file))).toEqual([]);
    expect(excluded.size).toBe(518 - 308);
    for (const [file, reasons] of excluded) {
      const first = minimal.has(file)
        ? recommended.has(file)
          ? 'strict'
          : 'recommended'
        : 'minimal';
      expect(reasons.some((reason) => reason.startsWith(`${first}: `))).toBe(true);
    }
    // Same order as the packaged programs (numeric by file name).
    const order = new Map(all.map((file, index) => [file, index]));
    for (const level of VIRTUALHOME_TRAIN_LEVELS) {
      const positions = split.levels[level].map((file) => order.get(file) ?? -1);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('rejects a malformed file with VirtualhomeDataError naming the file and field', () => {
    const good = { levels: { minimal: ['file1_1'], recommended: [], strict: [] }, excluded: [] };
    expect(parseTrainSplit(good, 'x.json').levels.minimal).toEqual(['file1_1']);
    const cases: [unknown, RegExp][] = [
      [[], /\(root\)/],
      [{ excluded: [] }, /levels/],
      [{ ...good, levels: { ...good.levels, strict: 'file1_1' } }, /levels\.strict/],
      [{ ...good, levels: { ...good.levels, minimal: ['file1_1', 7] } }, /levels\.minimal\[1\]/],
      [{ ...good, levels: { ...good.levels, minimal: ['a.txt'] } }, /levels\.minimal\[0\]/],
      [{ ...good, levels: { ...good.levels, minimal: ['file1_1', 'file1_1'] } }, /duplicate/],
      [{ ...good, levels: { ...good.levels, strict: ['file2_1'] } }, /levels\.strict.*file2_1/],
      [{ ...good, excluded: {} }, /excluded/],
      [{ ...good, excluded: [{ file: 'file2_1', reasons: [3] }] }, /excluded\[0\]/],
    ];
    for (const [value, field] of cases) {
      let caught: unknown;
      try {
        parseTrainSplit(value, '/pkg/data/train-split.json');
      } catch (error) {
        caught = error;
      }
      expect(VirtualhomeDataError.isInstance(caught)).toBe(true);
      expect((caught as Error).message).toMatch(/\/pkg\/data\/train-split\.json/);
      expect((caught as Error).message).toMatch(field);
    }
  });
});

describe('VirtualHome training tasks', () => {
  // Loading replays every listed program once (421 replays for `minimal`, the superset; about
  // 40 ms each, mostly `EnvironmentGraph.clone()` inside `executeScriptLine`): do it once here.
  beforeAll(() => {
    for (const level of VIRTUALHOME_TRAIN_LEVELS) loadVirtualhomeTrainTasks(level);
  }, 120_000);

  it('keeps the measured counts at every level', () => {
    for (const level of VIRTUALHOME_TRAIN_LEVELS) {
      const { dropped, level: reported, ...counts } = trainSplitReport(level);
      expect(reported).toBe(level);
      expect(counts).toEqual(EXPECTED[level]);
      expect(loadVirtualhomeTrainTasks(level)).toHaveLength(EXPECTED[level].kept);
      expect(dropped).toHaveLength(EXPECTED[level].listed - EXPECTED[level].kept);
    }
    // Default level and caching.
    expect(loadVirtualhomeTrainTasks()).toBe(loadVirtualhomeTrainTasks('recommended'));
  });

  it('shares no program with a test task, nor (title, description) from `recommended` on', () => {
    const programs = new Set(testRecords.map((record) => record.new_program_lines.join('\n')));
    const titles = new Set(testRecords.map((record) => titleKey(record.task, record.description)));
    const sequences = new Set(
      testRecords.map((record) => sequenceWithoutIds(record.new_program_lines).join('\n')),
    );
    const clash = (
      tasks: readonly VirtualhomeTrainTask[],
      test: (t: VirtualhomeTrainTask) => boolean,
    ) => tasks.filter(test).map((task) => task.file);
    for (const level of VIRTUALHOME_TRAIN_LEVELS) {
      const tasks = loadVirtualhomeTrainTasks(level);
      expect(clash(tasks, (task) => programs.has(task.new_program_lines.join('\n')))).toEqual([]);
      if (level === 'minimal') continue;
      expect(clash(tasks, (task) => titles.has(titleKey(task.task, task.description)))).toEqual([]);
      if (level === 'recommended') continue;
      const same = (task: VirtualhomeTrainTask) =>
        sequences.has(sequenceWithoutIds(task.new_program_lines).join('\n'));
      expect(clash(tasks, same)).toEqual([]);
    }
  });

  it('builds records by the rules of the test records (data README, "Task records")', () => {
    const programs = new Map(loadDatasetPrograms().map((entry) => [entry.file, entry.program]));
    let roundTrips = 0;
    let steps = 0;
    for (const task of loadVirtualhomeTrainTasks('minimal')) {
      expect(task.taskKey).toBe(`train:${task.file}`);
      expect(task.path).toBe(
        `executable_programs/TrimmedTestScene1_graph/results_intentions_march-13-18/${task.file}.txt`,
      );
      const [title, description, , , ...script] = (programs.get(task.file) ?? '').split('\n');
      expect([task.task, task.description]).toEqual([title, description]);
      expect(task.new_program_lines).toEqual(datasetScriptLines(script.filter((line) => line)));
      expect(task.new_program_lines.join('\n')).not.toMatch(/\(\d+\.\d+\)/);
      expect(task.action_list).toHaveLength(task.new_program_lines.length);
      const ids: Record<string, number> = {};
      for (const [i, line] of task.new_program_lines.entries()) {
        const script = parseScriptLine(line);
        const names = script.parameters.map((parameter) => parameter.name);
        const action = task.action_list[i] ?? '';
        expect(action).toBe(renderSpaAction(script.action, names));
        expect(action.charAt(0)).toBe(action.charAt(0).toUpperCase());
        // SPA's parser reads the rendered action back as the same line with ids `(1)`.
        const parsed = toSpaScriptLine(action);
        if (parsed?.matchedTemplate && parsed.line === line.replace(/\(\d+\)/g, '(1)')) {
          roundTrips += 1;
        }
        for (const { name, instance } of script.parameters) ids[name] = instance;
        steps += 1;
      }
      expect(task.steps).toBe(task.action_list.map((a, i) => `Step ${i + 1}: ${a}`).join('\n'));
      // One id per class (ambiguous files are dropped), so the last id seen is the only one.
      expect(task.object_id_dict).toEqual(ids);
      for (const line of task.new_program_lines) {
        for (const { name, instance } of parseScriptLine(line).parameters) {
          expect(task.object_id_dict[name]).toBe(instance);
        }
      }
    }
    expect(roundTrips).toBe(steps);
  });

  it('replays the gold program from the dataset init graph to its goal (every 8th task)', () => {
    const tasks = loadVirtualhomeTrainTasks('minimal');
    const failures: string[] = [];
    let checked = 0;
    for (let index = 0; index < tasks.length; index += 8) {
      const task = tasks[index] as VirtualhomeTrainTask;
      const init = loadDatasetInitGraph(task.file);
      const start = EnvironmentGraph.fromJson({
        nodes: init.nodes,
        edges: removeDuplicateEdges(init.edges),
      });
      let graph = start;
      for (const line of task.new_program_lines) {
        const result = executeScriptLine(graph, line);
        if (!result.success) failures.push(`${task.file}: ${line}: ${result.message}`);
        graph = result.graph;
      }
      const goal = compileGoal(task.revised_graph);
      if (goal.isSatisfied(start)) failures.push(`${task.file}: goal holds at the start`);
      if (!goal.isSatisfied(graph)) failures.push(`${task.file}: ${goal.unmet(graph).join('; ')}`);
      expect(task.revised_graph).toEqual(computeRevisedGraph(start, graph));
      expect(goal.size).toBeGreaterThan(0);
      checked += 1;
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(Math.ceil(tasks.length / 8));
  });

  it('reports why each listed file is dropped', () => {
    const report = trainSplitReport('minimal');
    const byReason = (reason: string) =>
      report.dropped.filter((drop) => drop.reason === reason).map((drop) => drop.file);
    expect(byReason('ambiguous')).toContain('file120_1'); // light 245 and 411
    expect(byReason('failing')).toContain('file89_1'); // PUTIN into the freezer, not close
    const kept = new Set(loadVirtualhomeTrainTasks('minimal').map((task) => task.file));
    for (const drop of report.dropped) expect(kept.has(drop.file)).toBe(false);
  });
});
