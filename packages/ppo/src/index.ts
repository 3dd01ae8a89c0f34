/**
 * `@spa/ppo`: the training side of SPA-RL — a policy that writes its actions as text with an
 * `@spa/lm` transformer, behaviour cloning, batched rollouts, step-level PPO with switchable
 * rewards (SPA, sparse, …, grpo, rloo) and evaluation, plus an OpenAI-compatible chat policy
 * for exploring and evaluating with real LLMs.
 *
 * @packageDocumentation
 */
export {
  type BehaviourCloneEpoch,
  type BehaviourCloneOptions,
  type BehaviourCloneReport,
  behaviourClone,
  demonstrationExamples,
} from './bc';
export {
  type ActionFormat,
  type ChatActOptions,
  type ChatMessage,
  ChatPolicy,
  type ChatPolicyAction,
  type ChatPolicyOptions,
  type ChatPromptBuilder,
  type ChatPromptSpec,
  ChatRequestError,
  type ChatRequestEvent,
  type ChatRequestFailure,
  type ChatRetryOptions,
  type ChatUsage,
  type ExtractActionOptions,
  type ExtractedAction,
  extractAction,
  REACT_PROMPTS,
  type ReactMessagesOptions,
  type ReactPrompt,
  type RecordedChatRequest,
  reactMessages,
  reactReply,
  type ScriptedChatModel,
  type ScriptedChatReply,
  type ScriptedChatRequest,
  type ScriptedChatServer,
  type ScriptedChatServerOptions,
  startScriptedChatServer,
} from './chat';
export {
  adaptKlCoef,
  DEFAULT_PPO_CONFIG,
  PPO_REWARD_SCHEMES,
  type PpoConfig,
  type PpoRewardScheme,
  resolvePpoConfig,
} from './config';
export {
  type EvaluatedEpisode,
  type EvaluatePolicyOptions,
  type EvaluationResult,
  type EvaluationSummary,
  evaluatePolicy,
  evaluationMetrics,
  evaluationToMarkdown,
  summarizeEpisodes,
  writeEvaluation,
} from './evaluate';
export { type MonteCarloRewardInputsOptions, monteCarloRewardInputs } from './monte-carlo';
export {
  type LmActOptions,
  LmPolicy,
  type LmPolicyAction,
  type LmPolicyOptions,
  VALUE_HEAD,
} from './policy';
export {
  type IterationMetrics,
  PpoDivergenceError,
  PpoTrainer,
  type PpoTrainerOptions,
  ppoRunPaths,
  type RewardInputs,
} from './ppo';
export {
  type CollectRolloutsOptions,
  collectRollouts,
  type EpisodeSpec,
  type ExplorationOptions,
  explorationEpisodes,
  type RolloutEpisode,
  type RolloutTiming,
  type StepDecision,
} from './rollout';
export {
  type ActionOutputs,
  actionOutputs,
  candidateProbabilities,
  chunkByLength,
  chunkByTokens,
  decisionsFromTrajectory,
  type PpoSample,
  samplesOf,
  scoreSamples,
} from './samples';
