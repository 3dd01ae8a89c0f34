/**
 * `@spa/server` load test (`npm run bench -w @spa/server`): both servers on loopback HTTP, 32
 * concurrent clients each, bounded by REQUESTS requests or SECONDS seconds per scenario.
 *
 * Scenarios (server and clients in this one Node process, so they share the CPU):
 *
 * 1. `reward_ramp`: `POST /v1/rewards` with one 6-step trajectory, a deterministic estimator
 *    (c_t = 0.1·(t+1)): the HTTP, validation and reward-math overhead alone.
 * 2. `reward_transformer`: the same requests against a real `TransformerProgressEstimator`
 *    (preset `test`, context 128, tfjs `wasm` backend), concurrent requests batched into shared
 *    estimator calls (up to 64 trajectories).
 * 3. `openrlhf_transformer`: `POST /get_reward` with 4 ReAct transcripts per request against the
 *    same estimator.
 * 4. `env_alfworld`: `POST /step` on the env server, each client on its own ALFWorld session
 *    (`spa-rl` preset, valid_unseen), cycling through the admissible actions and resetting at the
 *    end of an episode.
 *
 * Each client sends its next request when the previous answer arrives. Latency is client-side
 * (fetch to body read). `failed` counts answers that are not 200 or throw; `lost` counts requests
 * sent without any answer (sent − answered − thrown). Both must be 0.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EstimatorFitReport, ProgressEstimator, Trajectory } from '@spa/core';
import { TransformerProgressEstimator } from '@spa/estimator';
import { selectBackend, trainTokenizer } from '@spa/lm';
import { createEnvServer } from '../src/env-server';

/** 1-minute load average before the bench starts (other work on the machine). */
const loadBefore = loadavg()[0] ?? 0;

import { createRewardServer } from '../src/reward-server';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENTS = 32;
const REQUESTS = 3000;
const SECONDS = 10;

class RampEstimator implements ProgressEstimator {
  readonly specificationVersion = 'v1' as const;
  async fit(): Promise<EstimatorFitReport> {
    throw new Error('not used');
  }
  async predict(trajectories: readonly Trajectory[]): Promise<number[][]> {
    return trajectories.map((t) => t.steps.map((_, i) => 0.1 * (i + 1)));
  }
  async save(): Promise<void> {}
  async load(): Promise<void> {}
}

const sample: Trajectory = {
  taskId: 'bench',
  env: 'alfworld/valid_unseen-v0',
  goal: 'put a clean cloth in cabinet',
  steps: Array.from({ length: 6 }, (_, i) => ({
    observation: `You arrive at cabinet ${i + 1}. The cabinet ${i + 1} is closed.`,
    action: i % 2 === 0 ? `open cabinet ${i + 1}` : `go to cabinet ${i + 2}`,
    grounded: i !== 2,
    reward: 0,
  })),
  finalReward: 1,
  won: true,
};
const transcript = [
  'Goal: put a clean cloth in cabinet',
  ...sample.steps.flatMap((s) => [`Observation: ${s.observation}`, `Action: ${s.action}`]),
].join('\n');

