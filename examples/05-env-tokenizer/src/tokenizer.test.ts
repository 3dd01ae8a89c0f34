import { trainTokenizer } from '@spa/lm';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectEnvText, type EnvText } from './corpus';

let corpus: EnvText[];

beforeAll(async () => {
  corpus = await collectEnvText(12);
}, 120_000);

describe('a tokenizer learned from all three environments', () => {
  it('is lossless on every string, compresses every environment, and is deterministic', () => {
    const all = corpus.flatMap((c) => c.texts);
    const tokenizer = trainTokenizer(all, { vocabSize: 1024 });
    expect(trainTokenizer(all, { vocabSize: 1024 }).fingerprint()).toBe(tokenizer.fingerprint());
    for (const { env, texts } of corpus) {
      expect(texts.length, env).toBeGreaterThan(50);
      let characters = 0;
      let tokens = 0;
      for (const text of texts) {
        const ids = tokenizer.encode(text);
        expect(tokenizer.decode(ids)).toBe(text);
        characters += text.length;
        tokens += ids.length;
      }
      expect(characters / tokens, env).toBeGreaterThan(2.2);
    }
    // Unseen text (another language, emoji) still encodes and decodes exactly, via byte tokens.
    const unseen = 'Ставь кружку в шкаф 🫖 — 42 €';
    expect(tokenizer.decode(tokenizer.encode(unseen))).toBe(unseen);
  });
});
