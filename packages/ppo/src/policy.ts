import {
  type ActOptions,
  createRng,
  InvalidArgumentError,
  type Policy,
  type PolicyAction,
  type PolicyContext,
  type Rng,
} from '@spa/core';
import {
  ContextBuilder,
  type ContextBuilderOptions,
  generate,
  hiddenAt,
  type Tokenizer,
  type TransformerLM,
} from '@spa/lm';
import * as tf from '@tensorflow/tfjs-core';

/** The scalar head a trainable policy reads its value estimate from. */
export const VALUE_HEAD = 'value';

/** Options of {@link LmPolicy}. */
export interface LmPolicyOptions {
  /** Name for logs and result tables. Default `lm-policy`. */
  readonly name?: string;
  /** Context layout and truncation (see `@spa/lm`'s `ContextBuilder`); `maxTokens` defaults to the model's context. */
  readonly context?: Omit<ContextBuilderOptions, 'maxTokens'> & { readonly maxTokens?: number };
  /** Sample only among the k most likely tokens. Default: all. */
  readonly topK?: number;
  /** Read the value head at the end of each prompt (one extra forward pass). Default: when the model has a `value` head. */
  readonly values?: boolean;
}

/** Options of {@link LmPolicy.act}: core's, plus per-row sampling streams. */
export interface LmActOptions extends ActOptions {
  /**
   * One sampling stream per context (overrides `seed`): rollouts give each episode its own
   * stream, so an episode's actions do not depend on which other episodes share the batch.
   */
  readonly rngs?: readonly Rng[];
  /** Read the value head for this call. Default: the policy's `values` option. */
  readonly values?: boolean;
}

/** One decision of an {@link LmPolicy}, with what PPO needs. */
export interface LmPolicyAction extends PolicyAction {
  /** The generated token ids, `<eoa>` included when the model wrote it. */
  readonly tokens: readonly number[];
  /** Log-probability of each generated token under the model (temperature 1). */
  readonly tokenLogProbs: readonly number[];
  /** Whether the action was closed by `<eoa>` (else it hit the token budget). */
  readonly finished: boolean;
  /** The prompt the action was generated from (token ids). */
  readonly prompt: readonly number[];
}

/**
 * A policy that writes each action as text with an `@spa/lm` transformer: one batched
 * generation pass serves every context of a call, so invalid actions are possible and grounding
 * accuracy is measured, not assumed.
 *
 * @remarks
 * The prompt is the context builder's layout (goal, recent history, observation, `<act>`); the
 * model writes until `<eoa>` or `maxActionTokens − 1` tokens. Row i of a call samples from
 * `createRng(options.seed).fork(i)`, so a call is reproducible on the same backend. Temperature
 * 0 is greedy decoding. The value (when read) is the `value` head at the prompt's last token.
 */
export class LmPolicy implements Policy {
  readonly specificationVersion = 'v1' as const;
  readonly name: string;
  readonly model: TransformerLM;
  readonly tokenizer: Tokenizer;
  readonly contexts: ContextBuilder;
  private readonly topK: number | undefined;
  private readonly readValues: boolean;

  constructor(model: TransformerLM, tokenizer: Tokenizer, options: LmPolicyOptions = {}) {
    if (model.config.vocabSize !== tokenizer.vocabSize) {
      throw new InvalidArgumentError({
        field: 'tokenizer',
        reason: `vocabulary ${tokenizer.vocabSize} differs from the model's ${model.config.vocabSize}`,
      });
    }
    this.name = options.name ?? 'lm-policy';
    this.model = model;
    this.tokenizer = tokenizer;
    this.contexts = new ContextBuilder(tokenizer, {
      ...options.context,
      maxTokens: options.context?.maxTokens ?? model.config.contextLength,
    });
    this.topK = options.topK;
    const hasValue = model.config.scalarHeads.includes(VALUE_HEAD);
    if (options.values === true && !hasValue) {
      throw new InvalidArgumentError({
        field: 'options.values',
        reason: `the model has no '${VALUE_HEAD}' head`,
      });
    }
    this.readValues = options.values ?? hasValue;
  }

  /** Writes one action per context (temperature 1 unless given; 0 = greedy). */
  async act(
    contexts: readonly PolicyContext[],
    options: LmActOptions = {},
  ): Promise<LmPolicyAction[]> {
    options.signal?.throwIfAborted();
    if (contexts.length === 0) return [];
    if (options.rngs !== undefined && options.rngs.length !== contexts.length) {
      throw new InvalidArgumentError({
        field: 'options.rngs',
        reason: `expected one stream per context (${contexts.length}), got ${options.rngs.length}`,
      });
    }
    if (options.values === true && !this.model.config.scalarHeads.includes(VALUE_HEAD)) {
      throw new InvalidArgumentError({
        field: 'options.values',
        reason: `the model has no '${VALUE_HEAD}' head`,
      });
    }
    const prompts = contexts.map((context) => this.contexts.prompt(context));
    const root = createRng(options.seed ?? 0);
    const eoa = this.contexts.endOfAction;
    const result = generate(this.model, prompts, {
      maxNewTokens: this.contexts.maxActionTokens - 1,
      temperature: options.temperature ?? 1,
      stopTokens: [eoa],
      rngs: options.rngs ?? prompts.map((_, row) => root.fork(row)),
      ...(this.topK === undefined ? {} : { topK: this.topK }),
    });
    let values: Float32Array | undefined;
    if (options.values ?? this.readValues) {
      values = tf.tidy(() => {
        const hidden = hiddenAt(
          this.model,
          prompts,
          prompts.map((prompt) => [prompt.length - 1]),
        );
        return this.model.scalar(VALUE_HEAD, hidden).dataSync() as Float32Array;
      });
    }
    // Yield once per call, so that many environments' loops interleave fairly.
    await new Promise((resolve) => setImmediate(resolve));
    return prompts.map((prompt, row) => {
      const tokens = result.tokens[row] as number[];
      const finished = result.stopped[row] === true;
      const text = this.tokenizer.decode(finished ? tokens.slice(0, -1) : tokens);
      return {
        action: text.trim(),
        ...(text.trim() === text ? {} : { text }),
        tokens,
        tokenLogProbs: result.logProbs[row] as number[],
        finished,
        prompt,
        ...(values === undefined ? {} : { value: values[row] as number }),
      };
    });
  }
}
