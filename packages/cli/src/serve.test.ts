import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Trajectory } from '@spa/core';
import { TransformerProgressEstimator } from '@spa/estimator';
import { selectBackend, trainTokenizer } from '@spa/lm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from './__fixtures__/capture';
import { runCli } from './program';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'spa-serve-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Starts `spa <argv>` in the background; resolves once it prints its URL. */
async function startServe(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const controller = new AbortController();
  let announce: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const io = capture(controller.signal, (text) => {
    const match = /listening on (http:\/\/\S+)/.exec(text);
    if (match !== null) announce(match[1] as string);
  });
  const exit = runCli(argv, { ...io, env });
  const url = await Promise.race([
    listening,
    exit.then((code) => {
      throw new Error(`spa exited with ${code} before listening: ${io.err.join('')}`);
    }),
  ]);
  return {
    url,
    io,
    /** Ctrl-C: resolves to the exit code. */
    stop: async () => {
      controller.abort(new Error('interrupted (Ctrl-C)'));
      return exit;
    },
  };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('spa serve env', () => {
  it('serves AgentGym sessions until Ctrl-C, then closes gracefully with exit code 0', async () => {
    const server = await startServe([
      'serve',
      'env',
      '--port',
      '0',
      '--envs',
      'alfworld,virtualhome',
      '--max-steps',
      '3',
    ]);
    const created = await fetch(`${server.url}/createEnv`, json({ env: 'virtualhome' }));
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: number };
    const reset = (await (
      await fetch(`${server.url}/reset`, json({ id, data_idx: 0 }))
    ).json()) as {
      observation: string;
    };
    expect(reset.observation.length).toBeGreaterThan(0);
    const step = (await (
      await fetch(`${server.url}/step`, json({ id, action: 'fly to the moon' }))
    ).json()) as { done: boolean; info: { grounded: boolean } };
    expect(step.info.grounded).toBe(false);
    // WebShop was not offered.
    const refused = await fetch(`${server.url}/createEnv`, json({ env: 'webshop' }));
    expect(refused.status).toBe(400);

    expect(await server.stop()).toBe(0);
    expect(server.io.out.join('')).toMatch(
      /AgentGym env server \(alfworld, virtualhome\) listening/,
    );
    expect(server.io.out.join('')).toMatch(/stopped\n$/);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('refuses bad options and public binds without a token (exit code 2, named)', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--envs', 'alfworld,minecraft'],
        /unknown env "minecraft"; accepted: alfworld, webshop, virtualhome/,
      ],
      [
        ['--envs', 'alfworld', '--default-env', 'webshop'],
        /--default-env: "webshop" is not among --envs/,
      ],
      [['--host', '0.0.0.0'], /token/i],
      [['--port', '70000'], /expected an integer in \[0, 65535\]/],
      [
        ['--token-file', join(root, 'missing-token')],
        /--token-file[\s\S]*missing-token: cannot be read/,
      ],
    ];
    for (const [options, message] of cases) {
      const io = capture();
      const code = await runCli(['serve', 'env', '--port', '0', ...options], { ...io, env: {} });
      expect({ options, code }).toEqual({ options, code: 2 });
      expect(io.err.join('')).toMatch(message);
    }
  });

  it('reports a port in use as a configuration error', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const io = capture();
      const code = await runCli(['serve', 'env', '--port', String(port)], { ...io, env: {} });
      expect(code).toBe(2);
      expect(io.err.join('')).toMatch(/cannot listen: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('spa serve reward', () => {
  const sample: Trajectory = {
    taskId: 'task-1',
    env: 'alfworld/valid_unseen-v0',
    goal: 'put a clean cloth in cabinet',
    steps: [0, 1, 2].map((i) => ({
      observation: `observation ${i}`,
      action: `go to cabinet ${i + 1}`,
      grounded: i !== 1,
      reward: 0,
    })),
    finalReward: 1,
    won: true,
  };

  it('serves a run directory’s estimator with a token from a file; SIGTERM-style stop', async () => {
    await selectBackend('wasm');
    const corpus = [sample.goal, ...sample.steps.flatMap((s) => [s.observation, s.action])];
    const model = await TransformerProgressEstimator.create({
      tokenizer: trainTokenizer(corpus, { vocabSize: 300 }),
      preset: 'test',
      contextLength: 128,
      seed: 5,
    });
    const run = join(root, 'run');
    await mkdir(run, { recursive: true });
    await model.save(join(run, 'estimator'));
    const [expected] = await model.predict([sample]);
    model.dispose();
    const tokenFile = join(root, 'token');
    await writeFile(tokenFile, 'sekrit-token-1\n');

    const server = await startServe([
      'serve',
      'reward',
      '--estimator',
      run,
      '--port',
      '0',
      '--token-file',
      tokenFile,
      '--require-token',
      '--beta',
      '0.25',
    ]);
    const unauthorised = await fetch(`${server.url}/v1/rewards`, json({ trajectories: [sample] }));
    expect(unauthorised.status).toBe(401);
    const answer = await fetch(
      `${server.url}/v1/rewards`,
      json({ trajectories: [sample] }, { authorization: 'Bearer sekrit-token-1' }),
    );
    expect(answer.status).toBe(200);
    const { results } = (await answer.json()) as {
      results: { contributions: number[]; rewards: number[] }[];
    };
    const c = expected as number[];
    const rewards = results[0]?.rewards as number[];
    // r_t = c_t + 0.25·g_t; the last step counts as grounded (reference convention).
    [c[0]! + 0.25, c[1]!, c[2]! + 0.25].forEach((r, t) => {
      expect(rewards[t]).toBeCloseTo(r, 5);
    });
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await server.stop()).toBe(0);
    expect(server.io.out.join('')).toContain(`(estimator ${join(run, 'estimator')}) listening`);
  });

  it('names a directory without a saved estimator (exit code 2)', async () => {
    const io = capture();
    const code = await runCli(['serve', 'reward', '--estimator', root, '--port', '0'], {
      ...io,
      env: {},
    });
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(/no saved estimator .*spa estimator fit/);
  });

  it('reads the token from SPA_REWARD_TOKEN by default (a public bind then starts)', async () => {
    const argv = ['serve', 'reward', '--estimator', join(root, 'run'), '--host', '0.0.0.0'];
    const without = capture();
    expect(await runCli([...argv, '--port', '0'], { ...without, env: {} })).toBe(2);
    expect(without.err.join('')).toMatch(/token/i);
    // With the variable set it starts; the signal is already aborted, so it stops at once.
    const stopped = new AbortController();
    stopped.abort();
    const io = capture(stopped.signal);
    const code = await runCli([...argv, '--port', '0'], {
      ...io,
      env: { SPA_REWARD_TOKEN: 'from-the-env' },
    });
    expect(io.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(io.out.join('')).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+[\s\S]*stopped/);
  });
});
