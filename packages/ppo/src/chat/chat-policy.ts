import {
  type ActOptions,
  createRng,
  InvalidArgumentError,
  type Policy,
  type PolicyAction,
  type PolicyContext,
  type Rng,
} from '@spa/core';
import { ChatRequestError, type ChatRequestFailure } from './errors';
import { type ActionFormat, type ExtractActionOptions, extractAction } from './extract';
import { Limiter, sleep } from './limiter';
import {
  type ChatMessage,
  type ChatPromptBuilder,
  REACT_PROMPTS,
  type ReactPrompt,
  reactMessages,
} from './prompts';

/** Retry policy of {@link ChatPolicy}: exponential backoff with jitter, honouring `Retry-After`. */
export interface ChatRetryOptions {
  /** Retries after the first attempt (so `max + 1` requests at most). Default 4. */
  readonly max?: number;
  /** Delay before the first retry; doubled for each further one. Default 500 ms. */
  readonly baseDelayMs?: number;
  /** Cap of the exponential delay. Default 8000 ms. */
  readonly maxDelayMs?: number;
  /**
   * Share of the delay that is random, in [0, 1]: the wait is `delay · (1 − jitter · u)`, u
   * uniform in [0, 1) from the policy's seeded stream. Default 0.5.
   */
  readonly jitter?: number;
  /** Cap on a server's `Retry-After` / `retry-after-ms` wait. Default 60000 ms. */
  readonly maxRetryAfterMs?: number;
}

/** Which prompt a {@link ChatPolicy} writes: a benchmark's reference prompt, your own, or a builder. */
export type ChatPromptSpec =
  | 'alfworld'
  | 'webshop'
  | 'virtualhome'
  | ReactPrompt
  | ChatPromptBuilder;

/** What happened to one request, for {@link ChatPolicyOptions.onRequest}. */
export interface ChatRequestEvent {
  /** 1 for the first request of a decision. */
  readonly attempt: number;
  /** `ok`, or why the attempt failed. */
  readonly outcome: 'ok' | ChatRequestFailure;
  readonly status?: number;
  /** The wait before the next attempt, when one follows. */
  readonly retryInMs?: number;
  readonly elapsedMs: number;
}

