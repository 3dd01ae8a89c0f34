import { generateScriptedTasks } from '@spa/core/testing';
import { selectBackend } from '../backend';
import type { Tokenizer } from '../tokenizer/index';
import { trainTokenizer } from '../tokenizer/index';

/** Env-like text from the scripted household tasks of `@spa/core/testing`. */
export function scriptedCorpus(): string[] {
  const lines: string[] = [];
  for (const task of generateScriptedTasks({ train: 24, test: 0 })) {
    lines.push(task.goal, task.intro);
    for (const step of [...task.keySteps, ...task.distractors])
      lines.push(step.action, step.observation);
  }
  return lines;
}

let cached: Tokenizer | undefined;

/** A small tokenizer (≈ 400 tokens) learned from {@link scriptedCorpus}. */
export function testTokenizer(): Tokenizer {
  cached ??= trainTokenizer(scriptedCorpus(), { vocabSize: 400 });
  return cached;
}

/** Selects the wasm backend (call in `beforeAll`). */
export async function useWasm(): Promise<void> {
  await selectBackend('wasm');
}
