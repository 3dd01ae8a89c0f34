/**
 * Builds `data/train-split.json`: which of the 518 scene-1 dataset programs may serve as training
 * tasks, at three exclusion levels.
 *
 * @remarks
 * Run by a developer after the shared data or the packaged test tasks change, from the repository
 * root: `npx tsx --conditions=@spa/source packages/env-virtualhome/scripts/build-train-split.ts
 * [--source <dir>]` (default source: `../shared/data/virtualhome` next to the repository). The only
 * input read from the source folder is the init-graph index
 * `activityprograms_scene1_eai/spa_test_task_to_init_graph_scene1.json`; the programs and the test
 * tasks come from the package's own data (`loadDatasetPrograms`, `loadVirtualhomeTasks`).
 *
 * The exclusion rules follow the shared data README, section "Suggested training split from the
 * 518 scene-1 programs" (steps 1–3); each level includes the previous one:
 *
 * - `minimal`: drop every file named by the index for a test task (`init_graph_files` and
 *   `partial_candidates`), and every file whose script, with `(k.N)` rewritten to `(N)`, equals
 *   the `new_program_lines` of a test task of either split;
 * - `recommended`: also drop every file whose (title, description) equals, ignoring case, that of
 *   a test task (such a file is most likely the scene-1 instance of a test task from another
 *   scene, README step 2);
 * - `strict`: also drop every file whose action/object sequence with the ids removed
 *   (`[WALK] <home_office>` …) equals that of a test program.
 *
 * Output: `{levels: {minimal, recommended, strict}, excluded: [{file, reasons}]}`. Each level lists
 * the surviving files in the packaged program order (numeric by file name); `excluded` lists every
 * file dropped at some level with all the reasons that apply, each prefixed by the level that
 * first uses it. Filters that need the simulator (ambiguous ids, failing lines, goals already met)
 * run at load time in `src/train-split.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDatasetPrograms } from '../src/data';
import { loadVirtualhomeTasks } from '../src/tasks';
import {
  datasetScriptLines,
  parseDatasetProgram,
  sequenceWithoutIds,
  type VirtualhomeTrainLevel,
} from '../src/train-split';

const INDEX_FILE = 'activityprograms_scene1_eai/spa_test_task_to_init_graph_scene1.json';
const LEVELS: readonly VirtualhomeTrainLevel[] = ['minimal', 'recommended', 'strict'];

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repositoryRoot = path.resolve(packageRoot, '..', '..');

interface Reason {
  readonly level: VirtualhomeTrainLevel;
  readonly text: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Files named by the init-graph index, each with the test task keys that name it and how. */
function readIndex(file: string): Map<string, string[]> {
  const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(value)) throw new Error(`${file}: expected an array`);
  const named = new Map<string, string[]>();
  const add = (name: string, text: string): void => {
    const list = named.get(name) ?? [];
    list.push(text);
    named.set(name, list);
  };
  for (const [position, record] of value.entries()) {
    if (
      !isObject(record) ||
      (record.split !== 'new_seen_test' && record.split !== 'new_unseen_test') ||
      typeof record.line_index_0based !== 'number'
    ) {
      throw new Error(`${file}: record ${position}: expected {split, line_index_0based, ...}`);
    }
    const taskKey = `${record.split}:${record.line_index_0based + 1}`;
    for (const graphFile of (record.init_graph_files ?? []) as unknown[]) {
      if (typeof graphFile !== 'string') throw new Error(`${file}: record ${position}: bad file`);
      add(path.basename(graphFile, '.json'), `init graph of ${taskKey}`);
    }
    for (const candidate of (record.partial_candidates ?? []) as unknown[]) {
      if (!isObject(candidate) || typeof candidate.file !== 'string') {
        throw new Error(`${file}: record ${position}: bad partial candidate`);
      }
      add(candidate.file, `partial candidate for ${taskKey}`);
    }
  }
  return named;
}

/** Adds `taskKey` to the list under `key`. */
function push(map: Map<string, string[]>, key: string, taskKey: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [taskKey]);
  else if (!list.includes(taskKey)) list.push(taskKey);
}

/** `keys` as a short phrase: the first three and a count of the rest. */
function listKeys(keys: readonly string[]): string {
  const head = keys.slice(0, 3).join(', ');
  return keys.length > 3 ? `${head} and ${keys.length - 3} more` : head;
}