/** Options of {@link ChatPolicy}. */
export interface ChatPolicyOptions {
  /**
   * The server's OpenAI-compatible root, up to and including `/v1`, e.g.
   * `http://127.0.0.1:8000/v1` (vLLM), `http://127.0.0.1:11434/v1` (Ollama),
   * `http://127.0.0.1:8080/v1` (llama.cpp `llama-server`). Requests go to
   * `<baseUrl>/chat/completions`.
   */
  readonly baseUrl: string;
  /** The `model` field of each request (the served model's name). */
  readonly model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when given. */
  readonly apiKey?: string;
  /** The prompt: `'alfworld' | 'webshop' | 'virtualhome'` (the reference's), a `ReactPrompt`, or a builder. */
  readonly env: ChatPromptSpec;
  /** Shown in logs and result tables. Default `chat:<model>`. */
  readonly name?: string;
  /**
   * Temperature when `act` is given none. `collectRollouts` and `evaluatePolicy` always pass
   * theirs (1 and 0 by default, as the reference's exploration and evaluation), which wins.
   * Default 0.
   */
  readonly temperature?: number;
  /** `top_p`, sent only when given. */
  readonly topP?: number;
  /** `max_tokens`. Default 512 (the reference's `max_new_tokens`). */
  readonly maxTokens?: number;
  /** `stop` sequences, sent only when given (e.g. `['\nObservation:']`). */
  readonly stop?: readonly string[];
  /** Per-request time limit, covering the whole answer. Default 60000 ms. */
  readonly timeoutMs?: number;
  readonly retries?: ChatRetryOptions;
  /** Most requests in flight at once over all `act` calls of this policy. Default 8. */
  readonly concurrency?: number;
  /**
   * Seeds sent with each request. A number: the root used when `act` gets neither per-row
   * streams (`rngs`, as `collectRollouts` passes) nor a `seed`; also seeds the retry jitter.
   * `false`: never send `seed` (for servers that reject it). Default 0.
   */
  readonly seed?: number | false;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra body fields merged into every request (e.g. vLLM's `top_k`, `chat_template_kwargs`). */
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /** `user` (default, the reference layout: instruction then `OK`) or `system`. */
  readonly instructionRole?: 'user' | 'system';
  /** How actions are read from replies (see `extractAction`). */
  readonly extraction?: ExtractActionOptions;
  /**
   * How many earlier replies to remember, so that later prompts show the model its own
   * `Thought: …\nAction: …` turns (core's history keeps only actions). 0 renders earlier turns
   * as `Action: <action>`. Default 10000 (oldest dropped first).
   */
  readonly replyMemory?: number;
  /** Called after every HTTP attempt (for logs and metrics; the library never prints). */
  readonly onRequest?: (event: ChatRequestEvent) => void;
}

/** Token and request counts of a {@link ChatPolicy}, summed since creation or `resetUsage()`. */
export interface ChatUsage {
  /** HTTP requests sent, retries included. */
  readonly requests: number;
  /** Decisions answered (one per context). */
  readonly completions: number;
  /** Requests that were retries. */
  readonly retries: number;
  /** Decisions that failed for good (a `ChatRequestError` was thrown). */
  readonly failures: number;
  /** Sums of the responses' `usage` fields. */
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Successful responses without a `usage` object (their tokens are not counted). */
  readonly responsesWithoutUsage: number;
  /** How the actions were found in the replies (`none` = no action: a format error). */
  readonly actionFormats: Readonly<Record<ActionFormat, number>>;
}

/** One decision of a {@link ChatPolicy}: core's `PolicyAction` plus the reply's parts. */
export interface ChatPolicyAction extends PolicyAction {
  /** The model's whole reply (`choices[0].message.content`). */
  readonly text: string;
  /** The reasoning before the action, when the reply has a `Thought:`. */
  readonly thought?: string;
  /** How the action was found (`none`: the reply had no action; `action` is then ''). */
  readonly format: ActionFormat;
  /** `choices[0].finish_reason` (`stop`, `length`, …), when given. */
  readonly finishReason?: string;
  /** This request's `usage`, when the server sent one. */
  readonly usage?: {
    readonly promptTokens: number;
    readonly completionTokens: number;
    readonly totalTokens: number;
  };
  /** Requests sent for this decision (1 without retries). */
  readonly attempts: number;
}

/** `act` options: core's, plus the per-row sampling streams `collectRollouts` passes. */
export interface ChatActOptions extends ActOptions {
  /** One stream per context; each request's `seed` is drawn from its row's stream. */
  readonly rngs?: readonly Rng[];
}

interface Sampling {
  readonly temperature: number;
  readonly seed?: number;
}

interface Completion {
  readonly content: string;
  readonly finishReason?: string;
  readonly usage?: ChatPolicyAction['usage'];
  readonly attempts: number;
}

const EXCERPT = 500;

/**
 * Core's `Policy` over any OpenAI-compatible chat completions server (vLLM, Ollama, llama.cpp,
 * hosted APIs): ReAct prompting in the reference code's format, action extraction, retries,
 * timeouts, a concurrency limit and token accounting.
 *
 * @remarks
 * - Each `act` call sends one `POST <baseUrl>/chat/completions` per context, at most
 *   `concurrency` in flight (shared by all calls of this policy), and returns the actions in
 *   order. The first decision that fails for good aborts the call's other requests and rejects
 *   with a {@link ChatRequestError}.
 * - Retried: network errors, timeouts, HTTP 408, 429 and 5xx — after `min(maxDelayMs,
 *   baseDelayMs·2^k)` scaled by jitter, or after the server's `retry-after-ms` / `Retry-After`
 *   (seconds or an HTTP date) when it sends one. Not retried: other 4xx and malformed 2xx
 *   bodies. A waiting retry does not hold a concurrency slot.
 * - The caller's `signal` aborts waits and requests at once (its reason is rethrown).
 * - No gradients: it explores and evaluates; it cannot be trained by `PpoTrainer`.
 */
export class ChatPolicy implements Policy {
  readonly specificationVersion = 'v1' as const;
  readonly name: string;
  readonly #options: ChatPolicyOptions;
  readonly #url: string;
  readonly #build: ChatPromptBuilder;
  readonly #limiter: Limiter;
  readonly #jitter: Rng;
  readonly #memory = new Map<string, string>();
  #usage: MutableUsage = emptyUsage();

