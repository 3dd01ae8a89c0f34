// Example 02: annotate an external trajectory file with a trained progress estimator, then export
// the SPA step rewards r_t = α·c_t + β·g_t (α = 1, β = 0.5) as one JSONL line per step.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Trajectory, TrajectoryValidationError, validateTrajectory } from '@spa/core';
import { readAllTrajectories, writeFileAtomic, writeTrajectories } from '@spa/core/node';
import { annotateTrajectories, TransformerProgressEstimator } from '@spa/estimator';
import { selectBackend, trainTokenizer } from '@spa/lm';

export const FIXTURE = fileURLToPath(new URL('../data/exploration.jsonl', import.meta.url));
const FIT = { batchSize: 4, learningRate: 3e-3, validationSplit: 0, seed: 1 };

// One record of SPA-RL-Agent's exploration files (its prm/train_our_progress_model.py reads
// `conversations` and `agent_final_reward`, prm/inference_prm.py `id` and `iteration`) as a
// Trajectory: human turn j is the observation before gpt turn j ("Action: …"); the first human
// turn holds "Your task is to: <goal>".
export function fromSpaRecord(text: string, where: { source: string; line: number }): Trajectory {
  function fail(field: string, reason: string): never {
    throw new TrajectoryValidationError({ field, reason, ...where });
  }
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(text);
  } catch {
    fail('', 'not valid JSON');
  }
  const turns = Array.isArray(r.conversations) ? r.conversations : fail('conversations', 'missing');
  const R = r.agent_final_reward;
  if (typeof R !== 'number') fail('agent_final_reward', 'expected a number');
  if (typeof r.id !== 'string') fail('id', 'expected a string (the task id)');
  // Turn i's value, or the first group of `re` in it; checks who speaks.
  const turn = (i: number, from: string, re = /([\s\S]*)/): string => {
    const value = turns[i]?.from === from ? turns[i].value : undefined;
    const match = typeof value === 'string' ? re.exec(value)?.[1] : undefined;
    return match ?? fail(`conversations[${i}]`, `expected {"from": "${from}", "value": ${re}}`);
  };
  const goal = turn(0, 'human', /Your task is to: (.+)/);
  const steps = Array.from({ length: Math.ceil(turns.length / 2) }, (_, j) => ({
    observation: turn(2 * j, 'human'),
    action: turn(2 * j + 1, 'gpt', /Action: (.+)$/),
    // As SPA-RL-Agent's prm/rl_data_org.py: grounded unless the next turn says "Nothing happens".
    grounded: !String(turns[2 * j + 2]?.value).includes('Nothing happens'),
    reward: 2 * j + 2 >= turns.length ? R : 0,
  }));
  const record = { taskId: r.id, env: 'spa-rl', goal, steps, finalReward: R, won: R === 1 };
  return validateTrajectory({ ...record, meta: { iteration: r.iteration ?? null } }, where);
}

export async function runExample({ out = 'runs/annotate', input = FIXTURE, epochs = 12 } = {}) {
  const trajectories: Trajectory[] = [];
  for (const [i, text] of (await readFile(input, 'utf8')).split('\n').entries())
    if (text.trim()) trajectories.push(fromSpaRecord(text, { source: input, line: i + 1 }));
  const [converted, annotated] = [join(out, 'trajectories.jsonl'), join(out, 'annotated.jsonl')];
  await writeTrajectories(converted, trajectories);
  await selectBackend('wasm');
  const texts = trajectories.flatMap((t) => t.steps.map((s) => `${s.observation} ${s.action}`));
  const tokenizer = trainTokenizer(texts, { vocabSize: 320 });
  const estimator = await TransformerProgressEstimator.create({ tokenizer, preset: 'test' });
  const fit = await estimator.fit(trajectories, { ...FIT, epochs });
  const rewards = { alpha: 1, beta: 0.5 };
  const { metrics } = await annotateTrajectories(estimator, converted, annotated, { rewards });
  estimator.dispose();
  const rows = (await readAllTrajectories(annotated)).flatMap((t) =>
    t.steps.map((s, step) => {
      const [c, g, r] = [t.contributions?.[step] ?? 0, Number(s.grounded), t.rewards?.[step] ?? 0];
      return { id: t.taskId, iteration: t.meta?.iteration, step, action: s.action, c, g, r };
    }),
  );
  const jsonl = rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  await writeFileAtomic(join(out, 'step_rewards.jsonl'), jsonl);
  return { trajectories, fit, metrics, rows };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { fit, metrics, rows } = await runExample();
  const shown = rows.filter((row) => /north#[34]/.test(`${row.id}#${row.iteration}`));
  console.table(shown.map((row) => ({ ...row, c: row.c.toFixed(3), r: row.r.toFixed(3) })));
  console.log({ loss: fit.history.map((epoch) => +epoch.trainLoss.toFixed(4)), metrics });
}
