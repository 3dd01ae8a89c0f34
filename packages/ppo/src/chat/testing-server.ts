import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage } from './prompts';

/** The part of a chat completions request a scripted model sees. */
export interface ScriptedChatRequest {
  /** 0-based index of this request among all the server received. */
  readonly index: number;
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly seed?: number;
  /** The whole parsed body. */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * A scripted model's answer: the reply text, or an object to shape the HTTP answer (a status,
 * headers, a raw body, a delay, the `usage` to report).
 */
export type ScriptedChatReply =
  | string
  | {
      /** The reply text (`choices[0].message.content`); `null` is sent as JSON null. */
      readonly content?: string | null;
      /** HTTP status; default 200. A non-2xx status sends `{ error: { message } }` unless `body` is given. */
      readonly status?: number;
      readonly headers?: Readonly<Record<string, string>>;
      /** A raw body sent as is (e.g. malformed JSON). */
      readonly body?: string;
      /** Wait this long before answering. */
      readonly delayMs?: number;
      /** The `usage` object; default: whitespace-separated word counts; `null` omits it. */
      readonly usage?: {
        readonly prompt_tokens: number;
        readonly completion_tokens: number;
        readonly total_tokens: number;
      } | null;
      readonly finishReason?: string;
    };

/** A scripted model: maps a request to its answer. */
export type ScriptedChatModel = (
  request: ScriptedChatRequest,
) => ScriptedChatReply | Promise<ScriptedChatReply>;

/** One request as the server received it. */
export interface RecordedChatRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body (undefined when it did not parse). */
  readonly body: unknown;
  /** Milliseconds since the server started. */
  readonly receivedAtMs: number;
}

/** Options of {@link startScriptedChatServer}. */
export interface ScriptedChatServerOptions {
  /** The model behind `POST /v1/chat/completions`. */
  readonly model: ScriptedChatModel;
  /** Model id listed by `GET /v1/models`. Default `scripted`. */
  readonly modelId?: string;
  /**
   * Answers used before the model's, one per request, in order (e.g. `{ status: 429 }`,
   * `{ status: 500 }`, `{ delayMs: 500, content: '…' }`, `{ body: '{not json' }`).
   */
  readonly faults?: readonly ScriptedChatReply[];
}

