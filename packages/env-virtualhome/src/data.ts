import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { InvalidArgumentError } from '@spa/core';
import { packageDataPath, VirtualhomeDataError } from './data-files';

export { VirtualhomeDataError } from './data-files';

import { type EdgeJson, type GraphJson, NODE_JSON_KEYS, type NodeJson } from './sim/graph';

/** A scene-graph node as stored in VirtualHome JSON (research note §2.1); the simulator's type. */
export type SceneGraphNode = NodeJson;

/** A directed scene-graph edge, e.g. `{from_id: 2, relation_type: 'INSIDE', to_id: 1}`. */
export type SceneGraphEdge = EdgeJson;

/** A VirtualHome scene graph `{nodes, edges}`; the Trimmed base scenes also carry `trimmed_nodes`. */
export interface SceneGraph extends GraphJson {
  readonly trimmed_nodes?: readonly SceneGraphNode[];
}

/** An edge in diff form: `[from_id, relation_type, to_id]`. */
export type EdgeTuple = readonly [number, string, number];

/**
 * One step of an order-preserving edge list encoding: `[start, length]` copies `length` edges of
 * the reference list from index `start`; an {@link EdgeTuple} adds that edge.
 */
export type EdgeOp = readonly [number, number] | EdgeTuple;

/**
 * A graph stored as its difference from a base graph (format version 2).
 *
 * @remarks
 * Rebuild with {@link applyGraphDiff}: base nodes minus `removedNodeIds` in base order, each with
 * the fields of its `changedNodes` entry replacing the base values and the key order
 * `id, class_name, category, properties, states, prefab_name, bounding_box` (missing base keys
 * become `null`), then `addedNodes`. The edge list is `edges` decoded by {@link applyEdgeOps}
 * against a reference edge list (the dataset's common edge order for the scene-1 programs), so
 * both the node list and the edge list, order included, rebuild exactly as in the source file.
 * Edge order matters: `remove_duplicate_edge` and the simulator's "first INSIDE target" rules
 * depend on it (research note §1.8, §2.3).
 */
export interface GraphDiff {
  readonly removedNodeIds: readonly number[];
  readonly changedNodes: readonly {
    readonly id: number;
    readonly fields: Readonly<Record<string, unknown>>;
  }[];
  readonly addedNodes: readonly SceneGraphNode[];
  readonly edges: readonly EdgeOp[];
}

const edgeKey = (from: number, relation: string, to: number): string => `${from} ${relation} ${to}`;

/**
 * Decodes an {@link EdgeOp} list against `reference`; throws `InvalidArgumentError` on a copy
 * outside the reference or a malformed op. Returns fresh edge objects.
 */
export function applyEdgeOps(
  reference: readonly SceneGraphEdge[],
  ops: readonly EdgeOp[],
): SceneGraphEdge[] {
  const edges: SceneGraphEdge[] = [];
  for (const [index, op] of ops.entries()) {
    if (op.length === 2) {
      const [start, length] = op;
      if (
        !Number.isInteger(start) ||
        !Number.isInteger(length) ||
        start < 0 ||
        length < 1 ||
        start + length > reference.length
      ) {
        throw new InvalidArgumentError({
          field: `ops[${index}]`,
          reason: `copy [${start}, ${length}] outside a reference of ${reference.length} edges`,
        });
      }
      for (let i = start; i < start + length; i += 1) {
        const edge = reference[i] as SceneGraphEdge;
        edges.push({ from_id: edge.from_id, relation_type: edge.relation_type, to_id: edge.to_id });
      }
    } else if (
      op.length === 3 &&
      typeof op[0] === 'number' &&
      typeof op[1] === 'string' &&
      typeof op[2] === 'number'
    ) {
      edges.push({ from_id: op[0], relation_type: op[1], to_id: op[2] });
    } else {
      throw new InvalidArgumentError({
        field: `ops[${index}]`,
        reason: `expected [start, length] or [from_id, relation_type, to_id], got ${JSON.stringify(op)}`,
      });
    }
  }
  return edges;
}

/**
 * Encodes `target` as {@link EdgeOp}s against `reference`, greedily: each edge found in the
 * reference starts a copy run that extends while the two lists agree; others become literals.
 */
