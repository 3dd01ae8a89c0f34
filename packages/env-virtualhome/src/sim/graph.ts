import { SpaError, type SpaErrorOptions } from '@spa/core';

/** Edge relation types of the evolving graph (research notes §2.1, `environment.py` `Relation`). */
export const RELATIONS = [
  'ON',
  'INSIDE',
  'BETWEEN',
  'CLOSE',
  'FACING',
  'HOLDS_RH',
  'HOLDS_LH',
  'SITTING',
] as const;

/** One relation type, e.g. `INSIDE`. */
export type Relation = (typeof RELATIONS)[number];

/** The keys of a graph JSON node, in the dataset files' order (research notes §2.1). */
export const NODE_JSON_KEYS = [
  'id',
  'class_name',
  'category',
  'properties',
  'states',
  'prefab_name',
  'bounding_box',
] as const;

/** A node as it appears in a VirtualHome graph JSON file (research notes §2.1). */
export interface NodeJson {
  readonly id: number;
  readonly class_name: string;
  readonly category: string;
  readonly properties: readonly string[];
  readonly states: readonly string[];
  readonly prefab_name?: string | null;
  readonly bounding_box?: unknown;
}

/** An edge as it appears in a VirtualHome graph JSON file: directed `from_id → to_id`. */
export interface EdgeJson {
  readonly from_id: number;
  readonly relation_type: string;
  readonly to_id: number;
}

/** A whole graph JSON document (`{nodes, edges}`; Trimmed scene files also carry `trimmed_nodes`). */
export interface GraphJson {
  readonly nodes: readonly NodeJson[];
  readonly edges: readonly EdgeJson[];
}

/** A node of the in-memory graph. Immutable: changes replace the node. */
export interface GraphNode {
  readonly id: number;
  readonly className: string;
  readonly category: string;
  readonly properties: ReadonlySet<string>;
  readonly states: ReadonlySet<string>;
  readonly prefabName: string | null;
  readonly boundingBox: unknown;
}

/** A directed, typed edge `from --relation--> to`. */
export interface GraphEdge {
  readonly from: number;
  readonly relation: Relation;
  readonly to: number;
}

/** Where PUTOBJBACK returns a grabbed object (upstream `executor_data[(GRAB, X)]`, §2.4 GRAB). */
export interface GrabRecord {
  readonly destination: number;
  readonly relation: Relation;
}

const graphMarker = 'spa.error.virtualhome-graph';
const graphSymbol = Symbol.for(graphMarker);

/**
 * A VirtualHome graph document is malformed (unknown relation, dangling edge, duplicate node id).
 *
 * @remarks
 * `field` names the offending part of the document, e.g. `edges[17].relation_type`.
 */
export class GraphFormatError extends SpaError {
  protected readonly [graphSymbol] = true;
  /** Path of the offending field, e.g. `nodes[3].id`. */
  readonly field: string;
  /** What was wrong. */
  readonly reason: string;

  constructor(options: { field: string; reason: string } & SpaErrorOptions) {
    super('GraphFormatError', `${options.field}: ${options.reason}`, options);
    this.field = options.field;
    this.reason = options.reason;
  }

  static override isInstance(error: unknown): error is GraphFormatError {
    return SpaError.hasMarker(error, graphMarker);
  }
}

/** True when `value` is one of {@link RELATIONS}. */
export function isRelation(value: string): value is Relation {
  return (RELATIONS as readonly string[]).includes(value);
}

function edgeKey(from: number, relation: Relation, to: number): string {
  return `${from}|${relation}|${to}`;
}

/** An edge as stored: with its position in the edge list (larger = later). */
interface StoredEdge extends GraphEdge {
  readonly seq: number;
}

/** Edge-list positions, shared by all graphs (only comparisons within one graph matter). */
let nextSeq = 0;

