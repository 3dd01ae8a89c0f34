import { ResetNeededError, type StepInfo, type TextEnv, UnknownTaskError } from '@spa/core';
import { createAlfworldEnv } from '@spa/env-alfworld';
import { createVirtualhomeEnv } from '@spa/env-virtualhome';
import { createWebshopEnv, type WebshopEnv } from '@spa/env-webshop';
import type { FastifyReply } from 'fastify';
import { ServerConfigError, ServerRequestError } from './errors';
import {
  createBaseServer,
  describe,
  expectObject,
  type HttpServerOptions,
  type SpaHttpServer,
} from './http';

/** The env families the server can host. */
export const SERVER_ENVS = {
  alfworld: { split: 'valid_unseen' },
  webshop: { split: 'test' },
  virtualhome: { split: 'new_unseen_test' },
} as const;

/** A name of {@link SERVER_ENVS}. */
export type ServerEnvName = keyof typeof SERVER_ENVS;

/** Builds one env instance; the default builds SPA-RL's presets (as `@spa/cli`'s eval does). */
export type EnvFactory = (
  name: ServerEnvName,
  split: string,
  options: { readonly maxEpisodeSteps?: number },
) => TextEnv<StepInfo>;

/** Options of {@link createEnvServer}. */
export interface EnvServerOptions extends HttpServerOptions {
  /** Env families `POST /createEnv` may ask for. Default all three. */
  readonly envs?: readonly ServerEnvName[];
  /** The env of a `createEnv` request that names none. Default the first of `envs`. */
  readonly defaultEnv?: ServerEnvName;
  /** Step budget override for every session (default: each env's `spa-rl` preset). */
  readonly maxEpisodeSteps?: number;
  /** Most live sessions; `createEnv` beyond it gets 503 (after expired sessions are swept). Default 256. */
  readonly maxSessions?: number;
  /** A session untouched this long (ms) is closed by the sweeper. Default 600 000 (10 min). */
  readonly sessionTtlMs?: number;
  /** How often (ms) the sweeper runs. Default min(TTL, 30 000); `0` disables the timer. */
  readonly sweepIntervalMs?: number;
  /** Clock in ms for idle expiry (tests pass a fake one). Default `performance.now`. */
  readonly now?: () => number;
  /** Builds env instances. Default: SPA-RL's presets of the three env packages. */
  readonly envFactory?: EnvFactory;
}

/** What {@link createEnvServer} returns: the server plus session control. */
export interface EnvHttpServer extends SpaHttpServer {
  /** Closes sessions idle longer than the TTL now; resolves to how many were closed. */
  sweepIdleSessions(): Promise<number>;
  /** Number of live sessions. */
  readonly sessionCount: number;
}

interface Session {
  readonly id: number;
  readonly name: ServerEnvName;
  readonly split: string;
  readonly env: TextEnv<StepInfo>;
  lastUsed: number;
  observation: string | undefined;
  info: StepInfo | undefined;
  done: boolean;
  /** Operations on one session run one at a time. */
  chain: Promise<unknown>;
  closed: boolean;
}

/**
 * An HTTP server speaking AgentGym's environment protocol for SPA-RL's ALFWorld, WebShop and
 * VirtualHome envs, with many concurrent sessions and idle expiry.
 *
 * @remarks
 * Routes follow AgentGym's env servers (`agentenv-alfworld/agentenv_alfworld/server.py` and
 * `env_wrapper.py`, `agentenv-webshop/agentenv_webshop/server.py` and `model.py`, repo
 * WooooDyy/AgentGym): a session id `id` (alias `env_idx`, WebShop's name) in the body or query.
 *
 * - `POST /createEnv` (alias `/create`), body optional `{ env?, split? }` → `{ id, env, split }`.
 * - `POST /reset` `{ id, data_idx | game | session_id | taskId, seed? }` → `{ id, observation,
 *   available_actions, task_type, taskId, goal }` (`data_idx`/`game`/`session_id`: index into the
 *   split's task ids; `taskId`: the env's own id).
 * - `GET /observation?id=` → the current observation (a JSON string, as AgentGym).
 * - `GET /available_actions?id=` → the admissible actions (JSON array of strings).
 * - `POST /step` `{ id, action }` → `{ observation, state, reward, done, info,
 *   available_actions }` (`state` is WebShop's name for the observation). Any action string is
 *   accepted: an invalid one is part of the game (`info.grounded: false`).
 * - `POST /close` `{ id }` → `{ closed: true }`.
 * - `GET /list_envs`, `GET /health`, `GET /metrics`.
 *
 * Errors: 400 malformed field, 404 unknown or expired session, 409 step before reset or after
 * the episode ended, 422 unknown task, 503 server full (AgentGym's WebShop client retries on 503).
 */
