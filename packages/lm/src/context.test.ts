import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { testTokenizer } from './__fixtures__/fixtures';
import { ContextBuilder } from './context';

const tokenizer = testTokenizer();
const id = (name: string) => tokenizer.specialId(name);

describe('ContextBuilder', () => {
  it('lays out goal, history and observation with role tokens', () => {
    const builder = new ContextBuilder(tokenizer, { maxTokens: 256, maxActionTokens: 16 });
    const prompt = builder.prompt({
      goal: 'put some mug in shelf.',
      history: [{ observation: 'You are in a room.', action: 'go to shelf 1' }],
      observation: 'You arrive at shelf 1.',
    });
    expect(prompt.slice(0, 2)).toEqual([id('<bos>'), id('<goal>')]);
    expect(prompt.at(-1)).toBe(id('<act>'));
    expect(prompt.filter((t) => t === id('<obs>'))).toHaveLength(2);
    expect(prompt.filter((t) => t === id('<eoa>'))).toHaveLength(1);
    expect(tokenizer.decode(prompt)).toBe(
      'put some mug in shelf.You are in a room.go to shelf 1You arrive at shelf 1.',
    );
    const withAction = builder.withAction(
      { goal: 'put some mug in shelf.', history: [], observation: 'x' },
      'take mug 1 from shelf 1',
    );
    expect(withAction.ids[withAction.actionEnd]).toBe(builder.endOfAction);
    expect(withAction.actionMask.reduce((a, b) => a + b, 0)).toBe(
      withAction.actionEnd - withAction.actionStart + 1,
    );
    expect(withAction.actionMask[withAction.actionStart - 1]).toBe(0);
    expect(
      tokenizer.decode(withAction.ids.slice(withAction.actionStart, withAction.actionEnd)),
    ).toBe('take mug 1 from shelf 1');
  });

  it('never cuts the goal; drops the oldest history first; cuts observations at their end', () => {
    const goal = 'heat some apple and put it in countertop.';
    const history = Array.from({ length: 30 }, (_, i) => ({
      observation: `You arrive at cabinet ${i}. On the cabinet ${i}, you see nothing.`,
      action: `go to cabinet ${i}`,
    }));
    const builder = new ContextBuilder(tokenizer, {
      maxTokens: 120,
      maxActionTokens: 16,
      maxObservationTokens: 40,
    });
    const prompt = builder.prompt({ goal, history, observation: 'You arrive at drawer 2.' });
    expect(prompt.length).toBeLessThanOrEqual(120 - 16);
    const text = tokenizer.decode(prompt);
    expect(text.startsWith(goal)).toBe(true);
    expect(text).toContain('go to cabinet 29');
    expect(text).not.toContain('go to cabinet 0');
    expect(text.endsWith('You arrive at drawer 2.')).toBe(true);
    const windowed = new ContextBuilder(tokenizer, {
      maxTokens: 400,
      maxActionTokens: 16,
      historyWindow: 2,
    });
    const few = tokenizer.decode(windowed.prompt({ goal, history, observation: 'o' }));
    expect(few).toContain('go to cabinet 29');
    expect(few).toContain('go to cabinet 28');
    expect(few).not.toContain('go to cabinet 27');
    const longObservation = 'You see a mug 1, a plate 2, a book 3. '.repeat(40);
    const cut = builder.prompt({ goal, history: [], observation: longObservation });
    expect(cut.length).toBeLessThanOrEqual(104);
    expect(longObservation.startsWith(tokenizer.decode(cut).slice(goal.length))).toBe(true);
    expect(() => builder.prompt({ goal: goal.repeat(20), history: [], observation: 'o' })).toThrow(
      /context.goal.*never cut/,
    );
  });

  test.prop(
    [
      fc.array(
        fc.record({
          observation: fc.constantFrom(
            'You arrive at shelf 1.',
            'Nothing happens.',
            'On the desk 2, you see a pen 1.',
            '',
          ),
          action: fc.constantFrom(
            'look',
            'go to desk 2',
            'take pen 1 from desk 2',
            'put pen 1 in/on shelf 1',
          ),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      fc.integer({ min: 60, max: 400 }),
    ],
    { seed: 17, numRuns: 60 },
  )(
    'an episode sequence, when defined, holds every step context as a prefix',
    (steps, maxTokens) => {
      const builder = new ContextBuilder(tokenizer, { maxTokens, maxActionTokens: 16 });
      const goal = 'put some pen in shelf.';
      const episode = builder.episode(goal, steps);
      steps.forEach((step, t) => {
        const encoded = builder.withAction(
          { goal, history: steps.slice(0, t), observation: step.observation },
          step.action,
        );
        if (episode !== undefined) {
          expect(episode.ids.slice(0, (episode.actionEnds[t] as number) + 1)).toEqual(encoded.ids);
          expect(episode.actionStarts[t]).toBe(encoded.actionStart);
          expect(Array.from(episode.actionMask.subarray(0, encoded.ids.length))).toEqual(
            Array.from(encoded.actionMask).map((v, i) =>
              i < encoded.actionStart ? episode.actionMask[i] : v,
            ),
          );
          expect(episode.actionEndMask[encoded.actionEnd]).toBe(1);
        }
        expect(encoded.ids.length).toBeLessThanOrEqual(maxTokens);
      });
      if (maxTokens >= 400 && steps.length <= 8) expect(episode).toBeDefined();
    },
  );

  it('validates its options', () => {
    expect(() => new ContextBuilder(tokenizer, { maxTokens: 20, maxActionTokens: 16 })).toThrow(
      /maxActionTokens.*no room/,
    );
    expect(() => new ContextBuilder(tokenizer, { maxTokens: 1.5 })).toThrow(/options.maxTokens/);
    const builder = new ContextBuilder(tokenizer, { maxTokens: 64 });
    expect(() => builder.episode('g', [])).toThrow(/at least one step/);
  });
});
