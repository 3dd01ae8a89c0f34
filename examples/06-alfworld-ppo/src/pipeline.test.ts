import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS, type PipelineResult, runPipeline } from './pipeline';

let out: string;
let result: PipelineResult;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'spa-alfworld-'));
  result = await runPipeline({ budget: BUDGETS.tiny, out });
}, 120_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('the SPA-RL pipeline on ALFWorld (budget tiny)', () => {
  it('writes the run directory', async () => {
    const files = [
      'results.json',
      'results.md',
      ...['bc', 'ppo-spa', 'ppo-sparse'].flatMap((p) => [
        `eval/${p}/eval.json`,
        `eval/${p}/eval.md`,
      ]),
      'ppo-spa/metrics.jsonl',
      'ppo-sparse/metrics.jsonl',
    ];
    for (const file of files) await expect(access(join(out, file))).resolves.toBeUndefined();
    const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as PipelineResult;
    expect(saved.evaluations.map((e) => e.policy)).toEqual(['bc', 'ppo-spa', 'ppo-sparse']);
    const markdown = await readFile(join(out, 'results.md'), 'utf8');
    expect(markdown).toContain('| BC + PPO (SPA rewards) |');
    expect(markdown).toContain('| **total** |');
  });

  it('clones every demonstrated action whole, and the BC loss decreases', () => {
    expect(result.demonstrations.won).toBeGreaterThan(0);
    expect(result.bc.truncatedActions).toBe(0);
    const losses = result.bc.history.map((epoch) => epoch.trainLoss);
    expect(losses).toHaveLength(BUDGETS.tiny.bc.epochs);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    expect(losses.at(-1) as number).toBeLessThan(losses[0] as number);
  });

  it('reports finite metrics in range for every policy and stage', () => {
    expect(result.evaluationTasks).toBe(BUDGETS.tiny.evaluationGames);
    for (const { summary, evaluationSeconds } of result.evaluations) {
      expect(summary.episodes).toBe(BUDGETS.tiny.evaluationGames);
      expect(summary.successRate).toBeGreaterThanOrEqual(0);
      expect(summary.successRate).toBeLessThanOrEqual(1);
      expect(summary.groundingAccuracy).toBeGreaterThanOrEqual(0);
      expect(summary.groundingAccuracy).toBeLessThanOrEqual(1);
      expect(summary.score).toBeGreaterThanOrEqual(0);
      expect(summary.score).toBeLessThanOrEqual(100);
      expect(summary.meanSteps).toBeGreaterThan(0);
      expect(summary.meanSteps).toBeLessThanOrEqual(BUDGETS.tiny.evaluationMaxSteps as number);
      expect(Number.isFinite(evaluationSeconds)).toBe(true);
    }
    expect(Number.isFinite(result.estimator.trainLoss)).toBe(true);
    for (const scheme of ['spa', 'sparse'] as const) {
      expect(result.ppo[scheme]).toHaveLength(BUDGETS.tiny.ppo.iterations);
      for (const metrics of result.ppo[scheme]) {
        for (const [key, value] of Object.entries(metrics)) {
          expect(Number.isFinite(value), `${scheme} ${key}`).toBe(true);
        }
      }
    }
    for (const stage of result.stages) expect(stage.seconds).toBeGreaterThanOrEqual(0);
  });
});
