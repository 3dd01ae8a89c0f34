import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAllTrajectories } from '@spa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../__fixtures__/capture';
import { runCli } from '../program';
import { PIPELINE_PRESETS, parseAssignment, resolvePipelineConfig } from './config';
import type { PipelineResult } from './run';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'spa-pipeline-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const readJson = async <T>(path: string): Promise<T> =>
  JSON.parse(await readFile(path, 'utf8')) as T;

describe('spa pipeline', () => {
  it('runs every stage on ALFWorld (tiny) and writes the run directory of architecture.md §6', async () => {
    const out = join(root, 'alfworld');
    const io = capture();
    const code = await runCli(
      ['pipeline', '--env', 'alfworld', '--preset', 'tiny', '--out', out, '--no-progress'],
      io,
    );
    expect(io.err.join('')).toBe('');
    expect(code).toBe(0);
    for (const file of [
      'config.json',
      'sft/model.json',
      'sft/report.json',
      'explore/trajectories.jsonl',
      'explore/summary.json',
      'estimator/model.json',
      'estimator/report.json',
      'estimator/annotated.jsonl',
      'ppo/spa-seed1/checkpoint/model.json',
      'ppo/spa-seed1/metrics.jsonl',
      'ppo/sparse-seed1/result.json',
      'eval/bc/eval.json',
      'eval/spa-seed1/eval.md',
      'eval/sparse-seed1/eval.json',
      'results.json',
      'summary.md',
      'plots/success_rate.svg',
      'plots/success_rate.png',
      'plots/grounding_accuracy.svg',
      'plots/attribution.svg',
      'plots/attribution.png',
    ]) {
      await expect(readFile(join(out, file)), file).resolves.toBeDefined();
    }
    const result = await readJson<PipelineResult>(join(out, 'results.json'));
    expect(result.split).toBe('valid_unseen');
    expect(result.tasks).toBe(4);
    expect(result.evaluations.map((e) => e.name)).toEqual(['bc', 'spa-seed1', 'sparse-seed1']);
    for (const e of result.evaluations) {
      expect(e.summary.episodes).toBe(4);
      expect(e.summary.meanSteps).toBeGreaterThan(0);
      expect(e.summary.meanSteps).toBeLessThanOrEqual(6);
      expect(e.summary.groundingAccuracy).toBeGreaterThanOrEqual(0);
      expect(e.summary.groundingAccuracy).toBeLessThanOrEqual(1);
    }
    // The demonstrations were won by the expert and cloned; the loss fell.
    expect(result.bc.demonstrations.won).toBe(6);
    const history = result.bc.bc.history;
    expect(history.at(-1)?.trainLoss).toBeLessThan(history[0]?.trainLoss ?? 0);
    // The estimator's contributions are written for every explored step.
    const annotated = await readAllTrajectories(join(out, 'estimator/annotated.jsonl'));
    expect(annotated).toHaveLength(4);
    for (const t of annotated) expect(t.contributions).toHaveLength(t.steps.length);
    const summary = await readFile(join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('| policy | seeds | success % | score | grounding % | mean steps |');
    expect(summary).toMatch(/\| BC \+ PPO \(spa\) \| 1 \|/);
    expect(summary).toContain('## Success % per task type');
    expect(summary).toContain('| task type | BC | BC + PPO (spa) | BC + PPO (sparse) |');
    expect(summary).toMatch(/\| pick_and_place_simple \| 0\.0 \| 0\.0 \| 0\.0 \|/);
    expect(io.out.join('')).toContain('# SPA-RL pipeline on alfworld');
  }, 120_000);

  it('compare resumes after a kill: finished stages are read back, PPO continues from its checkpoint', async () => {
    const out = join(root, 'virtualhome');
    const argv = [
      'compare',
      '--env',
      'virtualhome',
      '--preset',
      'tiny',
      '--schemes',
      'spa,grpo',
      '--seeds',
      '1',
      '--set',
      'ppo.iterations=2',
      '--set',
      'ppo.rolloutsPerTask=2',
      '--out',
      out,
      '--no-progress',
    ];
    const controller = new AbortController();
    const killed = capture(controller.signal, (line) => {
      if (line.startsWith('ppo grpo-seed1: 1/2')) controller.abort(new Error('killed'));
    });
    expect(await runCli(argv, killed)).toBe(130);
    expect(killed.err.join('')).toMatch(/Interrupted.*rerun the same command to resume/);
    await expect(readFile(join(out, 'results.json'))).rejects.toThrow();
    await expect(readFile(join(out, 'ppo/grpo-seed1/result.json'))).rejects.toThrow();
    const resumed = capture();
    expect(await runCli(argv, resumed)).toBe(0);
    const log = resumed.out.join('');
    expect(log).toContain('bc: done earlier.');
    expect(log).toContain('explore: done earlier.');
    expect(log).toContain('estimator: done earlier.');
    expect(log).toContain('ppo spa-seed1: done earlier.');
    expect(log).toContain('ppo grpo-seed1: resuming after iteration 1.');
    const metrics = (await readFile(join(out, 'ppo/grpo-seed1/metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).iteration);
    expect(metrics).toEqual([1, 2]);
    const result = await readJson<PipelineResult>(join(out, 'results.json'));
    expect(result.split).toBe('new_unseen_test');
    expect(result.evaluations.map((e) => e.name)).toEqual(['bc', 'spa-seed1', 'grpo-seed1']);

    // A stage command adds a run to the directory; config.json then lists every scheme held.
    const ppo = capture();
    expect(
      await runCli(
        ['ppo', '--out', out, '--reward', 'uniform', '--seed', '2', '--no-progress'],
        ppo,
      ),
    ).toBe(0);
    expect(ppo.out.join('')).toMatch(/success \d+\.\d %, score/);
    const config = await readJson<{ schemes: string[]; seeds: number[] }>(join(out, 'config.json'));
    expect(config.schemes).toEqual(['spa', 'grpo', 'uniform']);
    expect(config.seeds).toEqual([1, 2]);
    await expect(readFile(join(out, 'eval/uniform-seed2/eval.json'))).resolves.toBeDefined();

    // estimator annotate: contributions and r_t = α·c_t + β·g_t on a trajectory file.
    const annotatedFile = join(root, 'annotated.jsonl');
    const annotate = capture();
    const annotateArgs = [
      'estimator',
      'annotate',
      '--estimator',
      join(out, 'estimator'),
      '--in',
      join(out, 'explore/trajectories.jsonl'),
      '--out',
      annotatedFile,
      '--alpha',
      '2',
      '--beta',
      '0.25',
    ];
    expect(await runCli(annotateArgs, annotate)).toBe(0);
    expect(annotate.out.join('')).toMatch(/4 trajectories, \d+ steps annotated/);
    const annotated = await readAllTrajectories(annotatedFile);
    expect(annotated).toHaveLength(4);
    for (const t of annotated) {
      const c = t.contributions ?? [];
      const r = t.rewards ?? [];
      expect(c).toHaveLength(t.steps.length);
      t.steps.forEach((step, i) => {
        const g = step.grounded || i === t.steps.length - 1 ? 1 : 0;
        expect(r[i]).toBeCloseTo(2 * (c[i] as number) + 0.25 * g, 5);
      });
    }

    // Another configuration in the same directory is refused rather than mixed in.
    const other = capture();
    expect(
      await runCli(
        [
          'pipeline',
          '--env',
          'virtualhome',
          '--preset',
          'tiny',
          '--set',
          'bc.epochs=3',
          '--out',
          out,
        ],
        other,
      ),
    ).toBe(1);
    expect(other.err.join('')).toMatch(/another configuration/);
  }, 180_000);

  it('rejects bad configuration with the field, the value and what is accepted', async () => {
    const run = async (...argv: string[]) => {
      const io = capture();
      const code = await runCli(argv, io);
      return { code, err: io.err.join('') };
    };
    const out = join(root, 'never');
    const env = await run('pipeline', '--env', 'minecraft', '--out', out);
    expect(env.code).toBe(2);
    expect(env.err).toMatch(/minecraft.*alfworld, webshop, virtualhome/s);
    const zero = await run(
      'pipeline',
      '--env',
      'webshop',
      '--set',
      'ppo.iterations=0',
      '--out',
      out,
    );
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/ppo\.iterations: .*\(got 0\)/);
    const scheme = await run('compare', '--env', 'webshop', '--schemes', 'spa,dense', '--out', out);
    expect(scheme.code).toBe(2);
    expect(scheme.err).toMatch(/schemes\.1: .*"rloo".*\(got "dense"\)/s);
    expect(scheme.err).not.toMatch(/"prm"/);
    const unknownField = await run(
      'pipeline',
      '--env',
      'webshop',
      '--set',
      'ppo.lr=1',
      '--out',
      out,
    );
    expect(unknownField.code).toBe(2);
    expect(unknownField.err).toMatch(/ppo.*lr/);
    const malformed = await run(
      'pipeline',
      '--env',
      'webshop',
      '--set',
      'iterations',
      '--out',
      out,
    );
    expect(malformed.code).toBe(2);
    expect(malformed.err).toMatch(/<path>=<value>/);
    const file = join(root, 'bad.json');
    await writeFile(file, JSON.stringify({ eval: { tasks: 'some' } }));
    const fromFile = await run('pipeline', '--env', 'webshop', '--config', file, '--out', out);
    expect(fromFile.code).toBe(2);
    expect(fromFile.err).toMatch(/bad\.json.*eval\.tasks.*\(got "some"\)/s);
    const noRun = await run('explore', '--out', join(root, 'empty'));
    expect(noRun.code).toBe(1);
    expect(noRun.err).toMatch(/no config\.json/);
    const orphan = await run('explore', '--set', 'seed=2', '--out', out);
    expect(orphan.code).toBe(2);
    expect(orphan.err).toMatch(/need --env/);
    const early = await run(
      'explore',
      '--env',
      'alfworld',
      '--preset',
      'tiny',
      '--out',
      join(root, 'early'),
    );
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/bc stage has not run yet/);
  }, 60_000);

  it('documents every config field in --help', async () => {
    const io = capture();
    expect(await runCli(['pipeline', '--help'], io)).toBe(0);
    const help = io.out.join('');
    for (const text of [
      '--env',
      '--preset',
      '--set',
      '--reward',
      '--seed',
      'ppo.iterations',
      'context.maxActionTokens',
      'eval.tasks',
      'demonstrations',
    ]) {
      expect(help).toContain(text);
    }
  });

  it('merges preset < file < --set < flags', async () => {
    const file = join(root, 'partial.json');
    await writeFile(file, JSON.stringify({ ppo: { iterations: 7, learningRate: 1e-3 } }));
    const config = await resolvePipelineConfig({
      env: 'webshop',
      preset: 'demo',
      file,
      assignments: ['ppo.iterations=9', 'eval.tasks=all', 'schemes=spa,rloo'],
      flags: { seeds: [4, 5] },
    });
    expect(config.ppo.iterations).toBe(9);
    expect(config.ppo.learningRate).toBe(1e-3);
    expect(config.ppo.tasksPerIteration).toBe(PIPELINE_PRESETS.webshop.demo.ppo.tasksPerIteration);
    expect(config.eval.tasks).toBe('all');
    expect(config.schemes).toEqual(['spa', 'rloo']);
    expect(config.seeds).toEqual([4, 5]);
    expect(parseAssignment('a.b=[1,2]')).toEqual({ path: ['a', 'b'], value: [1, 2] });
  });
});