  constructor(options: ChatPolicyOptions) {
    validateOptions(options);
    this.#options = options;
    this.name = options.name ?? `chat:${options.model}`;
    this.#url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.#limiter = new Limiter(options.concurrency ?? 8);
    this.#jitter = createRng(options.seed === false ? 0 : (options.seed ?? 0)).fork('retry-jitter');
    const spec = options.env;
    if (typeof spec === 'function') {
      this.#build = spec;
    } else {
      const prompt = typeof spec === 'string' ? REACT_PROMPTS[spec] : spec;
      const instructionRole = options.instructionRole ?? 'user';
      this.#build = (context, replies) =>
        reactMessages({ prompt, context, replies, instructionRole });
    }
  }

  /** The endpoint requests go to. */
  get url(): string {
    return this.#url;
  }

  /** Token and request counts so far (a snapshot). */
  get usage(): ChatUsage {
    return { ...this.#usage, actionFormats: { ...this.#usage.actionFormats } };
  }

  /** Most requests that were in flight at once so far. */
  get peakConcurrency(): number {
    return this.#limiter.peak;
  }

  /** Zeroes {@link ChatPolicy.usage}. */
  resetUsage(): void {
    this.#usage = emptyUsage();
  }

  /** The messages that would be sent for `context` (for inspection and tests). */
  messages(context: PolicyContext): readonly ChatMessage[] {
    return this.#build(context, this.#recalled(context));
  }

  async act(
    contexts: readonly PolicyContext[],
    options: ChatActOptions = {},
  ): Promise<ChatPolicyAction[]> {
    if (options.rngs !== undefined && options.rngs.length !== contexts.length) {
      throw new InvalidArgumentError({
        field: 'options.rngs',
        reason: `expected one stream per context (${contexts.length}), got ${options.rngs.length}`,
      });
    }
    const temperature = options.temperature ?? this.#options.temperature ?? 0;
    if (!(temperature >= 0) || !Number.isFinite(temperature)) {
      throw new InvalidArgumentError({
        field: 'options.temperature',
        reason: `expected a finite number ≥ 0, got ${temperature}`,
      });
    }
    options.signal?.throwIfAborted();
    // Siblings stop as soon as one decision fails for good.
    const group = new AbortController();
    const signal =
      options.signal === undefined ? group.signal : AbortSignal.any([options.signal, group.signal]);
    const decide = async (context: PolicyContext, row: number): Promise<ChatPolicyAction> => {
      const seed = this.#seedFor(row, options);
      const messages = this.#build(context, this.#recalled(context));
      let completion: Completion;
      try {
        completion = await this.#complete(
          messages,
          { temperature, ...(seed === undefined ? {} : { seed }) },
          signal,
        );
      } catch (error) {
        // A sibling's failure reaches here as the group's abort reason: count it once.
        if (ChatRequestError.isInstance(error) && error !== group.signal.reason) {
          this.#usage.failures += 1;
          if (!group.signal.aborted) group.abort(error);
        }
        throw error;
      }
      const extracted = extractAction(completion.content, this.#options.extraction);
      this.#usage.actionFormats[extracted.format] += 1;
      this.#remember(context, extracted.action, completion.content, extracted);
      return {
        action: extracted.action,
        text: completion.content,
        format: extracted.format,
        attempts: completion.attempts,
        ...(extracted.thought === undefined ? {} : { thought: extracted.thought }),
        ...(completion.finishReason === undefined ? {} : { finishReason: completion.finishReason }),
        ...(completion.usage === undefined ? {} : { usage: completion.usage }),
      };
    };
    const settled = await Promise.allSettled(contexts.map((context, row) => decide(context, row)));
    const failed = settled.find(
      (result): result is PromiseRejectedResult =>
        result.status === 'rejected' && ChatRequestError.isInstance(result.reason),
    );
    const firstRejected = settled.find(
      (result): result is PromiseRejectedResult => result.status === 'rejected',
    );
    if (options.signal?.aborted) throw options.signal.reason;
    if (failed !== undefined) throw failed.reason;
    if (firstRejected !== undefined) throw firstRejected.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<ChatPolicyAction>).value);
  }

