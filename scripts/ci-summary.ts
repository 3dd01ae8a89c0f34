/**
 * Prints the one line CI expects (`N passed, N failed`, exactly) from vitest's JSON report
 * (conventions §B.14); skipped and todo tests are reported on stderr.
 *
 * @remarks
 * `tsx scripts/ci-summary.ts [reports/vitest.json ...]`: several reports are added up. Exits 0
 * only when nothing failed and at least one test passed. A test file that failed without any failed test (it threw while
 * loading) counts as one failed test, since vitest's `numFailedTests` leaves it out. A missing
 * or unreadable report prints `0 passed, 1 failed` and the reason on stderr.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Summary {
  passed: number;
  failed: number;
  /** Skipped plus todo tests. */
  skipped: number;
}

/** The parts of vitest's JSON reporter output (Jest-compatible shape) that we read. */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: Array<{
    name?: string;
    status?: string;
    message?: string;
    assertionResults?: Array<{ status?: string }>;
  }>;
}

/** Count a vitest JSON report. Throws if `json` does not have the reporter's shape. */
export function summarize(json: unknown): Summary {
  const report = asReport(json);
  const failedFiles = filesFailedWithoutTests(report);
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + failedFiles.length,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/** Exactly `N passed, N failed` (the CI line; skipped tests go to stderr, see {@link summarizeFile}). */
export function formatSummary({ passed, failed }: Summary): string {
  return `${passed} passed, ${failed} failed`;
}

/** Read and summarize a report file: the stdout line, stderr notes and the exit code. */
export function summarizeFile(file: string): { line: string; notes: string[]; exitCode: number } {
  let json: unknown;
  let summary: Summary;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
    summary = summarize(json);
  } catch (error) {
    return {
      line: formatSummary({ passed: 0, failed: 1, skipped: 0 }),
      notes: [`ci-summary: cannot read vitest report ${file}: ${(error as Error).message}`],
      exitCode: 1,
    };
  }
  const notes = filesFailedWithoutTests(asReport(json)).map(
    (result) =>
      `ci-summary: ${result.name ?? 'a test file'} failed outside any test: ${firstLine(result.message)}`,
  );
  const ok = summary.failed === 0 && summary.passed > 0;
  if (summary.failed === 0 && summary.passed === 0) notes.push('ci-summary: no test passed');
  if (summary.skipped > 0) notes.push(`ci-summary: ${summary.skipped} skipped`);
  return { line: formatSummary(summary), notes, exitCode: ok ? 0 : 1 };
}

/** {@link summarizeFile} over several reports, added up (one line, all notes). */
export function summarizeFiles(files: readonly string[]): {
  line: string;
  notes: string[];
  exitCode: number;
} {
  const total: Summary = { passed: 0, failed: 0, skipped: 0 };
  const notes: string[] = [];
  for (const file of files) {
    const result = summarizeFile(file);
    const counts = /^(\d+) passed, (\d+) failed$/.exec(result.line);
    total.passed += Number(counts?.[1] ?? 0);
    total.failed += Number(counts?.[2] ?? 1);
    notes.push(...result.notes);
  }
  const ok = total.failed === 0 && total.passed > 0;
  return { line: formatSummary(total), notes, exitCode: ok ? 0 : 1 };
}

function asReport(json: unknown): VitestReport {
  if (json === null || typeof json !== 'object') {
    throw new TypeError('the report is not a JSON object');
  }
  const report = json as Record<string, unknown>;
  for (const key of ['numPassedTests', 'numFailedTests']) {
    if (typeof report[key] !== 'number') throw new TypeError(`the report has no numeric "${key}"`);
  }
  for (const key of ['numPendingTests', 'numTodoTests']) {
    if (report[key] !== undefined && typeof report[key] !== 'number') {
      throw new TypeError(`the report's "${key}" is not a number`);
    }
  }
  if (report.testResults !== undefined && !Array.isArray(report.testResults)) {
    throw new TypeError('the report\'s "testResults" is not an array');
  }
  return json as VitestReport;
}

function filesFailedWithoutTests(report: VitestReport) {
  return (report.testResults ?? []).filter(
    (result) =>
      result !== null &&
      typeof result === 'object' &&
      result.status === 'failed' &&
      !(result.assertionResults ?? []).some((test) => test?.status === 'failed'),
  );
}

function firstLine(message: string | undefined): string {
  const line = message?.split('\n').find((text) => text.trim() !== '');
  return line?.trim() ?? '(no message)';
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const files = process.argv.slice(2);
  const { line, notes, exitCode } = summarizeFiles(
    files.length > 0 ? files : ['reports/vitest.json'],
  );
  for (const note of notes) process.stderr.write(`${note}\n`);
  process.stdout.write(`${line}\n`);
  process.exitCode = exitCode;
}
