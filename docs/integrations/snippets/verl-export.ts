/**
 * verl parquet with per-step SPA rewards and the character spans that place them on tokens.
 * Input: trajectories annotated with `rewards` (see openrlhf-export.ts or vllm-policy.ts).
 *
 *   npx tsx --conditions=@spa/source docs/integrations/snippets/verl-export.ts
 */
import { readAllTrajectories } from '@spa/core/node';
import { exportVerl, readVerlFile, writeVerlFile } from '@spa/interop';

const trajectories = await readAllTrajectories('runs/alfworld/annotated.jsonl');
const options = {
  dataSource: 'spa/alfworld', // `data_source` column (default `spa/<env>`)
  ability: 'agent', // `ability` column (default)
  split: 'train', // `extra_info.split` (default)
  style: 'spa-step', // `reward_model.style` (default)
  template: 'llama3', // how `extra_info.transcript` is rendered (default)
  rewardSource: 'rewards', // `extra_info.step_rewards` = the trajectory's r_t (default)
} as const;

const rows = await writeVerlFile('data/alfworld/train.parquet', trajectories, options);
console.log(`wrote ${rows} verl rows`);

// Where step k's reward lands: the token that contains character `step_char_end[k] - 1` of
// `extra_info.transcript` (the last token of response k).
const [first] = exportVerl(trajectories.slice(0, 1), options);
if (first !== undefined) {
  const { transcript, step_rewards, step_char_start, step_char_end } = first.extra_info;
  step_rewards.forEach((reward, k) => {
    const start = step_char_start[k] ?? 0;
    const end = step_char_end[k] ?? 0;
    console.log(k, reward, JSON.stringify(transcript.slice(start, end)));
  });
}

// Reading the file back (the `spa` sidecar makes the round trip exact).
const back = await readVerlFile('data/alfworld/train.parquet');
console.log(`read back ${back.length} trajectories`);