interface Outcome {
  readonly requests: number;
  readonly failed: number;
  readonly lost: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Runs CLIENTS loops of `send` until REQUESTS are started or SECONDS have passed. */
async function load(send: (client: number) => Promise<Response>): Promise<Outcome> {
  let started = 0;
  let answered = 0;
  let thrown = 0;
  let failed = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (started < REQUESTS && performance.now() < deadline) {
        started += 1;
        const t = performance.now();
        try {
          const response = await send(client);
          await response.arrayBuffer();
          answered += 1;
          if (response.status !== 200) failed += 1;
        } catch {
          thrown += 1;
          failed += 1;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)] ?? 0;
  return {
    requests: started,
    failed,
    lost: started - answered - thrown,
    seconds,
    requestsPerSecond: started / seconds,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  };
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const results: Record<string, Outcome> = {};
const started = performance.now();

{
  const server = await createRewardServer({ estimator: new RampEstimator() });
  const url = await server.listen();
  await load(() => post(`${url}/v1/rewards`, { trajectory: sample })); // warm-up
  results.reward_ramp = await load(() => post(`${url}/v1/rewards`, { trajectory: sample }));
  await server.close();
}

{
  await selectBackend('wasm');
  const corpus = [sample.goal, ...sample.steps.flatMap((s) => [s.observation, s.action])];
  const tokenizer = trainTokenizer(corpus, { vocabSize: 300 });
  const estimator = await TransformerProgressEstimator.create({
    tokenizer,
    preset: 'test',
    contextLength: 128,
    seed: 1,
  });
  const server = await createRewardServer({ estimator, disposeEstimator: true });
  const url = await server.listen();
  await post(`${url}/v1/rewards`, { trajectory: sample }); // warm-up
  results.reward_transformer = await load(() => post(`${url}/v1/rewards`, { trajectory: sample }));
  results.openrlhf_transformer = await load(() =>
    post(`${url}/get_reward`, {
      query: [transcript, transcript, transcript, transcript],
      prompts: ['', '', '', ''],
      labels: ['1', '0', '1', '0'],
    }),
  );
  await server.close();
}

{
  const server = await createEnvServer({ envs: ['alfworld'], maxSessions: CLIENTS });
  const url = await server.listen();
  const sessions = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const { id } = (await (await post(`${url}/createEnv`, {})).json()) as { id: number };
      const reset = (await (await post(`${url}/reset`, { id, data_idx: i })).json()) as {
        available_actions: string[];
      };
      return { id, index: i, actions: reset.available_actions, turn: 0 };
    }),
  );
  results.env_alfworld = await load(async (client) => {
    const session = sessions[client] as (typeof sessions)[number];
    const action = session.actions[(session.turn * 5 + client) % session.actions.length] ?? 'look';
    session.turn += 1;
    const response = await post(`${url}/step`, { id: session.id, action });
    const clone = response.clone();
    if (response.status === 200) {
      const step = (await clone.json()) as { done: boolean; available_actions: string[] };
      session.actions = step.available_actions;
      if (step.done) {
        const reset = await post(`${url}/reset`, { id: session.id, data_idx: session.index });
        session.actions = (
          (await reset.json()) as { available_actions: string[] }
        ).available_actions;
      }
    }
    return response;
  });
  await server.close();
}

// ── results.json ──
const flat: Record<string, number | string> = {};
for (const [name, r] of Object.entries(results)) {
  flat[`${name}.requests`] = r.requests;
  flat[`${name}.requests_per_s`] = Number(r.requestsPerSecond.toFixed(1));
  flat[`${name}.p50_ms`] = Number(r.p50Ms.toFixed(2));
  flat[`${name}.p99_ms`] = Number(r.p99Ms.toFixed(2));
  flat[`${name}.failed`] = r.failed;
  flat[`${name}.lost`] = r.lost;
  flat[`${name}.seconds`] = Number(r.seconds.toFixed(2));
}
flat.clients = CLIENTS;
flat.load_average_1m = Number((loadavg()[0] ?? 0).toFixed(2));
flat.load_average_1m_before = Number(loadBefore.toFixed(2));
flat.bench_seconds = Number(((performance.now() - started) / 1000).toFixed(1));
flat.node = process.version;
flat.cpus = cpus().length;
flat.date = new Date().toISOString();
writeFileSync(join(here, 'results.json'), `${JSON.stringify(flat, null, 2)}\n`);

// ── results.md ──
const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
const rows = Object.entries(results).map(
  ([name, r]) =>
    `| ${name} | ${r.requests} | ${r.seconds.toFixed(1)} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.failed} | ${r.lost} |`,
);
const markdown = [
  '# @spa/server load test',
  '',
  `${CLIENTS} concurrent clients per scenario, each sending its next request when the previous answer arrives; at most ${REQUESTS} requests or ${SECONDS} s per scenario. Server and clients run in one Node process on loopback HTTP, so they share the CPU. Scenarios are described in \`bench/run.ts\`.`,
  '',
  '| scenario | requests | s | requests/s | p50 ms | p99 ms | failed | lost |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  `Node ${process.version}, ${cpus().length} CPUs (${cpuModel}), 1-minute load average ${flat.load_average_1m_before} before the run and ${flat.load_average_1m} at its end (the bench itself keeps about one core busy), ${flat.date}; the whole run took ${flat.bench_seconds} s.`,
  '',
  'Reproduce: `npm run bench -w @spa/server` (writes `bench/results.json` and `bench/results.md`).',
  '',
].join('\n');
writeFileSync(join(here, 'results.md'), markdown);
process.stdout.write(markdown);
