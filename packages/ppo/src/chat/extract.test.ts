import { describe, expect, it } from 'vitest';
import { extractAction } from './extract';

describe('extractAction', () => {
  it('reads the reference format', () => {
    expect(extractAction('Thought: I need the key.\nAction: take red key')).toEqual({
      action: 'take red key',
      thought: 'I need the key.',
      format: 'action',
    });
    expect(extractAction('Action: click[Buy Now]')).toEqual({
      action: 'click[Buy Now]',
      format: 'action',
    });
  });

  it('takes the rest of the first Action line, ignoring a hallucinated continuation', () => {
    const reply =
      'Thought: go.\nAction: go to desk 1\nObservation: On the desk 1, you see a pen.\nAction: take pen 1 from desk 1';
    expect(extractAction(reply).action).toBe('go to desk 1');
    expect(extractAction(reply, { pick: 'last' }).action).toBe('take pen 1 from desk 1');
  });

  it('keeps the action text as written (a trailing period stays; ALFWorld matches exactly)', () => {
    expect(extractAction('Action: put mug 1 in/on desk 1.').action).toBe('put mug 1 in/on desk 1.');
    expect(extractAction('Action:search[red shoes]').action).toBe('search[red shoes]');
  });

  it('strips wrapping markdown, quotes and think blocks', () => {
    expect(extractAction('**Thought:** hmm\n**Action:** `open drawer 1`')).toMatchObject({
      action: 'open drawer 1',
      thought: 'hmm',
      format: 'action', // the reference's regex finds `Action:` inside `**Action:**` too
    });
    expect(extractAction('Thought: x\n### ACTION: go to bed 1')).toMatchObject({
      action: 'go to bed 1',
      format: 'loose-action',
    });
    expect(extractAction('Thought: x\nAction: "walk to kitchen"').action).toBe('walk to kitchen');
    expect(extractAction('<think>Action: wrong</think>\nThought: ok\nAction: look')).toMatchObject({
      action: 'look',
      thought: 'ok',
    });
  });

  it('takes the next line when Action: ends its line', () => {
    expect(extractAction('Thought: t\nAction:\n  go to fridge 1\n')).toMatchObject({
      action: 'go to fridge 1',
      format: 'action',
    });
  });

  it('accepts other cases as loose markers', () => {
    expect(extractAction('THOUGHT: x\nACTION: inventory')).toMatchObject({
      action: 'inventory',
      thought: 'x',
      format: 'loose-action',
    });
    expect(extractAction('thought: x\naction : look')).toMatchObject({ action: 'look' });
  });

  it('falls back to the last bare line, unless strict', () => {
    expect(extractAction('Thought: the fridge.\ngo to fridge 1')).toEqual({
      action: 'go to fridge 1',
      thought: 'the fridge.',
      format: 'bare-line',
    });
    expect(extractAction('Thought: the fridge.\ngo to fridge 1', { strict: true })).toEqual({
      action: '',
      format: 'none',
    });
    expect(extractAction('take red key', { strict: true }).format).toBe('none');
  });

  it('returns no action for empty or thought-only replies', () => {
    expect(extractAction('')).toEqual({ action: '', format: 'none' });
    expect(extractAction('Thought: I am not sure.')).toEqual({ action: '', format: 'none' });
  });
});
