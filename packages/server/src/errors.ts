import { SpaError, type SpaErrorOptions } from '@spa/core';

const requestMarker = 'spa.error.server-request';
const requestSymbol = Symbol.for(requestMarker);

/**
 * A request the server refuses: malformed input, an unknown session, a full server.
 *
 * @remarks
 * The server answers it with `statusCode` and the JSON body
 * `{ error: { code, message, field } }`. `field` names the offending part of the request
 * (`trajectories[2].steps[0].grounded`, `query[1]`, `id`), `''` for the request as a whole.
 */
export class ServerRequestError extends SpaError {
  protected readonly [requestSymbol] = true;
  /** HTTP status to answer with (4xx, or 503 when the server is full or closing). */
  readonly statusCode: number;
  /** Machine-readable code, e.g. `invalid_field`, `unknown_session`, `server_full`. */
  readonly code: string;
  /** Path of the offending request field; `''` for the whole request. */
  readonly field: string;

  constructor(
    options: { statusCode: number; code: string; field: string; reason: string } & SpaErrorOptions,
  ) {
    super(
      'ServerRequestError',
      options.field === '' ? options.reason : `${options.field}: ${options.reason}`,
      options,
    );
    this.statusCode = options.statusCode;
    this.code = options.code;
    this.field = options.field;
  }

  static override isInstance(error: unknown): error is ServerRequestError {
    return SpaError.hasMarker(error, requestMarker);
  }
}

const configMarker = 'spa.error.server-config';
const configSymbol = Symbol.for(configMarker);

/**
 * A server cannot start with the options it was given (e.g. bound to a non-loopback host
 * without a bearer token).
 */
export class ServerConfigError extends SpaError {
  protected readonly [configSymbol] = true;
  /** The offending option, e.g. `token`. */
  readonly field: string;

  constructor(options: { field: string; reason: string } & SpaErrorOptions) {
    super('ServerConfigError', `options.${options.field}: ${options.reason}`, options);
    this.field = options.field;
  }

  static override isInstance(error: unknown): error is ServerConfigError {
    return SpaError.hasMarker(error, configMarker);
  }
}

/** A 400/422 for a bad request field. */
export function invalidField(field: string, reason: string, statusCode = 400): ServerRequestError {
  return new ServerRequestError({ statusCode, code: 'invalid_field', field, reason });
}
