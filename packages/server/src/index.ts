/**
 * `@spa/server`: HTTP servers that let Python RL stacks use SPA-RL: a reward server (SPA step
 * rewards from a progress estimator; OpenRLHF's remote reward contract) and an environment
 * server speaking AgentGym's protocol for the ALFWorld, WebShop and VirtualHome envs.
 *
 * @packageDocumentation
 */
export {
  createEnvServer,
  createSpaRlEnvFactory,
  type EnvFactory,
  type EnvHttpServer,
  type EnvServerOptions,
  SERVER_ENVS,
  type ServerEnvName,
} from './env-server';
export { ServerConfigError, ServerRequestError } from './errors';
export { type HttpServerOptions, isLoopbackHost, type SpaHttpServer } from './http';
export {
  LATENCY_BUCKETS_SECONDS,
  type MetricsSnapshot,
  type RouteSummary,
  ServerMetrics,
} from './metrics';
export {
  createRewardServer,
  type OpenRlhfReduction,
  type OpenRlhfRewardResponse,
  type RewardResult,
  type RewardServerOptions,
  type RewardsResponse,
} from './reward-server';
export { parseReactTranscript } from './transcript';
