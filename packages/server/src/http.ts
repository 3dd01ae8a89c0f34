import { timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError, TrajectoryValidationError } from '@spa/core';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { ServerConfigError, ServerRequestError } from './errors';
import { ServerMetrics } from './metrics';

/** Options both servers share. */
export interface HttpServerOptions {
  /**
   * Interface to bind. Default `'127.0.0.1'`. Any host other than a loopback one
   * (`127.0.0.1`, `::1`, `localhost`) requires {@link HttpServerOptions.token}.
   */
  readonly host?: string;
  /** Port; `0` (the default) picks a free one, see `url` after `listen()`. */
  readonly port?: number;
  /**
   * Bearer token required in `Authorization: Bearer <token>` on every route except
   * `GET /health` and `GET /`.
   */
  readonly token?: string;
  /** Require the token on a loopback bind too. Default: only when bound elsewhere. */
  readonly requireToken?: boolean;
  /** Largest accepted request body in bytes; larger ones get 413. */
  readonly bodyLimit?: number;
  /**
   * Longest time in milliseconds a request may take from arrival to answer; after it the
   * client gets 503 `request_timeout` and the work is aborted through its `AbortSignal`.
   * Default 60 000.
   */
  readonly requestTimeoutMs?: number;
  /** Called with errors answered as 500 (libraries never print). */
  readonly onError?: (error: unknown) => void;
}

/** What `createRewardServer` and `createEnvServer` return. */
export interface SpaHttpServer {
  /** The fastify instance (routes are registered; add hooks or routes before `listen()`). */
  readonly app: FastifyInstance;
  /** `http://host:port` once listening; throws before `listen()`. */
  readonly url: string;
  /** Starts listening; resolves to {@link SpaHttpServer.url}. */
  listen(): Promise<string>;
  /**
   * Graceful shutdown: stops accepting connections (new requests on open connections get
   * 503), lets in-flight requests finish, then releases models and envs. Idempotent.
   */
  close(): Promise<void>;
}

const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);
const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/health', '/']);

/** Whether `host` is a loopback interface name. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** @internal The fastify app with auth, limits, metrics and JSON errors, plus its lifecycle. */
export interface BaseServer {
  readonly app: FastifyInstance;
  readonly metrics: ServerMetrics;
  readonly server: SpaHttpServer;
  /**
   * Runs a handler's work under the request deadline: after `requestTimeoutMs` the client gets
   * 503 `request_timeout` and `signal` aborts; a client that disconnects aborts it too.
   */
  readonly deadline: <T>(
    reply: FastifyReply,
    work: (signal: AbortSignal) => Promise<T>,
  ) => Promise<T>;
}