export function encodeEdgeOps(
  reference: readonly SceneGraphEdge[],
  target: readonly SceneGraphEdge[],
): EdgeOp[] {
  const position = new Map<string, number>();
  reference.forEach((edge, index) => {
    const key = edgeKey(edge.from_id, edge.relation_type, edge.to_id);
    if (!position.has(key)) position.set(key, index);
  });
  const ops: EdgeOp[] = [];
  let i = 0;
  while (i < target.length) {
    const edge = target[i] as SceneGraphEdge;
    const start = position.get(edgeKey(edge.from_id, edge.relation_type, edge.to_id));
    if (start === undefined) {
      ops.push([edge.from_id, edge.relation_type, edge.to_id]);
      i += 1;
      continue;
    }
    let length = 1;
    while (i + length < target.length && start + length < reference.length) {
      const a = target[i + length] as SceneGraphEdge;
      const b = reference[start + length] as SceneGraphEdge;
      if (a.from_id !== b.from_id || a.relation_type !== b.relation_type || a.to_id !== b.to_id)
        break;
      length += 1;
    }
    ops.push([start, length]);
    i += length;
  }
  return ops;
}

/**
 * Rebuilds a graph from its base graph and a {@link GraphDiff}; returns fresh objects (the base is
 * not modified). Edge copy ops refer to `edgeReference` (default: the base graph's edges).
 */
export function applyGraphDiff(
  base: SceneGraph,
  diff: GraphDiff,
  edgeReference: readonly SceneGraphEdge[] = base.edges,
): SceneGraph {
  const removed = new Set(diff.removedNodeIds);
  const changed = new Map(diff.changedNodes.map((entry) => [entry.id, entry.fields]));
  const nodes: SceneGraphNode[] = [];
  for (const baseNode of base.nodes) {
    if (removed.has(baseNode.id)) continue;
    const fields = changed.get(baseNode.id) ?? {};
    const source = baseNode as unknown as Record<string, unknown>;
    const node: Record<string, unknown> = {};
    for (const key of NODE_JSON_KEYS)
      node[key] = key in fields ? fields[key] : (source[key] ?? null);
    nodes.push(node as unknown as SceneGraphNode);
  }
  nodes.push(...diff.addedNodes);
  return { nodes, edges: applyEdgeOps(edgeReference, diff.edges) };
}

/** The two SPA/EVU test splits. */
export type VirtualhomeSplit = 'new_seen_test' | 'new_unseen_test';

/** The splits in canonical order (seen, then unseen; SPA evaluates on unseen). */
export const VIRTUALHOME_SPLITS: readonly VirtualhomeSplit[] = Object.freeze([
  'new_seen_test',
  'new_unseen_test',
] as const);

/** A base scene number, 1–7 (`TrimmedTestScene<n>_graph`). */
export type SceneNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One program of the VirtualHome program dataset, scene 1 (`executable_programs/.../fileN_M.txt`). */
export interface DatasetProgram {
  /** The dataset file name without extension, e.g. `file185_2`. */
  readonly file: string;
  /** The `.txt` file verbatim: title, description, two blank lines, one script line per line. */
  readonly program: string;
  /** Its `init_graph` as a diff against TrimmedTestScene1. */
  readonly initGraphDiff: GraphDiff;
}

/** One record of the exact-initial-graph index (55 validated test tasks). */
export interface ExactInitialGraphEntry {
  /** `<split>:<line>`, line 1-based. */
  readonly taskKey: string;
  readonly split: VirtualhomeSplit;
  /** 1-based line in the split file. */
  readonly line: number;
  readonly id: string;
  readonly task: string;
  /** Dataset files holding an equally valid initial graph (1, or 2 for two tasks). */
  readonly files: readonly string[];
}

const dataFile = packageDataPath;

function readText(relative: string): { file: string; text: string } {
  const file = dataFile(relative);
  try {
    const bytes = readFileSync(file);
    const text = relative.endsWith('.br')
      ? brotliDecompressSync(bytes).toString('utf8')
      : bytes.toString('utf8');
    return { file, text };
  } catch (error) {
    throw new VirtualhomeDataError({
      source: file,
      reason: 'cannot read or decompress the file',
      cause: error,
    });
  }
}

function parseJson(text: string, file: string, line?: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new VirtualhomeDataError({
      source: file,
      reason: 'not valid JSON',
      cause: error,
      ...(line === undefined ? {} : { line }),
    });
  }
}

