import { InvalidArgumentError, type PolicyContext } from '@spa/core';

/** What the context builder needs from a tokenizer. */
export interface ContextTokenizer {
  encode(text: string): number[];
  specialId(name: string): number;
}

/** Options of {@link ContextBuilder}. */
export interface ContextBuilderOptions {
  /** Longest token sequence a context (with its action) may have: the model's `contextLength`. */
  readonly maxTokens: number;
  /** Earliest (observation, action) pairs beyond this many are dropped. Default: no limit. */
  readonly historyWindow?: number;
  /** Each observation keeps at most its first this-many tokens. Default 192. */
  readonly maxObservationTokens?: number;
  /** Tokens reserved for the action (generation budget); longer actions are cut. Default 48. */
  readonly maxActionTokens?: number;
}

/** A context followed by one action, ready for training. */
export interface EncodedAction {
  /** The token ids: the prompt, then the action's tokens, then `<eoa>`. */
  readonly ids: number[];
  /** Index of the action's first token (= the prompt's length). */
  readonly actionStart: number;
  /** Index of the `<eoa>` that closes the action: where a contribution or value is read. */
  readonly actionEnd: number;
  /** 1 on the action's tokens and its `<eoa>` (the tokens a policy is trained to write), else 0. */
  readonly actionMask: Uint8Array;
}

/** A whole episode as one sequence, when it fits (see {@link ContextBuilder.episode}). */
export interface EncodedEpisode {
  readonly ids: number[];
  /** Per step, the index of its action's first token. */
  readonly actionStarts: number[];
  /** Per step, the index of the `<eoa>` closing its action. */
  readonly actionEnds: number[];
  /** 1 on every action token and `<eoa>`, else 0. */
  readonly actionMask: Uint8Array;
  /** 1 on the `<eoa>` of every action (where contributions and values are read), else 0. */
  readonly actionEndMask: Uint8Array;
}

/** One step of an episode: the observation the agent saw and the action it wrote. */
export interface EpisodeStep {
  readonly observation: string;
  readonly action: string;
}

interface Specials {
  readonly bos: number;
  readonly goal: number;
  readonly obs: number;
  readonly act: number;
  readonly eoa: number;
}

/**
 * Turns an agent's situation into model tokens and back.
 *
 * @remarks
 * Layout (one special token per role, so text can never forge a boundary):
 * `<bos> <goal> goal <obs> o₁ <act> a₁ <eoa> … <obs> o_t <act>` — the model then writes a_t and
 * `<eoa>`. Truncation rules, in order:
 *
 * 1. The goal is never cut; a goal that leaves no room for an observation and an action is an
 *    error.
 * 2. Every observation keeps its first `maxObservationTokens` tokens; every action its first
 *    `maxActionTokens − 1` (room for `<eoa>`).
 * 3. History pairs are kept newest first while they fit (and at most `historyWindow` of them);
 *    older pairs are dropped whole.
 * 4. If the current observation still does not fit, it keeps as many of its first tokens as do.
 *
 * `maxActionTokens` tokens are always left free after the prompt, so generation never runs out
 * of context.
 */
export class ContextBuilder {
  readonly maxTokens: number;
  readonly historyWindow: number;
  readonly maxObservationTokens: number;
  readonly maxActionTokens: number;
  private readonly tokenizer: ContextTokenizer;
  private readonly specials: Specials;
  private readonly cache = new Map<string, number[]>();

  constructor(tokenizer: ContextTokenizer, options: ContextBuilderOptions) {
    const integer = (field: string, value: number, min: number): number => {
      if (!(Number.isInteger(value) || value === Number.POSITIVE_INFINITY) || value < min) {
        throw new InvalidArgumentError({
          field: `options.${field}`,
          reason: `expected an integer ≥ ${min}, got ${value}`,
        });
      }
      return value;
    };
    this.maxTokens = integer('maxTokens', options.maxTokens, 8);
    this.historyWindow = integer(
      'historyWindow',
      options.historyWindow ?? Number.POSITIVE_INFINITY,
      0,
    );
    this.maxObservationTokens = integer(
      'maxObservationTokens',
      options.maxObservationTokens ?? 192,
      1,
    );
    this.maxActionTokens = integer('maxActionTokens', options.maxActionTokens ?? 48, 2);
    if (this.maxActionTokens + 6 > this.maxTokens) {
      throw new InvalidArgumentError({
        field: 'options.maxActionTokens',
        reason: `${this.maxActionTokens} leaves no room for a prompt in maxTokens ${this.maxTokens}`,
      });
    }
    this.tokenizer = tokenizer;
    this.specials = {
      bos: tokenizer.specialId('<bos>'),
      goal: tokenizer.specialId('<goal>'),
      obs: tokenizer.specialId('<obs>'),
      act: tokenizer.specialId('<act>'),
      eoa: tokenizer.specialId('<eoa>'),
    };
  }

