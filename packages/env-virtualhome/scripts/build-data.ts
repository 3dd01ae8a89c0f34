/**
 * Builds the VirtualHome data shipped in `@spa/env-virtualhome` from the project's shared copy.
 *
 * @remarks
 * Run by a developer after the shared data changes, from the repository root:
 * `npx tsx packages/env-virtualhome/scripts/build-data.ts [--source <dir>]` (default source:
 * `../shared/data/virtualhome` next to the repository). Unpacks the scene-1 program tarball with
 * the `tar`/`xz` command-line tools into a temporary folder and writes, under `data/`:
 *
 * - `scene-graphs.json.br`: `[{scene, graph}]` for the 7 Trimmed base scenes, graphs as parsed;
 * - `tasks/<split>.jsonl.br`: the two EVU test files, byte for byte (line order kept);
 * - `dataset-programs-scene1.jsonl.br`: one line per dataset program (518), sorted by file name:
 *   `{file, program, initGraphDiff}`, `program` the `.txt` text verbatim and `initGraphDiff` the
 *   init graph as a {@link GraphDiff} against TrimmedTestScene1 (format below);
 * - `dataset-edge-reference-scene1.json.br`: `{file, edges}`, the edge list of the first program's
 *   init graph as edge ops against TrimmedTestScene1's edges: the reference order that the
 *   programs' edge ops copy from (the 518 files list their edges in nearly the same order);
 * - `exact-initial-graphs.json`: the 55 validated tasks of the init-graph index,
 *   `{taskKey, split, line, id, task, files}` (`line` 1-based, `files` dataset file names);
 * - `manifest.json`: sizes and sha256 of every file.
 *
 * Diff format (version 2), against a base graph `{nodes, edges}` and a reference edge list:
 * `removedNodeIds` (base nodes absent from the target), `changedNodes` (`{id, fields}` with
 * the fields whose JSON differs from the base node), `addedNodes` (full node objects, target
 * order), `edges` (the target's edge list as edge ops: `[start, length]` copies a run of the
 * reference, `[from_id, relation_type, to_id]` adds one edge). Reconstruction: base nodes minus
 * removed, in base order, each rebuilt with the dataset key order
 * `id, class_name, category, properties, states, prefab_name, bounding_box`, then the added nodes;
 * the edges decoded from the ops. The build checks for every graph that the rebuilt graph is
 * byte-identical (JSON) to the original, edge order included (`remove_duplicate_edge` and the
 * simulator's "first INSIDE target" rules depend on it).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import {
  applyEdgeOps,
  applyGraphDiff,
  type EdgeOp,
  encodeEdgeOps,
  type GraphDiff as PackagedGraphDiff,
  type SceneGraph,
} from '../src/data';
import { NODE_JSON_KEYS } from '../src/sim/graph';

type Node = Record<string, unknown> & { id: number };
type EdgeObject = { from_id: number; relation_type: string; to_id: number };
interface Graph {
  nodes: Node[];
  edges: EdgeObject[];
}
interface GraphDiff {
  removedNodeIds: number[];
  changedNodes: { id: number; fields: Record<string, unknown> }[];
  addedNodes: Node[];
  edges: EdgeOp[];
}

const SPLITS = ['new_seen_test', 'new_unseen_test'] as const;
const PROGRAM_DIR = 'programs_processed_precond_nograb_morepreconds';
const BATCH = 'TrimmedTestScene1_graph/results_intentions_march-13-18';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = path.resolve(packageRoot, '..', '..');

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The diff of `target` against `base` (see the file comment). */
function diffGraph(
  base: Graph,
  reference: readonly EdgeObject[],
  target: Graph,
  where: string,
): GraphDiff {
  const baseNodes = new Map(base.nodes.map((node) => [node.id, node]));
  const targetIds = new Set(target.nodes.map((node) => node.id));
  const changedNodes: GraphDiff['changedNodes'] = [];
  const addedNodes: Node[] = [];
  for (const node of target.nodes) {
    const keys = Object.keys(node);
    if (!sameJson(keys, NODE_JSON_KEYS))
      throw new Error(`${where}: node ${node.id} has keys ${keys}`);
    const baseNode = baseNodes.get(node.id);
    if (baseNode === undefined) {
      addedNodes.push(node);
      continue;
    }
    const fields: Record<string, unknown> = {};
    for (const key of NODE_JSON_KEYS) {
      if (!sameJson(node[key], baseNode[key])) fields[key] = node[key];
    }
    if (Object.keys(fields).length > 0) changedNodes.push({ id: node.id, fields });
  }
  const removedNodeIds = base.nodes
    .filter((node) => !targetIds.has(node.id))
    .map((node) => node.id);
  const edges = encodeEdgeOps(reference, target.edges);
  return { removedNodeIds, changedNodes, addedNodes, edges };
}

