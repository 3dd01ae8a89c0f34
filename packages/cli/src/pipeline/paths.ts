import { join } from 'node:path';
import type { PipelineConfig } from './config';

/** The paths of a run directory (architecture.md §6). */
export function runPaths(out: string) {
  return {
    config: join(out, 'config.json'),
    sft: join(out, 'sft'),
    sftReport: join(out, 'sft', 'report.json'),
    explore: join(out, 'explore', 'trajectories.jsonl'),
    exploreSummary: join(out, 'explore', 'summary.json'),
    estimator: join(out, 'estimator'),
    estimatorReport: join(out, 'estimator', 'report.json'),
    annotated: join(out, 'estimator', 'annotated.jsonl'),
    ppo: (name: string) => join(out, 'ppo', name),
    eval: (name: string) => join(out, 'eval', name),
    results: join(out, 'results.json'),
    summary: join(out, 'summary.md'),
    plots: join(out, 'plots'),
  };
}

/** The runs `<scheme>-seed<k>` of a config, seed-major (every scheme of seed 1 first). */
export function ppoRunNames(
  config: PipelineConfig,
): { scheme: string; seed: number; name: string }[] {
  return config.seeds.flatMap((seed) =>
    config.schemes.map((scheme) => ({ scheme, seed, name: `${scheme}-seed${seed}` })),
  );
}
