import { type PolicyContext, SpaError } from '@spa/core';
import { CORRIDOR_TASKS, createCorridorEnv } from '@spa/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../evaluate';
import { collectRollouts, explorationEpisodes } from '../rollout';
import { ChatPolicy, type ChatPolicyOptions, type ChatRequestEvent } from './chat-policy';
import { ChatRequestError } from './errors';
import type { ReactPrompt } from './prompts';
import {
  reactReply,
  type ScriptedChatModel,
  type ScriptedChatServer,
  startScriptedChatServer,
} from './testing-server';

const CORRIDOR_PROMPT: ReactPrompt = {
  name: 'corridor',
  instruction: 'Open the door. Answer as "Thought: …\\nAction: …".',
  example: [],
  formatTask: (observation, context) => `${observation}\nYour task is to: ${context.goal}`,
  formatObservation: (observation) => `Observation: ${observation}`,
};

/** Plays the corridor optimally: red key, six walks, open (step = assistant turns so far − 1 for "OK"). */
const corridorExpert: ScriptedChatModel = ({ messages }) => {
  const step = messages.filter((message) => message.role === 'assistant').length - 1;
  if (step === 0) return reactReply('The red key fits every door.', 'take red key');
  if (step <= 6) return reactReply('Keep going.', 'walk forward');
  return reactReply('I am at the door.', 'open door');
};

