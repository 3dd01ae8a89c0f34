/**
 * TRL stepwise-supervision JSONL (`prompt`, `completions`, `labels`) for `PRMTrainer`.
 * Input: trajectories annotated with `rewards` (see openrlhf-export.ts or vllm-policy.ts).
 *
 *   npx tsx --conditions=@spa/source docs/integrations/snippets/trl-export.ts
 */
import { readAllTrajectories } from '@spa/core/node';
import { exportTrl, writeTrlFile } from '@spa/interop';

const trajectories = await readAllTrajectories('runs/alfworld/annotated.jsonl');

// Boolean labels (what PRMTrainer classifies): a step is "good" when r_t > threshold.
const rows = await writeTrlFile('data/alfworld/prm.jsonl', trajectories, {
  labels: 'boolean', // default; 'reward' writes r_t as floats instead
  threshold: 0, // default
  separator: '\nAction: ', // default: completion k = observation_k + separator + action_k
  rewardSource: 'rewards', // default: the trajectory's SPA r_t
});
console.log(`wrote ${rows} TRL rows`);

// Peek at one row.
const [row] = exportTrl(trajectories.slice(0, 1), { metadata: false });
console.log(row?.prompt, row?.completions.length, row?.labels);