/** A running scripted server. */
export interface ScriptedChatServer {
  /** The OpenAI-style base URL, `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedChatRequest[];
  /** Chat completion requests being answered right now. */
  readonly inFlight: number;
  /** Most chat completion requests answered at once. */
  readonly maxInFlight: number;
  /** Queues more answers to use before the model's. */
  inject(...faults: ScriptedChatReply[]): void;
  /** Stops listening, drops open connections and pending delays. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a real `node:http` server on 127.0.0.1 (a free port) that speaks the OpenAI chat
 * completions wire format, with a scripted function as its model. For tests of HTTP policies.
 *
 * @remarks
 * - `POST /v1/chat/completions`: 400 with an OpenAI-style error body for invalid JSON or no
 *   `messages` array; otherwise the next injected fault, else the model's answer, as
 *   `{ id, object: 'chat.completion', created, model, choices: [{ index, message, finish_reason }], usage }`.
 * - `GET /v1/models` lists `modelId`; other paths answer 404.
 * - The model's default `usage` counts whitespace-separated words (prompt: all message
 *   contents; completion: the reply), so tests can predict the sums.
 * - Testing only: no auth, no body limit, no streaming.
 */
export async function startScriptedChatServer(
  options: ScriptedChatServerOptions,
): Promise<ScriptedChatServer> {
  const started = performance.now();
  const requests: RecordedChatRequest[] = [];
  const faults: ScriptedChatReply[] = [...(options.faults ?? [])];
  const timers = new Set<NodeJS.Timeout>();
  const modelId = options.modelId ?? 'scripted';
  let inFlight = 0;
  let maxInFlight = 0;
  let completions = 0;

  const wait = (ms: number, response: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        response.off('close', onClose);
        resolve(true);
      }, ms);
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      timers.add(timer);
      response.once('close', onClose);
    });

  const send = (
    response: ServerResponse,
    status: number,
    body: string,
    headers: Readonly<Record<string, string>> = {},
  ): void => {
    if (response.destroyed || response.writableEnded) return;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body);
  };
  const error = (response: ServerResponse, status: number, message: string): void =>
    send(response, status, JSON.stringify({ error: { message, type: 'invalid_request_error' } }));

  const complete = async (
    body: Record<string, unknown>,
    response: ServerResponse,
  ): Promise<void> => {
    const index = completions++;
    const messages = body.messages as ChatMessage[];
    const reply: ScriptedChatReply =
      faults.shift() ??
      (await options.model({
        index,
        model: String(body.model ?? ''),
        messages,
        body,
        ...(typeof body.temperature === 'number' ? { temperature: body.temperature } : {}),
        ...(typeof body.seed === 'number' ? { seed: body.seed } : {}),
      }));
    const shaped = typeof reply === 'string' ? { content: reply } : reply;
    if (shaped.delayMs !== undefined && shaped.delayMs > 0) {
      if (!(await wait(shaped.delayMs, response))) return;
    }
    const status = shaped.status ?? 200;
    if (shaped.body !== undefined) {
      send(response, status, shaped.body, shaped.headers);
      return;
    }
    if (status < 200 || status > 299) {
      send(
        response,
        status,
        JSON.stringify({ error: { message: `scripted status ${status}`, type: 'server_error' } }),
        shaped.headers,
      );
      return;
    }
    const content = shaped.content === undefined ? '' : shaped.content;
    const words = (text: string): number => text.split(/\s+/).filter((w) => w !== '').length;
    const promptTokens = messages.reduce((sum, message) => sum + words(String(message.content)), 0);
    const completionTokens = words(content ?? '');
    const usage =
      shaped.usage === undefined
        ? {
            prompt_tokens: promptTokens,
            completion_tokens: completionTokens,
            total_tokens: promptTokens + completionTokens,
          }
        : shaped.usage;
    send(
      response,
      status,
      JSON.stringify({
        id: `chatcmpl-scripted-${index}`,
        object: 'chat.completion',
        created: 0,
        model: String(body.model ?? modelId),
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content },
            finish_reason: shaped.finishReason ?? 'stop',
          },
        ],
        ...(usage === null ? {} : { usage }),
      }),
      shaped.headers,
    );
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    requests.push({
      method: request.method ?? '',
      path,
      headers: { ...request.headers },
      body,
      receivedAtMs: performance.now() - started,
    });
    if (request.method === 'GET' && path === '/v1/models') {
      send(
        response,
        200,
        JSON.stringify({
          object: 'list',
          data: [{ id: modelId, object: 'model', owned_by: 'test' }],
        }),
      );
      return;
    }
    if (path !== '/v1/chat/completions') {
      error(response, 404, `no route ${request.method} ${path}`);
      return;
    }
    if (request.method !== 'POST') {
      error(response, 405, 'use POST');
      return;
    }
    if (body === undefined || body === null || typeof body !== 'object') {
      error(response, 400, 'the body must be a JSON object');
      return;
    }
    if (!Array.isArray((body as { messages?: unknown }).messages)) {
      error(response, 400, '`messages` must be an array');
      return;
    }
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await complete(body as Record<string, unknown>, response);
    } finally {
      inFlight -= 1;
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((cause: unknown) => {
      error(response, 500, `scripted model failed: ${String(cause)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const close = async (): Promise<void> => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    inject(...more) {
      faults.push(...more);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A reply in the ReAct format the reference prompts ask for. */
export function reactReply(thought: string, action: string): string {
  return `Thought: ${thought}\nAction: ${action}`;
}
