import { InvalidArgumentError } from '@spa/core';
import { describe, expect, it } from 'vitest';
import { loadExactInitialGraphIndex } from './data';
import {
  detectScene,
  inferInitialStates,
  loadReconstructedInitialGraph,
  matchingScenes,
  observedItems,
  reconstructAndValidate,
  reconstructedTaskKeys,
  reconstructInitialGraph,
  validateInitialGraph,
} from './reconstruct';
import { parseScriptLine } from './sim/index';
import { getVirtualhomeTask, loadVirtualhomeTasks, type VirtualhomeTaskRecord } from './tasks';

const program = (...lines: string[]) => lines.map((line) => parseScriptLine(line));
const sorted = (set: ReadonlySet<string> | undefined) => [...(set ?? [])].sort();
const edge = (from: number, relation: string, to: number) => ({
  from_id: from,
  relation_type: relation,
  to_id: to,
});

/** Measured with `scripts/build-reconstructed.ts` (method run on the exact tasks, graph ignored). */
const EXACT_TASKS_PASSING = 52;
/** Passing pending tasks: 205 of 222 seen + 200 of 217 unseen. */
const RECONSTRUCTED_TASKS = 405;

describe('detectScene', () => {
  it('finds the one scene whose ids and classes agree with the record', () => {
    // Seen line 16: dining_room 163, sink 193, faucet 194 and character 162 are scene 6.
    const record = getVirtualhomeTask('new_seen_test:16').record;
    expect(matchingScenes(record)).toEqual([6]);
    expect(detectScene(record)).toBe(6);
  });

  it('assigns every one of the 494 test tasks to exactly one scene', () => {
    const counts = new Map<number, number>();
    for (const split of ['new_seen_test', 'new_unseen_test'] as const) {
      for (const task of loadVirtualhomeTasks(split)) {
        const scene = detectScene(task.record);
        counts.set(scene, (counts.get(scene) ?? 0) + 1);
      }
    }
    // Research note §3.4: seen 34/32/28/41/23/33/56 + unseen 41/24/42/24/26/29/61.
    expect(Object.fromEntries([...counts].sort((a, b) => a[0] - b[0]))).toEqual({
      1: 75,
      2: 56,
      3: 70,
      4: 65,
      5: 49,
      6: 62,
      7: 117,
    });
  });

  it('puts every exact task in scene 1 (their dataset graphs are scene-1 files)', () => {
    for (const key of loadExactInitialGraphIndex().keys()) {
      expect(detectScene(getVirtualhomeTask(key).record)).toBe(1);
    }
  });

  it('throws InvalidArgumentError when no scene matches', () => {
    const record = {
      ...getVirtualhomeTask('new_seen_test:16').record,
      object_id_dict: { no_such_class: 1 },
    } as VirtualhomeTaskRecord;
    expect(() => detectScene(record)).toThrow(InvalidArgumentError);
    expect(() => reconstructInitialGraph(record)).toThrow(/no base scene/);
  });
});

describe('inferInitialStates', () => {
  it('undoes switch and open effects backwards', () => {
    const lines = program(
      '[SWITCHON] <tv> (5)',
      '[OPEN] <fridge> (6)',
      '[CLOSE] <fridge> (6)',
      '[SWITCHOFF] <lamp> (7)',
    );
    const final = new Map([
      [5, new Set(['ON', 'CLEAN'])],
      [6, new Set(['CLOSED'])],
      [7, new Set(['OFF'])],
    ]);
    const initial = inferInitialStates(lines, final, new Set([5, 7]), 1);
    expect(sorted(initial.get(5))).toEqual(['CLEAN', 'OFF']);
    expect(sorted(initial.get(6))).toEqual(['CLOSED']);
    expect(sorted(initial.get(7))).toEqual(['ON']);
  });

  it('makes a washed goal node start DIRTY and a washed other node a no-op', () => {
    const lines = program('[WASH] <plate> (5)', '[WIPE] <table> (6)');
    const final = new Map([
      [5, new Set(['CLEAN'])],
      [6, new Set<string>()],
    ]);
    const initial = inferInitialStates(lines, final, new Set([5]), 1);
    expect(sorted(initial.get(5))).toEqual(['DIRTY']);
    expect(sorted(initial.get(6))).toEqual(['CLEAN']);
  });

  it('infers the character resting state before STANDUP and SIT', () => {
    const wake = program('[WAKEUP]', '[STANDUP]', '[WALK] <bathroom> (2)');
    expect(sorted(inferInitialStates(wake, new Map(), new Set([1]), 1).get(1))).toEqual(['LYING']);
    const stand = program('[STANDUP]', '[WALK] <bathroom> (2)');
    expect(sorted(inferInitialStates(stand, new Map(), new Set([1]), 1).get(1))).toEqual([
      'SITTING',
    ]);
    const sit = program('[WALK] <chair> (3)', '[SIT] <chair> (3)');
    const final = new Map([[1, new Set(['SITTING'])]]);
    expect(sorted(inferInitialStates(sit, final, new Set([1]), 1).get(1))).toEqual([]);
  });

  it('opens a container that PUTIN needs open', () => {
    const lines = program('[PUTIN] <cup> (5) <cabinet> (6)');
    const final = new Map([[6, new Set(['CLOSED'])]]);
    const initial = inferInitialStates(lines, final, new Set(), 1, (id, property) => {
      return id === 6 && property === 'CAN_OPEN';
    });
    expect(sorted(initial.get(6))).toEqual(['OPEN']);
  });
});