export async function createEnvServer(options: EnvServerOptions = {}): Promise<EnvHttpServer> {
  const envs = options.envs ?? (Object.keys(SERVER_ENVS) as ServerEnvName[]);
  for (const name of envs) {
    if (!(name in SERVER_ENVS)) {
      throw new ServerConfigError({ field: 'envs', reason: `unknown env ${JSON.stringify(name)}` });
    }
  }
  const defaultEnv = options.defaultEnv ?? envs[0];
  if (defaultEnv === undefined || !envs.includes(defaultEnv)) {
    throw new ServerConfigError({ field: 'defaultEnv', reason: 'must be one of `envs`' });
  }
  const maxSessions = options.maxSessions ?? 256;
  const ttl = options.sessionTtlMs ?? 600_000;
  const sweepEvery = options.sweepIntervalMs ?? Math.min(ttl, 30_000);
  for (const [field, value] of [
    ['maxSessions', maxSessions],
    ['sessionTtlMs', ttl],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new ServerConfigError({ field, reason: `expected a positive integer, got ${value}` });
    }
  }
  const now = options.now ?? (() => performance.now());
  const factory = options.envFactory ?? createSpaRlEnvFactory();
  const sessions = new Map<number, Session>();
  let nextId = 0;
  let created = 0;
  let expired = 0;

  const closeSession = async (session: Session): Promise<void> => {
    if (session.closed) return;
    session.closed = true;
    sessions.delete(session.id);
    await session.chain.catch(() => undefined);
    await session.env.close();
  };

  const sweep = async (): Promise<number> => {
    const cutoff = now() - ttl;
    const stale = [...sessions.values()].filter((s) => s.lastUsed <= cutoff);
    await Promise.all(stale.map(closeSession));
    expired += stale.length;
    return stale.length;
  };

  const timer =
    sweepEvery > 0
      ? setInterval(() => {
          void sweep().catch((error: unknown) => options.onError?.(error));
        }, sweepEvery)
      : undefined;
  timer?.unref();

  const { app, server, deadline } = createBaseServer(
    options,
    { bodyLimit: 64 * 1024, prefix: 'spa_env' },
    () => ({ sessions: sessions.size, sessions_created: created, sessions_expired: expired }),
    async () => {
      if (timer !== undefined) clearInterval(timer);
      await Promise.all([...sessions.values()].map(closeSession));
    },
  );

  const sessionOf = (source: unknown, where: 'body' | 'query'): Session => {
    const record = expectObject(source ?? {}, where);
    const field = record.id !== undefined ? 'id' : record.env_idx !== undefined ? 'env_idx' : 'id';
    const raw = record[field];
    const id = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      throw new ServerRequestError({
        statusCode: 400,
        code: 'invalid_field',
        field,
        reason: `expected a session id (non-negative integer), got ${describe(raw)}`,
      });
    }
    const session = sessions.get(id);
    if (session === undefined) {
      throw new ServerRequestError({
        statusCode: 404,
        code: 'unknown_session',
        field,
        reason: `no live session ${id} (closed, expired or never created)`,
      });
    }
    session.lastUsed = now();
    return session;
  };

  /** Runs `operation` after the session's earlier operations. */
  const serial = <T>(session: Session, operation: () => Promise<T>): Promise<T> => {
    const result = session.chain.then(operation, operation);
    session.chain = result.catch(() => undefined);
    return result.finally(() => {
      session.lastUsed = now();
    });
  };

  const requireStarted = (session: Session): { observation: string; info: StepInfo } => {
    if (session.observation === undefined || session.info === undefined) {
      throw new ServerRequestError({
        statusCode: 409,
        code: 'reset_needed',
        field: 'id',
        reason: `session ${session.id} has no episode: call /reset first`,
      });
    }
    return { observation: session.observation, info: session.info };
  };

  const create = async (request: { body: unknown }, fixedEnv?: ServerEnvName) => {
    const body = expectObject(request.body ?? {}, 'body');
    if (fixedEnv !== undefined && body.env !== undefined && body.env !== fixedEnv) {
      throw new ServerRequestError({
        statusCode: 400,
        code: 'invalid_field',
        field: 'env',
        reason: `this route serves ${fixedEnv} only, got ${describe(body.env)}`,
      });
    }
    const name = fixedEnv ?? body.env ?? defaultEnv;
    if (typeof name !== 'string' || !(envs as readonly string[]).includes(name)) {
      throw new ServerRequestError({
        statusCode: 400,
        code: 'invalid_field',
        field: 'env',
        reason: `expected one of ${envs.join(', ')}, got ${describe(name)}`,
      });
    }
    const envName = name as ServerEnvName;
    const split = body.split ?? SERVER_ENVS[envName].split;
    if (typeof split !== 'string') {
      throw new ServerRequestError({
        statusCode: 400,
        code: 'invalid_field',
        field: 'split',
        reason: `expected a string, got ${describe(split)}`,
      });
    }
    if (sessions.size >= maxSessions) await sweep();
    if (sessions.size >= maxSessions) {
      throw new ServerRequestError({
        statusCode: 503,
        code: 'server_full',
        field: '',
        reason: `${sessions.size} sessions are live (maxSessions ${maxSessions}); close one or retry later`,
      });
    }
    let env: TextEnv<StepInfo>;
    try {
      env = factory(
        envName,
        split,
        options.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: options.maxEpisodeSteps },
      );
      env.tasks?.taskIds(split);
    } catch (error) {
      if (UnknownTaskError.isInstance(error) || /split/i.test(String(error))) {
        throw new ServerRequestError({
          statusCode: 422,
          code: 'invalid_field',
          field: 'split',
          reason: `unknown split ${JSON.stringify(split)} for ${envName}`,
          cause: error,
        });
      }
      throw error;
    }
    const id = nextId++;
    created += 1;
    sessions.set(id, {
      id,
      name: envName,
      split,
      env,
      lastUsed: now(),
      observation: undefined,
      info: undefined,
      done: false,
      chain: Promise.resolve(),
      closed: false,
    });
    return { id, env: envName, split };
  };
  /**
   * The session routes under `prefix`. With `fixedEnv`, every session is of that env and the
   * answers take the shapes of AgentGym's own server for it (WebShop: `/create` answers a bare
   * int, `/reset` `[observation, null]`, `/available_actions` `{has_search_bar, clickables}`), so
   * that AgentGym's client classes work with `env_server_base = <url>/<env>`.
   */
  const register = (prefix: string, fixedEnv?: ServerEnvName): void => {
    const webshop = fixedEnv === 'webshop';
    const sessionFor = (source: unknown, where: 'body' | 'query'): Session => {
      const session = sessionOf(source, where);
      if (fixedEnv !== undefined && session.name !== fixedEnv) {
        throw new ServerRequestError({
          statusCode: 404,
          code: 'unknown_session',
          field: 'id',
          reason: `session ${session.id} is a ${session.name} session, not ${fixedEnv}: use /${session.name}/… or the unprefixed routes`,
        });
      }
      return session;
    };
    const createRoute = async (request: { body: unknown }, reply: FastifyReply) => {
      const created = await create(request, fixedEnv);
      // AgentGym's WebShop server answers the bare session id (`response_model=int`).
      if (webshop) return reply.type('application/json; charset=utf-8').send(String(created.id));
      return created;
    };
    app.post(`${prefix}/createEnv`, createRoute);
    app.post(`${prefix}/create`, createRoute);

    app.post(`${prefix}/reset`, async (request, reply) => {
      const session = sessionFor(request.body, 'body');
      const body = request.body as Record<string, unknown>;
      const taskIds = session.env.tasks?.taskIds(session.split) ?? [];
      let taskId: string | undefined;
      const indexField = (['data_idx', 'game', 'session_id'] as const).find(
        (f) => body[f] !== undefined && body[f] !== null,
      );
      if (body.taskId !== undefined) {
        if (typeof body.taskId !== 'string' || !taskIds.includes(body.taskId)) {
          throw new ServerRequestError({
            statusCode: 422,
            code: 'invalid_field',
            field: 'taskId',
            reason: `not a task of ${session.name} split ${session.split}: ${describe(body.taskId)}`,
          });
        }
        taskId = body.taskId;
      } else if (indexField !== undefined) {
        const index = body[indexField];
        if (
          typeof index !== 'number' ||
          !Number.isInteger(index) ||
          index < 0 ||
          index >= taskIds.length
        ) {
          throw new ServerRequestError({
            statusCode: 422,
            code: 'invalid_field',
            field: indexField,
            reason: `expected an integer in [0, ${taskIds.length}), got ${describe(index)}`,
          });
        }
        taskId = taskIds[index];
      }
      const seed = body.seed;
      if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
        throw new ServerRequestError({
          statusCode: 400,
          code: 'invalid_field',
          field: 'seed',
          reason: `expected an integer, got ${describe(seed)}`,
        });
      }
      return deadline(reply, (signal) =>
        serial(session, async () => {
          const { observation, info } = await session.env.reset({
            ...(taskId === undefined ? {} : { taskId }),
            ...(seed === undefined ? {} : { seed }),
            signal,
          });
          session.observation = observation;
          session.info = info;
          session.done = false;
          // AgentGym's WebShop server answers `Tuple[str, None]`.
          if (webshop) return [observation, null];
          return {
            id: session.id,
            observation,
            available_actions: [...(info.admissibleActions ?? [])],
            task_type: info.taskType ?? null,
            taskId: info.taskId ?? taskId ?? null,
            goal: info.goal ?? null,
          };
        }),
      );
    });

    app.post(`${prefix}/step`, async (request, reply) => {
      const session = sessionFor(request.body, 'body');
      const action = (request.body as Record<string, unknown>).action;
      if (typeof action !== 'string') {
        throw new ServerRequestError({
          statusCode: 400,
          code: 'invalid_field',
          field: 'action',
          reason: `expected a string, got ${describe(action)}`,
        });
      }
      return deadline(reply, (signal) =>
        serial(session, async () => {
          requireStarted(session);
          if (session.done) {
            throw new ServerRequestError({
              statusCode: 409,
              code: 'episode_done',
              field: 'id',
              reason: `the episode of session ${session.id} has ended: call /reset`,
            });
          }
          let result: Awaited<ReturnType<TextEnv<StepInfo>['step']>>;
          try {
            result = await session.env.step(action, { signal });
          } catch (error) {
            if (ResetNeededError.isInstance(error)) {
              throw new ServerRequestError({
                statusCode: 409,
                code: 'episode_done',
                field: 'id',
                reason: error.message,
                cause: error,
              });
            }
            throw error;
          }
          const done = result.terminated || result.truncated;
          session.observation = result.observation;
          session.info = result.info;
          session.done = done;
          return {
            observation: result.observation,
            state: result.observation,
            reward: result.reward,
            done,
            info: {
              ...result.info,
              terminated: result.terminated,
              truncated: result.truncated,
            },
            available_actions: [...(result.info.admissibleActions ?? [])],
          };
        }),
      );
    });

    app.get(`${prefix}/observation`, async (request, reply) => {
      const session = sessionFor(request.query, 'query');
      const observation = await serial(session, async () => requireStarted(session).observation);
      // A JSON string, as AgentGym's FastAPI servers answer (`response_model=str`).
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(observation));
    });

    app.get(`${prefix}/available_actions`, async (request) => {
      const session = sessionFor(request.query, 'query');
      return serial(session, async () => {
        const actions = [...(requireStarted(session).info.admissibleActions ?? [])];
        return webshop ? webshopAvailableActions(actions) : actions;
      });
    });

    if (webshop) {
      app.get(`${prefix}/instruction_text`, async (request, reply) => {
        const session = sessionFor(request.query, 'query');
        const goal = await serial(session, async () => requireStarted(session).info.goal ?? '');
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(goal));
      });
    }

    app.post(`${prefix}/close`, async (request) => {
      const session = sessionFor(request.body, 'body');
      await closeSession(session);
      return { closed: true };
    });
  };
  register('');
  for (const name of envs) register(`/${name}`, name);

  app.get('/list_envs', async () => [...sessions.keys()]);
  app.get('/', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(JSON.stringify('ok')),
  );

  Object.defineProperties(server, {
    sweepIdleSessions: { value: sweep, enumerable: true },
    sessionCount: { get: () => sessions.size, enumerable: true },
  });
  return server as EnvHttpServer;
}