/**
 * The evolving-graph world state: nodes, typed directed edges and grab bookkeeping.
 *
 * @remarks
 * Edges form a set (adding an existing edge is a no-op) that keeps insertion order; a removed and re-added edge
 * moves to the end. That order is the "edge-list order" used by `room` (first INSIDE target) and visibility (last
 * INSIDE target), research notes §2.3 and §2.5. Edges are indexed by source and by target for O(degree) lookups.
 *
 * The executor never mutates a graph it is given: it calls {@link EnvironmentGraph.clone} (a structural copy of
 * the maps; nodes are immutable and shared) and mutates the copy. Grab records play the role of upstream
 * `EnvironmentState.executor_data` (§2.3) and are copied along.
 */
export class EnvironmentGraph {
  #nodes: Map<number, GraphNode>;
  /** Edges by source node, then key; inner maps are shared with clones until written (copy on write). */
  #out: Map<number, Map<string, StoredEdge>>;
  /** Edges by target node, then key; copy on write as `#out`. */
  #in: Map<number, Map<string, StoredEdge>>;
  /** Inner maps of `#out` / `#in` this graph may write (created or copied by it since its last clone). */
  #ownedOut = new Set<number>();
  #ownedIn = new Set<number>();
  #grabRecords: Map<number, GrabRecord>;
  /** INSIDE edges only, in edge-list order (visibility reads them every step); copy on write. */
  #inside: Map<string, StoredEdge>;
  #insideOwned = true;
  /** Whether the top-level maps (`#nodes`, `#out`, `#in`, grab records) are this graph's own. */
  #topOwned = true;
  #edgeCount: number;
  #version = 0;

  private constructor(
    nodes: Map<number, GraphNode>,
    outIndex: Map<number, Map<string, StoredEdge>>,
    inIndex: Map<number, Map<string, StoredEdge>>,
    grabRecords: Map<number, GrabRecord>,
    inside: Map<string, StoredEdge>,
    edgeCount: number,
  ) {
    this.#nodes = nodes;
    this.#out = outIndex;
    this.#in = inIndex;
    this.#grabRecords = grabRecords;
    this.#inside = inside;
    this.#edgeCount = edgeCount;
  }

  /** An empty graph. */
  static empty(): EnvironmentGraph {
    return new EnvironmentGraph(new Map(), new Map(), new Map(), new Map(), new Map(), 0);
  }

  /**
   * A counter that grows with every effective change (node set, edge added or removed, grab record
   * set); lets a caller detect whether an operation modified the graph.
   */
  get version(): number {
    return this.#version;
  }

  /**
   * Builds a graph from a JSON document.
   *
   * @remarks
   * Edges are taken in document order; exact duplicates collapse into one. Apply {@link removeDuplicateEdges} to
   * `json.edges` first when reproducing SPA's load-time clean-up (§1.8). Throws {@link GraphFormatError} on a
   * duplicate node id, an unknown relation or an edge whose end is not a node.
   */
  static fromJson(json: GraphJson): EnvironmentGraph {
    const graph = EnvironmentGraph.empty();
    json.nodes.forEach((node, index) => {
      if (graph.#nodes.has(node.id)) {
        throw new GraphFormatError({
          field: `nodes[${index}].id`,
          reason: `duplicate id ${node.id}`,
        });
      }
      graph.setNode({
        id: node.id,
        className: node.class_name,
        category: node.category,
        properties: new Set(node.properties),
        states: new Set(node.states),
        prefabName: node.prefab_name ?? null,
        boundingBox: node.bounding_box ?? null,
      });
    });
    json.edges.forEach((edge, index) => {
      if (!isRelation(edge.relation_type)) {
        throw new GraphFormatError({
          field: `edges[${index}].relation_type`,
          reason: `unknown relation ${JSON.stringify(edge.relation_type)}`,
        });
      }
      for (const end of ['from_id', 'to_id'] as const) {
        if (!graph.#nodes.has(edge[end])) {
          throw new GraphFormatError({
            field: `edges[${index}].${end}`,
            reason: `no node with id ${edge[end]}`,
          });
        }
      }
      graph.addEdge(edge.from_id, edge.relation_type, edge.to_id);
    });
    return graph;
  }

