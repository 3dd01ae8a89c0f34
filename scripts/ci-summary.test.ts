import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSummary, summarize, summarizeFile, summarizeFiles } from './ci-summary';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

type Status = 'passed' | 'failed' | 'skipped' | 'todo';

const assertion = (title: string, status: Status) => ({
  ancestorTitles: [],
  fullName: title,
  status,
  title,
  failureMessages: status === 'failed' ? [`AssertionError: ${title}`] : [],
  meta: {},
  tags: [],
});

const file = (name: string, status: 'passed' | 'failed', tests: Status[], message = '') => ({
  assertionResults: tests.map((s, i) => assertion(`${name} ${i}`, s)),
  startTime: 1,
  endTime: 2,
  status,
  message,
  name: `/repo/${name}`,
});

/** A report in the shape vitest 4.1's `--reporter=json` writes (trimmed from a real run). */
function report(overrides: Record<string, unknown> = {}) {
  return {
    numTotalTestSuites: 3,
    numPassedTestSuites: 3,
    numFailedTestSuites: 0,
    numPendingTestSuites: 0,
    numTotalTests: 3,
    numPassedTests: 3,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    snapshot: { added: 0, failure: false, total: 0 },
    startTime: 1,
    success: true,
    testResults: [
      file('a.test.ts', 'passed', ['passed', 'passed']),
      file('b.test.ts', 'passed', ['passed']),
    ],
    ...overrides,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spa-ci-summary-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
}

describe('summarize', () => {
  it('counts an all-green report', () => {
    expect(summarize(report())).toEqual({ passed: 3, failed: 0, skipped: 0 });
  });

  it('counts failed, skipped and todo tests', () => {
    const json = report({
      numTotalTests: 5,
      numPassedTests: 2,
      numFailedTests: 1,
      numPendingTests: 1,
      numTodoTests: 1,
      success: false,
      testResults: [file('a.test.ts', 'failed', ['passed', 'failed', 'skipped', 'todo', 'passed'])],
    });
    expect(summarize(json)).toEqual({ passed: 2, failed: 1, skipped: 2 });
  });

  it('counts a file that failed to load as one failed test', () => {
    const json = report({
      numTotalTests: 2,
      numPassedTests: 1,
      numFailedTests: 1,
      success: false,
      testResults: [
        file('a.test.ts', 'failed', ['passed', 'failed']),
        file('b.test.ts', 'failed', [], 'boom at import'),
        file('c.test.ts', 'failed', ['skipped'], 'beforeAll hook threw'),
      ],
    });
    expect(summarize(json)).toEqual({ passed: 1, failed: 3, skipped: 0 });
  });

  it('rejects something that is not a vitest report', () => {
    expect(() => summarize(null)).toThrow(/not a JSON object/);
    expect(() => summarize({ numPassedTests: 1 })).toThrow(/numFailedTests/);
    expect(() => summarize(report({ testResults: {} }))).toThrow(/testResults/);
  });
});

describe('formatSummary', () => {
  it('prints exactly "N passed, N failed", skipped or not', () => {
    expect(formatSummary({ passed: 3, failed: 0, skipped: 0 })).toBe('3 passed, 0 failed');
    expect(formatSummary({ passed: 3, failed: 1, skipped: 2 })).toBe('3 passed, 1 failed');
  });
});

describe('summarizeFile', () => {
  it('exits 0 only when nothing failed and something passed', () => {
    const green = summarizeFile(tempFile('green.json', JSON.stringify(report())));
    expect(green).toEqual({ line: '3 passed, 0 failed', notes: [], exitCode: 0 });

    const empty = report({ numTotalTests: 0, numPassedTests: 0, testResults: [] });
    expect(summarizeFile(tempFile('empty.json', JSON.stringify(empty)))).toMatchObject({
      line: '0 passed, 0 failed',
      exitCode: 1,
    });

    const red = report({
      numPassedTests: 2,
      testResults: [file('b.test.ts', 'failed', [], 'boom at import\n  at x')],
    });
    expect(summarizeFile(tempFile('red.json', JSON.stringify(red)))).toEqual({
      line: '2 passed, 1 failed',
      notes: ['ci-summary: /repo/b.test.ts failed outside any test: boom at import'],
      exitCode: 1,
    });
  });

  it('reports a missing or unparsable file as one failure', () => {
    const missing = summarizeFile(path.join(os.tmpdir(), 'spa-no-such-report.json'));
    expect(missing.line).toBe('0 passed, 1 failed');
    expect(missing.exitCode).toBe(1);
    expect(missing.notes[0]).toMatch(/cannot read vitest report/);

    const garbled = summarizeFile(tempFile('bad.json', '{"numPassedTests": 3,'));
    expect(garbled).toMatchObject({ line: '0 passed, 1 failed', exitCode: 1 });
  });
});

describe('summarizeFiles', () => {
  it('adds several reports up; an unreadable one counts as one failure', () => {
    const green = tempFile('green-a.json', JSON.stringify(report()));
    const more = tempFile('green-b.json', JSON.stringify(report({ numPassedTests: 7 })));
    expect(summarizeFiles([green, more])).toEqual({
      line: '10 passed, 0 failed',
      notes: [],
      exitCode: 0,
    });
    const missing = path.join(os.tmpdir(), 'spa-no-such-report.json');
    expect(summarizeFiles([green, missing])).toMatchObject({
      line: '3 passed, 1 failed',
      exitCode: 1,
    });
  });
});

describe('ci-summary CLI', () => {
  const run = (args: string[]) =>
    spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['scripts/ci-summary.ts', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
    });

  it('prints exactly one line and sets the exit code', () => {
    const green = run([tempFile('green.json', JSON.stringify(report({ numTodoTests: 1 })))]);
    expect(green.status).toBe(0);
    expect(green.stdout).toBe('3 passed, 0 failed\n');
    expect(green.stderr).toContain('ci-summary: 1 skipped');

    const missing = run([path.join(os.tmpdir(), 'spa-no-such-report.json')]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('0 passed, 1 failed\n');
    expect(missing.stderr).toContain('cannot read vitest report');

    const two = run([
      tempFile('cli-a.json', JSON.stringify(report())),
      tempFile('cli-b.json', JSON.stringify(report({ numPassedTests: 5 }))),
    ]);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe('8 passed, 0 failed\n');
  }, 30_000);
});