/**
 * AgentGym's WebShop answer of `/available_actions` (WebShop `get_available_actions()`:
 * `has_search_bar`, and the clickable keys, `search` first on the search page), rebuilt from the
 * env's admissible list (`search[<your query>]`, then `click[<key>]` per key but `search`).
 */
function webshopAvailableActions(actions: readonly string[]): {
  has_search_bar: boolean;
  clickables: string[];
} {
  const hasSearchBar = actions.some((action) => action.startsWith('search['));
  const clickables = actions
    .filter((action) => action.startsWith('click[') && action.endsWith(']'))
    .map((action) => action.slice('click['.length, -1));
  return {
    has_search_bar: hasSearchBar,
    clickables: hasSearchBar ? ['search', ...clickables] : clickables,
  };
}

/**
 * The {@link EnvFactory} of SPA-RL's presets (ALFWorld and VirtualHome 40 steps, WebShop 10), the
 * default of {@link createEnvServer} and what `@spa/cli` builds its envs with. The WebShop envs of
 * one factory share the catalogue and the search index of its first WebShop env (building them
 * takes ~0.5 s).
 */
export function createSpaRlEnvFactory(): EnvFactory {
  let webshop: WebshopEnv | undefined;
  return (name, split, options) => {
    const cap =
      options.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: options.maxEpisodeSteps };
    switch (name) {
      case 'alfworld':
        return createAlfworldEnv({
          preset: 'spa-rl',
          split: split as never,
          maxCachedGames: 8,
          ...cap,
        });
      case 'webshop': {
        const env = createWebshopEnv({
          preset: 'spa-rl',
          split: split as never,
          ...(webshop === undefined
            ? {}
            : { catalog: webshop.catalog, searchEngine: webshop.searchEngine }),
          ...cap,
        });
        webshop ??= env;
        return env as unknown as TextEnv<StepInfo>;
      }
      case 'virtualhome':
        return createVirtualhomeEnv({ split: split as never, ...cap });
    }
  };
}