  /** The graph as a JSON document (nodes by insertion order, edges in edge-list order; states/properties sorted). */
  toJson(): GraphJson {
    return {
      nodes: [...this.#nodes.values()].map((node) => ({
        id: node.id,
        class_name: node.className,
        category: node.category,
        properties: [...node.properties].sort(),
        states: [...node.states].sort(),
        prefab_name: node.prefabName,
        bounding_box: node.boundingBox,
      })),
      edges: [...this.edges()].map((edge) => ({
        from_id: edge.from,
        relation_type: edge.relation,
        to_id: edge.to,
      })),
    };
  }

  /**
   * An independent copy in O(1): every map is shared and copied on the first write by either
   * graph (the top-level maps once, each per-node edge map when that node's edges change).
   */
  clone(): EnvironmentGraph {
    this.#ownedOut.clear();
    this.#ownedIn.clear();
    this.#insideOwned = false;
    this.#topOwned = false;
    const copy = new EnvironmentGraph(
      this.#nodes,
      this.#out,
      this.#in,
      this.#grabRecords,
      this.#inside,
      this.#edgeCount,
    );
    copy.#insideOwned = false;
    copy.#topOwned = false;
    return copy;
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.#nodes.size;
  }

  /** Number of edges. */
  get edgeCount(): number {
    return this.#edgeCount;
  }

  /** The node with this id, or `undefined`. */
  getNode(id: number): GraphNode | undefined {
    return this.#nodes.get(id);
  }

  /** All nodes, in insertion order. */
  nodes(): IterableIterator<GraphNode> {
    return this.#nodes.values();
  }

  /** All edges, in edge-list order (sorted on each call: O(E log E); for export, not per step). */
  edges(): IterableIterator<GraphEdge> {
    const all: StoredEdge[] = [];
    for (const edges of this.#out.values()) for (const edge of edges.values()) all.push(edge);
    all.sort((a, b) => a.seq - b.seq);
    return all.values();
  }

  /** Copies the shared top-level maps before the first write after a clone. */
  #ownTop(): void {
    if (this.#topOwned) return;
    this.#nodes = new Map(this.#nodes);
    this.#out = new Map(this.#out);
    this.#in = new Map(this.#in);
    this.#grabRecords = new Map(this.#grabRecords);
    this.#topOwned = true;
  }

  /** Adds or replaces a node (by id). */
  setNode(node: GraphNode): void {
    this.#ownTop();
    this.#nodes.set(node.id, node);
    this.#version += 1;
  }

  /** All INSIDE edges, in edge-list order. */
  insideEdges(): IterableIterator<GraphEdge> {
    return this.#inside.values();
  }

  /** True when the edge `from --relation--> to` exists. */
  hasEdge(from: number, relation: Relation, to: number): boolean {
    return this.#out.get(from)?.has(edgeKey(from, relation, to)) === true;
  }

  #writableOut(id: number): Map<string, StoredEdge> {
    this.#ownTop();
    const shared = this.#out.get(id);
    if (this.#ownedOut.has(id) && shared !== undefined) return shared;
    const own = new Map(shared);
    this.#out.set(id, own);
    this.#ownedOut.add(id);
    return own;
  }

  #writableIn(id: number): Map<string, StoredEdge> {
    this.#ownTop();
    const shared = this.#in.get(id);
    if (this.#ownedIn.has(id) && shared !== undefined) return shared;
    const own = new Map(shared);
    this.#in.set(id, own);
    this.#ownedIn.add(id);
    return own;
  }

  #writableInside(): Map<string, StoredEdge> {
    if (!this.#insideOwned) {
      this.#inside = new Map(this.#inside);
      this.#insideOwned = true;
    }
    return this.#inside;
  }

  /** Adds an edge (no-op if present); with `addReverse`, also `to --relation--> from` (upstream `AddEdges`). */
  addEdge(from: number, relation: Relation, to: number, addReverse = false): void {
    const key = edgeKey(from, relation, to);
    if (this.#out.get(from)?.has(key) !== true) {
      const edge: StoredEdge = { from, relation, to, seq: nextSeq++ };
      this.#writableOut(from).set(key, edge);
      this.#writableIn(to).set(key, edge);
      if (relation === 'INSIDE') this.#writableInside().set(key, edge);
      this.#edgeCount += 1;
      this.#version += 1;
    }
    if (addReverse) this.addEdge(to, relation, from);
  }

  /** Removes an edge if present; with `removeReverse`, also `to --relation--> from` (upstream `DeleteEdges`). */
  removeEdge(from: number, relation: Relation, to: number, removeReverse = false): void {
    const key = edgeKey(from, relation, to);
    if (this.#out.get(from)?.has(key) === true) {
      this.#writableOut(from).delete(key);
      this.#writableIn(to).delete(key);
      if (relation === 'INSIDE') this.#writableInside().delete(key);
      this.#edgeCount -= 1;
      this.#version += 1;
    }
    if (removeReverse) this.removeEdge(to, relation, from);
  }

  /** Edges leaving `id` (optionally only those of `relation`), in edge-list order. */
  edgesFrom(id: number, relation?: Relation): GraphEdge[] {
    const all = this.#out.get(id);
    const edges: GraphEdge[] = [];
    if (all === undefined) return edges;
    for (const edge of all.values())
      if (relation === undefined || edge.relation === relation) edges.push(edge);
    return edges;
  }

  /** Edges entering `id` (optionally only those of `relation`), in edge-list order. */
  edgesTo(id: number, relation?: Relation): GraphEdge[] {
    const all = this.#in.get(id);
    const edges: GraphEdge[] = [];
    if (all === undefined) return edges;
    for (const edge of all.values())
      if (relation === undefined || edge.relation === relation) edges.push(edge);
    return edges;
  }

  /** Targets of `id --relation--> *`, in edge-list order. */
  targets(id: number, relation: Relation): number[] {
    const out: number[] = [];
    const all = this.#out.get(id);
    if (all !== undefined)
      for (const edge of all.values()) if (edge.relation === relation) out.push(edge.to);
    return out;
  }

  /** Sources of `* --relation--> id`, in edge-list order. */
  sources(id: number, relation: Relation): number[] {
    const out: number[] = [];
    const all = this.#in.get(id);
    if (all !== undefined)
      for (const edge of all.values()) if (edge.relation === relation) out.push(edge.from);
    return out;
  }

  /** The grab record of object `id` (set by GRAB, cleared by PUTBACK/PUTIN/PUTOBJBACK/DROP/RELEASE). */
  getGrabRecord(id: number): GrabRecord | undefined {
    return this.#grabRecords.get(id);
  }

  /** Sets (or with `undefined`, clears) the grab record of object `id`. */
  setGrabRecord(id: number, record: GrabRecord | undefined): void {
    if (record === undefined) {
      if (!this.#grabRecords.has(id)) return;
      this.#ownTop();
      this.#grabRecords.delete(id);
      this.#version += 1;
    } else {
      this.#ownTop();
      this.#grabRecords.set(id, record);
      this.#version += 1;
    }
  }

  /**
   * The edges of this graph that `other` lacks, in this graph's edge-list order. Fast when `other`
   * is an ancestor or descendant copy (see {@link EnvironmentGraph.clone}): per-node edge maps the
   * two still share are skipped without looking at their edges.
   */
  edgesNotIn(other: EnvironmentGraph): GraphEdge[] {
    const out: StoredEdge[] = [];
    for (const [id, edges] of this.#out) {
      if (other.#out.get(id) === edges) continue;
      for (const [key, edge] of edges) if (other.#out.get(id)?.has(key) !== true) out.push(edge);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Ids of nodes whose `category` is `Rooms` (§2.1), in insertion order. */
  roomIds(): number[] {
    return [...this.#nodes.values()]
      .filter((node) => node.category === 'Rooms')
      .map((node) => node.id);
  }

  /** Id of the first node with class `character`, or `undefined`. */
  findCharacterId(): number | undefined {
    for (const node of this.#nodes.values()) if (node.className === 'character') return node.id;
    return undefined;
  }
}

function jsonKey(edge: EdgeJson): string {
  return `${edge.from_id}|${edge.relation_type}|${edge.to_id}`;
}

/**
 * SPA's load-time `remove_duplicate_edge`, ported exactly; it changes the world (§1.8).
 *
 * @remarks
 * Source: research notes `virtualhome.md` §1.8 (SPA-RL's VirtualHome env constructor). An index `i` walks the
 * live list from 0; for `e = E[i]` with `f = (e.to, INSIDE, e.from)`: if `f` is in the list and equals `e` (an
 * `a INSIDE a` self-loop) remove the first element equal to `e`; otherwise, if `f` is in the list, remove the first
 * element equal to `f`, then the first equal to `e`. Then `i += 1`, so elements shifted into visited positions
 * are skipped, as with Python's `for e in list` while removing. Effect: every (container CLOSE obj) +
 * (obj INSIDE container) pair, and every INSIDE 2-cycle, is deleted together.
 *
 * Returns a new array; the input is not modified. O(E log E): the live list is simulated with a Fenwick tree.
 */
export function removeDuplicateEdges(edges: readonly EdgeJson[]): EdgeJson[] {
  // The live list is simulated on the original array: `alive` flags with a Fenwick tree of alive
  // counts give "the element at live index i" in O(log n), and each key keeps the original
  // positions of its copies, so "remove the first element equal to x" is the first alive one.
  const n = edges.length;
  const alive = new Uint8Array(n).fill(1);
  const tree = new Int32Array(n + 1);
  for (let i = 1; i <= n; i += 1) {
    tree[i] = (tree[i] ?? 0) + 1;
    const parent = i + (i & -i);
    if (parent <= n) tree[parent] = (tree[parent] ?? 0) + (tree[i] ?? 0);
  }
  let aliveCount = n;
  let highBit = 1;
  while (highBit * 2 <= n) highBit *= 2;
  /** Original position of the element at live index `k` (0-based). */
  const kth = (k: number): number => {
    let position = 0;
    let remaining = k + 1;
    for (let step = highBit; step > 0; step >>= 1) {
      const next = position + step;
      if (next <= n && (tree[next] ?? 0) < remaining) {
        position = next;
        remaining -= tree[next] ?? 0;
      }
    }
    return position; // 1-based position + 1 → 0-based index = position
  };
  const positions = new Map<string, number[]>();
  edges.forEach((edge, index) => {
    const key = jsonKey(edge);
    const list = positions.get(key);
    if (list === undefined) positions.set(key, [index]);
    else list.push(index);
  });
  const removeFirst = (key: string): void => {
    const list = positions.get(key);
    const index = list?.shift();
    if (index === undefined) return;
    alive[index] = 0;
    aliveCount -= 1;
    for (let i = index + 1; i <= n; i += i & -i) tree[i] = (tree[i] ?? 0) - 1;
  };
  for (let cursor = 0; cursor < aliveCount; cursor += 1) {
    const edge = edges[kth(cursor)] as EdgeJson;
    const reverseKey = `${edge.to_id}|INSIDE|${edge.from_id}`;
    if ((positions.get(reverseKey)?.length ?? 0) === 0) continue;
    const key = jsonKey(edge);
    if (key === reverseKey) {
      removeFirst(key);
    } else {
      removeFirst(reverseKey);
      removeFirst(key);
    }
  }
  const out: EdgeJson[] = [];
  for (let i = 0; i < n; i += 1) if (alive[i] === 1) out.push(edges[i] as EdgeJson);
  return out;
}
