import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EstimatorFitReport, ProgressEstimator, Trajectory } from '@spa/core';
import { TransformerProgressEstimator } from '@spa/estimator';
import { selectBackend, trainTokenizer } from '@spa/lm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ServerConfigError } from '../src/errors';
import type { SpaHttpServer } from '../src/http';
import type { MetricsSnapshot } from '../src/metrics';
import {
  createRewardServer,
  type OpenRlhfRewardResponse,
  type RewardsResponse,
} from '../src/reward-server';

/** Every answer shape at once, so assertions can read any field. */
type Answer = RewardsResponse &
  OpenRlhfRewardResponse &
  MetricsSnapshot & { error: { code: string; field: string; message: string } };
const read = (response: Response): Promise<Answer> => response.json() as Promise<Answer>;

/** c_t = 0.1·(t + 1): exact values to check the reward arithmetic against. */
class RampEstimator implements ProgressEstimator {
  readonly specificationVersion = 'v1' as const;
  calls = 0;
  disposed = false;
  /** When set, predict waits for it (to hold a request in flight). */
  gate: Promise<void> | undefined;
  entered: (() => void) | undefined;

  async fit(): Promise<EstimatorFitReport> {
    throw new Error('not used');
  }
  async predict(trajectories: readonly Trajectory[]): Promise<number[][]> {
    this.calls += 1;
    this.entered?.();
    if (this.gate !== undefined) await this.gate;
    return trajectories.map((t) => t.steps.map((_, i) => 0.1 * (i + 1)));
  }
  async save(): Promise<void> {}
  async load(): Promise<void> {}
  dispose(): void {
    this.disposed = true;
  }
}

function trajectory(grounded: boolean[], taskId = 'task-1'): Trajectory {
  return {
    taskId,
    env: 'alfworld/valid_unseen-v0',
    goal: 'put a clean cloth in cabinet',
    steps: grounded.map((g, i) => ({
      observation: `observation ${i}`,
      action: `go to cabinet ${i + 1}`,
      grounded: g,
      reward: 0,
    })),
    finalReward: 1,
    won: true,
  };
}

const servers: SpaHttpServer[] = [];
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

async function start(options: Parameters<typeof createRewardServer>[0]): Promise<
  SpaHttpServer & {
    post: (path: string, body: unknown, headers?: Record<string, string>) => Promise<Response>;
  }
> {
  const server = await createRewardServer(options);
  servers.push(server);
  const url = await server.listen();
  return Object.assign(server, {
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  });
}

function close(values: readonly number[], expected: readonly number[]): void {
  expect(values).toHaveLength(expected.length);
  values.forEach((v, i) => {
    expect(v).toBeCloseTo(expected[i] as number, 9);
  });
}