  #seedFor(row: number, options: ChatActOptions): number | undefined {
    if (this.#options.seed === false) return undefined;
    const stream = options.rngs?.[row];
    // Servers take seeds as (signed) 32- or 64-bit integers: keep them in [0, 2^31).
    if (stream !== undefined) return stream.fork('chat').nextUint32() >>> 1;
    const root = options.seed ?? this.#options.seed ?? 0;
    return createRng(root).fork('chat').fork(row).nextUint32() >>> 1;
  }

  async #complete(
    messages: readonly ChatMessage[],
    sampling: Sampling,
    signal: AbortSignal,
  ): Promise<Completion> {
    const options = this.#options;
    const retry = options.retries ?? {};
    const maxRetries = retry.max ?? 4;
    const body = JSON.stringify({
      ...options.extraBody,
      model: options.model,
      messages,
      temperature: sampling.temperature,
      max_tokens: options.maxTokens ?? 512,
      n: 1,
      stream: false,
      ...(options.topP === undefined ? {} : { top_p: options.topP }),
      ...(options.stop === undefined ? {} : { stop: options.stop }),
      ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
      ...options.headers,
    };
    const timeoutMs = options.timeoutMs ?? 60_000;
    for (let attempt = 1; ; attempt += 1) {
      await this.#limiter.acquire(signal);
      this.#usage.requests += 1;
      if (attempt > 1) this.#usage.retries += 1;
      const started = performance.now();
      let response: Response | undefined;
      let text = '';
      let failure: ChatRequestError | undefined;
      let retryable = false;
      try {
        const timeout = AbortSignal.timeout(timeoutMs);
        response = await fetch(this.#url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([signal, timeout]),
        });
        text = await response.text();
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const timedOut = isTimeout(error);
        failure = new ChatRequestError({
          url: this.#url,
          failure: timedOut ? 'timeout' : 'network',
          attempts: attempt,
          detail: timedOut ? `no answer within ${timeoutMs} ms` : describe(error),
          ...(response === undefined ? {} : { status: response.status }),
          cause: error,
        });
        retryable = true;
      } finally {
        this.#limiter.release();
      }
      const elapsedMs = performance.now() - started;
      if (failure === undefined && response !== undefined) {
        if (response.ok) {
          const parsed = parseCompletion(text);
          if (typeof parsed === 'string') {
            this.#emit({
              attempt,
              outcome: 'malformed-response',
              status: response.status,
              elapsedMs,
            });
            throw new ChatRequestError({
              url: this.#url,
              failure: 'malformed-response',
              status: response.status,
              attempts: attempt,
              detail: parsed,
              bodyExcerpt: excerpt(text),
            });
          }
          this.#emit({ attempt, outcome: 'ok', status: response.status, elapsedMs });
          this.#usage.completions += 1;
          if (parsed.usage === undefined) {
            this.#usage.responsesWithoutUsage += 1;
          } else {
            this.#usage.promptTokens += parsed.usage.promptTokens;
            this.#usage.completionTokens += parsed.usage.completionTokens;
            this.#usage.totalTokens += parsed.usage.totalTokens;
          }
          return { ...parsed, attempts: attempt };
        }
        retryable = response.status === 408 || response.status === 429 || response.status >= 500;
        failure = new ChatRequestError({
          url: this.#url,
          failure: 'http',
          status: response.status,
          statusText: response.statusText,
          attempts: attempt,
          bodyExcerpt: excerpt(text),
        });
      }
      if (!retryable || attempt > maxRetries) {
        this.#emit({
          attempt,
          outcome: failure?.failure ?? 'network',
          ...(response === undefined ? {} : { status: response.status }),
          elapsedMs,
        });
        throw failure;
      }
      const delay = this.#delay(attempt, response?.headers);
      this.#emit({
        attempt,
        outcome: failure?.failure ?? 'network',
        ...(response === undefined ? {} : { status: response.status }),
        retryInMs: delay,
        elapsedMs,
      });
      await sleep(delay, signal);
    }
  }

  /** Wait before retry number `attempt` (1-based count of failed attempts so far). */
  #delay(attempt: number, headers: Headers | undefined): number {
    const retry = this.#options.retries ?? {};
    const fromServer = retryAfterMs(headers);
    if (fromServer !== undefined) return Math.min(fromServer, retry.maxRetryAfterMs ?? 60_000);
    const base = retry.baseDelayMs ?? 500;
    const exponential = Math.min(retry.maxDelayMs ?? 8_000, base * 2 ** (attempt - 1));
    const jitter = retry.jitter ?? 0.5;
    return Math.round(exponential * (1 - jitter * this.#jitter.nextFloat()));
  }

  #emit(event: ChatRequestEvent): void {
    this.#options.onRequest?.(event);
  }

  #recalled(context: PolicyContext): (string | undefined)[] {
    if ((this.#options.replyMemory ?? 10_000) === 0) return [];
    let key = rootKey(context);
    return context.history.map((step) => {
      key = stepKey(key, step.observation, step.action);
      return this.#memory.get(key);
    });
  }

  #remember(
    context: PolicyContext,
    action: string,
    reply: string,
    extracted: ReturnType<typeof extractAction>,
  ): void {
    const limit = this.#options.replyMemory ?? 10_000;
    if (limit === 0) return;
    let key = rootKey(context);
    for (const step of context.history) key = stepKey(key, step.observation, step.action);
    key = stepKey(key, context.observation, action);
    // The reference keeps the Thought and Action lines only (paper.md §2.8), which also drops a
    // hallucinated continuation; other replies are kept as written.
    const turn =
      extracted.format === 'action' || extracted.format === 'loose-action'
        ? `${extracted.thought === undefined ? '' : `Thought: ${extracted.thought}\n`}Action: ${action}`
        : reply.trim();
    this.#memory.delete(key);
    this.#memory.set(key, turn);
    while (this.#memory.size > limit) {
      const oldest = this.#memory.keys().next().value;
      if (oldest === undefined) break;
      this.#memory.delete(oldest);
    }
  }
}