/** @internal Builds the shared fastify app; `dispose` runs after the last in-flight request. */
export function createBaseServer(
  options: HttpServerOptions,
  defaults: { bodyLimit: number; prefix: string },
  gauges: () => Record<string, number>,
  dispose: () => Promise<void>,
): BaseServer {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const token = options.token;
  if (token !== undefined && (typeof token !== 'string' || token.length < 8)) {
    throw new ServerConfigError({ field: 'token', reason: 'must be a string of ≥ 8 characters' });
  }
  if (!isLoopbackHost(host) && token === undefined) {
    throw new ServerConfigError({
      field: 'token',
      reason: `binding to ${JSON.stringify(host)} (not loopback) requires a bearer token`,
    });
  }
  if (options.requireToken === true && token === undefined) {
    throw new ServerConfigError({ field: 'token', reason: 'requireToken is set but no token' });
  }
  const authRequired =
    token !== undefined && (options.requireToken === true || !isLoopbackHost(host));
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const bodyLimit = options.bodyLimit ?? defaults.bodyLimit;
  for (const [field, value] of [
    ['requestTimeoutMs', requestTimeoutMs],
    ['bodyLimit', bodyLimit],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new ServerConfigError({ field, reason: `expected a positive integer, got ${value}` });
    }
  }

  const app = Fastify({
    logger: false,
    bodyLimit,
    // Socket-level bound on receiving the whole request (slow clients).
    requestTimeout: requestTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  // JSON only: anything else is 415.
  app.removeContentTypeParser('text/plain');
  const metrics = new ServerMetrics(gauges);
  const started = new WeakMap<object, number>();
  let inFlight = 0;
  let drained: (() => void) | undefined;

  app.addHook('onRequest', async (request, reply) => {
    started.set(request, performance.now());
    inFlight += 1;
    if (!authRequired) return;
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    const header = request.headers.authorization;
    if (header === undefined) {
      reply.header('www-authenticate', 'Bearer');
      throw new ServerRequestError({
        statusCode: 401,
        code: 'unauthorized',
        field: 'headers.authorization',
        reason: 'missing bearer token',
      });
    }
    const given = Buffer.from(header);
    if (
      expected === undefined ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      throw new ServerRequestError({
        statusCode: 403,
        code: 'forbidden',
        field: 'headers.authorization',
        reason: 'wrong bearer token',
      });
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const t0 = started.get(request);
    if (t0 !== undefined) {
      metrics.record(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        reply.statusCode,
        (performance.now() - t0) / 1000,
      );
      started.delete(request);
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    }
  });
  app.addHook('onRequestAbort', async (request) => {
    if (started.delete(request)) {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    }
  });

  app.setNotFoundHandler(async (request, reply) => {
    return reply.code(404).send({
      error: {
        code: 'not_found',
        field: 'url',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      },
    });
  });
  app.setErrorHandler(async (error: unknown, _request, reply) => {
    const { statusCode, body } = errorBody(error);
    if (statusCode >= 500 && statusCode !== 503) options.onError?.(error);
    return reply.code(statusCode).send(body);
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/metrics', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const accept = request.headers.accept ?? '';
    if (
      query.format === 'json' ||
      (query.format === undefined && accept.includes('application/json'))
    ) {
      return metrics.snapshot();
    }
    return reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(metrics.prometheus(defaults.prefix));
  });

  let closing: Promise<void> | undefined;
  let url: string | undefined;
  const server: SpaHttpServer = {
    app,
    get url(): string {
      if (url === undefined) throw new Error('the server is not listening yet: call listen()');
      return url;
    },
    async listen(): Promise<string> {
      await app.listen({ host, port });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address !== null ? address.port : port;
      url = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${actualPort}`;
      return url;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        const waitDrained = new Promise<void>((resolve) => {
          drained = resolve;
          if (inFlight === 0) resolve();
        });
        await app.close();
        await waitDrained;
        await dispose();
      })();
      return closing;
    },
  };
  const deadline = async <T>(
    reply: FastifyReply,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const controller = new AbortController();
    const onClose = (): void => {
      if (!reply.raw.writableFinished) {
        controller.abort(
          new ServerRequestError({
            statusCode: 499,
            code: 'client_closed',
            field: '',
            reason: 'the client closed the connection',
          }),
        );
      }
    };
    reply.raw.once('close', onClose);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ServerRequestError({
          statusCode: 503,
          code: 'request_timeout',
          field: '',
          reason: `no answer within ${requestTimeoutMs} ms`,
        });
        controller.abort(error);
        reject(error);
      }, requestTimeoutMs);
    });
    try {
      return await Promise.race([work(controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
      reply.raw.off('close', onClose);
    }
  };
  return { app, metrics, server, deadline };
}

function errorBody(error: unknown): {
  statusCode: number;
  body: { error: { code: string; field: string; message: string } };
} {
  if (ServerRequestError.isInstance(error)) {
    return {
      statusCode: error.statusCode,
      body: { error: { code: error.code, field: error.field, message: error.message } },
    };
  }
  if (TrajectoryValidationError.isInstance(error) || InvalidArgumentError.isInstance(error)) {
    return {
      statusCode: 422,
      body: { error: { code: 'invalid_field', field: error.field, message: error.message } },
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code =
      status === 413
        ? 'body_too_large'
        : status === 415
          ? 'unsupported_media_type'
          : (fastifyError.code ?? 'bad_request');
    return {
      statusCode: status,
      body: { error: { code, field: 'body', message: fastifyError.message ?? 'bad request' } },
    };
  }
  if (status === 503) {
    return {
      statusCode: 503,
      body: { error: { code: 'unavailable', field: '', message: fastifyError.message ?? '' } },
    };
  }
  return {
    statusCode: 500,
    body: { error: { code: 'internal', field: '', message: 'internal server error' } },
  };
}

/** @internal Reads `body` as a JSON object or throws 400 naming `field`. */
export function expectObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ServerRequestError({
      statusCode: 400,
      code: 'invalid_field',
      field,
      reason: `expected a JSON object, got ${describe(value)}`,
    });
  }
  return value as Record<string, unknown>;
}

/** @internal A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