describe('observedItems', () => {
  it('reads classes and states, skipping relations and held objects', () => {
    const record = {
      ObserANDState: [
        '',
        'box is OPEN and CLEAN, cup is CLEAN, cup ON table. You have cup. ',
        'character, box is OPEN and CLEAN. ',
      ],
    } as unknown as VirtualhomeTaskRecord;
    expect(observedItems(record)).toEqual([
      { className: 'box', states: ['OPEN', 'CLEAN'] },
      { className: 'cup', states: ['CLEAN'] },
      { className: 'character', states: [] },
    ]);
  });
});

describe('reconstructInitialGraph on real tasks', () => {
  it('places objects from removed edges and keeps base edges in base order', () => {
    // Seen line 16 (scene 6): removed `162 INSIDE 246` ⇒ the character starts in room 246;
    // removed `2013 ON 1000` ⇒ distractor 2013 starts on the plate 1000.
    const task = getVirtualhomeTask('new_seen_test:16');
    const { scene, graph } = reconstructInitialGraph(task.record);
    expect(scene).toBe(6);
    const keys = graph.edges.map((e) => `${e.from_id} ${e.relation_type} ${e.to_id}`);
    expect(keys).toContain('162 INSIDE 246');
    expect(keys.filter((key) => key.startsWith('162 '))).toEqual(['162 INSIDE 246']);
    expect(keys).toContain('2013 ON 1000');
    expect(keys).toContain('1000 INSIDE 163');
    const dishwasher = graph.nodes.find((node) => node.id === 1001);
    expect(dishwasher?.class_name).toBe('dishwasher');
    expect([...(dishwasher?.properties ?? [])].sort()).toEqual([
      'CAN_OPEN',
      'CONTAINERS',
      'HAS_SWITCH',
    ]);
    // SWITCHON and CLOSE of the dishwasher undone: it starts OFF (and CLOSED, opened in between).
    expect([...(dishwasher?.states ?? [])].sort()).toEqual(['CLEAN', 'CLOSED', 'OFF']);
    const validation = validateInitialGraph(task.record, graph);
    expect(validation).toEqual({ ok: true, mismatches: [], satisfiedAtStart: false });
  });

  it('reports mismatches for a graph that does not reproduce the goal', () => {
    const task = getVirtualhomeTask('new_seen_test:16');
    const { graph } = reconstructInitialGraph(task.record);
    const broken = { nodes: graph.nodes, edges: [...graph.edges, edge(162, 'CLOSE', 193)] };
    const validation = validateInitialGraph(task.record, broken);
    expect(validation.ok).toBe(false);
    expect(validation.mismatches.join('\n')).toMatch(/added edges: missing .*162 CLOSE 193/);
  });

  it(`passes on ${EXACT_TASKS_PASSING} of the 55 tasks with an exact graph (ignoring it)`, () => {
    let passing = 0;
    for (const key of loadExactInitialGraphIndex().keys()) {
      const { validation } = reconstructAndValidate(getVirtualhomeTask(key).record);
      if (validation.ok && !validation.satisfiedAtStart) passing += 1;
    }
    expect(passing).toBe(EXACT_TASKS_PASSING);
  }, 30_000);
});

describe('reconstructed tasks (data/reconstructed-tasks.json)', () => {
  const keys = reconstructedTaskKeys();

  it('lists sorted test task keys without an exact graph, tagged reconstructed', () => {
    const pending = new Set(
      (['new_seen_test', 'new_unseen_test'] as const).flatMap((split) =>
        loadVirtualhomeTasks(split)
          .filter((task) => task.tag === 'reconstructed')
          .map((task) => task.taskKey),
      ),
    );
    expect(keys.size).toBe(RECONSTRUCTED_TASKS);
    expect([...keys]).toEqual([...keys].sort());
    for (const key of keys) expect(pending.has(key)).toBe(true);
  });

  it('every listed task still reconstructs and validates', () => {
    const failures: string[] = [];
    for (const key of keys) {
      const { validation } = reconstructAndValidate(getVirtualhomeTask(key).record);
      if (!validation.ok || validation.satisfiedAtStart) {
        failures.push(`${key}: ${validation.mismatches[0] ?? 'goal satisfied at the start'}`);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('loadReconstructedInitialGraph serves listed keys only, cached', () => {
    const [first] = [...keys];
    expect(first).toBeDefined();
    const graph = loadReconstructedInitialGraph(first as string);
    expect(graph).toBeDefined();
    expect(loadReconstructedInitialGraph(first as string)).toBe(graph);
    const record = getVirtualhomeTask(first as string).record;
    expect(validateInitialGraph(record, graph as NonNullable<typeof graph>).ok).toBe(true);
    const [exact] = [...loadExactInitialGraphIndex().keys()];
    expect(loadReconstructedInitialGraph(exact as string)).toBeUndefined();
  });
});
