import { join } from 'node:path';
import { readAllTrajectories } from '@spa/core/node';
import { exists } from '../fs';
import {
  attributionSpec,
  curvePoints,
  learningCurveSpec,
  readMetricsJsonl,
  writePlot,
} from '../plot/index';
import { ppoRunNames, runPaths } from './paths';
import type { PipelineRun } from './run';

/**
 * `plots/`: training success rate and grounding accuracy of every scheme (mean line and min–max
 * band over seeds), and the estimator's per-step contributions c_t along two won and two lost
 * explored trajectories.
 */
export async function writePipelinePlots(run: PipelineRun): Promise<void> {
  const paths = runPaths(run.out);
  const lines = new Map<string, Awaited<ReturnType<typeof readMetricsJsonl>>>();
  for (const { scheme, seed, name } of ppoRunNames(run.config)) {
    const file = join(paths.ppo(name), 'metrics.jsonl');
    if (await exists(file)) lines.set(`${scheme} seed ${seed}`, await readMetricsJsonl(file));
  }
  for (const [metric, title] of [
    ['charts/success_rate', 'Training success rate (rollouts)'],
    ['charts/grounding_accuracy', 'Grounding accuracy (rollouts)'],
  ] as const) {
    const rows = [...lines].flatMap(([series, m]) => curvePoints(series, m, metric));
    if (rows.length === 0) continue;
    await writePlot(
      learningCurveSpec(rows, {
        metric,
        title: `${run.config.env}: ${title}`,
        aggregate: run.config.seeds.length > 1,
      }),
      paths.plots,
      metric.split('/')[1] as string,
    );
  }
  if (await exists(paths.annotated)) {
    const annotated = await readAllTrajectories(paths.annotated);
    // Short trajectories first, so the steps stay readable.
    const byLength = [...annotated].sort((a, b) => a.steps.length - b.steps.length);
    const picked = [
      ...byLength.filter((t) => t.won).slice(0, 2),
      ...byLength.filter((t) => !t.won).slice(0, 2),
    ];
    if (picked.length > 0) {
      await writePlot(
        attributionSpec(picked, { title: `${run.config.env}: estimated progress c_t per step` }),
        paths.plots,
        'attribution',
      );
    }
  }
}