/**
 * JSON as Biome formats it (the file is checked in and linted): objects one key per line, arrays
 * of strings inline when the whole line fits in 100 columns, otherwise one item per line.
 * `prefix` is the length of the line before the value (indent, key, colon); `suffix` 1 when a
 * comma follows the value.
 */
function formatJson(value: unknown, indent = '', prefix = 0, suffix = 0): string {
  const inner = `${indent}  `;
  const last = (index: number, length: number): number => (index < length - 1 ? 1 : 0);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => typeof item === 'string')) {
      const inline = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (prefix + inline.length + suffix <= 100) return inline;
    }
    const items = value.map(
      (item, index) =>
        `${inner}${formatJson(item, inner, inner.length, last(index, value.length))}`,
    );
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (isObject(value)) {
    const entries = Object.entries(value).map(([key, item], index, all) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      return `${head}${formatJson(item, inner, head.length, last(index, all.length))}`;
    });
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

function main(): void {
  const { values } = parseArgs({ options: { source: { type: 'string' } } });
  const source = path.resolve(
    values.source ?? path.join(repositoryRoot, '..', 'shared', 'data', 'virtualhome'),
  );
  const indexed = readIndex(path.join(source, INDEX_FILE));

  // Test-task keys by program text, by (title, description) and by id-free sequence.
  const byProgram = new Map<string, string[]>();
  const byTitle = new Map<string, string[]>();
  const bySequence = new Map<string, string[]>();
  for (const split of ['new_seen_test', 'new_unseen_test'] as const) {
    for (const { taskKey, record } of loadVirtualhomeTasks(split)) {
      push(byProgram, record.new_program_lines.join('\n'), taskKey);
      push(byTitle, `${record.task}\n${record.description}`.toLowerCase(), taskKey);
      push(bySequence, sequenceWithoutIds(record.new_program_lines).join('\n'), taskKey);
    }
  }

  const programs = loadDatasetPrograms();
  const levels: Record<VirtualhomeTrainLevel, string[]> = {
    minimal: [],
    recommended: [],
    strict: [],
  };
  const excluded: { file: string; reasons: string[] }[] = [];
  const counts = { index: 0, program: 0, title: 0, sequence: 0 };
  for (const { file, program } of programs) {
    const parsed = parseDatasetProgram(program, file);
    const lines = datasetScriptLines(parsed.script);
    const reasons: Reason[] = [];
    const named = indexed.get(file);
    if (named !== undefined) {
      counts.index += 1;
      reasons.push({
        level: 'minimal',
        text: `named in the init-graph index (${named.join('; ')})`,
      });
    }
    const sameProgram = byProgram.get(lines.join('\n'));
    if (sameProgram !== undefined) {
      counts.program += 1;
      reasons.push({
        level: 'minimal',
        text: `same program as ${listKeys(sameProgram)}`,
      });
    }
    const sameTitle = byTitle.get(`${parsed.title}\n${parsed.description}`.toLowerCase());
    if (sameTitle !== undefined) {
      counts.title += 1;
      reasons.push({
        level: 'recommended',
        text: `same title and description as ${listKeys(sameTitle)}`,
      });
    }
    const sameSequence = bySequence.get(sequenceWithoutIds(lines).join('\n'));
    if (sameSequence !== undefined) {
      counts.sequence += 1;
      reasons.push({
        level: 'strict',
        text: `same action/object sequence as ${listKeys(sameSequence)}`,
      });
    }
    for (const [rank, level] of LEVELS.entries()) {
      const dropped = reasons.some((reason) => LEVELS.indexOf(reason.level) <= rank);
      if (!dropped) levels[level].push(file);
    }
    if (reasons.length > 0) {
      excluded.push({ file, reasons: reasons.map((reason) => `${reason.level}: ${reason.text}`) });
    }
  }

  const output = path.join(packageRoot, 'data', 'train-split.json');
  writeFileSync(output, `${formatJson({ levels, excluded })}\n`);
  console.log(
    `${programs.length} programs; index ${counts.index}, same program ${counts.program}, ` +
      `same title+description ${counts.title}, same sequence ${counts.sequence}`,
  );
  for (const level of LEVELS) console.log(`${level}: ${levels[level].length} remain`);
  console.log(`wrote ${path.relative(repositoryRoot, output)}`);
}

main();
