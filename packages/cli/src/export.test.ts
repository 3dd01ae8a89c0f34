import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeSpaRewards, type Trajectory } from '@spa/core';
import { readAllTrajectories } from '@spa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from './__fixtures__/capture';
import { runCli } from './program';

const FORMATS = ['spa-reference', 'trl', 'verl', 'openrlhf'] as const;
const EXTENSION = { 'spa-reference': 'json', trl: 'jsonl', verl: 'parquet', openrlhf: 'jsonl' };

const pickSteps = [
  {
    observation: 'You are in the middle of a room. You see a countertop 1 and a shelf 1.',
    action: 'go to countertop 1',
    grounded: true,
    reward: 0,
  },
  {
    observation: 'You arrive at countertop 1. On the countertop 1, you see a mug 1.',
    action: 'dance with mug 1',
    grounded: false,
    reward: 0,
    info: { admissible: ['take mug 1 from countertop 1'] },
  },
  {
    observation: 'Nothing happens.',
    action: 'take mug 1 from countertop 1',
    grounded: true,
    reward: 1,
  },
];
const contributions = [0.25, -0.125, 0.875];

/** Two small annotated trajectories (5 steps): SPA rewards, unicode, a failure, meta and info. */
const trajectories: Trajectory[] = [
  {
    taskId: 'train/000-pick-mug',
    env: 'alfworld/train-v0',
    goal: 'put a mug in shelf.',
    steps: pickSteps,
    finalReward: 1,
    won: true,
    contributions,
    rewards: computeSpaRewards({
      contributions,
      grounded: pickSteps.map((step) => step.grounded),
    }),
    meta: { seed: 3, policy: 'bc' },
  },
  {
    taskId: 'webshop/42',
    env: 'webshop/v0',
    goal: 'i need a blue shirt — size M, under $30',
    steps: [
      {
        observation: 'WebShop [SEP] [Search]',
        action: 'search[blue shirt]',
        grounded: true,
        reward: 0,
      },
      {
        observation: '[Back to Search] [SEP] B0ABC [SEP] Blue Shirt ✓ [SEP] $25.0',
        action: 'click[b0abc]',
        grounded: true,
        reward: 0.25,
      },
    ],
    finalReward: 0.25,
    won: false,
    rewards: [0.125, 0.375],
  },
];

const jsonl = (records: readonly unknown[]): string =>
  records.map((record) => `${JSON.stringify(record)}\n`).join('');

let root: string;
let input: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'spa-cli-export-'));
  input = join(root, 'annotated.jsonl');
  await writeFile(input, jsonl(trajectories));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the CLI; returns the exit code and what it printed. */
