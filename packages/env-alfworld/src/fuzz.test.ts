import { createRng, type Rng } from '@spa/core';
import { describe, expect, it } from 'vitest';
import { AlfworldGame, getAlfworldDomain, type TextVersion } from './engine/index';
import { createAlfworldEnv } from './env';
import { alfworldTaskId, loadBundledGames } from './games';

const NOTHING = 'Nothing happens.';
const UNICODE = [
  'é',
  'ß',
  '你好',
  '🙂',
  '\u0000',
  '\u200b',
  '\t',
  '\n',
  '\r\n',
  'İ',
  'ﬁ',
  '\uFFFD',
  '\u{1F600}',
];

/** Near-misses of a real command: case, spacing, punctuation, numbers, grammar variants. */
function nearMiss(rng: Rng, command: string): string {
  const words = command.split(' ');
  switch (rng.nextInt(0, 13)) {
    case 0:
      return command.toUpperCase();
    case 1:
      return command.replace(' ', '  ');
    case 2:
      return `${command}.`;
    case 3:
      return command.replace(/\d+/, (digits) => String(Number(digits) + 40));
    case 4:
      return command.replace('in/on', rng.choice(['in', 'on', 'into', 'to']));
    case 5:
      return command
        .replace(/^move (.+) to /, 'put $1 in/on ')
        .replace(/^put (.+) in\/on /, 'move $1 to ');
    case 6:
      return words.slice(0, Math.max(1, words.length - 1)).join(' ');
    case 7:
      return words.join('');
    case 8:
      return command.replace(/ \d+/g, '');
    case 9:
      return `${command} ${command}`;
    case 10:
      return command.replace(/^go to/, 'goto').replace(/^take/, 'grab');
    case 11:
      return `${rng.choice(['think:', 'Action:', '>', '"'])} ${command}`;
    case 12:
      return command.slice(0, rng.nextInt(0, command.length));
    default:
      return command.replace(/[a-z]/, (letter) => String.fromCharCode(letter.charCodeAt(0) + 1));
  }
}

function randomString(rng: Rng): string {
  const length = rng.nextInt(0, 30);
  let text = '';
  for (let i = 0; i < length; i++) {
    text += rng.nextBoolean(0.2) ? rng.choice(UNICODE) : String.fromCharCode(rng.nextInt(32, 126));
  }
  return text;
}

function fuzzInput(rng: Rng, admissible: readonly string[]): string {
  const kind = rng.nextInt(0, 9);
  if (kind <= 4 && admissible.length > 0) return nearMiss(rng, rng.choice(admissible));
  if (kind === 5) return '';
  if (kind === 6) return ' '.repeat(rng.nextInt(1, 5));
  if (kind === 7 && rng.nextBoolean(0.05)) return 'go to cabinet 1 '.repeat(20_000); // ~300 KB
  return randomString(rng);
}

describe('fuzz: malformed and near-miss commands', () => {
  for (const textVersion of ['legacy', 'current'] as TextVersion[]) {
    it(`never throws and never changes the state on an invalid command (${textVersion}, ≥ 50k inputs)`, () => {
      const domain = getAlfworldDomain(textVersion);
      const games = [...loadBundledGames('valid_unseen'), ...loadBundledGames('valid_seen')].filter(
        (_, index) => index % 3 === 0,
      );
      const rng = createRng(`fuzz-${textVersion}`);
      let inputs = 0;
      let invalid = 0;
      let validByAccident = 0;
      for (const record of games) {
        const game = new AlfworldGame({ domain, problem: record.pddlProblem, task: record.task });
        let state = game.reset();
        for (let step = 0; step < 650; step++) {
          // Move around with valid commands now and then so that many states get fuzzed.
          if (step % 10 === 9 && state.admissibleCommands.length > 0) {
            state = game.step(rng.choice(state.admissibleCommands));
            continue;
          }
          const input = fuzzInput(rng, state.admissibleCommands);
          const before = game.stateKey();
          const beforeAdmissible = state.admissibleCommands;
          const beforeWon = game.won;
          const result = game.step(input);
          inputs += 1;
          if (state.admissibleCommands.includes(input.trim())) {
            validByAccident += 1;
            expect(result.valid).toBe(true);
            state = result;
            continue;
          }
          invalid += 1;
          if (result.valid || result.observation !== NOTHING) {
            throw new Error(
              `${record.path}: ${JSON.stringify(input.slice(0, 80))} was accepted: ${result.observation.slice(0, 80)}`,
            );
          }
          if (
            game.stateKey() !== before ||
            game.won !== beforeWon ||
            result.admissibleCommands.join('\n') !== beforeAdmissible.join('\n')
          ) {
            throw new Error(
              `${record.path}: the state changed after the invalid command ${JSON.stringify(input.slice(0, 80))}`,
            );
          }
          state = result;
        }
      }
      expect(inputs).toBeGreaterThanOrEqual(50_000);
      expect(invalid).toBeGreaterThan(inputs * 0.8);
      expect(validByAccident).toBeLessThan(inputs * 0.2);
    }, 60_000);
  }

  it('the TextEnv answers every string (and only throws for non-strings), grounded false on invalid ones', async () => {
    const games = loadBundledGames('valid_unseen').slice(0, 20);
    const env = createAlfworldEnv({
      games,
      maxEpisodeSteps: 0,
      textVersion: 'legacy',
      spaObservations: true,
    });
    const rng = createRng('fuzz-env');
    let inputs = 0;
    for (const game of games) {
      let { info } = await env.reset({ taskId: alfworldTaskId(game) });
      for (let step = 0; step < 100; step++) {
        const input = fuzzInput(rng, info.admissibleActions);
        const valid = info.admissibleActions.includes(input.trim());
        const result = await env.step(input);
        inputs += 1;
        expect(result.info.grounded).toBe(valid);
        if (!valid) expect(result.observation).toBe(NOTHING);
        if (result.terminated) break;
        info = result.info;
      }
    }
    expect(inputs).toBeGreaterThan(1500);
    await env.close();
  });
});