interface MutableUsage {
  requests: number;
  completions: number;
  retries: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  responsesWithoutUsage: number;
  actionFormats: Record<ActionFormat, number>;
}

function emptyUsage(): MutableUsage {
  return {
    requests: 0,
    completions: 0,
    retries: 0,
    failures: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    responsesWithoutUsage: 0,
    actionFormats: { action: 0, 'loose-action': 0, 'bare-line': 0, none: 0 },
  };
}

/** A chat completion's parts, or why the body is not one. */
function parseCompletion(text: string): Omit<Completion, 'attempts'> | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'the body is not JSON';
  }
  if (json === null || typeof json !== 'object') return 'the body is not a JSON object';
  const choices = (json as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) return 'no `choices`';
  const choice = choices[0] as { message?: { content?: unknown }; finish_reason?: unknown } | null;
  const message = choice?.message;
  if (message === null || typeof message !== 'object') return 'no `choices[0].message`';
  // `content: null` happens when a reasoning model spends the whole budget thinking.
  const content = message.content ?? '';
  if (typeof content !== 'string') return '`choices[0].message.content` is not a string';
  const usage = readUsage((json as { usage?: unknown }).usage);
  const finishReason = choice?.finish_reason;
  return {
    content,
    ...(typeof finishReason === 'string' ? { finishReason } : {}),
    ...(usage === undefined ? {} : { usage }),
  };
}