async function spa(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await runCli(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** A fresh folder per test, so that leftover temporary files would show up. */
async function folder(name: string): Promise<string> {
  const path = join(root, name);
  await mkdir(path, { recursive: true });
  return path;
}

function expectSameSteps(actual: readonly Trajectory[], expected: readonly Trajectory[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((trajectory, index) => {
    const original = expected[index] as Trajectory;
    expect(trajectory.steps.map((step) => step.observation)).toEqual(
      original.steps.map((step) => step.observation),
    );
    expect(trajectory.steps.map((step) => step.action)).toEqual(
      original.steps.map((step) => step.action),
    );
  });
}

function expectSameRewards(actual: readonly Trajectory[], expected: readonly Trajectory[]): void {
  actual.forEach((trajectory, index) => {
    const rewards = expected[index]?.rewards ?? [];
    expect(trajectory.rewards).toHaveLength(rewards.length);
    rewards.forEach((reward, step) => {
      expect(trajectory.rewards?.[step]).toBeCloseTo(reward, 12);
    });
  });
}

describe('spa export / spa import', () => {
  it.each(FORMATS)(
    'exports to %s and imports back the same trajectories (sidecar)',
    async (format) => {
      const dir = await folder(`sidecar-${format}`);
      const file = join(dir, `train.${EXTENSION[format]}`);
      const back = join(dir, 'back.jsonl');

      const exported = await spa(
        'export',
        '--in',
        input,
        '--format',
        format,
        '--out',
        file,
        '--sidecar',
      );
      expect(exported.err).toBe('');
      expect(exported.code).toBe(0);
      expect(exported.out).toBe(
        `2 trajectories, 5 steps exported as ${format} (step rewards: rewards) → ${file}\n`,
      );

      const imported = await spa('import', '--in', file, '--format', format, '--out', back);
      expect(imported.err).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.out).toBe(
        `2 trajectories, 5 steps imported from ${format} (2 with step rewards) → ${back}\n`,
      );
      expect(await readAllTrajectories(back)).toEqual(trajectories);
      expect((await readdir(dir)).sort()).toEqual(['back.jsonl', `train.${EXTENSION[format]}`]);
    },
  );

  it.each(FORMATS)(
    'round-trips observations, actions and step rewards through %s without the sidecar',
    async (format) => {
      const dir = await folder(`plain-${format}`);
      const file = join(dir, `train.${EXTENSION[format]}`);
      const back = join(dir, 'back.jsonl');
      const labels = format === 'trl' ? ['--labels', 'reward'] : [];
      const exported = await spa(
        'export',
        '--in',
        input,
        '--format',
        format,
        '--out',
        file,
        '--no-sidecar',
        ...labels,
      );
      expect(exported.err).toBe('');
      expect(exported.code).toBe(0);
      const imported = await spa(
        'import',
        '--in',
        file,
        '--format',
        format,
        '--out',
        back,
        '--env',
        'alfworld',
      );
      expect(imported.err).toBe('');
      expect(imported.code).toBe(0);
      const result = await readAllTrajectories(back);
      expectSameSteps(result, trajectories);
      expectSameRewards(result, trajectories);
      expect(result.map((trajectory) => trajectory.env)).toEqual(['alfworld', 'alfworld']);
      expect(result[0]?.taskId).toBe(`${file}#0`);
    },
  );

  it('writes boolean trl labels by default, which carry no reward back', async () => {
    const dir = await folder('trl-boolean');
    const file = join(dir, 'prm.jsonl');
    const back = join(dir, 'back.jsonl');
    expect(
      (await spa('export', '--in', input, '--format', 'trl', '--out', file, '--no-sidecar')).code,
    ).toBe(0);
    const rows = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { labels: unknown[]; spa?: string });
    expect(rows.map((row) => row.labels)).toEqual([
      [true, false, true],
      [true, true],
    ]);
    expect(rows[0]?.spa).toBeUndefined();
    const imported = await spa('import', '--in', file, '--format', 'trl', '--out', back);
    expect(imported.out).toContain('(0 with step rewards)');
    expectSameSteps(await readAllTrajectories(back), trajectories);
  });

  it('exports env rewards with --reward-source env, and names the line of a trajectory without rewards otherwise', async () => {
    const dir = await folder('reward-source');
    const {
      rewards: _rewards,
      contributions: _contributions,
      ...plain
    } = trajectories[0] as Trajectory;
    const source = join(dir, 'explored.jsonl');
    await writeFile(source, `\n${jsonl([trajectories[1], plain])}`);
    const file = join(dir, 'openrlhf.jsonl');

    const refused = await spa('export', '--in', source, '--format', 'openrlhf', '--out', file);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`${source}:3: rewards: the trajectory has no per-step rewards`);
    expect(refused.err).toContain('--reward-source env');
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);

    const env = await spa(
      'export',
      '--in',
      source,
      '--format',
      'openrlhf',
      '--out',
      file,
      '--reward-source',
      'env',
    );
    expect(env.err).toBe('');
    expect(env.out).toContain('(step rewards: env)');
    const rows = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { step_rewards: number[] });
    expect(rows.map((row) => row.step_rewards)).toEqual([
      [0, 0.25],
      [0, 0, 1],
    ]);
  });

  it('computes r_t = α·c_t + β·g_t from contributions with --reward-source spa (a run’s estimator/annotated.jsonl)', async () => {
    const dir = await folder('reward-source-spa');
    // As the pipeline writes them: contributions, no rewards.
    const fitted = trajectories.map(({ rewards: _rewards, ...rest }) => ({
      ...rest,
      contributions: rest.contributions ?? [0.125, -0.5],
    }));
    const source = join(dir, 'annotated.jsonl');
    await writeFile(source, jsonl(fitted));
    const file = join(dir, 'openrlhf.jsonl');
    const exported = await spa(
      'export',
      '--in',
      source,
      '--format',
      'openrlhf',
      '--out',
      file,
      '--reward-source',
      'spa',
      '--beta',
      '0.25',
    );
    expect(exported.err).toBe('');
    expect(exported.out).toContain('(step rewards: spa)');
    const rows = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { step_rewards: number[] });
    expect(rows.map((row) => row.step_rewards)).toEqual(
      fitted.map((trajectory) =>
        computeSpaRewards({
          contributions: trajectory.contributions as number[],
          grounded: trajectory.steps.map((step) => step.grounded),
          beta: 0.25,
        }),
      ),
    );

    // The default source names the line and points at --reward-source spa.
    const refused = await spa('export', '--in', source, '--format', 'trl', '--out', file);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`${source}:1: rewards:`);
    expect(refused.err).toContain('--reward-source spa');
    // No contributions: named; --alpha/--beta without spa: refused.
    const { contributions: _c, rewards: _r, ...bare } = trajectories[0] as Trajectory;
    const plain = join(dir, 'explored.jsonl');
    await writeFile(plain, jsonl([fitted[1], bare]));
    const missing = await spa(
      'export',
      '--in',
      plain,
      '--format',
      'trl',
      '--out',
      file,
      '--reward-source',
      'spa',
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`${plain}:2: contributions: the trajectory has none`);
    const stray = await spa(
      'export',
      '--in',
      source,
      '--format',
      'trl',
      '--out',
      file,
      '--alpha',
      '2',
    );
    expect(stray.code).toBe(2);
    expect(stray.err).toContain('--alpha, --beta: only with --reward-source spa');
  });

  it('drops leading turns with --skip-turns on import', async () => {
    const dir = await folder('skip-turns');
    const file = join(dir, 'rl.json');
    const back = join(dir, 'back.jsonl');
    expect(
      (await spa('export', '--in', input, '--format', 'spa-reference', '--out', file)).code,
    ).toBe(0);
    const imported = await spa(
      'import',
      '--in',
      file,
      '--format',
      'spa-reference',
      '--out',
      back,
      '--skip-turns',
      '1',
    );
    expect(imported.err).toBe('');
    expect(imported.out).toContain('2 trajectories, 3 steps imported');
    const result = await readAllTrajectories(back);
    expect(result[0]?.steps.map((step) => step.action)).toEqual([
      'dance with mug 1',
      'take mug 1 from countertop 1',
    ]);
  });

  it('exits 2 naming the line of a malformed JSONL line, and leaves the output untouched', async () => {
    const dir = await folder('malformed');
    const source = join(dir, 'broken.jsonl');
    await writeFile(source, `${JSON.stringify(trajectories[0])}\n{"taskId": "x",\n`);
    const out = join(dir, 'train.parquet');
    await writeFile(out, 'previous');

    const result = await spa('export', '--in', source, '--format', 'verl', '--out', out);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${source}:2: record: not valid JSON`);
    expect(result.out).toBe('');
    expect(await readFile(out, 'utf8')).toBe('previous');
    expect((await readdir(dir)).sort()).toEqual(['broken.jsonl', 'train.parquet']);
  });

  it('exits 2 naming the line and field of an invalid trajectory', async () => {
    const dir = await folder('invalid-field');
    const source = join(dir, 'bad.jsonl');
    const bad = { ...trajectories[1], steps: [{ ...trajectories[1]?.steps[0], grounded: 'yes' }] };
    await writeFile(source, jsonl([trajectories[0], bad]));
    const result = await spa(
      'export',
      '--in',
      source,
      '--format',
      'trl',
      '--out',
      join(dir, 'x.jsonl'),
    );
    expect(result.code).toBe(2);
    expect(result.err).toMatch(new RegExp(`${source}:2: .*steps\\[0\\]\\.grounded`));
  });

  it('exits 2 naming the record and field of a bad import row, and leaves the output untouched', async () => {
    const dir = await folder('bad-import');
    const source = join(dir, 'prm.jsonl');
    await writeFile(
      source,
      jsonl([
        { prompt: 'goal', completions: ['a\nAction: b'], labels: [true] },
        { prompt: 'goal', completions: ['a\nAction: b'], labels: [true, false, true] },
      ]),
    );
    const out = join(dir, 'back.jsonl');
    await writeFile(out, 'previous');
    const result = await spa('import', '--in', source, '--format', 'trl', '--out', out);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${source}:2: labels: expected 1 entries (one per step), got 3`);
    expect(await readFile(out, 'utf8')).toBe('previous');
    expect((await readdir(dir)).sort()).toEqual(['back.jsonl', 'prm.jsonl']);
  });

  it('exits 2 with a clear message when --in does not exist', async () => {
    const dir = await folder('missing');
    const missing = join(dir, 'nope.jsonl');
    const out = join(dir, 'out.jsonl');
    for (const command of ['export', 'import']) {
      const result = await spa(command, '--in', missing, '--format', 'trl', '--out', out);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`in: no such file: ${missing}`);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('lists the accepted formats for an unknown --format', async () => {
    const result = await spa(
      'export',
      '--in',
      input,
      '--format',
      'parquet',
      '--out',
      join(root, 'x'),
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain('parquet');
    for (const format of FORMATS) expect(result.err).toContain(format);
  });

  it('refuses a flag that the format does not take, and writing over the input', async () => {
    const foreign = await spa(
      'export',
      '--in',
      input,
      '--format',
      'verl',
      '--out',
      join(root, 'x.parquet'),
      '--labels',
      'reward',
    );
    expect(foreign.code).toBe(2);
    expect(foreign.err).toContain('--labels: only for --format trl, not verl');

    const before = await readFile(input, 'utf8');
    const over = await spa('export', '--in', input, '--format', 'trl', '--out', input);
    expect(over.code).toBe(2);
    expect(over.err).toContain('is the input file');
    expect(await readFile(input, 'utf8')).toBe(before);
  });

  it('documents every option in --help', async () => {
    const exportHelp = await spa('export', '--help');
    expect(exportHelp.code).toBe(0);
    for (const flag of [
      '--in',
      '--format',
      '--out',
      '--reward-source',
      '--sidecar',
      '--no-sidecar',
      '--template',
      '--system',
      '--labels',
      '--threshold',
      '--separator',
      '--data-source',
      '--ability',
      '--split',
      '--style',
    ]) {
      expect(exportHelp.out).toContain(flag);
    }
    const importHelp = await spa('import', '--help');
    expect(importHelp.code).toBe(0);
    for (const flag of ['--in', '--format', '--out', '--env', '--skip-turns', '--separator']) {
      expect(importHelp.out).toContain(flag);
    }
  });
});