describe('reward server: POST /v1/rewards', () => {
  it('returns c_t and r_t = α·c_t + β·g_t for one trajectory, a batch and a bare trajectory', async () => {
    const estimator = new RampEstimator();
    const server = await start({ estimator });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const one = await server.post('/v1/rewards', { trajectory: trajectory([true, false, true]) });
    expect(one.status).toBe(200);
    const body = await read(one);
    expect(body.alpha).toBe(1);
    expect(body.beta).toBe(0.5);
    close(body.results[0]!.contributions, [0.1, 0.2, 0.3]);
    // g = [1, 0, 1]; the last step counts as grounded (core's default).
    close(body.results[0]!.rewards, [0.6, 0.2, 0.8]);
    expect(body.results[0]!.contributionSum).toBeCloseTo(0.6, 9);
    expect(body.results[0]!.taskId).toBe('task-1');

    const batch = await server.post('/v1/rewards', {
      trajectories: [trajectory([false, false], 'a'), trajectory([true], 'b')],
      alpha: 2,
      beta: 0.25,
    });
    expect(batch.status).toBe(200);
    const batchBody = await read(batch);
    expect(batchBody.alpha).toBe(2);
    expect(batchBody.results.map((r: { taskId: string }) => r.taskId)).toEqual(['a', 'b']);
    close(batchBody.results[0]!.rewards, [0.2, 0.4 + 0.25]);
    close(batchBody.results[1]!.rewards, [0.2 + 0.25]);

    const bare = await server.post('/v1/rewards', { ...trajectory([false, true]), beta: 0 });
    expect(bare.status).toBe(200);
    close((await read(bare)).results[0]!.rewards, [0.1, 0.2]);
  });

  it('serves a real TransformerProgressEstimator loaded from a directory', async () => {
    await selectBackend('wasm');
    const sample = trajectory([true, false, true, true]);
    const corpus = [sample.goal, ...sample.steps.flatMap((s) => [s.observation, s.action])];
    const tokenizer = trainTokenizer(corpus, { vocabSize: 300 });
    const model = await TransformerProgressEstimator.create({
      tokenizer,
      preset: 'test',
      contextLength: 128,
      seed: 3,
    });
    const directory = await mkdtemp(join(tmpdir(), 'spa-server-'));
    directories.push(directory);
    await model.save(directory);
    const [expected] = await model.predict([sample]);
    model.dispose();

    const server = await start({ estimatorDirectory: directory, beta: 0.5 });
    const response = await server.post('/v1/rewards', { trajectories: [sample, sample] });
    expect(response.status).toBe(200);
    const { results } = await read(response);
    expect(results).toHaveLength(2);
    close(results[0]!.contributions, expected as number[]);
    close(results[1]!.contributions, expected as number[]);
    const c = expected as number[];
    close(results[0]!.rewards, [c[0]! + 0.5, c[1]!, c[2]! + 0.5, c[3]! + 0.5]);
  });

  it('answers malformed input with 4xx and a JSON error naming the field', async () => {
    const server = await start({ estimator: new RampEstimator(), bodyLimit: 4096 });
    const cases: [unknown, number, string][] = [
      ['{"trajectory": ', 400, 'body'],
      [[1, 2], 400, 'body'],
      [{ trajectories: 'x' }, 400, 'trajectories'],
      [{ nothing: 1 }, 400, 'trajectories'],
      [{ trajectories: [] }, 422, 'trajectories'],
      [
        {
          trajectories: [
            trajectory([true]),
            { ...trajectory([true]), steps: [{ ...trajectory([true]).steps[0], grounded: 'yes' }] },
          ],
        },
        422,
        'trajectories[1].steps[0].grounded',
      ],
      [{ trajectory: { ...trajectory([true]), finalreward: 1 } }, 422, 'trajectory.finalreward'],
      [{ trajectory: trajectory([true]), alpha: 1e9 }, 422, 'alpha'],
      [{ trajectory: trajectory([true]), beta: 'high' }, 422, 'beta'],
    ];
    for (const [body, status, field] of cases) {
      const response = await server.post('/v1/rewards', body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      const error = (await read(response)).error;
      expect(error.field).toBe(field);
      expect(typeof error.message).toBe('string');
    }
    const big = await server.post('/v1/rewards', {
      trajectories: Array.from({ length: 40 }, () => trajectory([true, true])),
    });
    expect(big.status).toBe(413);
    expect((await read(big)).error.code).toBe('body_too_large');
    const text = await fetch(`${server.url}/v1/rewards`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect((await read(text)).error.code).toBe('unsupported_media_type');
    const missing = await fetch(`${server.url}/v2/rewards`);
    expect(missing.status).toBe(404);
    expect((await read(missing)).error.field).toBe('url');
  });

  it('refuses more trajectories per request than allowed with 413', async () => {
    const server = await start({ estimator: new RampEstimator(), maxTrajectoriesPerRequest: 2 });
    const response = await server.post('/v1/rewards', {
      trajectories: [trajectory([true]), trajectory([true]), trajectory([true])],
    });
    expect(response.status).toBe(413);
    expect((await read(response)).error).toMatchObject({
      code: 'too_many_items',
      field: 'trajectories',
    });
  });

  it('batches concurrent requests into shared estimator calls', async () => {
    const estimator = new RampEstimator();
    let release: () => void = () => undefined;
    estimator.gate = new Promise((resolve) => {
      release = resolve;
    });
    const entered = new Promise<void>((resolve) => {
      estimator.entered = resolve;
    });
    const server = await start({ estimator, maxBatchTrajectories: 64 });
    const first = server.post('/v1/rewards', { trajectory: trajectory([true]) });
    await entered;
    const rest = Array.from({ length: 10 }, (_, i) =>
      server.post('/v1/rewards', { trajectory: trajectory([true, false], `t${i}`) }),
    );
    // Let the ten requests reach the queue while the first batch is held.
    await new Promise((resolve) => setTimeout(resolve, 100));
    estimator.gate = undefined;
    release();
    const responses = await Promise.all([first, ...rest]);
    expect(responses.map((r) => r.status)).toEqual(Array(11).fill(200));
    expect(estimator.calls).toBe(2);
  });
});

describe('reward server: POST /get_reward (OpenRLHF)', () => {
  const transcript = [
    'You are in the middle of a room. Your task is to: put a cloth in cabinet.',
    'Goal: put a cloth in cabinet',
    'Observation: You are in the middle of a room.',
    'Thought: I should find a cloth.',
    'Action: go to cabinet 1',
    'Observation: Nothing happens.',
    'Action: go to countertop 1',
    'Observation: On the countertop 1, you see a cloth 1.',
    'Action: take cloth 1 from countertop 1',
  ].join('\n');

  it('maps ReAct transcripts and JSON-trajectory labels to rewards, scores and extra_logs', async () => {
    const server = await start({ estimator: new RampEstimator() });
    const response = await server.post('/get_reward', {
      query: [transcript, 'ignored when the label is a trajectory', transcript],
      prompts: ['p', 'p', 'p'],
      labels: ['1', JSON.stringify(trajectory([false, true, true, true])), ''],
    });
    expect(response.status).toBe(200);
    const body = await read(response);
    // Transcript: 3 steps, grounded [true, false (Nothing happens.), true (last)].
    // r = [0.1 + 0.5, 0.2, 0.3 + 0.5]; 'last' → 0.8.
    close(body.rewards, [0.8, 0.4 + 0.5, 0.8]);
    close(body.scores, [0.6, 1, 0.6]);
    close(body.extra_logs.spa_contribution_sum, [0.6, 1.0, 0.6]);
    expect(body.extra_logs.spa_steps).toEqual([3, 4, 3]);
    close(body.extra_logs.spa_grounded_fraction, [2 / 3, 0.75, 2 / 3]);
  });

  it("reads @spa/interop's OpenRLHF labels ({step_rewards, final_reward}) as the final reward", async () => {
    const server = await start({ estimator: new RampEstimator() });
    const label = JSON.stringify({ step_rewards: [0.6, 0.2, 0.8], final_reward: 1 });
    const response = await server.post('/get_reward', {
      query: [transcript],
      prompts: [''],
      labels: [label],
    });
    expect(response.status).toBe(200);
    close((await read(response)).rewards, [0.8]);
    const bad = await server.post('/get_reward', {
      query: [transcript],
      labels: [JSON.stringify({ step_rewards: [], final_reward: 'yes' })],
    });
    expect(bad.status).toBe(422);
    expect((await read(bad)).error.field).toBe('labels[0].final_reward');
  });

  it('sums the step rewards with openrlhfReduction "sum"', async () => {
    const server = await start({ estimator: new RampEstimator(), openrlhfReduction: 'sum' });
    const response = await server.post('/get_reward', {
      query: [transcript],
      prompts: [''],
      labels: [''],
    });
    close((await read(response)).rewards, [0.6 + 0.2 + 0.8]);
  });

  it('names the bad field of a malformed OpenRLHF request', async () => {
    const server = await start({ estimator: new RampEstimator() });
    const cases: [unknown, number, string][] = [
      [{ prompts: [], labels: [] }, 400, 'query'],
      [{ query: [transcript, 3] }, 400, 'query[1]'],
      [{ query: [transcript], labels: ['1', '0'] }, 422, 'labels'],
      [{ query: ['no actions here'], labels: [''] }, 422, 'query[0]'],
      [{ query: [transcript], labels: ['gold answer'] }, 422, 'labels[0]'],
      [{ query: [transcript], labels: ['{"taskId": "x"}'] }, 422, 'labels[0].env'],
      [{ query: [], labels: ['1'] }, 422, 'labels'],
    ];
    for (const [body, status, field] of cases) {
      const response = await server.post('/get_reward', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await read(response)).error.field).toBe(field);
    }
  });
});

describe('reward server: OpenRLHF shards', () => {
  it('answers an empty shard (a small batch split over several URLs) with empty arrays', async () => {
    const estimator = new RampEstimator();
    const server = await start({ estimator });
    const response = await server.post('/get_reward', { query: [], prompts: [], labels: [] });
    expect(response.status).toBe(200);
    expect(await read(response)).toEqual({
      rewards: [],
      scores: [],
      extra_logs: {
        spa_contribution_sum: [],
        spa_last_contribution: [],
        spa_steps: [],
        spa_grounded_fraction: [],
      },
    });
    expect(estimator.calls).toBe(0);
  });
});

describe('reward server: health, metrics, auth, timeouts, shutdown', () => {
  it('serves /health and /metrics in Prometheus text and JSON', async () => {
    const server = await start({ estimator: new RampEstimator() });
    expect(await read(await fetch(`${server.url}/health`))).toEqual({ status: 'ok' });
    await server.post('/v1/rewards', { trajectory: trajectory([true]) });
    await server.post('/v1/rewards', { trajectory: 1 });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain(
      'spa_reward_http_requests_total{method="POST",route="/v1/rewards",status="200"} 1',
    );
    expect(text).toContain(
      'spa_reward_http_requests_total{method="POST",route="/v1/rewards",status="422"} 1',
    );
    expect(text).toContain(
      'spa_reward_http_request_duration_seconds_count{method="POST",route="/v1/rewards"} 2',
    );
    expect(text).toContain('spa_reward_scored_trajectories 1');
    const json = await read(await fetch(`${server.url}/metrics?format=json`));
    const route = json.routes.find((r: { route: string }) => r.route === '/v1/rewards');
    expect(route).toMatchObject({ count: 2, errors: 1, byStatus: { '200': 1, '422': 1 } });
    expect(route?.p99Ms).toBeGreaterThanOrEqual(route?.p50Ms ?? 0);
  });

  it('requires the bearer token when asked to, and refuses a non-loopback bind without one', async () => {
    await expect(
      createRewardServer({ estimator: new RampEstimator(), host: '0.0.0.0' }),
    ).rejects.toSatisfy((error: unknown) => ServerConfigError.isInstance(error));
    await expect(
      createRewardServer({ estimator: new RampEstimator(), requireToken: true }),
    ).rejects.toSatisfy((error: unknown) => ServerConfigError.isInstance(error));

    const server = await start({
      estimator: new RampEstimator(),
      token: 'secret-token-123',
      requireToken: true,
    });
    const body = { trajectory: trajectory([true]) };
    const missing = await server.post('/v1/rewards', body);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await read(missing)).error.field).toBe('headers.authorization');
    const wrong = await server.post('/v1/rewards', body, {
      authorization: 'Bearer nope-nope-nope',
    });
    expect(wrong.status).toBe(403);
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(401);
    const right = await server.post('/v1/rewards', body, {
      authorization: 'Bearer secret-token-123',
    });
    expect(right.status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers 503 when a request outlives requestTimeoutMs', async () => {
    const estimator = new RampEstimator();
    let release: () => void = () => undefined;
    estimator.gate = new Promise((resolve) => {
      release = resolve;
    });
    const server = await start({ estimator, requestTimeoutMs: 200 });
    const response = await server.post('/v1/rewards', { trajectory: trajectory([true]) });
    expect(response.status).toBe(503);
    expect((await read(response)).error.code).toBe('request_timeout');
    release();
  });

  it('finishes an in-flight request on close(), refuses new ones, then disposes the estimator', async () => {
    const estimator = new RampEstimator();
    let release: () => void = () => undefined;
    estimator.gate = new Promise((resolve) => {
      release = resolve;
    });
    const entered = new Promise<void>((resolve) => {
      estimator.entered = resolve;
    });
    const server = await createRewardServer({ estimator, disposeEstimator: true });
    const url = await server.listen();
    const inFlight = fetch(`${url}/v1/rewards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ trajectory: trajectory([true, true]) }),
    });
    await entered;
    const closed = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect(estimator.disposed).toBe(false);
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    close((await read(response)).results[0]!.rewards, [0.6, 0.7]);
    await closed;
    expect(estimator.disposed).toBe(true);
    await server.close();
  });
});
