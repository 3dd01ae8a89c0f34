import { createAlfworldEnv } from '@spa/env-alfworld';
import { createWebshopEnv } from '@spa/env-webshop';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnvServer, type EnvHttpServer, type EnvServerOptions } from '../src/env-server';

/** Loose view of the JSON answers (checked by the assertions). */
interface Answer {
  id: number;
  env: string;
  split: string;
  observation: string;
  state: string;
  reward: number;
  done: boolean;
  info: { grounded: boolean; won: boolean; terminated: boolean; truncated: boolean };
  available_actions: string[];
  taskId: string;
  closed: boolean;
  error: { code: string; field: string; message: string };
}
const read = (response: Response): Promise<Answer> => response.json() as Promise<Answer>;

const servers: EnvHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: EnvServerOptions = {}) {
  const server = await createEnvServer({ sweepIntervalMs: 0, ...options });
  servers.push(server);
  const url = await server.listen();
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (path: string) => fetch(`${url}${path}`);
  return { server, url, post, get };
}

describe('env server (AgentGym protocol)', () => {
  it('speaks AgentGym’s WebShop server under /webshop (bare int id, env_idx, tuple reset, clickables)', async () => {
    const { url, post, get } = await start();
    // AgentGym's WebshopEnvClient posts /create with no body and reads the answer as an int.
    const created = await fetch(`${url}/webshop/create`, { method: 'POST' });
    expect(created.status).toBe(200);
    const envIdx = await created.json();
    expect(typeof envIdx).toBe('number');

    const reset = await post('/webshop/reset', { env_idx: envIdx, session_id: 3 });
    expect(reset.status).toBe(200);
    const [first, nothing] = (await reset.json()) as [string, null];
    expect(nothing).toBeNull();
    const reference = createWebshopEnv({ preset: 'spa-rl', split: 'test' });
    const taskId = reference.tasks?.taskIds('test')[3] as string;
    const expected = await reference.reset({ taskId });
    expect(first).toBe(expected.observation);
    expect(await (await get(`/webshop/observation?env_idx=${envIdx}`)).json()).toBe(
      expected.observation,
    );
    expect(await (await get(`/webshop/instruction_text?env_idx=${envIdx}`)).json()).toBe(
      expected.info.goal,
    );
    expect(await (await get(`/webshop/available_actions?env_idx=${envIdx}`)).json()).toEqual({
      has_search_bar: true,
      clickables: ['search'],
    });

    const step = (await (
      await post('/webshop/step', { env_idx: envIdx, action: 'search[red shoes]' })
    ).json()) as { state: string; reward: number; done: boolean };
    const referenceStep = await reference.step('search[red shoes]');
    expect(step).toMatchObject({ state: referenceStep.observation, reward: 0, done: false });
    const after = (await (await get(`/webshop/available_actions?env_idx=${envIdx}`)).json()) as {
      has_search_bar: boolean;
      clickables: string[];
    };
    expect(after.has_search_bar).toBe(false);
    expect(after.clickables.slice(0, 2)).toEqual(['back to search', 'next >']);
    expect(after.clickables.map((key) => `click[${key}]`)).toEqual(
      referenceStep.info.admissibleActions,
    );
    await reference.close();

    // Sessions stay with their env: an ALFWorld session is not reachable under /webshop.
    const alfworld = (await (await post('/alfworld/create', {})).json()) as { id: number };
    expect(alfworld).toMatchObject({ env: 'alfworld', split: 'valid_unseen' });
    const foreign = await post('/webshop/step', { env_idx: alfworld.id, action: 'look' });
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as Answer).error.message).toMatch(/alfworld session/);
    const mismatch = await post('/alfworld/create', { env: 'webshop' });
    expect(mismatch.status).toBe(400);
    expect(await (await post('/webshop/close', { env_idx: envIdx })).json()).toEqual({
      closed: true,
    });
  });

  it('plays ALFWorld: createEnv, reset, observation, available_actions, step, close', async () => {
    const { post, get } = await start();
    const created = await post('/createEnv', {});
    expect(created.status).toBe(200);
    const { id, env, split } = await read(created);
    expect({ env, split }).toEqual({ env: 'alfworld', split: 'valid_unseen' });

    const early = await post('/step', { id, action: 'look' });
    expect(early.status).toBe(409);
    expect((await read(early)).error.code).toBe('reset_needed');

    const reset = await read(await post('/reset', { id, data_idx: 0 }));
    const reference = createAlfworldEnv({ preset: 'spa-rl' });
    const taskId = reference.tasks?.taskIds('valid_unseen')[0] as string;
    const expected = await reference.reset({ taskId });
    expect(reset.observation).toBe(expected.observation);
    expect(reset.taskId).toBe(taskId);
    expect(reset.available_actions).toEqual(expected.info.admissibleActions);

    expect(await read(await get(`/observation?id=${id}`))).toBe(expected.observation);
    expect(await read(await get(`/available_actions?id=${id}`))).toEqual(
      expected.info.admissibleActions,
    );

    const action = expected.info.admissibleActions?.[0] as string;
    const step = await read(await post('/step', { id, action }));
    const referenceStep = await reference.step(action);
    expect(step.observation).toBe(referenceStep.observation);
    expect(step.state).toBe(referenceStep.observation);
    expect(step).toMatchObject({ reward: 0, done: false, info: { grounded: true, won: false } });

    // An invalid action string is part of the game, never an error.
    const invalid = await post('/step', { id, action: 'fly to the moon' });
    expect(invalid.status).toBe(200);
    expect((await read(invalid)).info.grounded).toBe(false);
    await reference.close();

    expect(await read(await post('/close', { id }))).toEqual({ closed: true });
    const gone = await post('/step', { id, action: 'look' });
    expect(gone.status).toBe(404);
    expect((await read(gone)).error).toMatchObject({ code: 'unknown_session', field: 'id' });
  });

  it('plays WebShop through the /create alias with env_idx and session_id', async () => {
    const { post, get } = await start();
    const { id } = await read(await post('/create', { env: 'webshop' }));
    const reset = await read(await post('/reset', { env_idx: id, session_id: 3 }));
    expect(reset.observation).toContain('Instruction:');
    const step = await read(await post('/step', { env_idx: id, action: 'search[red dress]' }));
    expect(step.info.grounded).toBe(true);
    expect(step.state).toContain('Total results');
    const actions = await read(await get(`/available_actions?env_idx=${id}`));
    expect(actions).toContain('click[back to search]');
  });

  it('plays VirtualHome by taskId', async () => {
    const { post } = await start({ envs: ['virtualhome'] });
    const { id, env } = await read(await post('/createEnv', {}));
    expect(env).toBe('virtualhome');
    const reset = await read(await post('/reset', { id, taskId: 'new_unseen_test:57', seed: 0 }));
    expect(reset.observation).toContain('The task is');
    const step = await read(await post('/step', { id, action: 'walk to home office' }));
    expect(step.info.grounded).toBe(true);
    const invalid = await read(await post('/step', { id, action: 'fly to the moon' }));
    expect(invalid.observation).toBe('Nothing happens.');
  }, 30_000);

  it('runs 32 concurrent sessions stepping in parallel, each like its own env', async () => {
    const { post, server } = await start({ maxSessions: 32 });
    const ids = await Promise.all(
      Array.from({ length: 32 }, async () => (await read(await post('/createEnv', {}))).id),
    );
    expect(new Set(ids).size).toBe(32);
    expect(server.sessionCount).toBe(32);
    const first = await Promise.all(
      ids.map(async (id, i) => read(await post('/reset', { id, data_idx: i }))),
    );
    const transcripts: string[][] = first.map((r) => [r.observation]);
    const actions: string[][] = ids.map(() => []);
    let current = first;
    for (let round = 0; round < 4; round += 1) {
      current = await Promise.all(
        ids.map(async (id, i) => {
          const choices = (current[i] as Answer).available_actions;
          const action = choices[(round * 7 + i) % choices.length] as string;
          (actions[i] as string[]).push(action);
          const response = await post('/step', { id, action });
          expect(response.status).toBe(200);
          const answer = await read(response);
          (transcripts[i] as string[]).push(answer.observation);
          return answer;
        }),
      );
    }
    // Replaying every session's actions on a private env gives the same observations.
    const reference = createAlfworldEnv({ preset: 'spa-rl' });
    const taskIds = reference.tasks?.taskIds('valid_unseen') ?? [];
    for (let i = 0; i < 32; i += 1) {
      const seen = [(await reference.reset({ taskId: taskIds[i] as string })).observation];
      for (const action of actions[i] as string[])
        seen.push((await reference.step(action)).observation);
      expect(transcripts[i]).toEqual(seen);
    }
    await reference.close();
    const full = await post('/createEnv', {});
    expect(full.status).toBe(503);
    expect((await read(full)).error.code).toBe('server_full');
  });

  it('expires idle sessions after the TTL (fake clock) and frees their slots', async () => {
    let clock = 0;
    const { post, server } = await start({ sessionTtlMs: 1000, maxSessions: 1, now: () => clock });
    const { id } = await read(await post('/createEnv', {}));
    await post('/reset', { id, data_idx: 0 });
    clock = 900;
    expect(await server.sweepIdleSessions()).toBe(0);
    await post('/step', { id, action: 'look' }); // touches the session
    clock = 1800;
    expect(await server.sweepIdleSessions()).toBe(0);
    clock = 3000;
    expect(await server.sweepIdleSessions()).toBe(1);
    expect((await post('/step', { id, action: 'look' })).status).toBe(404);
    // A full server sweeps before refusing.
    const { id: second } = await read(await post('/createEnv', {}));
    clock = 10_000;
    const third = await post('/createEnv', {});
    expect(third.status).toBe(200);
    expect((await post('/reset', { id: second, data_idx: 0 })).status).toBe(404);
  });

  it('answers malformed requests with 4xx naming the field', async () => {
    const { post, get } = await start({ bodyLimit: 1024 });
    const { id } = await read(await post('/createEnv', {}));
    await post('/reset', { id, data_idx: 0 });
    const cases: [string, unknown, number, string][] = [
      ['/step', { action: 'look' }, 400, 'id'],
      ['/step', { id: 'abc', action: 'look' }, 400, 'id'],
      ['/step', { id, action: 42 }, 400, 'action'],
      ['/step', { id: 999, action: 'look' }, 404, 'id'],
      ['/reset', { id, data_idx: 100_000 }, 422, 'data_idx'],
      ['/reset', { id, taskId: 'nope' }, 422, 'taskId'],
      ['/reset', { id, seed: 1.5 }, 400, 'seed'],
      ['/createEnv', { env: 'minecraft' }, 400, 'env'],
      ['/createEnv', { split: 'nope' }, 422, 'split'],
      ['/step', '{"id": 0, ', 400, 'body'],
      ['/step', { id, action: 'x'.repeat(2000) }, 413, 'body'],
    ];
    for (const [path, body, status, field] of cases) {
      const response = await post(path, body);
      expect(response.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(status);
      expect((await read(response)).error.field).toBe(field);
    }
    expect((await get('/observation')).status).toBe(400);
    expect((await get('/observation?id=77')).status).toBe(404);
  });

  it('requires the bearer token when asked to', async () => {
    const { post, get } = await start({ token: 'env-token-1234', requireToken: true });
    expect((await post('/createEnv', {})).status).toBe(401);
    expect((await post('/createEnv', {}, { authorization: 'Bearer wrong-token!' })).status).toBe(
      403,
    );
    const ok = await post('/createEnv', {}, { authorization: 'Bearer env-token-1234' });
    expect(ok.status).toBe(200);
    expect((await get('/health')).status).toBe(200);
  });

  it('closes every session on close()', async () => {
    const { post, server } = await start();
    await post('/createEnv', {});
    await post('/createEnv', {});
    expect(server.sessionCount).toBe(2);
    await server.close();
    expect(server.sessionCount).toBe(0);
  });
});