function checkRoundTrip(
  base: Graph,
  reference: readonly EdgeObject[],
  target: Graph,
  diff: GraphDiff,
  where: string,
): void {
  // The loader's own algorithm, on the diff as it will be read back from JSON.
  const rebuilt = applyGraphDiff(
    base as unknown as SceneGraph,
    JSON.parse(JSON.stringify(diff)) as PackagedGraphDiff,
    reference,
  );
  if (JSON.stringify(rebuilt) !== JSON.stringify({ nodes: target.nodes, edges: target.edges })) {
    throw new Error(`${where}: rebuilt graph differs from the original`);
  }
}

/** JSON with one key per line and `files` inline, as Biome formats it (the file is checked in). */
function formatIndex(records: readonly Record<string, unknown>[]): string {
  const body = records.map((record) => {
    const fields = Object.entries(record).map(([key, value]) => {
      const text = Array.isArray(value)
        ? `[${value.map((item) => JSON.stringify(item)).join(', ')}]`
        : JSON.stringify(value);
      return `    ${JSON.stringify(key)}: ${text}`;
    });
    return `  {\n${fields.join(',\n')}\n  }`;
  });
  return `[\n${body.join(',\n')}\n]\n`;
}

function brotli(buffer: Buffer): Buffer {
  return brotliCompressSync(buffer, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length,
    },
  });
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

interface ManifestEntry {
  file: string;
  bytes: number;
  sha256: string;
  compressedBytes: number;
  records: number;
}

