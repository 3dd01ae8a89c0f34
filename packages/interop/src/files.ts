import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Trajectory } from '@spa/core';
import { readAllTrajectories, writeFileAtomic, writeTrajectories } from '@spa/core/node';
import { type ImportOptions, recordError } from './common';
import {
  exportOpenRlhf,
  importOpenRlhfRecord,
  type OpenRlhfExportOptions,
} from './formats/openrlhf';
import {
  exportSpaReference,
  fromSpaReferenceFile,
  importSpaReference,
  type SpaReferenceExportOptions,
  type SpaReferenceImportOptions,
  toSpaReferenceFile,
} from './formats/spa-reference';
import {
  exportTrl,
  importTrlRecord,
  type TrlExportOptions,
  type TrlImportOptions,
} from './formats/trl';
import {
  exportVerl,
  fromVerlParquet,
  importVerl,
  toVerlParquet,
  type VerlExportOptions,
} from './formats/verl';

/** The file formats {@link convertTrajectories} reads and writes. */
export const INTEROP_FORMATS = ['spa', 'spa-reference', 'trl', 'verl', 'openrlhf'] as const;

/**
 * A file format: `spa` (our trajectory JSONL), `spa-reference` (the reference code's step-PPO
 * JSON), `trl` (stepwise-supervision JSONL), `verl` (parquet), `openrlhf` (JSONL).
 */
export type InteropFormat = (typeof INTEROP_FORMATS)[number];

