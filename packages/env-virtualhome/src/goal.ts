import { InvalidArgumentError } from '@spa/core';
import {
  type EnvironmentGraph,
  type GraphNode,
  isRelation,
  NODE_JSON_KEYS,
  type Relation,
} from './sim/graph';

/** An edge as stored in a goal: `{from_id, relation_type, to_id}`. */
export interface GoalEdge {
  readonly from_id: number;
  readonly relation_type: string;
  readonly to_id: number;
}

/**
 * The goal of a task, SPA's `revised_graph` (research note §1.7, §3.3), keys as in the task files.
 *
 * @remarks
 * `revised_nodes` is misnamed upstream: it holds the **edges that must be absent**.
 */
export interface RevisedGraph {
  /** Full dicts of final nodes whose dict differs from the initial one; every key must match. */
  readonly nodes: readonly Readonly<Record<string, unknown>>[];
  /** Edges that must be absent at the end. */
  readonly revised_nodes: readonly GoalEdge[];
  /** Edges that must be present at the end. */
  readonly revised_add_edges: readonly GoalEdge[];
}

/** Goal nodes may only use the keys of a graph JSON node. */
const NODE_FIELDS = NODE_JSON_KEYS;
type NodeField = (typeof NODE_FIELDS)[number];

function nodeField(node: GraphNode, key: NodeField): unknown {
  switch (key) {
    case 'id':
      return node.id;
    case 'class_name':
      return node.className;
    case 'category':
      return node.category;
    case 'properties':
      return node.properties;
    case 'states':
      return node.states;
    case 'prefab_name':
      return node.prefabName;
    case 'bounding_box':
      return node.boundingBox;
  }
}

/** Python `==` on JSON values (dicts and lists compared structurally). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // Python: 1 == 1.0 is true; JSON numbers are already JS numbers. null == undefined for a
    // missing optional field (prefab_name/bounding_box default to None upstream).
    return (a ?? null) === (b ?? null);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (key) =>
      Object.hasOwn(b, key) &&
      jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

interface NodeCondition {
  readonly id: number;
  /** [key, expected] with lists turned into sets (SPA compares lists as sets). */
  readonly checks: readonly (readonly [NodeField, unknown])[];
}

interface EdgeCondition {
  readonly from: number;
  readonly relation: Relation;
  readonly to: number;
}

/**
 * A compiled goal: checks a graph against a {@link RevisedGraph} in O(goal size).
 *
 * @remarks
 * SPA's `check_env` (research note §1.7): every key of every goal node equals the current node's
 * value (lists as sets, strings and other values with `==`), no `revised_nodes` edge is present
 * and every `revised_add_edges` edge is. The goal is judged after every step, failed or not.
 */
export interface CompiledGoal {
  /** True when every condition holds in `graph`. */
  isSatisfied(graph: EnvironmentGraph): boolean;
  /** The conditions that do not hold, as readable strings (for diagnostics and tests). */
  unmet(graph: EnvironmentGraph): string[];
  /** Number of conditions (node keys + absent edges + present edges). */
  readonly size: number;
}

/**
 * Compiles a {@link RevisedGraph}. Throws `InvalidArgumentError` naming the field when a goal node
 * uses a key other than the graph node keys or an edge has an unknown relation. An edge with an
 * unknown relation can never be present, so SPA would judge it absent; rejecting it at load time
 * catches corrupt goals instead.
 */
