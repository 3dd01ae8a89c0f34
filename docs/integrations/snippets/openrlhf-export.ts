/**
 * Offline path for OpenRLHF: annotate explored trajectories with the progress estimator, then
 * write OpenRLHF JSONL whose `label` column carries the per-step SPA rewards.
 *
 *   npx tsx --conditions=@spa/source docs/integrations/snippets/openrlhf-export.ts
 */
import { readAllTrajectories } from '@spa/core/node';
import { annotateTrajectories, TransformerProgressEstimator } from '@spa/estimator';
import { writeOpenRlhfFile } from '@spa/interop';

const estimator = await TransformerProgressEstimator.fromDirectory('runs/alfworld/estimator');
try {
  // Adds `contributions` (c_t) and `rewards` (r_t = α·c_t + β·g_t) to every trajectory.
  const report = await annotateTrajectories(
    estimator,
    'runs/alfworld/explore/trajectories.jsonl',
    'runs/alfworld/annotated.jsonl',
    { batchSize: 32, rewards: { alpha: 1, beta: 0.5 } },
  );
  console.log(`annotated ${report.trajectories} trajectories, ${report.steps} steps`);
} finally {
  estimator.dispose();
}

const trajectories = await readAllTrajectories('runs/alfworld/annotated.jsonl');
const rows = await writeOpenRlhfFile('data/alfworld/openrlhf.jsonl', trajectories, {
  rewardSource: 'rewards', // the SPA r_t written by annotateTrajectories ('env': sparse env rewards)
  system: 'Interact with a household to solve a task.', // optional first chat message
  metadata: true, // default: a `spa` sidecar column so that importOpenRlhf round-trips exactly
});
console.log(`wrote ${rows} OpenRLHF rows`);
