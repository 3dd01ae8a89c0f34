import { describe, expect, it } from 'vitest';
import { loadExactInitialGraph } from '../data';
import { loadVirtualhomeTasks } from '../tasks';
import { executeScriptLine } from './executor';
import { type EdgeJson, EnvironmentGraph, removeDuplicateEdges } from './graph';

const key = (edge: EdgeJson): string => `${edge.from_id}|${edge.relation_type}|${edge.to_id}`;

describe('gold-program replay (research §3.3), from the packaged data', () => {
  it('reproduces revised_graph for the tasks with an exact initial graph (55)', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const split of ['new_seen_test', 'new_unseen_test'] as const) {
      for (const task of loadVirtualhomeTasks(split)) {
        if (task.tag !== 'exact') continue;
        const init = loadExactInitialGraph(task.taskKey);
        if (init === undefined) {
          failures.push(`${task.taskKey}: tagged exact but no initial graph`);
          continue;
        }
        const start = EnvironmentGraph.fromJson({
          nodes: init.nodes,
          edges: removeDuplicateEdges(init.edges),
        });
        let graph = start;
        for (const line of task.record.new_program_lines) {
          const result = executeScriptLine(graph, line);
          if (!result.success) failures.push(`${task.taskKey}: ${line} failed: ${result.message}`);
          graph = result.graph;
        }
        const before = new Set(start.toJson().edges.map(key));
        const after = new Set(graph.toJson().edges.map(key));
        const added = [...after].filter((edge) => !before.has(edge)).sort();
        const removed = [...before].filter((edge) => !after.has(edge)).sort();
        const revised = task.record.revised_graph;
        if (added.join() !== revised.revised_add_edges.map(key).sort().join()) {
          failures.push(`${task.taskKey}: added edges differ`);
        }
        if (removed.join() !== revised.revised_nodes.map(key).sort().join()) {
          failures.push(`${task.taskKey}: removed edges differ`);
        }
        for (const node of revised.nodes as readonly { id: number; states: readonly string[] }[]) {
          const got = [...(graph.getNode(node.id)?.states ?? [])].sort().join();
          if (got !== [...node.states].sort().join())
            failures.push(`${task.taskKey}: node ${node.id} states`);
        }
        checked += 1;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(55);
  });
});
