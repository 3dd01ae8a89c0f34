/** Example 07: SPA-RL (arXiv 2505.20732) on VirtualHome. Expert demonstrations, tokenizer,
 * behaviour cloning (BC), exploration, progress estimator, step-level PPO with SPA and with sparse
 * rewards from the same BC weights, greedy evaluation of all three. Run: `npm start [-- short]`. */
import { pathToFileURL } from 'node:url';
import type { Trajectory } from '@spa/core';
import { createVirtualhomeEnv, generateVirtualhomeDemonstrations } from '@spa/env-virtualhome';
import { TransformerProgressEstimator as Estimator } from '@spa/estimator';
import { createLanguageModel, type TransformerLM, trainTokenizer } from '@spa/lm';
import * as ppo from '@spa/ppo';

/** Train tasks, BC epochs, PPO iterations of `batch` episodes (one env each), test tasks, env step
 * budget (40: SPA-RL's VirtualHome protocol, the env's default), model context, BPE vocabulary. */
export const BUDGETS = {
  tiny: { tasks: 3, bc: 3, ppo: 1, batch: 2, tests: 2, steps: 4, ctx: 192, vocab: 512 },
  short: { tasks: 302, bc: 2, ppo: 10, batch: 8, tests: 100, steps: 40, ctx: 256, vocab: 2048 },
};
const seed = 1;
// ≤ 2048 padded tokens per forward pass, a smaller wasm heap: example 03 tiny ran 9.8 s, not 11.5.
const BC = { batchSize: 2, learningRate: 3e-3, maxBatchTokens: 2048, seed };
const PPO = { epochs: 2, learningRate: 3e-4, maxBatchTokens: 2048, seed };
export const TEST_SPLIT = 'new_unseen_test'; // SPA-RL's test split; the expert plays gold programs
const expert = (n: number) => generateVirtualhomeDemonstrations({ split: 'train', limit: n });
const envs = (split: 'train' | typeof TEST_SPLIT, length: number, maxEpisodeSteps: number) =>
  Array.from({ length }, () => createVirtualhomeEnv({ split, maxEpisodeSteps }));
const texts = (t: Trajectory) => [t.goal, ...t.steps.flatMap((s) => [s.observation, s.action])];

export async function runExample(budget: keyof typeof BUDGETS = 'tiny') {
  const b = BUDGETS[budget];
  const demos: Trajectory[] = [];
  for await (const trajectory of expert(b.tasks)) demos.push(trajectory);
  const tokenizer = trainTokenizer(demos.flatMap(texts), { vocabSize: b.vocab });
  const lm = await createLanguageModel({ tokenizer, preset: 'test', contextLength: b.ctx, seed });
  // The prompt: goal, last step, observation (cut to ctx − 128 tokens); then the action.
  const context = { historyWindow: 1, maxObservationTokens: b.ctx - 128, maxActionTokens: 16 };
  const policyOf = (model: TransformerLM, name: string) =>
    new ppo.LmPolicy(model, tokenizer, { name, context });
  const bcPolicy = policyOf(lm.model, 'BC');
  const bc = await ppo.behaviourClone(bcPolicy, demos, { ...BC, epochs: b.bc });
  const trainEnvs = envs('train', b.batch, b.steps);
  const testEnvs = envs(TEST_SPLIT, b.batch, b.steps);
  const taskIds = demos.map((t) => t.taskId);
  const episodes = ppo.explorationEpisodes(taskIds, { rolloutsPerTask: 2, seed });
  const explored = await ppo.collectRollouts({ policy: bcPolicy, envs: trainEnvs, episodes, seed });
  const estimator = await Estimator.fromLanguageModel(lm, { seed, context });
  const trajectories = explored.map((e) => e.trajectory);
  const fit = await estimator.fit(trajectories, { epochs: 1, maxBatchTokens: 2048, seed });
  const testIds = testEnvs[0]?.tasks?.taskIds(TEST_SPLIT).slice(0, b.tests) ?? [];
  const evaluate = async (policy: ppo.LmPolicy) => {
    const r = await ppo.evaluatePolicy({ policy, envs: testEnvs, taskIds: testIds, seed });
    return { policy: policy.name, ...r.summary, taskIds: r.episodes.map((e) => e.taskId) };
  };
  const evaluations = [await evaluate(bcPolicy)];
  const iterations: Record<string, ppo.IterationMetrics[]> = {};
  for (const rewardScheme of ['spa', 'sparse'] as const) {
    const policy = policyOf(lm.model.clone(), `BC + PPO (${rewardScheme})`);
    const config = { ...PPO, rewardScheme, tasksPerIteration: b.batch };
    const trainer = ppo.PpoTrainer.create({ policy, envs: trainEnvs, taskIds, estimator, config });
    iterations[rewardScheme] = await trainer.train(b.ppo);
    await trainer.dispose();
    evaluations.push(await evaluate(policy));
    policy.model.dispose();
  }
  estimator.dispose();
  lm.model.dispose();
  await Promise.all([...trainEnvs, ...testEnvs].map((env) => env.close()));
  return { demonstrations: demos.length, bc, estimator: fit, iterations, evaluations };
}

const pct = (share: number) => (100 * share).toFixed(1);
export const tableRow = (e: ppo.EvaluationSummary & { policy: string }) =>
  `| ${e.policy} | ${pct(e.successRate)} | ${e.score.toFixed(1)} | ${pct(e.groundingAccuracy)} |`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const budget = process.argv.includes('short') ? 'short' : 'tiny'; // also `--budget short`
  const result = await runExample(budget);
  console.log(`BC loss: ${result.bc.history.map((h) => h.trainLoss.toFixed(3)).join(' → ')}`);
  console.log('| policy | success % | score | grounding % |\n| --- | --: | --: | --: |');
  for (const evaluation of result.evaluations) console.log(tableRow(evaluation));
}
