/**
 * Serves ALFWorld, WebShop and VirtualHome over AgentGym's environment protocol
 * (`/createEnv`, `/reset`, `/observation`, `/available_actions`, `/step`, `/close`).
 *
 *   npx tsx --conditions=@spa/source docs/integrations/snippets/env-server.ts
 *
 * Environment: SPA_HOST (default 127.0.0.1), SPA_PORT (default 36001), SPA_ENV_TOKEN
 * (required when SPA_HOST is not a loopback address).
 */
import { createEnvServer } from '@spa/server';

const server = await createEnvServer({
  envs: ['alfworld', 'webshop', 'virtualhome'], // default: all three, SPA-RL presets
  defaultEnv: 'alfworld', // the env of a createEnv request that names none
  maxSessions: 256, // createEnv beyond it gets 503
  sessionTtlMs: 10 * 60_000, // idle sessions are closed by a sweeper
  host: process.env.SPA_HOST ?? '127.0.0.1',
  port: Number(process.env.SPA_PORT ?? 36001),
  token: process.env.SPA_ENV_TOKEN,
  onError: (error) => console.error(error),
});
console.log(`AgentGym env server listening on ${await server.listen()}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Graceful: in-flight requests finish, then every session's env is closed.
    void server.close().then(() => process.exit(0));
  });
}
