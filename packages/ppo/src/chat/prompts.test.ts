import type { PolicyContext } from '@spa/core';
import { describe, expect, it } from 'vitest';
import { REACT_PROMPTS, type ReactPrompt, reactMessages } from './prompts';

const roles = (messages: readonly { role: string }[]): string[] =>
  messages.map((message) => message.role);

describe('reference ReAct prompts', () => {
  it('lays out instruction, OK, one in-context episode, then the task (paper.md §2.2)', () => {
    // ICL example lengths: 10 messages for ALFWorld and VirtualHome, 8 for WebShop.
    const lengths = { alfworld: 10, webshop: 8, virtualhome: 10 } as const;
    for (const name of ['alfworld', 'webshop', 'virtualhome'] as const) {
      const prompt = REACT_PROMPTS[name];
      expect(prompt.example).toHaveLength(lengths[name]);
      const messages = reactMessages({
        prompt,
        context: { goal: 'g', history: [], observation: 'first observation' },
      });
      expect(messages).toHaveLength(2 + lengths[name] + 1);
      expect(messages[0]?.content).toBe(prompt.instruction);
      expect(messages[1]).toEqual({ role: 'assistant', content: 'OK' });
      expect(roles(messages)).toEqual(
        Array.from({ length: messages.length }, (_, i) => (i % 2 === 0 ? 'user' : 'assistant')),
      );
      expect(prompt.instruction).toContain('Thought: ');
      expect(prompt.instruction).toContain('Action: ');
      for (const turn of prompt.example.filter((message) => message.role === 'assistant')) {
        expect(turn.content).toMatch(/^Thought: .+\nAction: .+$/);
      }
    }
  });

  it('formats observation turns as each reference env does', () => {
    const context: PolicyContext = {
      goal: 'put a mug in desk.',
      history: [{ observation: 'You are in the middle of a room.', action: 'go to desk 1' }],
      observation: 'On the desk 1, you see a mug 1.',
    };
    const alfworld = reactMessages({ prompt: REACT_PROMPTS.alfworld, context });
    expect(alfworld.slice(-3)).toEqual([
      {
        role: 'user',
        content: 'You are in the middle of a room.\n\nYour task is to: put a mug in desk.',
      },
      { role: 'assistant', content: 'Action: go to desk 1' },
      { role: 'user', content: 'Observation: On the desk 1, you see a mug 1.' },
    ]);
    const webshop = reactMessages({ prompt: REACT_PROMPTS.webshop, context });
    expect(webshop.at(-1)?.content).toBe('Observation:\nOn the desk 1, you see a mug 1.');
    expect(webshop.at(-3)?.content).toBe('You are in the middle of a room.');
  });

  it('uses remembered replies for earlier assistant turns, and a system instruction on request', () => {
    const context: PolicyContext = {
      goal: 'Drink (Drink water)',
      history: [{ observation: 'The task is Drink(Drink water).', action: 'walk to kitchen' }],
      observation: '',
    };
    const messages = reactMessages({
      prompt: REACT_PROMPTS.virtualhome,
      context,
      replies: ['Thought: water is in the kitchen.\nAction: walk to kitchen'],
      instructionRole: 'system',
    });
    expect(messages[0]?.role).toBe('system');
    expect(messages[1]?.role).toBe('user');
    expect(messages.slice(-3).map((message) => message.content)).toEqual([
      'The task is Drink(Drink water).',
      'Thought: water is in the kitchen.\nAction: walk to kitchen',
      'Observation: ',
    ]);
  });

  it('rejects an example that does not alternate user/assistant', () => {
    const bad: ReactPrompt = {
      ...REACT_PROMPTS.alfworld,
      name: 'bad',
      example: [
        { role: 'assistant', content: 'x' },
        { role: 'user', content: 'y' },
      ],
    };
    expect(() =>
      reactMessages({ prompt: bad, context: { goal: '', history: [], observation: '' } }),
    ).toThrow(/prompt\(bad\)\.example\[0\]\.role/);
  });
});