export function compileGoal(goal: RevisedGraph, field = 'revised_graph'): CompiledGoal {
  const nodes: NodeCondition[] = goal.nodes.map((node, index) => {
    const id = node.id;
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new InvalidArgumentError({
        field: `${field}.nodes[${index}].id`,
        reason: `expected an integer node id, got ${JSON.stringify(id)}`,
      });
    }
    const checks: (readonly [NodeField, unknown])[] = [];
    for (const [key, value] of Object.entries(node)) {
      if (!(NODE_FIELDS as readonly string[]).includes(key)) {
        throw new InvalidArgumentError({
          field: `${field}.nodes[${index}].${key}`,
          reason: `unknown node key; expected one of ${NODE_FIELDS.join(', ')}`,
        });
      }
      checks.push([key as NodeField, Array.isArray(value) ? new Set(value) : value]);
    }
    return { id, checks };
  });
  const edges = (list: readonly GoalEdge[], name: string): EdgeCondition[] =>
    list.map((edge, index) => {
      if (!isRelation(edge.relation_type)) {
        throw new InvalidArgumentError({
          field: `${field}.${name}[${index}].relation_type`,
          reason: `unknown relation ${JSON.stringify(edge.relation_type)}`,
        });
      }
      return { from: edge.from_id, relation: edge.relation_type, to: edge.to_id };
    });
  const absent = edges(goal.revised_nodes, 'revised_nodes');
  const present = edges(goal.revised_add_edges, 'revised_add_edges');

  const nodeHolds = (graph: EnvironmentGraph, condition: NodeCondition, key: NodeField) => {
    const expected = condition.checks.find(([k]) => k === key)?.[1];
    const node = graph.getNode(condition.id);
    if (node === undefined) return false;
    const actual = nodeField(node, key);
    if (expected instanceof Set) {
      if (!(actual instanceof Set)) return false;
      if (actual.size !== expected.size) return false;
      for (const item of expected) if (!actual.has(item as string)) return false;
      return true;
    }
    return jsonEqual(expected, actual);
  };

  return {
    size: nodes.reduce((sum, node) => sum + node.checks.length, 0) + absent.length + present.length,
    isSatisfied(graph) {
      for (const edge of present)
        if (!graph.hasEdge(edge.from, edge.relation, edge.to)) return false;
      for (const edge of absent) if (graph.hasEdge(edge.from, edge.relation, edge.to)) return false;
      for (const condition of nodes) {
        for (const [key] of condition.checks) if (!nodeHolds(graph, condition, key)) return false;
      }
      return true;
    },
    unmet(graph) {
      const out: string[] = [];
      for (const edge of present) {
        if (!graph.hasEdge(edge.from, edge.relation, edge.to))
          out.push(`missing ${edge.from} ${edge.relation} ${edge.to}`);
      }
      for (const edge of absent) {
        if (graph.hasEdge(edge.from, edge.relation, edge.to))
          out.push(`present ${edge.from} ${edge.relation} ${edge.to}`);
      }
      for (const condition of nodes) {
        for (const [key] of condition.checks) {
          if (!nodeHolds(graph, condition, key)) out.push(`node ${condition.id} ${key}`);
        }
      }
      return out;
    },
  };
}

function nodeToJson(node: GraphNode): Record<string, unknown> {
  return {
    id: node.id,
    class_name: node.className,
    category: node.category,
    properties: [...node.properties],
    states: [...node.states],
    prefab_name: node.prefabName,
    bounding_box: node.boundingBox,
  };
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}

/**
 * The goal diff between an initial and a final state, computed as SPA's `revised_graph` was
 * (research note §3.3): edges present before and absent after (`revised_nodes`), edges absent
 * before and present after (`revised_add_edges`), and the full final dicts of nodes that changed.
 *
 * @remarks
 * Edges are listed in the final (added) or initial (removed) graph's edge order. A node counts as
 * changed when its states or properties differ **as sets** (or another field differs); the
 * original compared the lists in order, so its files also hold a few nodes whose only change is
 * list order (e.g. seen id 25 node 417). Those extra nodes only assert "unchanged", so goals made
 * here are the same goals minus such no-op conditions. Node lists in the output follow the final
 * graph's node order; states and properties in each node's current order.
 */
export function computeRevisedGraph(
  initial: EnvironmentGraph,
  final: EnvironmentGraph,
): RevisedGraph {
  const toGoalEdge = (edge: { from: number; relation: Relation; to: number }): GoalEdge => ({
    from_id: edge.from,
    relation_type: edge.relation,
    to_id: edge.to,
  });
  const removed = initial.edgesNotIn(final).map(toGoalEdge);
  const added = final.edgesNotIn(initial).map(toGoalEdge);
  const nodes: Record<string, unknown>[] = [];
  for (const node of final.nodes()) {
    const before = initial.getNode(node.id);
    const changed =
      before === undefined ||
      before.className !== node.className ||
      before.category !== node.category ||
      before.prefabName !== node.prefabName ||
      !jsonEqual(before.boundingBox, node.boundingBox) ||
      !sameSet(before.states, node.states) ||
      !sameSet(before.properties, node.properties);
    if (changed) nodes.push(nodeToJson(node));
  }
  return { nodes, revised_nodes: removed, revised_add_edges: added };
}
