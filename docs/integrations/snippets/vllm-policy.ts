/**
 * Explore and evaluate with a served LLM (vLLM, Ollama, llama.cpp or any OpenAI-compatible
 * server), then annotate the explored trajectories with the progress estimator.
 *
 *   vllm serve meta-llama/Llama-3.2-3B-Instruct --port 8000
 *   npx tsx --conditions=@spa/source docs/integrations/snippets/vllm-policy.ts
 *
 * Environment: SPA_CHAT_BASE_URL (default vLLM's http://127.0.0.1:8000/v1), SPA_CHAT_MODEL,
 * SPA_CHAT_API_KEY (hosted APIs), SPA_TASKS (tasks per split, default 8), SPA_ESTIMATOR
 * (optional: a saved estimator directory; without it the annotation step is skipped).
 */
import { writeTrajectories } from '@spa/core/node';
import { createAlfworldEnv } from '@spa/env-alfworld';
import { annotateTrajectories, TransformerProgressEstimator } from '@spa/estimator';
import {
  ChatPolicy,
  collectRollouts,
  evaluatePolicy,
  explorationEpisodes,
  writeEvaluation,
} from '@spa/ppo';

const policy = new ChatPolicy({
  baseUrl: process.env.SPA_CHAT_BASE_URL ?? 'http://127.0.0.1:8000/v1',
  model: process.env.SPA_CHAT_MODEL ?? 'meta-llama/Llama-3.2-3B-Instruct',
  apiKey: process.env.SPA_CHAT_API_KEY, // sent as a bearer token when set
  env: 'alfworld', // the reference ReAct prompt: 'alfworld' | 'webshop' | 'virtualhome'
  maxTokens: 512,
  timeoutMs: 60_000,
  retries: { max: 4, baseDelayMs: 500, maxDelayMs: 8_000, jitter: 0.5 },
  concurrency: 16, // requests in flight, over all act() calls
  stop: ['\nObservation:'],
  // seed: false, // for servers that reject the `seed` field
});

const tasks = Number(process.env.SPA_TASKS ?? 8);
// 16 env instances, stepped in lock-step: one chat request per busy env per tick.
const envs = Array.from({ length: 16 }, () =>
  createAlfworldEnv({ preset: 'spa-rl', split: 'train' }),
);
const trainIds = (envs[0]?.tasks?.taskIds('train') ?? []).slice(0, tasks);

// 1. Exploration: N rollouts per training task, sampled at temperature 1 (the reference's).
const rollouts = await collectRollouts({
  policy,
  envs,
  episodes: explorationEpisodes(trainIds, { rolloutsPerTask: 4, seed: 0 }),
  temperature: 1,
  onEpisode: (episode, index) => console.log(index, episode.trajectory.finalReward),
});
await writeTrajectories(
  'runs/alfworld/explore/trajectories.jsonl',
  rollouts.map((rollout) => rollout.trajectory),
);
console.log('exploration usage', policy.usage);
await Promise.all(envs.map((env) => env.close()));

// 2. Evaluation: greedy (temperature 0 by default) on the evaluation split.
policy.resetUsage();
const evalEnvs = Array.from({ length: 16 }, () => createAlfworldEnv({ preset: 'spa-rl' }));
const testIds = (evalEnvs[0]?.tasks?.taskIds('valid_unseen') ?? []).slice(0, tasks);
const result = await evaluatePolicy({ policy, envs: evalEnvs, taskIds: testIds });
await writeEvaluation(result, 'runs/alfworld/eval-chat', 'ChatPolicy on ALFWorld');
console.log(result.summary, policy.usage); // success, score, grounding; tokens, requests, retries
await Promise.all(evalEnvs.map((env) => env.close()));

// 3. Annotation: c_t from the progress estimator and r_t = α·c_t + β·g_t per step.
const estimatorDirectory = process.env.SPA_ESTIMATOR;
if (estimatorDirectory !== undefined) {
  const estimator = await TransformerProgressEstimator.fromDirectory(estimatorDirectory);
  try {
    const report = await annotateTrajectories(
      estimator,
      'runs/alfworld/explore/trajectories.jsonl',
      'runs/alfworld/annotated.jsonl',
      { rewards: { alpha: 1, beta: 0.5 } },
    );
    console.log(report.metrics);
  } finally {
    estimator.dispose();
  }
}
