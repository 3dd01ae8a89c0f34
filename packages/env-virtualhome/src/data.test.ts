import { describe, expect, it } from 'vitest';
import {
  applyEdgeOps,
  applyGraphDiff,
  encodeEdgeOps,
  loadDatasetInitGraph,
  loadDatasetPrograms,
  loadExactInitialGraph,
  loadExactInitialGraphIndex,
  loadSceneGraph,
  loadTaskRecords,
  type SceneGraph,
  VirtualhomeDataError,
} from './data';

const edgeKeys = (graph: SceneGraph): string[] =>
  graph.edges.map((edge) => `${edge.from_id} ${edge.relation_type} ${edge.to_id}`);

describe('applyGraphDiff', () => {
  it('removes, changes and adds nodes and edges, filling missing keys with null', () => {
    const base: SceneGraph = {
      nodes: [
        { id: 1, class_name: 'bathroom', category: 'Rooms', properties: [], states: [] },
        { id: 2, class_name: 'floor', category: 'Floor', properties: ['SURFACES'], states: [] },
      ],
      edges: [
        { from_id: 2, relation_type: 'INSIDE', to_id: 1 },
        { from_id: 1, relation_type: 'CLOSE', to_id: 2 },
      ],
    };
    const graph = applyGraphDiff(base, {
      removedNodeIds: [2],
      changedNodes: [{ id: 1, fields: { states: ['CLEAN'] } }],
      addedNodes: [{ id: 1000, class_name: 'cup', category: 'Props', properties: [], states: [] }],
      edges: [
        [0, 1],
        [1000, 'INSIDE', 1],
      ],
    });
    expect(JSON.stringify(graph)).toBe(
      JSON.stringify({
        nodes: [
          {
            id: 1,
            class_name: 'bathroom',
            category: 'Rooms',
            properties: [],
            states: ['CLEAN'],
            prefab_name: null,
            bounding_box: null,
          },
          { id: 1000, class_name: 'cup', category: 'Props', properties: [], states: [] },
        ],
        edges: [
          { from_id: 2, relation_type: 'INSIDE', to_id: 1 },
          { from_id: 1000, relation_type: 'INSIDE', to_id: 1 },
        ],
      }),
    );
    expect(base.nodes).toHaveLength(2);
  });
});

describe('edge ops', () => {
  const edge = (from_id: number, to_id: number) => ({ from_id, relation_type: 'CLOSE', to_id });
  const reference = [edge(1, 2), edge(2, 3), edge(3, 4), edge(4, 5)];

  it('round-trips an edge list, order included, with copy runs and literals', () => {
    const target = [edge(3, 4), edge(4, 5), edge(9, 9), edge(1, 2), edge(2, 3)];
    const ops = encodeEdgeOps(reference, target);
    expect(ops).toEqual([
      [2, 2],
      [9, 'CLOSE', 9],
      [0, 2],
    ]);
    expect(applyEdgeOps(reference, ops)).toEqual(target);
  });

  it('rejects copies outside the reference and malformed ops, naming the op', () => {
    expect(() => applyEdgeOps(reference, [[3, 2]])).toThrow(/ops\[0\].*outside a reference of 4/);
    expect(() => applyEdgeOps(reference, [[0, 1], ['x', 'CLOSE', 1] as never])).toThrow(/ops\[1\]/);
  });
});

describe('bundled VirtualHome data', () => {
  it('has the 7 base scenes with the published sizes', () => {
    const sizes = [1, 2, 3, 4, 5, 6, 7].map((scene) => {
      const graph = loadSceneGraph(scene as 1 | 2 | 3 | 4 | 5 | 6 | 7);
      return [graph.nodes.length, graph.edges.length, graph.trimmed_nodes?.length];
    });
    expect(sizes).toEqual([
      [275, 5672, 162],
      [220, 3490, 90],
      [259, 4065, 133],
      [219, 3727, 129],
      [232, 5678, 122],
      [229, 4105, 108],
      [220, 3659, 142],
    ]);
    expect(loadSceneGraph(1)).toBe(loadSceneGraph(1));
  });

  it('has 247 + 247 task lines, 245 / 246 unique ids', () => {
    const seen = loadTaskRecords('new_seen_test');
    const unseen = loadTaskRecords('new_unseen_test');
    expect([seen.length, unseen.length]).toEqual([247, 247]);
    expect(new Set(seen.map((entry) => entry.record.id)).size).toBe(245);
    expect(new Set(unseen.map((entry) => entry.record.id)).size).toBe(246);
    expect(seen.map((entry) => entry.line)).toEqual(Array.from({ length: 247 }, (_, i) => i + 1));
  });

  it('has 518 dataset programs with diffs that rebuild a consistent graph', () => {
    const programs = loadDatasetPrograms();
    expect(programs).toHaveLength(518);
    expect(new Set(programs.map((entry) => entry.file)).size).toBe(518);
    const base = loadSceneGraph(1);
    const baseIds = new Set(base.nodes.map((node) => node.id));
    // Full check of all 518 is in scripts/build-data.ts; here every 8th plus structural checks.
    for (const [index, program] of programs.entries()) {
      if (index % 8 !== 0) continue;
      const graph = loadDatasetInitGraph(program.file);
      const ids = graph.nodes.map((node) => node.id);
      expect(new Set(ids).size).toBe(ids.length);
      // README: nodes < 1000 are exactly the base scene's nodes, same ids and class names.
      expect(ids.filter((id) => id < 1000)).toEqual([...baseIds]);
      expect(new Set(edgeKeys(graph)).size).toBe(graph.edges.length);
      // The edge list has exactly the length the ops encode (copy runs plus literals).
      const encoded = program.initGraphDiff.edges.reduce(
        (sum, op) => sum + (op.length === 2 ? op[1] : 1),
        0,
      );
      expect(graph.edges.length).toBe(encoded);
      expect(program.program.split('\n')[2]).toBe('');
    }
  });

  it('rebuilds the 55 exact initial graphs with the dataset key order', () => {
    const index = loadExactInitialGraphIndex();
    expect(index.size).toBe(55);
    expect([...index.values()].filter((entry) => entry.files.length === 2)).toHaveLength(2);
    const keys = [...index.keys()];
    expect(keys.filter((key) => key.startsWith('new_seen_test:'))).toHaveLength(25);
    const first = keys[0] as string;
    const graph = loadExactInitialGraph(first);
    expect(graph).toBeDefined();
    expect(Object.keys(graph?.nodes[0] ?? {})).toEqual([
      'id',
      'class_name',
      'category',
      'properties',
      'states',
      'prefab_name',
      'bounding_box',
    ]);
    expect(loadExactInitialGraph('new_seen_test:1')).toBeUndefined();
  });

  it('matches the worked example: unseen id 74 starts in the bedroom', () => {
    const entry = [...loadExactInitialGraphIndex().values()].find(
      (record) => record.split === 'new_unseen_test' && record.id === '74',
    );
    expect(entry?.files).toContain('file185_2');
    const graph = loadDatasetInitGraph('file185_2');
    expect(edgeKeys(graph)).toContain('65 INSIDE 67');
  });

  it('names the file on a bad dataset program name', () => {
    expect(() => loadDatasetInitGraph('file0_0')).toThrow(/file0_0/);
    expect(
      VirtualhomeDataError.isInstance(new VirtualhomeDataError({ source: 'x', reason: 'y' })),
    ).toBe(true);
  });
});
