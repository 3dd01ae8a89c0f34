import { describe, expect, it } from 'vitest';
import { loadExactInitialGraph } from './data';
import { compileGoal, computeRevisedGraph } from './goal';
import {
  EnvironmentGraph,
  executeScriptLine,
  removeDuplicateEdges,
  visibleAmong,
  visibleNodes,
} from './sim/index';
import { getVirtualhomeTask, loadVirtualhomeTasks } from './tasks';

const key = (edge: { from_id: number; relation_type: string; to_id: number }) =>
  `${edge.from_id} ${edge.relation_type} ${edge.to_id}`;

function start(taskKey: string): EnvironmentGraph {
  const json = loadExactInitialGraph(taskKey);
  if (json === undefined) throw new Error(taskKey);
  return EnvironmentGraph.fromJson({ nodes: json.nodes, edges: removeDuplicateEdges(json.edges) });
}

describe('compileGoal (SPA check_env, research note §1.7)', () => {
  it('judges node keys (lists as sets), absent and present edges', () => {
    const task = getVirtualhomeTask('new_unseen_test:57');
    const goal = compileGoal(task.record.revised_graph);
    const graph = start(task.taskKey);
    expect(goal.isSatisfied(graph)).toBe(false);
    expect(goal.unmet(graph)).toContain('present 65 INSIDE 67');
    expect(goal.unmet(graph)).toContain('missing 65 INSIDE 319');
    expect(goal.unmet(graph)).toContain('node 417 states');
    let state = graph;
    for (const line of task.record.new_program_lines) state = executeScriptLine(state, line).graph;
    expect(goal.unmet(state)).toEqual([]);
    expect(goal.isSatisfied(state)).toBe(true);
    expect(goal.size).toBe(
      task.record.revised_graph.nodes.reduce((sum, node) => sum + Object.keys(node).length, 0) +
        task.record.revised_graph.revised_nodes.length +
        task.record.revised_graph.revised_add_edges.length,
    );
  });

  it('rejects malformed goals naming the field', () => {
    expect(() =>
      compileGoal({ nodes: [{ id: 1, colour: 'red' }], revised_nodes: [], revised_add_edges: [] }),
    ).toThrow(/revised_graph\.nodes\[0\]\.colour/);
    expect(() =>
      compileGoal({
        nodes: [],
        revised_nodes: [],
        revised_add_edges: [{ from_id: 1, relation_type: 'NEAR', to_id: 2 }],
      }),
    ).toThrow(/revised_add_edges\[0\]\.relation_type/);
    expect(() =>
      compileGoal({ nodes: [{ id: 'x' }], revised_nodes: [], revised_add_edges: [] }),
    ).toThrow(/nodes\[0\]\.id/);
  });
});

describe('computeRevisedGraph (research note §3.3)', () => {
  it('reproduces the edge sets of every exact task and its changed nodes up to list-order no-ops', () => {
    let checked = 0;
    for (const split of ['new_seen_test', 'new_unseen_test'] as const) {
      for (const task of loadVirtualhomeTasks(split)) {
        if (task.tag !== 'exact') continue;
        const initial = start(task.taskKey);
        const final = initial.clone();
        for (const line of task.record.new_program_lines)
          executeScriptLine(final, line, { inPlace: true });
        const ours = computeRevisedGraph(initial, final);
        const theirs = task.record.revised_graph;
        expect(ours.revised_add_edges.map(key).sort()).toEqual(
          theirs.revised_add_edges.map(key).sort(),
        );
        expect(ours.revised_nodes.map(key).sort()).toEqual(theirs.revised_nodes.map(key).sort());
        const theirIds = new Set(theirs.nodes.map((node) => node.id));
        for (const node of ours.nodes) expect(theirIds.has(node.id as number)).toBe(true);
        expect(compileGoal(theirs).isSatisfied(final)).toBe(true);
        expect(compileGoal(ours).isSatisfied(final)).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBe(55);
  });
});

describe('visibleAmong agrees with visibleNodes', () => {
  it('on every state of the exact tasks’ gold programs', () => {
    for (const taskKey of ['new_unseen_test:57', 'new_seen_test:225', 'new_unseen_test:191']) {
      const task = getVirtualhomeTask(taskKey);
      const initial = start(taskKey);
      const graph = initial.clone();
      const c = graph.findCharacterId() as number;
      const all = [...graph.nodes()].map((node) => node.id);
      for (const line of task.record.new_program_lines) {
        executeScriptLine(graph, line, { inPlace: true });
        const full = visibleNodes(graph, c, { initial });
        const among = visibleAmong(graph, c, all, { initial });
        expect([...among].sort((a, b) => a - b)).toEqual(full);
      }
    }
  });
});