function writeData(
  relative: string,
  text: string,
  records: number,
  brotliIt: boolean,
): ManifestEntry {
  const raw = Buffer.from(text, 'utf8');
  const stored = brotliIt ? brotli(raw) : raw;
  if (brotliIt && !brotliDecompressSync(stored).equals(raw)) {
    throw new Error(`${relative}: brotli round trip failed`);
  }
  const target = path.join(packageRoot, 'data', relative);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, stored);
  return {
    file: relative,
    bytes: raw.length,
    sha256: sha256(raw),
    compressedBytes: stored.length,
    records,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { source: { type: 'string' } } });
  const source = path.resolve(
    values.source ?? path.join(repositoryRoot, '..', 'shared', 'data', 'virtualhome'),
  );
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const manifest: ManifestEntry[] = [];

  // Base scenes.
  const scenes: { scene: number; graph: Graph }[] = [];
  for (let scene = 1; scene <= 7; scene += 1) {
    const file = path.join(
      source,
      'vh_trimmed_scene_graphs',
      `TrimmedTestScene${scene}_graph.json`,
    );
    scenes.push({ scene, graph: JSON.parse(readFileSync(file, 'utf8')) as Graph });
  }
  manifest.push(writeData('scene-graphs.json.br', JSON.stringify(scenes), scenes.length, true));
  const base1 = scenes[0]?.graph;
  if (base1 === undefined) throw new Error('no scene 1');

  // Task records, byte for byte.
  for (const split of SPLITS) {
    const file = path.join(source, 'spa_tasks_evu', `${split}.jsonl`);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    for (const line of lines) JSON.parse(line) as unknown;
    if (lines.length !== 247) throw new Error(`${file}: ${lines.length} records, expected 247`);
    manifest.push(writeData(`tasks/${split}.jsonl.br`, text, lines.length, true));
  }

  // Dataset programs and their init graphs, as diffs against scene 1.
  const work = mkdtempSync(path.join(tmpdir(), 'vh-build-'));
  try {
    const tarball = path.join(
      source,
      'activityprograms_scene1_eai',
      `${PROGRAM_DIR}_TrimmedTestScene1.tar.xz`,
    );
    execFileSync('tar', ['-xJf', tarball, '-C', work]);
    const graphDir = path.join(work, PROGRAM_DIR, 'init_and_final_graphs', BATCH);
    const programDir = path.join(work, PROGRAM_DIR, 'executable_programs', BATCH);
    const names = readdirSync(programDir)
      .filter((name) => name.endsWith('.txt'))
      .map((name) => name.slice(0, -4))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (names.length !== 518)
      throw new Error(`${programDir}: ${names.length} programs, expected 518`);
    const readInit = (name: string): Graph =>
      (
        JSON.parse(readFileSync(path.join(graphDir, `${name}.json`), 'utf8')) as {
          init_graph: Graph;
        }
      ).init_graph;
    const referenceName = names[0] as string;
    const referenceEdges = readInit(referenceName).edges;
    const referenceOps = encodeEdgeOps(base1.edges, referenceEdges);
    const decoded = applyEdgeOps(base1.edges, JSON.parse(JSON.stringify(referenceOps)) as EdgeOp[]);
    if (JSON.stringify(decoded) !== JSON.stringify(referenceEdges))
      throw new Error(`${referenceName}: reference edge ops do not round-trip`);
    manifest.push(
      writeData(
        'dataset-edge-reference-scene1.json.br',
        JSON.stringify({ file: referenceName, edges: referenceOps }),
        referenceEdges.length,
        true,
      ),
    );
    const lines: string[] = [];
    let diffNodes = 0;
    let edgeOps = 0;
    for (const name of names) {
      const graphFile = path.join(graphDir, `${name}.json`);
      const init = readInit(name);
      const diff = diffGraph(base1, referenceEdges, init, graphFile);
      checkRoundTrip(base1, referenceEdges, init, diff, graphFile);
      diffNodes += diff.addedNodes.length + diff.changedNodes.length + diff.removedNodeIds.length;
      edgeOps += diff.edges.length;
      const program = readFileSync(path.join(programDir, `${name}.txt`), 'utf8');
      lines.push(JSON.stringify({ file: name, program, initGraphDiff: diff }));
    }
    log(
      `programs: ${names.length} init graphs round-trip exactly; ${diffNodes} node entries, ${edgeOps} edge ops`,
    );
    manifest.push(
      writeData('dataset-programs-scene1.jsonl.br', `${lines.join('\n')}\n`, lines.length, true),
    );

    // The exact-initial-graph index: validated records only.
    const indexFile = path.join(
      source,
      'activityprograms_scene1_eai',
      'spa_test_task_to_init_graph_scene1.json',
    );
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as {
      split: string;
      line_index_0based: number;
      id: string;
      task: string;
      init_graph_files?: string[];
      status: string;
    }[];
    const known = new Set(names);
    const exact = index
      .filter((record) => record.init_graph_files !== undefined)
      .map((record) => {
        const files = (record.init_graph_files ?? []).map((file) => path.basename(file, '.json'));
        for (const file of files)
          if (!known.has(file)) throw new Error(`${indexFile}: unknown ${file}`);
        if (!record.status.startsWith('validated'))
          throw new Error(`${indexFile}: ${record.status}`);
        const line = record.line_index_0based + 1;
        return {
          taskKey: `${record.split}:${line}`,
          split: record.split,
          line,
          id: record.id,
          task: record.task,
          files,
        };
      });
    if (exact.length !== 55)
      throw new Error(`${indexFile}: ${exact.length} validated, expected 55`);
    manifest.push(writeData('exact-initial-graphs.json', formatIndex(exact), exact.length, false));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  writeFileSync(
    path.join(packageRoot, 'data', 'manifest.json'),
    `${JSON.stringify({ files: manifest }, null, 2)}\n`,
  );
  for (const entry of manifest) {
    log(
      `${entry.file}: ${entry.records} records, ${entry.bytes} B raw, ${entry.compressedBytes} B stored`,
    );
  }
}

main();
