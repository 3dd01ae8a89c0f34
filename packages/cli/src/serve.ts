import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { selectBackend } from '@spa/lm';
import {
  createEnvServer,
  createRewardServer,
  type HttpServerOptions,
  SERVER_ENVS,
  ServerConfigError,
  type ServerEnvName,
  type SpaHttpServer,
} from '@spa/server';
import { ConfigValidationError } from './errors';
import { exists } from './fs';
import type { ProgramIO } from './program';

const ENV_NAMES = Object.keys(SERVER_ENVS) as ServerEnvName[];

const integerIn =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got "${value}"`);
    return n;
  };
const finite = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
};
const envList = (value: string): ServerEnvName[] =>
  value.split(',').map((part) => {
    const name = part.trim();
    if (!(ENV_NAMES as string[]).includes(name))
      throw new InvalidArgumentError(
        `unknown env "${name}"; accepted: ${ENV_NAMES.join(', ')} (comma-separated)`,
      );
    return name as ServerEnvName;
  });

/** Options both `serve` commands take. */
function httpOptions(command: Command, port: number) {
  return command
    .option(
      '--host <host>',
      'interface to bind; anything but a loopback address needs a token',
      '127.0.0.1',
    )
    .option('--port <n>', 'port (0 picks a free one)', integerIn(0, 65_535), port)
    .option(
      '--token-file <file>',
      'file holding the bearer token (one line); default: the environment variable named by --token-env',
    )
    .option('--require-token', 'require the token on a loopback bind too')
    .option('--request-timeout <ms>', 'longest time a request may take', integerIn(1, 3_600_000))
    .option('--body-limit <bytes>', 'largest request body', integerIn(1, 2 ** 31 - 1));
}

/** The `HttpServerOptions` of the options {@link httpOptions} adds. */
function serverOptions(
  options: {
    host: string;
    port: number;
    requireToken?: true;
    requestTimeout?: number;
    bodyLimit?: number;
  },
  token: string | undefined,
): HttpServerOptions {
  return {
    host: options.host,
    port: options.port,
    ...(token === undefined ? {} : { token }),
    ...(options.requireToken === true ? { requireToken: true } : {}),
    ...(options.requestTimeout === undefined ? {} : { requestTimeoutMs: options.requestTimeout }),
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  };
}

/** The token: from `--token-file`, else from the environment variable; undefined when neither. */
async function readToken(
  options: { tokenFile?: string; tokenEnv: string },
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (options.tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.tokenFile, 'utf8');
    } catch (error) {
      throw new ConfigValidationError('--token-file', [
        `${options.tokenFile}: cannot be read (${(error as Error).message})`,
      ]);
    }
    const token = text.trim();
    if (token === '')
      throw new ConfigValidationError('--token-file', [`${options.tokenFile}: is empty`]);
    return token;
  }
  const value = env[options.tokenEnv];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Listens, prints where, then serves until `io.signal` aborts (Ctrl-C or SIGTERM in `spa`);
 * closes gracefully (in-flight requests finish) and resolves. Start-up problems (a public bind
 * without a token, a port in use) become a {@link ConfigValidationError} (exit code 2).
 */
async function serveUntilAborted(
  create: () => Promise<SpaHttpServer>,
  describeRoutes: string,
  io: ProgramIO,
  source: string,
  details: (url: string) => string = () => '',
): Promise<void> {
  let server: SpaHttpServer;
  let url: string;
  try {
    server = await create();
    try {
      url = await server.listen();
    } catch (error) {
      await server.close();
      throw error;
    }
  } catch (error) {
    if (ServerConfigError.isInstance(error))
      throw new ConfigValidationError(source, [error.message], { cause: error });
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new ConfigValidationError(source, [`cannot listen: ${(error as Error).message}`], {
        cause: error,
      });
    throw error;
  }
  io.stdout.write(`${describeRoutes} listening on ${url}\n${details(url)}`);
  const signal = io.signal;
  if (signal !== undefined && !signal.aborted) {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
  }
  io.stdout.write('shutting down: finishing in-flight requests\n');
  await server.close();
  io.stdout.write('stopped\n');
}

/** `spa serve reward` and `spa serve env` (the `@spa/server` HTTP servers). */
export function addServeCommands(program: Command, io: ProgramIO): void {
  const env = io.env ?? process.env;
  const serve = program
    .command('serve')
    .description(
      'HTTP servers for Python RL stacks: SPA step rewards (OpenRLHF remote reward, verl custom reward) and the envs over AgentGym’s protocol; Ctrl-C or SIGTERM stops them gracefully',
    );

  httpOptions(
    serve
      .command('reward')
      .description(
        'serves per-step SPA rewards r_t = α·c_t + β·g_t from a saved progress estimator: POST /v1/rewards (trajectory JSON), POST /get_reward (OpenRLHF --reward.remote_url), GET /health, GET /metrics',
      ),
    5000,
  )
    .requiredOption(
      '--estimator <dir>',
      'a saved estimator directory, or a run directory (its estimator/ is used)',
    )
    .option(
      '--token-env <name>',
      'environment variable holding the bearer token',
      'SPA_REWARD_TOKEN',
    )
    .option('--alpha <x>', 'default α (weight of c_t)', finite, 1)
    .option('--beta <x>', 'default β (weight of g_t)', finite, 0.5)
    .addOption(
      new Option(
        '--openrlhf-reduction <how>',
        'OpenRLHF scalar: the last step’s r_t, or sum, or mean',
      )
        .choices(['last', 'sum', 'mean'] as const)
        .default('last' as const),
    )
    .option('--max-batch <n>', 'most trajectories per estimator call', integerIn(1, 65_536))
    .action(async (options) => {
      const directory = (await exists(join(options.estimator, 'estimator', 'model.json')))
        ? join(options.estimator, 'estimator')
        : options.estimator;
      if (!(await exists(join(directory, 'model.json')))) {
        throw new ConfigValidationError('--estimator', [
          `${options.estimator}: no saved estimator (expected model.json there or in its estimator/; run 'spa estimator fit' first)`,
        ]);
      }
      const token = await readToken(options, env);
      await selectBackend('wasm');
      await serveUntilAborted(
        () =>
          createRewardServer({
            ...serverOptions(options, token),
            estimatorDirectory: directory,
            ...(options.maxBatch === undefined ? {} : { maxBatchTrajectories: options.maxBatch }),
            alpha: options.alpha,
            beta: options.beta,
            openrlhfReduction: options.openrlhfReduction,
            onError: (error) => io.stderr.write(`reward server error: ${String(error)}\n`),
          }),
        `SPA reward server (estimator ${directory})`,
        io,
        'spa serve reward',
      );
    });

  httpOptions(
    serve
      .command('env')
      .description(
        'serves ALFWorld, WebShop and VirtualHome over AgentGym’s HTTP protocol: /create(Env), /observation, /available_actions, /step, /reset, /close; idle sessions expire',
      ),
    36_001,
  )
    .option('--token-env <name>', 'environment variable holding the bearer token', 'SPA_ENV_TOKEN')
    .option('--envs <list>', `env families to offer (${ENV_NAMES.join(', ')})`, envList)
    .addOption(
      new Option('--default-env <name>', 'env of a createEnv request that names none').choices(
        ENV_NAMES,
      ),
    )
    .option('--max-sessions <n>', 'most live sessions (more get 503)', integerIn(1, 1_000_000))
    .option('--session-ttl <s>', 'idle seconds before a session is closed', integerIn(1, 604_800))
    .option(
      '--max-steps <n>',
      'step budget of every episode (default: each env’s SPA-RL preset)',
      integerIn(1, 10_000),
    )
    .action(async (options) => {
      const envs = options.envs ?? ENV_NAMES;
      if (options.defaultEnv !== undefined && !envs.includes(options.defaultEnv)) {
        throw new ConfigValidationError('spa serve env', [
          `--default-env: "${options.defaultEnv}" is not among --envs (${envs.join(', ')})`,
        ]);
      }
      const token = await readToken(options, env);
      await serveUntilAborted(
        () =>
          createEnvServer({
            envs,
            ...(options.defaultEnv === undefined ? {} : { defaultEnv: options.defaultEnv }),
            ...(options.maxSessions === undefined ? {} : { maxSessions: options.maxSessions }),
            ...(options.sessionTtl === undefined
              ? {}
              : { sessionTtlMs: options.sessionTtl * 1000 }),
            ...(options.maxSteps === undefined ? {} : { maxEpisodeSteps: options.maxSteps }),
            ...serverOptions(options, token),
            onError: (error) => io.stderr.write(`env server error: ${String(error)}\n`),
          }),
        `AgentGym env server (${envs.join(', ')})`,
        io,
        'spa serve env',
        (url) =>
          `AgentGym clients: env_server_base = ${envs.map((name) => `${url}/${name}`).join(', ')}\n`,
      );
    });
}