function readUsage(value: unknown): ChatPolicyAction['usage'] {
  if (value === null || typeof value !== 'object') return undefined;
  const { prompt_tokens, completion_tokens, total_tokens } = value as Record<string, unknown>;
  const count = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  const promptTokens = count(prompt_tokens);
  const completionTokens = count(completion_tokens);
  const totalTokens =
    typeof total_tokens === 'number' ? count(total_tokens) : promptTokens + completionTokens;
  return { promptTokens, completionTokens, totalTokens };
}

/** `retry-after-ms` (OpenAI) or `Retry-After` (RFC 9110: seconds or an HTTP date), in ms. */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (headers === undefined) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) {
    return Math.max(0, Number(ms));
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isTimeout(error: unknown): boolean {
  const name =
    error !== null && typeof error === 'object' ? (error as { name?: unknown }).name : '';
  return name === 'TimeoutError' || name === 'AbortError';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat;
}

// Keys of remembered replies: a 53-bit hash chained over (goal, task) and each step, so a
// lookup costs the length of the new step only (cyrb53, public domain, bryc/code).
function rootKey(context: PolicyContext): string {
  return hash(`${context.taskId ?? ''}\u0000${context.goal}`);
}

function stepKey(previous: string, observation: string, action: string): string {
  return hash(`${previous}\u0001${observation}\u0002${action}`);
}

function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

function validateOptions(options: ChatPolicyOptions): void {
  const fail = (field: string, reason: string): never => {
    throw new InvalidArgumentError({ field: `options.${field}`, reason });
  };
  let parsed: URL | undefined;
  try {
    parsed = new URL(options.baseUrl);
  } catch (error) {
    throw new InvalidArgumentError({
      field: 'options.baseUrl',
      reason: `expected an http(s) URL such as http://127.0.0.1:8000/v1, got ${JSON.stringify(options.baseUrl)}`,
      cause: error,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    fail('baseUrl', `expected http: or https:, got ${parsed.protocol}`);
  }
  if (typeof options.model !== 'string' || options.model === '')
    fail('model', 'expected a model name');
  if (typeof options.env === 'string' && !(options.env in REACT_PROMPTS)) {
    fail(
      'env',
      `expected alfworld, webshop, virtualhome, a ReactPrompt or a builder, got ${options.env}`,
    );
  }
  const positiveInteger = (field: string, value: number | undefined, min: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      fail(field, `expected an integer ≥ ${min}, got ${value}`);
    }
  };
  positiveInteger('concurrency', options.concurrency, 1);
  positiveInteger('maxTokens', options.maxTokens, 1);
  positiveInteger('timeoutMs', options.timeoutMs, 1);
  positiveInteger('replyMemory', options.replyMemory, 0);
  positiveInteger('retries.max', options.retries?.max, 0);
  const nonNegative = (field: string, value: number | undefined): void => {
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) {
      fail(field, `expected a finite number ≥ 0, got ${value}`);
    }
  };
  nonNegative('temperature', options.temperature);
  nonNegative('retries.baseDelayMs', options.retries?.baseDelayMs);
  nonNegative('retries.maxDelayMs', options.retries?.maxDelayMs);
  nonNegative('retries.maxRetryAfterMs', options.retries?.maxRetryAfterMs);
  const jitter = options.retries?.jitter;
  if (jitter !== undefined && !(jitter >= 0 && jitter <= 1)) {
    fail('retries.jitter', `expected a number in [0, 1], got ${jitter}`);
  }
  if (options.seed !== undefined && options.seed !== false && !Number.isInteger(options.seed)) {
    fail('seed', `expected an integer or false, got ${options.seed}`);
  }
}
