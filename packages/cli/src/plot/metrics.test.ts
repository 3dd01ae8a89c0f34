import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFileError } from '@spa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetricsJsonl } from './metrics';

describe('readMetricsJsonl', () => {
  let directory = '';
  const file = (name: string) => join(directory, name);
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'spa-metrics-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads one record per line, skipping blank lines, with CRLF and null (NaN) values', async () => {
    const path = file('metrics.jsonl');
    await writeFile(
      path,
      [
        '{"iteration":0,"charts/success_rate":0.25,"losses/policy":-0.5}',
        '',
        '   ',
        '{"iteration":1,"charts/success_rate":0.5,"losses/policy":null}\r',
        '',
      ].join('\n'),
    );
    const lines = await readMetricsJsonl(path);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({ iteration: 0, 'charts/success_rate': 0.25, 'losses/policy': -0.5 });
    expect(lines[1]?.['charts/success_rate']).toBe(0.5);
    expect(lines[1]?.['losses/policy']).toBeNaN();
  });

  it('reads an empty file as no records', async () => {
    const path = file('empty.jsonl');
    await writeFile(path, '');
    expect(await readMetricsJsonl(path)).toEqual([]);
  });

  it.each([
    ['{"iteration":0}\n\n{"iteration":1,', 3, /invalid JSON/],
    ['{"iteration":0}\n[1,2]\n', 2, /expected a JSON object, got an array/],
    [
      '{"iteration":0}\n{"iteration":1,"charts/success_rate":"high"}\n',
      2,
      /"charts\/success_rate": expected a number, got string "high"/,
    ],
    ['{"losses/policy":1}\n', 1, /"iteration": missing/],
    ['{"iteration":null}\n', 1, /"iteration": expected a finite number/],
    ['{"iteration":0,"nested":{"a":1}}\n', 1, /"nested": expected a number, got an object/],
  ])('names file:line and the problem for a bad line (%#)', async (content, line, reason) => {
    const path = file(`bad-${line}-${content.length}.jsonl`);
    await writeFile(path, content);
    const error = await readMetricsJsonl(path).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(DataFileError.isInstance(error)).toBe(true);
    expect((error as Error).message.startsWith(`${path}:${line}: `)).toBe(true);
    expect((error as Error).message).toMatch(reason);
  });

  it('names the file when it cannot be read', async () => {
    const path = file('missing.jsonl');
    await expect(readMetricsJsonl(path)).rejects.toThrow(`${path}: cannot read metrics`);
  });
});