/** Parses JSONL text into records, keeping each record's 1-based line; blank lines are skipped. */
function parseJsonl(text: string, source: string): { value: unknown; line: number }[] {
  const records: { value: unknown; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, index) => {
    const line = index === 0 && rawLine.startsWith('\uFEFF') ? rawLine.slice(1) : rawLine;
    if (line.trim() === '') return;
    try {
      records.push({ value: JSON.parse(line), line: index + 1 });
    } catch (error) {
      throw recordError(
        { source, line: index + 1 },
        '',
        `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        error,
      );
    }
  });
  return records;
}

function toJsonl(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** Writes trajectories as TRL stepwise-supervision JSONL (atomically). */
export async function writeTrlFile(
  path: string,
  trajectories: readonly Trajectory[],
  options: TrlExportOptions = {},
): Promise<number> {
  const records = exportTrl(trajectories, options);
  await writeFileAtomic(path, toJsonl(records));
  return records.length;
}

/** Reads a TRL stepwise-supervision JSONL file; errors name `path:line`. */
export async function readTrlFile(
  path: string,
  options: TrlImportOptions = {},
): Promise<Trajectory[]> {
  const records = parseJsonl(await readText(path), path);
  return records.map(({ value, line }, index) =>
    importTrlRecord(value, { index, line, source: path }, { source: path, ...options }),
  );
}

/** Writes trajectories as OpenRLHF JSONL (atomically). */
export async function writeOpenRlhfFile(
  path: string,
  trajectories: readonly Trajectory[],
  options: OpenRlhfExportOptions = {},
): Promise<number> {
  const records = exportOpenRlhf(trajectories, options);
  await writeFileAtomic(path, toJsonl(records));
  return records.length;
}

/** Reads an OpenRLHF JSONL file; errors name `path:line`. */
export async function readOpenRlhfFile(
  path: string,
  options: ImportOptions = {},
): Promise<Trajectory[]> {
  const records = parseJsonl(await readText(path), path);
  return records.map(({ value, line }, index) =>
    importOpenRlhfRecord(value, { index, line, source: path }, { source: path, ...options }),
  );
}

/**
 * Writes trajectories as the reference code's step-PPO JSON (one column-oriented object, as
 * `prm/rl_data_org.py` writes it), atomically.
 */
export async function writeSpaReferenceFile(
  path: string,
  trajectories: readonly Trajectory[],
  options: SpaReferenceExportOptions = {},
): Promise<number> {
  const records = exportSpaReference(trajectories, options);
  await writeFileAtomic(path, `${JSON.stringify(toSpaReferenceFile(records), null, 2)}\n`);
  return records.length;
}

/**
 * Reads a reference step-PPO JSON file (the column-oriented object, or an array of rows);
 * errors name the file and `records[i].field`.
 */
export async function readSpaReferenceFile(
  path: string,
  options: SpaReferenceImportOptions = {},
): Promise<Trajectory[]> {
  const text = await readText(path);
  let value: unknown;
  try {
    value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw recordError(
      { source: path },
      '',
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      error,
    );
  }
  return importSpaReference(fromSpaReferenceFile(value, path), { source: path, ...options });
}

/** Writes trajectories as a verl parquet file (atomically). */
export async function writeVerlFile(
  path: string,
  trajectories: readonly Trajectory[],
  options: VerlExportOptions = {},
): Promise<number> {
  const records = exportVerl(trajectories, options);
  await writeFileAtomic(path, toVerlParquet(records));
  return records.length;
}

/** Reads a verl parquet file; errors name the file and `records[i].field`. */
export async function readVerlFile(
  path: string,
  options: ImportOptions = {},
): Promise<Trajectory[]> {
  const bytes = await readFile(path);
  return importVerl(await fromVerlParquet(bytes, path), { source: path, ...options });
}

/** Options of {@link convertTrajectories}. */
export interface ConvertOptions {
  /** Format of `input`. */
  readonly from: InteropFormat;
  /** Format of `output`. */
  readonly to: InteropFormat;
  /** Path of the file to read. */
  readonly input: string;
  /** Path of the file to write (replaced atomically). */
  readonly output: string;
  /** Options of the importer (`source` defaults to `input`). */
  readonly importOptions?: SpaReferenceImportOptions & TrlImportOptions;
  /** Options of the exporter. */
  readonly exportOptions?: SpaReferenceExportOptions &
    TrlExportOptions &
    VerlExportOptions &
    OpenRlhfExportOptions;
}

/** Reads trajectories from a file in any {@link InteropFormat}. */
export async function readInteropFile(
  format: InteropFormat,
  path: string,
  options: SpaReferenceImportOptions & TrlImportOptions = {},
): Promise<Trajectory[]> {
  switch (format) {
    case 'spa':
      return readAllTrajectories(path);
    case 'spa-reference':
      return readSpaReferenceFile(path, options);
    case 'trl':
      return readTrlFile(path, options);
    case 'verl':
      return readVerlFile(path, options);
    case 'openrlhf':
      return readOpenRlhfFile(path, options);
    default:
      throw unknownFormat('format', format);
  }
}

/** Writes trajectories to a file in any {@link InteropFormat}; returns the record count. */
export async function writeInteropFile(
  format: InteropFormat,
  path: string,
  trajectories: readonly Trajectory[],
  options: ConvertOptions['exportOptions'] = {},
): Promise<number> {
  switch (format) {
    case 'spa':
      return writeTrajectories(path, trajectories);
    case 'spa-reference':
      return writeSpaReferenceFile(path, trajectories, options);
    case 'trl':
      return writeTrlFile(path, trajectories, options);
    case 'verl':
      return writeVerlFile(path, trajectories, options);
    case 'openrlhf':
      return writeOpenRlhfFile(path, trajectories, options);
    default:
      throw unknownFormat('format', format);
  }
}

/**
 * Converts a file from one format to another: `spa` → `verl` to train with verl, `trl` →
 * `spa` to bring labelled data back, and so on.
 *
 * @returns the number of trajectories converted.
 * @throws InvalidArgumentError for an unknown format; TrajectoryValidationError for a bad record
 *   (naming the input file, the record and the field).
 */
export async function convertTrajectories(options: ConvertOptions): Promise<{ count: number }> {
  for (const key of ['from', 'to'] as const) {
    if (!(INTEROP_FORMATS as readonly string[]).includes(options[key])) {
      throw unknownFormat(`options.${key}`, options[key]);
    }
  }
  const trajectories = await readInteropFile(options.from, options.input, {
    source: options.input,
    ...options.importOptions,
  });
  const count = await writeInteropFile(
    options.to,
    options.output,
    trajectories,
    options.exportOptions,
  );
  return { count };
}

function unknownFormat(field: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError({
    field,
    reason: `expected one of ${INTEROP_FORMATS.join(', ')}, got ${JSON.stringify(value)}`,
  });
}