/** Non-empty lines of a JSON Lines text, each with its 1-based line number. */
function jsonLines(text: string, file: string): { line: number; value: unknown }[] {
  const out: { line: number; value: unknown }[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    out.push({ line: index + 1, value: parseJson(line, file, index + 1) });
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function assertGraph(value: unknown, source: string, line?: number): asserts value is SceneGraph {
  if (!isObject(value) || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) {
    throw new VirtualhomeDataError({
      source,
      reason: 'expected a graph {nodes: [...], edges: [...]}',
      ...(line === undefined ? {} : { line }),
    });
  }
}

let scenesCache: ReadonlyMap<number, SceneGraph> | undefined;

/**
 * The Trimmed base scene graph `n` (1–7), as published (`nodes`, `edges`, `trimmed_nodes`).
 *
 * @remarks
 * Cached: repeated calls return the same object; treat it as read-only.
 */
export function loadSceneGraph(scene: SceneNumber): SceneGraph {
  if (!Number.isInteger(scene) || scene < 1 || scene > 7) {
    throw new InvalidArgumentError({
      field: 'scene',
      reason: `expected 1–7, got ${JSON.stringify(scene)}`,
    });
  }
  if (scenesCache === undefined) {
    const { file, text } = readText('scene-graphs.json.br');
    const value = parseJson(text, file);
    if (!Array.isArray(value))
      throw new VirtualhomeDataError({ source: file, reason: 'expected an array' });
    const scenes = new Map<number, SceneGraph>();
    for (const entry of value as unknown[]) {
      if (!isObject(entry) || typeof entry.scene !== 'number') {
        throw new VirtualhomeDataError({ source: file, reason: 'expected {scene, graph} entries' });
      }
      assertGraph(entry.graph, `${file} (scene ${entry.scene})`);
      scenes.set(entry.scene, entry.graph);
    }
    scenesCache = scenes;
  }
  const graph = scenesCache.get(scene);
  if (graph === undefined)
    throw new VirtualhomeDataError({ source: 'scene-graphs.json.br', reason: `no scene ${scene}` });
  return graph;
}

/** A task record's raw JSON with the file line it came from. */
export interface RawTaskLine {
  /** 1-based line in `data/tasks/<split>.jsonl.br` (same as in EVU's file). */
  readonly line: number;
  readonly record: Readonly<Record<string, unknown>>;
}

const tasksCache = new Map<VirtualhomeSplit, readonly RawTaskLine[]>();

/**
 * The raw task records of one split in file order, each with its 1-based line number (ids are not
 * unique; `tasks.ts` types and checks them).
 */
export function loadTaskRecords(split: VirtualhomeSplit): readonly RawTaskLine[] {
  if (!(VIRTUALHOME_SPLITS as readonly string[]).includes(split)) {
    throw new InvalidArgumentError({
      field: 'split',
      reason: `expected one of ${VIRTUALHOME_SPLITS.join(', ')}, got ${JSON.stringify(split)}`,
    });
  }
  const cached = tasksCache.get(split);
  if (cached !== undefined) return cached;
  const { file, text } = readText(`tasks/${split}.jsonl.br`);
  const records = jsonLines(text, file).map(({ line, value }) => {
    if (!isObject(value))
      throw new VirtualhomeDataError({ source: file, line, reason: 'expected a JSON object' });
    return Object.freeze({ line, record: value });
  });
  const frozen = Object.freeze(records);
  tasksCache.set(split, frozen);
  return frozen;
}

let programsCache: readonly DatasetProgram[] | undefined;

/** The 518 scene-1 dataset programs, sorted by file name (numeric), init graphs as diffs. */
export function loadDatasetPrograms(): readonly DatasetProgram[] {
  if (programsCache !== undefined) return programsCache;
  const { file, text } = readText('dataset-programs-scene1.jsonl.br');
  const programs = jsonLines(text, file).map(({ line, value }) => {
    if (
      !isObject(value) ||
      typeof value.file !== 'string' ||
      typeof value.program !== 'string' ||
      !isObject(value.initGraphDiff)
    ) {
      throw new VirtualhomeDataError({
        source: file,
        line,
        reason: 'expected {file, program, initGraphDiff}',
      });
    }
    const diff = value.initGraphDiff;
    for (const key of ['removedNodeIds', 'changedNodes', 'addedNodes', 'edges']) {
      if (!Array.isArray(diff[key])) {
        throw new VirtualhomeDataError({
          source: file,
          line,
          reason: `initGraphDiff.${key} is not an array`,
        });
      }
    }
    return value as unknown as DatasetProgram;
  });
  programsCache = Object.freeze(programs);
  return programsCache;
}

let edgeReferenceCache: readonly SceneGraphEdge[] | undefined;

/**
 * The reference edge order of the scene-1 dataset graphs (the edge list of one dataset file; all
 * 518 list their edges in nearly the same order), against which the programs' edge ops copy.
 */
function loadDatasetEdgeReference(): readonly SceneGraphEdge[] {
  if (edgeReferenceCache !== undefined) return edgeReferenceCache;
  const { file, text } = readText('dataset-edge-reference-scene1.json.br');
  const value = parseJson(text, file);
  if (!isObject(value) || !Array.isArray(value.edges)) {
    throw new VirtualhomeDataError({ source: file, reason: 'expected {file, edges: [...]}' });
  }
  try {
    edgeReferenceCache = Object.freeze(
      applyEdgeOps(loadSceneGraph(1).edges, value.edges as EdgeOp[]),
    );
  } catch (error) {
    throw new VirtualhomeDataError({ source: file, reason: 'malformed edge ops', cause: error });
  }
  return edgeReferenceCache;
}

const programGraphCache = new Map<string, SceneGraph>();
/** Rebuilt graphs kept by {@link loadDatasetInitGraph} (about 1 MB each). */
const PROGRAM_GRAPH_CACHE_SIZE = 16;

/**
 * The `init_graph` of dataset program `file` (e.g. `file185_2`), rebuilt from its diff; a fresh
 * object on every call (nothing is kept). Throws `InvalidArgumentError` for an unknown file.
 */
export function buildDatasetInitGraph(file: string): SceneGraph {
  const program = loadDatasetPrograms().find((entry) => entry.file === file);
  if (program === undefined) {
    throw new InvalidArgumentError({
      field: 'file',
      reason: `no dataset program named ${JSON.stringify(file)}`,
    });
  }
  return applyGraphDiff(loadSceneGraph(1), program.initGraphDiff, loadDatasetEdgeReference());
}

/**
 * The `init_graph` of dataset program `file` (e.g. `file185_2`), rebuilt from its diff. The last
 * 16 graphs are kept (repeated calls return the same object; treat it as read-only); use
 * {@link buildDatasetInitGraph} to build many without keeping them.
 */
export function loadDatasetInitGraph(file: string): SceneGraph {
  const cached = programGraphCache.get(file);
  if (cached !== undefined) {
    programGraphCache.delete(file);
    programGraphCache.set(file, cached);
    return cached;
  }
  const graph = buildDatasetInitGraph(file);
  programGraphCache.set(file, graph);
  if (programGraphCache.size > PROGRAM_GRAPH_CACHE_SIZE) {
    programGraphCache.delete(programGraphCache.keys().next().value as string);
  }
  return graph;
}

let exactIndexCache: ReadonlyMap<string, ExactInitialGraphEntry> | undefined;

/** The index of the 55 test tasks with a validated initial graph, by task key. */
export function loadExactInitialGraphIndex(): ReadonlyMap<string, ExactInitialGraphEntry> {
  if (exactIndexCache !== undefined) return exactIndexCache;
  const { file, text } = readText('exact-initial-graphs.json');
  const value = parseJson(text, file);
  if (!Array.isArray(value))
    throw new VirtualhomeDataError({ source: file, reason: 'expected an array' });
  const index = new Map<string, ExactInitialGraphEntry>();
  for (const [position, entry] of (value as unknown[]).entries()) {
    if (!isObject(entry) || typeof entry.taskKey !== 'string' || !Array.isArray(entry.files)) {
      throw new VirtualhomeDataError({
        source: file,
        reason: `entry ${position}: expected {taskKey, files, ...}`,
      });
    }
    index.set(entry.taskKey, entry as unknown as ExactInitialGraphEntry);
  }
  exactIndexCache = index;
  return index;
}

/**
 * The exact initial graph of a test task (`<split>:<line>`, line 1-based), or `undefined` when the
 * task is not one of the 55 with a validated graph.
 *
 * @remarks
 * Where two dataset files are equally valid, the first is used. Nodes are byte-identical to the
 * dataset's `init_graph` (before `remove_duplicate_edge`), and so are the edges, order included.
 */
export function loadExactInitialGraph(taskKey: string): SceneGraph | undefined {
  const entry = loadExactInitialGraphIndex().get(taskKey);
  const first = entry?.files[0];
  return first === undefined ? undefined : loadDatasetInitGraph(first);
}
