/**
 * `@spa/ppo`: the training side of SPA-RL — a policy that writes its actions as text with an
 * `@spa/lm` transformer (behaviour cloning, rollouts, step-level PPO and evaluation follow).
 *
 * @packageDocumentation
 */
export { LmPolicy, type LmPolicyAction, type LmPolicyOptions, VALUE_HEAD } from './policy';
