import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trajectory } from '@spa/core';
import { createAlfworldEnv } from '@spa/env-alfworld';
import { TransformerProgressEstimator } from '@spa/estimator';
import { selectBackend, trainTokenizer } from '@spa/lm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEnvServer, type EnvServerOptions } from '../src/env-server';
import type { SpaHttpServer } from '../src/http';
import type { MetricsSnapshot } from '../src/metrics';
import {
  createRewardServer,
  type OpenRlhfRewardResponse,
  type RewardServerOptions,
  type RewardsResponse,
} from '../src/reward-server';
import { parseReactTranscript } from '../src/transcript';

// Runs the Python recipes of docs/integrations/snippets/ with python3 against the real servers.

const snippets = fileURLToPath(new URL('../../../docs/integrations/snippets/', import.meta.url));
const callComputeScore = fileURLToPath(new URL('python/call_compute_score.py', import.meta.url));
const PYTHON_TIMEOUT_MS = 20_000;

/** Why the Python clients cannot run here, or undefined when python3 and `requests` are present. */
function pythonMissing(): string | undefined {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore', timeout: PYTHON_TIMEOUT_MS });
  } catch {
    return 'python3 is not on PATH';
  }
  try {
    execFileSync('python3', ['-c', 'import requests'], {
      stdio: 'ignore',
      timeout: PYTHON_TIMEOUT_MS,
    });
  } catch {
    return "python3 has no 'requests' module (pip install requests)";
  }
  return undefined;
}

const skipReason = pythonMissing();
if (skipReason !== undefined) console.warn(`python-clients.int.test.ts skipped: ${skipReason}`);

