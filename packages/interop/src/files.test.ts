import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, TrajectoryValidationError } from '@spa/core';
import { writeTrajectories } from '@spa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from './__fixtures__/trajectories';
import {
  convertTrajectories,
  INTEROP_FORMATS,
  readInteropFile,
  readOpenRlhfFile,
  readSpaReferenceFile,
  readTrlFile,
  writeInteropFile,
} from './files';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'spa-interop-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<TrajectoryValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!TrajectoryValidationError.isInstance(error)) throw new Error(`unexpected: ${String(error)}`);
  return error;
}

describe('file helpers', () => {
  it.each(INTEROP_FORMATS)('%s: write → read gives back the trajectories', async (format) => {
    const path = join(directory, `round-trip.${format}`);
    expect(await writeInteropFile(format, path, fixtures, { metadata: true })).toBe(2);
    expect(await readInteropFile(format, path)).toEqual(fixtures);
  });

  it('writes the reference file as rl_data_org.py does: one object of columns', async () => {
    const path = join(directory, 'sampled_data_rl_training.json');
    await writeInteropFile('spa-reference', path, fixtures);
    const written = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(written)).toEqual(['prompt', 'response', 'reward']);
    expect(written.reward).toEqual(fixtures.map((trajectory) => trajectory.rewards));
  });

  it('convertTrajectories chains formats: spa → verl → trl → openrlhf → spa', async () => {
    const spa = join(directory, 'in.jsonl');
    await writeTrajectories(spa, fixtures);
    const chain = [
      ['spa', spa],
      ['verl', join(directory, 'c.parquet')],
      ['trl', join(directory, 'c.trl.jsonl')],
      ['openrlhf', join(directory, 'c.openrlhf.jsonl')],
      ['spa', join(directory, 'out.jsonl')],
    ] as const;
    for (let index = 1; index < chain.length; index++) {
      const [from, input] = chain[index - 1] ?? chain[0];
      const [to, output] = chain[index] ?? chain[0];
      expect(await convertTrajectories({ from, to, input, output })).toEqual({ count: 2 });
    }
    expect(await readInteropFile('spa', join(directory, 'out.jsonl'))).toEqual(fixtures);
  });

  it('rejects an unknown format', async () => {
    await expect(
      convertTrajectories({ from: 'csv' as 'spa', to: 'trl', input: 'a', output: 'b' }),
    ).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
  });

  it('names the file and line of a malformed JSONL record', async () => {
    const path = join(directory, 'bad.trl.jsonl');
    const good = JSON.stringify({ prompt: 'p', completions: ['o\nAction: a'], labels: [0.5] });
    await writeFile(
      path,
      `${good}\n\n${good}\n{"prompt": "p", "completions": ["o\\nAction: a"], "labels": [true, 2, 3]}\n`,
    );
    const error = await rejection(readTrlFile(path));
    expect(error.source).toBe(path);
    expect(error.line).toBe(4);
    expect(error.field).toBe('labels');
    expect(error.message).toBe(`${path}:4: labels: expected 1 entries (one per step), got 3`);
    await writeFile(path, `${good}\n{oops\n`);
    const syntax = await rejection(readOpenRlhfFile(path));
    expect(syntax.message).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: record: not valid JSON`),
    );
    expect(syntax.cause).toBeInstanceOf(SyntaxError);
  });

  it('names the file and record of a malformed reference JSON', async () => {
    const path = join(directory, 'bad.json');
    await writeFile(
      path,
      JSON.stringify({ prompt: [['a'], ['b']], response: [['x'], ['y']], reward: [[1], [null]] }),
    );
    const error = await rejection(readSpaReferenceFile(path));
    expect(error.message).toBe(`${path}: records[1].reward[0]: expected a finite number, got null`);
    await writeFile(path, JSON.stringify({ prompt: [['a']], response: [], reward: [[1]] }));
    expect((await rejection(readSpaReferenceFile(path))).field).toBe('response');
  });

  it('leaves the previous file in place when an export fails', async () => {
    const path = join(directory, 'keep.parquet');
    await writeInteropFile('verl', path, fixtures);
    const before = await readFile(path);
    await expect(
      writeInteropFile('verl', path, [{ ...fixtures[0], rewards: undefined } as never]),
    ).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
    expect(await readFile(path)).toEqual(before);
  });
});
