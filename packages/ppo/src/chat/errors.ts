import { SpaError, type SpaErrorOptions } from '@spa/core';

const marker = 'spa.error.chat-request';
const symbol = Symbol.for(marker);

/** Why a chat completion request failed. */
export type ChatRequestFailure =
  /** The server answered with a non-2xx status. */
  | 'http'
  /** The connection failed (refused, reset, DNS). */
  | 'network'
  /** No complete answer within `timeoutMs`. */
  | 'timeout'
  /** A 2xx answer that is not a chat completion (bad JSON, no `choices[0].message`). */
  | 'malformed-response';

/**
 * A chat completion request failed for good: a non-retryable status, or the last retry.
 *
 * @remarks
 * The message names the URL, the attempts, the status and an excerpt of the body, e.g.
 * `POST http://127.0.0.1:8000/v1/chat/completions failed after 4 attempts: HTTP 503 Service
 * Unavailable: {"error":"overloaded"}`. `cause` holds the underlying error (network, timeout,
 * JSON parse) where there is one.
 */
export class ChatRequestError extends SpaError {
  protected readonly [symbol] = true;
  readonly url: string;
  readonly failure: ChatRequestFailure;
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** The start of the last answer's body (at most 500 characters). */
  readonly bodyExcerpt?: string;
  /** Requests sent for this decision, the first one included. */
  readonly attempts: number;

  constructor(
    options: {
      readonly url: string;
      readonly failure: ChatRequestFailure;
      readonly status?: number;
      readonly statusText?: string;
      readonly bodyExcerpt?: string;
      readonly attempts: number;
      readonly detail?: string;
    } & SpaErrorOptions,
  ) {
    const what =
      options.failure === 'http'
        ? `HTTP ${options.status}${options.statusText ? ` ${options.statusText}` : ''}`
        : options.failure === 'malformed-response'
          ? `malformed chat completion (HTTP ${options.status})`
          : options.failure === 'timeout'
            ? 'timed out'
            : 'network error';
    const tries = options.attempts === 1 ? '1 attempt' : `${options.attempts} attempts`;
    const detail = options.detail ? ` (${options.detail})` : '';
    const body = options.bodyExcerpt ? `: ${options.bodyExcerpt}` : '';
    super(
      'ChatRequestError',
      `POST ${options.url} failed after ${tries}: ${what}${detail}${body}`,
      options,
    );
    this.url = options.url;
    this.failure = options.failure;
    if (options.status !== undefined) this.status = options.status;
    if (options.bodyExcerpt !== undefined) this.bodyExcerpt = options.bodyExcerpt;
    this.attempts = options.attempts;
  }

  static override isInstance(error: unknown): error is ChatRequestError {
    return SpaError.hasMarker(error, marker);
  }
}