const servers: ScriptedChatServer[] = [];
async function serve(
  model: ScriptedChatModel = corridorExpert,
  faults: Parameters<typeof startScriptedChatServer>[0]['faults'] = [],
): Promise<ScriptedChatServer> {
  const server = await startScriptedChatServer({ model, faults });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function policyFor(server: ScriptedChatServer, options: Partial<ChatPolicyOptions> = {}) {
  return new ChatPolicy({
    baseUrl: server.baseUrl,
    model: 'scripted-3b',
    env: CORRIDOR_PROMPT,
    retries: { baseDelayMs: 5, maxDelayMs: 40, jitter: 0 },
    timeoutMs: 5_000,
    ...options,
  });
}

const context: PolicyContext = {
  taskId: 'corridor/north',
  goal: 'open the north door.',
  history: [],
  observation: 'You are at the start of a corridor.',
};

describe('ChatPolicy over real loopback HTTP', () => {
  it('wins every corridor task through evaluatePolicy, with the reference message layout and summed usage', async () => {
    const server = await serve();
    const policy = policyFor(server, { apiKey: 'sk-test', concurrency: 2 });
    const envs = [createCorridorEnv(), createCorridorEnv()];
    const result = await evaluatePolicy({ policy, envs, taskIds: CORRIDOR_TASKS });
    expect(result.summary.successRate).toBe(1);
    expect(result.summary.groundingAccuracy).toBe(1);
    expect(result.summary.meanSteps).toBe(8);
    expect(result.policy).toBe('chat:scripted-3b');

    const chats = server.requests.filter((request) => request.path === '/v1/chat/completions');
    expect(chats).toHaveLength(4 * 8);
    const first = chats[0]?.body as Record<string, unknown>;
    expect(first.model).toBe('scripted-3b');
    expect(first.temperature).toBe(0); // evaluatePolicy's default, as the reference evaluation
    expect(first.max_tokens).toBe(512);
    expect(Number.isInteger(first.seed)).toBe(true);
    expect(chats[0]?.headers.authorization).toBe('Bearer sk-test');
    const messages = first.messages as { role: string; content: string }[];
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]?.content).toBe('OK');
    expect(messages[2]?.content).toContain('Your task is to: open the');

    // The last request of an episode shows the model its own earlier Thought/Action turns.
    const last = chats.at(-1)?.body as { messages: { role: string; content: string }[] };
    expect(last.messages).toHaveLength(3 + 2 * 7);
    expect(last.messages[3]?.content).toBe(
      'Thought: The red key fits every door.\nAction: take red key',
    );
    expect(last.messages[4]?.content).toBe('Observation: You take the red key.');

    const usage = policy.usage;
    expect(usage.requests).toBe(32);
    expect(usage.completions).toBe(32);
    expect(usage.retries).toBe(0);
    expect(usage.failures).toBe(0);
    expect(usage.actionFormats.action).toBe(32);
    // The scripted server counts words; the policy's sums must equal the server's.
    const words = (text: string): number => text.split(/\s+/).filter((w) => w !== '').length;
    let prompt = 0;
    for (const request of chats) {
      for (const message of (request.body as { messages: { content: string }[] }).messages) {
        prompt += words(message.content);
      }
    }
    expect(usage.promptTokens).toBe(prompt);
    expect(usage.completionTokens).toBeGreaterThan(0);
    expect(usage.totalTokens).toBe(usage.promptTokens + usage.completionTokens);
    expect(policy.peakConcurrency).toBeLessThanOrEqual(2);
    policy.resetUsage();
    expect(policy.usage.requests).toBe(0);
  });

  it('explores with collectRollouts: temperature 1 and per-episode seeds that repeat run to run', async () => {
    const server = await serve();
    const run = async () => {
      const policy = policyFor(server);
      const episodes = explorationEpisodes(CORRIDOR_TASKS.slice(0, 2), { rolloutsPerTask: 2 });
      const rollouts = await collectRollouts({
        policy,
        envs: [createCorridorEnv(), createCorridorEnv(), createCorridorEnv()],
        episodes,
      });
      return rollouts.map((rollout) => rollout.trajectory.won);
    };
    expect(await run()).toEqual([true, true, true, true]);
    const firstRun = server.requests.map((request) => (request.body as { seed: number }).seed);
    const temperatures = server.requests.map(
      (request) => (request.body as { temperature: number }).temperature,
    );
    expect(new Set(temperatures)).toEqual(new Set([1]));
    expect(await run()).toEqual([true, true, true, true]);
    const secondRun = server.requests
      .slice(firstRun.length)
      .map((request) => (request.body as { seed: number }).seed);
    expect([...secondRun].sort()).toEqual([...firstRun].sort());
    expect(new Set(firstRun).size).toBeGreaterThan(1);
  });

  it('retries 429 and 500 with exponential backoff, then succeeds', async () => {
    const server = await serve(corridorExpert, [{ status: 429 }, { status: 500 }, { status: 503 }]);
    const events: ChatRequestEvent[] = [];
    const policy = policyFor(server, {
      retries: { baseDelayMs: 10, maxDelayMs: 25, jitter: 0 },
      onRequest: (event) => events.push(event),
    });
    const [decision] = await policy.act([context]);
    expect(decision?.action).toBe('take red key');
    expect(decision?.thought).toBe('The red key fits every door.');
    expect(decision?.attempts).toBe(4);
    expect(events.map((event) => [event.outcome, event.status, event.retryInMs])).toEqual([
      ['http', 429, 10],
      ['http', 500, 20],
      ['http', 503, 25], // capped by maxDelayMs
      ['ok', 200, undefined],
    ]);
    expect(policy.usage).toMatchObject({ requests: 4, retries: 3, completions: 1, failures: 0 });
  });

  it('honours Retry-After (seconds) and retry-after-ms over its own backoff', async () => {
    const server = await serve(corridorExpert, [
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 503, headers: { 'retry-after-ms': '30' } },
    ]);
    const events: ChatRequestEvent[] = [];
    const policy = policyFor(server, {
      retries: { baseDelayMs: 1, jitter: 0 },
      onRequest: (event) => events.push(event),
    });
    await policy.act([context]);
    expect(events.map((event) => event.retryInMs)).toEqual([1000, 30, undefined]);
    const [a, b] = server.requests;
    // A lower bound only: the client really waited for the server's Retry-After.
    expect((b?.receivedAtMs ?? 0) - (a?.receivedAtMs ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('times out slow answers, retries them, and reports a timeout after the last try', async () => {
    const slow = { delayMs: 3_000, content: reactReply('late', 'take red key') };
    const server = await serve(corridorExpert, [slow]);
    const policy = policyFor(server, { timeoutMs: 150 });
    const [decision] = await policy.act([context]);
    expect(decision).toMatchObject({ action: 'take red key', attempts: 2 });

    server.inject(slow, slow);
    const strict = policyFor(server, { timeoutMs: 150, retries: { max: 1, baseDelayMs: 1 } });
    const error = await strict.act([context]).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(ChatRequestError.isInstance(error)).toBe(true);
    expect(SpaError.isInstance(error)).toBe(true);
    const failure = error as ChatRequestError;
    expect(failure.failure).toBe('timeout');
    expect(failure.attempts).toBe(2);
    expect(failure.message).toContain(
      `POST ${server.baseUrl}/chat/completions failed after 2 attempts`,
    );
    expect(failure.message).toContain('150 ms');
    expect(strict.usage.failures).toBe(1);
  });

  it('does not retry a 400 and names the URL, status and body in the error', async () => {
    const server = await serve(corridorExpert, [
      {
        status: 400,
        body: JSON.stringify({
          error: { message: "This model's maximum context length is 4096 tokens" },
        }),
      },
    ]);
    const policy = policyFor(server);
    const error = (await policy
      .act([context])
      .catch((caught: unknown) => caught)) as ChatRequestError;
    expect(ChatRequestError.isInstance(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain(`${server.baseUrl}/chat/completions`);
    expect(error.message).toContain('HTTP 400 Bad Request');
    expect(error.message).toContain('maximum context length is 4096 tokens');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after retries.max on persistent 500s', async () => {
    const server = await serve(() => ({ status: 500 }));
    const policy = policyFor(server, { retries: { max: 2, baseDelayMs: 1, jitter: 0 } });
    const error = (await policy
      .act([context])
      .catch((caught: unknown) => caught)) as ChatRequestError;
    expect(error.failure).toBe('http');
    expect(error.status).toBe(500);
    expect(error.attempts).toBe(3);
    expect(error.bodyExcerpt).toContain('scripted status 500');
    expect(server.requests).toHaveLength(3);
    expect(policy.usage).toMatchObject({ requests: 3, retries: 2, failures: 1, completions: 0 });
  });

  it('keeps at most `concurrency` requests in flight over the whole batch', async () => {
    const server = await serve(() => ({ delayMs: 40, content: reactReply('x', 'walk forward') }));
    const policy = policyFor(server, { concurrency: 3 });
    const contexts = Array.from({ length: 10 }, (_, index) => ({
      ...context,
      taskId: `t${index}`,
    }));
    const decisions = await policy.act(contexts);
    expect(decisions.map((decision) => decision.action)).toEqual(Array(10).fill('walk forward'));
    expect(server.maxInFlight).toBe(3);
    expect(policy.peakConcurrency).toBe(3);
  });

  it('rejects malformed 2xx bodies without retrying', async () => {
    const server = await serve(corridorExpert, [
      { body: '{"choices": [oops' },
      { body: JSON.stringify({ choices: [] }) },
    ]);
    const policy = policyFor(server);
    const notJson = (await policy
      .act([context])
      .catch((caught: unknown) => caught)) as ChatRequestError;
    expect(notJson.failure).toBe('malformed-response');
    expect(notJson.message).toContain('the body is not JSON');
    expect(notJson.bodyExcerpt).toBe('{"choices": [oops');
    const noChoices = (await policy
      .act([context])
      .catch((caught: unknown) => caught)) as ChatRequestError;
    expect(noChoices.message).toContain('no `choices`');
    expect(server.requests).toHaveLength(2);
  });

  it('reports replies without usage, and null content as a format error', async () => {
    const server = await serve(corridorExpert, [
      { content: null, usage: null, finishReason: 'length' },
    ]);
    const policy = policyFor(server);
    const [decision] = await policy.act([context]);
    expect(decision).toMatchObject({ action: '', format: 'none', finishReason: 'length' });
    expect(policy.usage).toMatchObject({ responsesWithoutUsage: 1, promptTokens: 0 });
    expect(policy.usage.actionFormats.none).toBe(1);
  });

  it('retries network errors and names the URL when the server is gone', async () => {
    const server = await serve();
    const url = server.baseUrl;
    await server.close();
    const policy = new ChatPolicy({
      baseUrl: url,
      model: 'm',
      env: 'alfworld',
      retries: { max: 1, baseDelayMs: 1 },
    });
    const error = (await policy
      .act([context])
      .catch((caught: unknown) => caught)) as ChatRequestError;
    expect(error.failure).toBe('network');
    expect(error.attempts).toBe(2);
    expect(error.message).toContain(
      `POST ${url}/chat/completions failed after 2 attempts: network error`,
    );
  });

  it('stops the other requests of a call when one fails for good, and honours the caller signal', async () => {
    const server = await serve(({ index }) =>
      index === 0 ? { status: 401 } : { delayMs: 2_000, content: 'Action: look' },
    );
    const policy = policyFor(server, { concurrency: 4 });
    const error = (await policy
      .act([context, context, context])
      .catch((caught: unknown) => caught)) as ChatRequestError;
    expect(error.status).toBe(401);
    // The two slow siblings were aborted, not answered.
    expect(policy.usage).toMatchObject({ failures: 1, completions: 0 });

    const controller = new AbortController();
    const pending = policy.act([context], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(pending).rejects.toThrow('stop');
  });

  it('validates its options and names the field', () => {
    expect(() => new ChatPolicy({ baseUrl: 'not a url', model: 'm', env: 'alfworld' })).toThrow(
      /options\.baseUrl/,
    );
    expect(
      () =>
        new ChatPolicy({
          baseUrl: 'http://127.0.0.1:1/v1',
          model: 'm',
          env: 'alfworld',
          concurrency: 0,
        }),
    ).toThrow(/options\.concurrency/);
    expect(
      () =>
        new ChatPolicy({
          baseUrl: 'http://127.0.0.1:1/v1',
          model: 'm',
          env: 'alfworld',
          retries: { jitter: 2 },
        }),
    ).toThrow(/options\.retries\.jitter/);
  });
});
