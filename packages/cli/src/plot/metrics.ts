import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DataFileError } from '@spa/core';

/** One metrics line: `iteration` plus flat numeric metrics (`charts/success_rate`, `losses/policy`…). */
export type MetricsLine = Record<string, number>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Parses one metrics JSON line. `null` values become `NaN`: `JSON.stringify` writes NaN and
 * ±Infinity as `null` (ECMA-262, the SerializeJSONProperty step for non-finite numbers), so a diverged loss reads back
 * as a non-finite number, which the plots leave out.
 *
 * @returns the record, or a reason it is invalid.
 */
function parseMetricsLine(text: string): MetricsLine | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `invalid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return `expected a JSON object, got ${describe(parsed)}`;
  }
  const record: MetricsLine = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'number') record[key] = value;
    else if (value === null) record[key] = Number.NaN;
    else return `"${key}": expected a number, got ${describe(value)}`;
  }
  const iteration = record.iteration;
  if (iteration === undefined) return '"iteration": missing';
  if (!Number.isFinite(iteration)) return `"iteration": expected a finite number, got ${iteration}`;
  return record;
}

/**
 * Reads a `metrics.jsonl` file (one flat JSON object per line, as `PpoTrainer` appends them),
 * streaming it line by line so memory stays bounded by the longest line.
 *
 * @remarks
 * Blank lines are skipped. Values must be numbers (`null`, which is how JSON stores NaN, reads
 * as `NaN`) and every line needs a finite `iteration`.
 *
 * @throws DataFileError (an `Error`) whose message reads `file:line: what is wrong`, for the
 *   first bad line; or `file: …` when the file cannot be read.
 */
export async function readMetricsJsonl(file: string): Promise<MetricsLine[]> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const records: MetricsLine[] = [];
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      const text = lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (text.trim() === '') continue;
      const record = parseMetricsLine(text);
      if (typeof record === 'string') {
        throw new DataFileError({ source: file, line: lineNumber, reason: record });
      }
      records.push(record);
    }
  } catch (error) {
    if (DataFileError.isInstance(error)) throw error;
    throw new DataFileError({
      source: file,
      reason: `cannot read metrics (${error instanceof Error ? error.message : String(error)})`,
      cause: error,
    });
  } finally {
    lines.close();
    stream.destroy();
  }
  return records;
}