  /** The id of `<eoa>`, the token that ends every action (the generation stop token). */
  get endOfAction(): number {
    return this.specials.eoa;
  }

  /** Prompt tokens for a decision: the model continues with the action. */
  prompt(context: PolicyContext): number[] {
    return this.layout(context.goal, context.history, context.observation);
  }

  /** The prompt of `context` followed by `action` and `<eoa>`. */
  withAction(context: PolicyContext, action: string): EncodedAction {
    const ids = this.layout(context.goal, context.history, context.observation);
    const actionStart = ids.length;
    ids.push(...this.actionTokens(action), this.specials.eoa);
    const actionMask = new Uint8Array(ids.length);
    actionMask.fill(1, actionStart);
    return { ids, actionStart, actionEnd: ids.length - 1, actionMask };
  }

  /**
   * A whole episode as one sequence, or `undefined` when some step's context would be truncated
   * (history beyond the window, or the sequence too long).
   *
   * @remarks When defined, the context of step t is exactly `ids[0 .. actionStarts[t])` and
   * `withAction(context_t, a_t).ids` equals `ids[0 .. actionEnds[t]]`, so one forward pass over
   * the episode gives every step's causal outputs (what the estimator uses to read all c_t at
   * once).
   */
  episode(goal: string, steps: readonly EpisodeStep[]): EncodedEpisode | undefined {
    if (steps.length === 0) {
      throw new InvalidArgumentError({
        field: 'steps',
        reason: 'an episode needs at least one step',
      });
    }
    if (steps.length - 1 > this.historyWindow) return undefined;
    const ids = [this.specials.bos, this.specials.goal, ...this.text(goal)];
    const actionStarts: number[] = [];
    const actionEnds: number[] = [];
    for (const step of steps) {
      ids.push(this.specials.obs, ...this.observationTokens(step.observation), this.specials.act);
      // The step's own prompt must leave the action reserve free, as `prompt` does.
      if (ids.length + this.maxActionTokens > this.maxTokens) return undefined;
      actionStarts.push(ids.length);
      ids.push(...this.actionTokens(step.action), this.specials.eoa);
      actionEnds.push(ids.length - 1);
    }
    const actionMask = new Uint8Array(ids.length);
    const actionEndMask = new Uint8Array(ids.length);
    actionStarts.forEach((start, t) => {
      const end = actionEnds[t] as number;
      actionMask.fill(1, start, end + 1);
      actionEndMask[end] = 1;
    });
    return { ids, actionStarts, actionEnds, actionMask, actionEndMask };
  }

  private layout(goal: string, history: PolicyContext['history'], observation: string): number[] {
    const { bos, goal: goalId, obs, act, eoa } = this.specials;
    const head = [bos, goalId, ...this.text(goal)];
    const budget = this.maxTokens - this.maxActionTokens;
    // <obs> o <act> needs at least three tokens.
    if (head.length + 3 > budget) {
      throw new InvalidArgumentError({
        field: 'context.goal',
        reason: `the goal takes ${head.length - 2} tokens; with the ${this.maxActionTokens}-token action reserve it does not fit in maxTokens ${this.maxTokens} (the goal is never cut)`,
      });
    }
    let current = this.observationTokens(observation);
    const room = budget - head.length - 2;
    if (current.length > room) current = current.slice(0, room);
    let free = room - current.length;
    const kept: number[][] = [];
    const first = Math.max(0, history.length - this.historyWindow);
    for (let i = history.length - 1; i >= first; i--) {
      const pair = history[i] as PolicyContext['history'][number];
      const tokens = [
        obs,
        ...this.observationTokens(pair.observation),
        act,
        ...this.actionTokens(pair.action),
        eoa,
      ];
      if (tokens.length > free) break;
      kept.push(tokens);
      free -= tokens.length;
    }
    const ids = head;
    for (let i = kept.length - 1; i >= 0; i--) ids.push(...(kept[i] as number[]));
    ids.push(obs, ...current, act);
    return ids;
  }

  private observationTokens(text: string): number[] {
    const tokens = this.text(text);
    return tokens.length > this.maxObservationTokens
      ? tokens.slice(0, this.maxObservationTokens)
      : tokens;
  }

  private actionTokens(text: string): number[] {
    const tokens = this.text(text);
    const limit = this.maxActionTokens - 1;
    return tokens.length > limit ? tokens.slice(0, limit) : tokens;
  }

  private text(text: string): number[] {
    let tokens = this.cache.get(text);
    if (tokens === undefined) {
      tokens = this.tokenizer.encode(text);
      if (this.cache.size >= 50_000) this.cache.clear();
      this.cache.set(text, tokens);
    }
    return tokens;
  }
}