interface PythonRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs python3 with `env` added to the environment; never rejects on a non-zero exit. */
function python(args: readonly string[], env: Record<string, string> = {}): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      args,
      {
        timeout: PYTHON_TIMEOUT_MS,
        env: {
          ...process.env,
          // Keep requests off any configured proxy and leave no __pycache__ in docs/.
          NO_PROXY: '127.0.0.1,localhost',
          no_proxy: '127.0.0.1,localhost',
          PYTHONDONTWRITEBYTECODE: '1',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`python3 ${args.join(' ')} failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

/** The last stdout line of a run that must have succeeded, parsed as JSON. */
function lastJson<T>(run: PythonRun): T {
  expect(run.code, run.stderr).toBe(0);
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as T;
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const tokenHeader = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

interface ComputeScoreAnswer {
  reward?: number;
  reward_type?: string;
  result?: { score: number; spa_progress: number };
  raised?: string;
  status?: number | null;
}

const openServers: SpaHttpServer[] = [];
afterEach(async () => {
  await Promise.all(openServers.splice(0).map((s) => s.close()));
});

describe.skipIf(skipReason !== undefined)('Python recipes in docs/integrations/snippets', () => {
  let estimator: TransformerProgressEstimator;
  /** A ReAct transcript played on ALFWorld valid_unseen task 0, with one invalid action. */
  let transcript: string;
  let reference: { taskId: string; goal: string; trajectory: Trajectory };
  let directory: string;

  beforeAll(async () => {
    const env = createAlfworldEnv({ preset: 'spa-rl' });
    const taskId = env.tasks?.taskIds('valid_unseen')[0] as string;
    const first = await env.reset({ taskId });
    const lines = [first.observation];
    const steps: Trajectory['steps'][number][] = [];
    let observation = first.observation;
    let admissible = first.info.admissibleActions ?? [];
    for (const pick of [0, -1, 1]) {
      const action = pick < 0 ? 'fly to the moon' : (admissible[pick] as string);
      const step = await env.step(action);
      lines.push('Thought: I should look around for the object.', `Action: ${action}`);
      lines.push(`Observation: ${step.observation}`);
      steps.push({ observation, action, grounded: step.info.grounded, reward: step.reward });
      observation = step.observation;
      admissible = step.info.admissibleActions ?? admissible;
    }
    lines.push(`Action: ${admissible[0] as string}`);
    steps.push({ observation, action: admissible[0] as string, grounded: true, reward: 0 });
    transcript = lines.join('\n');
    reference = {
      taskId,
      goal: first.info.goal,
      trajectory: {
        taskId,
        env: 'alfworld',
        goal: first.info.goal,
        steps,
        finalReward: 0,
        won: false,
      },
    };
    await env.close();

    // A random-init estimator, as in reward-server.int.test.ts: its numbers mean nothing. Its
    // context is longer here because the goal (the ALFWorld prompt before the first marker) is
    // never cut and takes about 190 tokens.
    await selectBackend('wasm');
    const corpus = [transcript, ...steps.flatMap((s) => [s.observation, s.action])];
    const tokenizer = trainTokenizer(corpus, { vocabSize: 300 });
    estimator = await TransformerProgressEstimator.create({
      tokenizer,
      preset: 'test',
      contextLength: 512,
      seed: 3,
    });
    directory = await mkdtemp(join(tmpdir(), 'spa-python-clients-'));
  });

  afterAll(async () => {
    estimator?.dispose();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  async function rewardServer(options: Partial<RewardServerOptions> = {}) {
    const server = await createRewardServer({ estimator, ...options });
    openServers.push(server);
    const url = await server.listen();
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...tokenHeader(options.token) },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as T;
    };
    const scored = async (): Promise<number> => {
      const response = await fetch(`${url}/metrics?format=json`, {
        headers: tokenHeader(options.token),
      });
      return ((await response.json()) as MetricsSnapshot).gauges.scored_trajectories ?? NaN;
    };
    return { url, post, scored };
  }

  describe('spa_reward_verl.py (verl custom reward function)', () => {
    const rewardFile = join(snippets, 'spa_reward_verl.py');
    const call = (
      env: Record<string, string>,
      overrides: Partial<{ solution_str: string; ground_truth: unknown }> = {},
    ) =>
      python(
        [
          callComputeScore,
          rewardFile,
          JSON.stringify({
            data_source: 'spa/alfworld',
            solution_str: transcript,
            ground_truth: '1',
            // What verl's NaiveRewardManager passes: the row's extra_info plus num_turns.
            extra_info: { index: 0, split: 'train', num_turns: null },
            ...overrides,
          }),
        ],
        env,
      );

    it('returns the server’s step reward of the last action as a finite float score', async () => {
      const server = await rewardServer();
      const [run, numeric] = await Promise.all([
        call({ SPA_REWARD_URL: server.url }),
        call({ SPA_REWARD_URL: server.url }, { ground_truth: 1 }),
      ]);
      const answer = lastJson<ComputeScoreAnswer>(run);
      expect(answer.reward_type).toBe('float');
      expect(Number.isFinite(answer.reward)).toBe(true);

      const direct = await server.post<OpenRlhfRewardResponse>('/get_reward', {
        query: [transcript],
        prompts: [''],
        labels: ['1'],
      });
      expect(answer.reward).toBeCloseTo(direct.rewards[0] as number, 6);
      expect(answer.result?.spa_progress).toBeCloseTo(direct.scores[0] as number, 6);
      // The transcript's steps: grounded, "Nothing happens.", grounded, last (grounded).
      expect(direct.extra_logs.spa_steps).toEqual([4]);
      expect(direct.extra_logs.spa_grounded_fraction).toEqual([0.75]);
      // A non-string ground truth is sent as its JSON text ("1"): same reward.
      expect(lastJson<ComputeScoreAnswer>(numeric).reward).toBeCloseTo(answer.reward as number, 6);
    });

    it('sends SPA_REWARD_TOKEN as a bearer token; a wrong or missing token raises HTTPError', async () => {
      const token = 'verl-token-1234';
      const server = await rewardServer({ token, requireToken: true });
      const [right, wrong, missing] = await Promise.all([
        call({ SPA_REWARD_URL: server.url, SPA_REWARD_TOKEN: token }),
        call({ SPA_REWARD_URL: server.url, SPA_REWARD_TOKEN: 'not-the-token' }),
        call({ SPA_REWARD_URL: server.url, SPA_REWARD_TOKEN: '' }),
      ]);
      expect(Number.isFinite(lastJson<ComputeScoreAnswer>(right).reward)).toBe(true);
      expect(lastJson<ComputeScoreAnswer>(wrong)).toEqual({
        raised: 'requests.exceptions.HTTPError',
        status: 403,
      });
      expect(lastJson<ComputeScoreAnswer>(missing)).toEqual({
        raised: 'requests.exceptions.HTTPError',
        status: 401,
      });
    });

    it('raises instead of scoring when the server is unreachable or the reply has no Action: line', async () => {
      const server = await rewardServer();
      const [unreachable, noAction] = await Promise.all([
        call({ SPA_REWARD_URL: `http://127.0.0.1:${await closedPort()}` }),
        call({ SPA_REWARD_URL: server.url }, { solution_str: 'Thought: I am done.' }),
      ]);
      expect(lastJson<ComputeScoreAnswer>(unreachable)).toEqual({
        raised: 'requests.exceptions.ConnectionError',
        status: null,
      });
      expect(lastJson<ComputeScoreAnswer>(noAction)).toEqual({
        raised: 'requests.exceptions.HTTPError',
        status: 422,
      });
    });
  });

  describe('openrlhf_remote_rm_check.py (OpenRLHF remote reward client)', () => {
    const script = join(snippets, 'openrlhf_remote_rm_check.py');

    it('shards a batch across two URLs and gets /v1/rewards’ last-step reward per sample', async () => {
      const first = await rewardServer();
      const second = await rewardServer();
      const interopLabel = JSON.stringify({ step_rewards: [0.5, 0, 0.5, 1], final_reward: 1 });
      const batch = {
        query: [transcript, transcript, 'ignored: the label is a trajectory'],
        prompts: ['', '', ''],
        labels: ['1', interopLabel, JSON.stringify(reference.trajectory)],
      };
      const batchFile = join(directory, 'batch.json');
      await writeFile(batchFile, JSON.stringify(batch));
      const urls = `${first.url}/get_reward,${second.url}/get_reward`;
      // One sample over two URLs: OpenRLHF's even split sends the second URL an empty shard.
      const single = join(directory, 'single.json');
      await writeFile(
        single,
        JSON.stringify({ query: [transcript], prompts: [''], labels: ['1'] }),
      );
      const [run, example, small] = await Promise.all([
        python([script, urls, batchFile]),
        python([script], { SPA_REWARD_URLS: `${first.url}/get_reward` }),
        python([script, urls, single]),
      ]);
      const smallAnswer = lastJson<{ rewards: number[]; shards: number[] }>(small);
      expect(smallAnswer.shards).toEqual([1, 0]);
      expect(smallAnswer.rewards).toHaveLength(1);
      const answer = lastJson<{ rewards: number[]; scores: number[]; shards: number[] }>(run);
      expect(answer.shards).toEqual([2, 1]);
      // ceil(3 / 2) = 2 samples to the first URL, 1 to the second; the example batch has 2.
      expect(await first.scored()).toBe(2 + 2 + 1);
      expect(await second.scored()).toBe(1);

      const trajectories = [
        parseReactTranscript(transcript, { taskId: 'query-0', env: 'openrlhf', finalReward: 1 }),
        parseReactTranscript(transcript, { taskId: 'query-1', env: 'openrlhf', finalReward: 1 }),
        reference.trajectory,
      ];
      const expected = await first.post<RewardsResponse>('/v1/rewards', { trajectories });
      // The server's OpenRLHF scalar (openrlhfReduction 'last'): r_T of the last step.
      const lastRewards = expected.results.map((r) => r.rewards.at(-1) as number);
      const scores = expected.results.map((r) => Math.min(1, Math.max(0, r.contributionSum)));
      expect(answer.rewards).toHaveLength(3);
      answer.rewards.forEach((reward, i) => {
        expect(reward).toBeCloseTo(lastRewards[i] as number, 5);
        expect(answer.scores[i]).toBeCloseTo(scores[i] as number, 5);
      });

      const exampleAnswer = lastJson<{ rewards: number[]; shards: number[] }>(example);
      expect(exampleAnswer.shards).toEqual([2]);
      expect(exampleAnswer.rewards.every(Number.isFinite)).toBe(true);
    });
  });

  describe('agentgym_client.py (AgentGym-protocol client)', () => {
    const client = join(snippets, 'agentgym_client.py');

    async function envServer(options: EnvServerOptions) {
      const server = await createEnvServer({ envs: ['alfworld'], sweepIntervalMs: 0, ...options });
      openServers.push(server);
      return { server, url: await server.listen() };
    }

    it('plays ALFWorld valid_unseen task 0 for SPA_MAX_STEPS steps, then closes its session', async () => {
      const { server, url } = await envServer({});
      const run = await python([client], { SPA_ENV_URL: url, SPA_MAX_STEPS: '3' });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim().split('\n')).toEqual([
        `${reference.taskId} | ${reference.goal}`,
        'steps 3 done False reward 0 won False',
      ]);
      expect(server.sessionCount).toBe(0);
    });

    it('plays until done (server step budget) with a bearer token, and fails on a wrong one', async () => {
      const token = 'env-token-1234';
      const { server, url } = await envServer({ token, requireToken: true, maxEpisodeSteps: 4 });
      const [run, wrong] = await Promise.all([
        python([client], { SPA_ENV_URL: url, SPA_ENV_TOKEN: token }),
        python([client], { SPA_ENV_URL: url, SPA_ENV_TOKEN: 'not-the-token' }),
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim().split('\n').at(-1)).toBe('steps 4 done True reward 0 won False');
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain('403 Client Error');
      expect(server.sessionCount).toBe(0);
    });
  });
});
