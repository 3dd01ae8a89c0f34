import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from './__fixtures__/capture';
import type { DemoResult } from './demo';
import { runCli } from './program';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'spa-cli-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const stable = (result: DemoResult) => result.runs.map(({ seconds: _seconds, ...rest }) => rest);

describe('spa demo', () => {
  it('runs the whole pipeline on a tiny budget and writes the run directory', async () => {
    const out = join(root, 'straight');
    const io = capture();
    const code = await runCli(['demo', '--preset', 'smoke', '--out', out, '--no-progress'], io);
    expect(io.err.join('')).toBe('');
    expect(code).toBe(0);
    for (const file of [
      'config.json',
      'sft/model.json',
      'explore/trajectories.jsonl',
      'estimator/metrics.json',
      'estimator/annotated.jsonl',
      'eval/bc/eval.json',
      'ppo/spa-seed1/metrics.jsonl',
      'ppo/spa-seed1/checkpoint/model.json',
      'ppo/sparse-seed1/eval/eval.md',
      'results.json',
      'summary.md',
      'plots/success_rate.svg',
      'plots/success_rate.png',
      'plots/grounding_accuracy.png',
      'plots/attribution.svg',
      'plots/attribution.png',
    ]) {
      await expect(readFile(join(out, file)), file).resolves.toBeDefined();
    }
    const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as DemoResult;
    expect(result.runs.map((r) => `${r.scheme}-${r.seed}`)).toEqual(['spa-1', 'sparse-1']);
    for (const run of result.runs) {
      expect(run.decisive).toBeGreaterThan(0);
      expect(run.decisive).toBeLessThan(1);
      expect(run.successRate).toBeGreaterThanOrEqual(0);
    }
    const metrics = (await readFile(join(out, 'ppo/spa-seed1/metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    expect(metrics.map((l) => JSON.parse(l).iteration)).toEqual([1, 2]);
    expect(await readFile(join(out, 'plots/attribution.svg'), 'utf8')).toContain('<svg');
    const summary = await readFile(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('| rewards | seeds | π(decisive action)');
    expect(io.out.join('')).toContain(summary.trim().split('\n')[0]);
  }, 120_000);

  it('resumes after a kill and ends where the uninterrupted run ends', async () => {
    const out = join(root, 'killed');
    const controller = new AbortController();
    const killed = capture(controller.signal, (line) => {
      if (line.startsWith('PPO sparse-seed1: 1/2')) controller.abort(new Error('killed'));
    });
    expect(await runCli(['demo', '--preset', 'smoke', '--out', out, '--no-progress'], killed)).toBe(
      130,
    );
    expect(killed.err.join('')).toMatch(/Interrupted.*rerun the same command to resume/);
    await expect(readFile(join(out, 'results.json'))).rejects.toThrow();
    const resumed = capture();
    expect(
      await runCli(['demo', '--preset', 'smoke', '--out', out, '--no-progress'], resumed),
    ).toBe(0);
    const log = resumed.out.join('');
    expect(log).toContain('Behaviour cloning: done earlier, loaded.');
    expect(log).toContain('PPO spa-seed1: done earlier.');
    expect(log).toContain('PPO sparse-seed1: resuming after iteration 1.');
    const a = JSON.parse(
      await readFile(join(root, 'straight', 'results.json'), 'utf8'),
    ) as DemoResult;
    const b = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as DemoResult;
    expect(stable(b)).toEqual(stable(a));
    expect(b.start).toEqual(a.start);
    // A different configuration in the same directory is refused, not mixed in.
    const other = capture();
    expect(
      await runCli(['demo', '--preset', 'smoke', '--iterations', '3', '--out', out], other),
    ).toBe(1);
    expect(other.err.join('')).toMatch(/another configuration/);
  }, 120_000);

  it('rejects bad configuration with the field, the value and what is accepted', async () => {
    const run = async (...argv: string[]) => {
      const io = capture();
      const code = await runCli(['demo', '--out', join(root, 'never'), ...argv], io);
      return { code, err: io.err.join('') };
    };
    const zero = await run('--iterations', '0');
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/iterations: .*(>=|≥|at least).*1.*\(got 0\)/i);
    const scheme = await run('--schemes', 'spa,dense');
    expect(scheme.code).toBe(2);
    expect(scheme.err).toMatch(/schemes\.1: .*"spa".*"rloo".*\(got "dense"\)/s);
    const preset = await run('--preset', 'huge');
    expect(preset.code).toBe(2);
    expect(preset.err).toMatch(/huge.*demo, smoke/s);
    const file = join(root, 'bad.json');
    await writeFile(file, JSON.stringify({ iterations: 3, learningRat: 1 }));
    const unknown = await run('--config', file);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/bad\.json.*learningRat/s);
    await writeFile(file, '{ not json');
    expect((await run('--config', file)).err).toMatch(/not JSON/);
    expect((await run('--seeds', '1,x')).code).toBe(2);
  });

  it('documents every option in --help', async () => {
    const io = capture();
    expect(await runCli(['demo', '--help'], io)).toBe(0);
    const help = io.out.join('');
    for (const text of [
      '--preset',
      '--seeds',
      'PPO seeds',
      '--schemes',
      'reward schemes to compare',
      '--iterations',
      '--out',
      '--no-progress',
    ]) {
      expect(help).toContain(text);
    }
  });

  it("spa bench prints one table of the packages' benchmark results", async () => {
    const repo = fileURLToPath(new URL('../../..', import.meta.url));
    const io = capture();
    const args = [
      'bench',
      '--no-run',
      '--root',
      repo,
      '--packages',
      'ppo,lm',
      '--filter',
      'samples_per_s|train',
    ];
    expect(await runCli(args, io)).toBe(0);
    const table = io.out.join('');
    expect(table).toContain('| package | metric | value |');
    expect(table).toMatch(/\| ppo \| ppo\.test\.samples_per_s \| [0-9.]+ \|/);
    expect(table).toMatch(/\| lm \| /);
    expect(table).not.toMatch(/\| kernels \|/);
    const unknown = capture();
    expect(await runCli(['bench', '--no-run', '--root', repo, '--packages', 'nope'], unknown)).toBe(
      2,
    );
    expect(unknown.err.join('')).toMatch(/nope has no benchmark; accepted: .*ppo/);
    const regexp = capture();
    expect(await runCli(['bench', '--no-run', '--root', repo, '--filter', '('], regexp)).toBe(2);
    expect(regexp.err.join('')).toMatch(/filter:/);
  });

  it('spa plot draws learning curves from metrics files of a run directory', async () => {
    const ppo = join(root, 'straight', 'ppo');
    const out = join(root, 'plots');
    const io = capture();
    const files = [
      join(ppo, 'spa-seed1', 'metrics.jsonl'),
      join(ppo, 'sparse-seed1', 'metrics.jsonl'),
    ];
    expect(
      await runCli(
        ['plot', ...files, '--metric', 'losses/policy', '--out', out, '--aggregate'],
        io,
      ),
    ).toBe(0);
    const svg = await readFile(join(out, 'losses_policy.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('spa');
    expect(svg).toContain('sparse');
    await expect(readFile(join(out, 'losses_policy.png'))).resolves.toBeDefined();
    const missing = capture();
    expect(await runCli(['plot', ...files, '--metric', 'charts/nope', '--out', out], missing)).toBe(
      2,
    );
    expect(missing.err.join('')).toMatch(/charts\/nope.*the files have: .*charts\/success_rate/s);
  });

  it('spa eval loads a checkpoint and evaluates it on an ALFWorld split', async () => {
    const { createLanguageModel, saveLanguageModel, trainTokenizer } = await import('@spa/lm');
    const tokenizer = trainTokenizer(
      ['go to countertop 1', 'take apple 1 from countertop 1', 'You arrive at loc 1.'],
      {
        vocabSize: 300,
      },
    );
    const { model } = await createLanguageModel({
      tokenizer,
      preset: 'test',
      contextLength: 192,
      seed: 1,
    });
    const checkpoint = join(root, 'policy');
    await saveLanguageModel(checkpoint, { model, tokenizer });
    model.dispose();
    const out = join(root, 'eval');
    const io = capture();
    const args = [
      'eval',
      '--env',
      'alfworld',
      '--checkpoint',
      checkpoint,
      '--limit',
      '3',
      '--max-steps',
      '2',
    ];
    expect(await runCli([...args, '--envs', '3', '--out', out, '--no-progress'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/3 episodes: success 0\.0 %.*grounding/);
    const result = JSON.parse(await readFile(join(out, 'eval.json'), 'utf8'));
    expect(result.summary.episodes).toBe(3);
    expect(result.summary.meanSteps).toBe(2);
    expect(result.env).toMatch(/alfworld/i);
    expect(await readFile(join(out, 'eval.md'), 'utf8')).toContain('# alfworld valid_unseen');
    // On a TTY: a progress bar with the rate and the ETA.
    const written: string[] = [];
    const tty = {
      stdout: { isTTY: true, write: (text: string) => written.push(text) },
      stderr: { write: (text: string) => written.push(text) },
    };
    expect(await runCli([...args, '--envs', '3', '--out', join(root, 'eval-tty')], tty)).toBe(0);
    const screen = written.join('');
    expect(screen).toMatch(/evaluation \[.*\] 3\/3 \| [0-9.]+(\/s| s each) \| success .* \| ETA/);
    const badEnv = capture();
    expect(await runCli(['eval', '--env', 'minecraft', '--checkpoint', checkpoint], badEnv)).toBe(
      2,
    );
    expect(badEnv.err.join('')).toMatch(/minecraft.*alfworld, webshop, virtualhome/s);
    const badSplit = capture();
    expect(await runCli([...args, '--split', 'nope', '--out', out], badSplit)).toBe(2);
    expect(badSplit.err.join('')).toMatch(/split/);
  }, 60_000);
});
