/**
 * Serves SPA step rewards from a saved progress estimator: `POST /get_reward` (OpenRLHF's
 * remote reward contract) and `POST /v1/rewards` (trajectory JSON).
 *
 * Run inside the monorepo (no build needed with the source condition):
 *   npx tsx --conditions=@spa/source docs/integrations/snippets/reward-server.ts
 *
 * Environment: SPA_ESTIMATOR (a directory saved by `TransformerProgressEstimator.save`),
 * SPA_HOST (default 127.0.0.1), SPA_PORT (default 5000), SPA_REWARD_TOKEN (required when
 * SPA_HOST is not a loopback address).
 */
import { createRewardServer } from '@spa/server';

const server = await createRewardServer({
  estimatorDirectory: process.env.SPA_ESTIMATOR ?? 'runs/alfworld/estimator',
  host: process.env.SPA_HOST ?? '127.0.0.1',
  port: Number(process.env.SPA_PORT ?? 5000),
  token: process.env.SPA_REWARD_TOKEN, // undefined on loopback is fine
  alpha: 1, // r_t = α·c_t + β·g_t (paper defaults)
  beta: 0.5,
  openrlhfReduction: 'last', // OpenRLHF's scalar: the last step's r_t ('sum' | 'mean' also work)
  requestTimeoutMs: 60_000, // keep below OpenRLHF's 180 s client timeout
  onError: (error) => console.error(error),
});
console.log(`SPA reward server listening on ${await server.listen()}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Graceful: in-flight requests finish, then the estimator is disposed.
    void server.close().then(() => process.exit(0));
  });
}
