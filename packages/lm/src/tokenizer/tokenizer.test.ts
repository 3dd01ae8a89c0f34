import { createRng } from '@spa/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a64Hex } from './hash';
import {
  DEFAULT_SPECIAL_TOKENS,
  MAX_VOCAB_SIZE,
  PRETOKENIZER_PATTERN,
  pretokenize,
  Tokenizer,
  TokenizerFormatError,
  type TokenizerJson,
  trainTokenizer,
} from './index';
import { utf8ByteIds } from './validate';

const S = DEFAULT_SPECIAL_TOKENS.length;
const FIRST_MERGE_ID = S + 256;

/** A seeded uniform stream (core's RNG) so the generated corpora are fixed. */
function createRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.nextFloat();
}

const RECEPTACLES = ['cabinet', 'countertop', 'drawer', 'fridge', 'shelf', 'sinkbasin', 'desk'];
const OBJECTS = ['mug', 'apple', 'bread', 'knife', 'plate', 'tomato', 'cellphone', 'book', 'pen'];
const PRODUCTS = ['red shoes', 'wireless headphones', 'leather jacket', 'yoga mat', 'desk lamp'];
const VH_ACTIONS = ['walk', 'grab', 'open', 'close', 'switchon', 'find', 'sit'];
const VH_OBJECTS = ['kitchen', 'bathroom', 'bedroom', 'fridge', 'microwave', 'tv', 'sofa', 'cup'];

/** Env-like lines in the style of ALFWorld, WebShop and VirtualHome. */
function envLines(seed: number, count: number): string[] {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (max: number): number => Math.floor(random() * max);
  const asin = (): string =>
    `b0${Array.from({ length: 8 }, () => pick([...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('')}`;
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const place = `${pick(RECEPTACLES)} ${1 + int(15)}`;
    const thing = `${pick(OBJECTS)} ${1 + int(9)}`;
    switch (int(8)) {
      case 0:
        lines.push(
          `You arrive at ${place}. On the ${place}, you see a ${thing}, and a ${pick(OBJECTS)} ${1 + int(9)}.`,
        );
        break;
      case 1:
        lines.push(
          pick([
            `go to ${place}`,
            `take ${thing} from ${place}`,
            `put ${thing} in/on ${place}`,
            `open ${place}`,
          ]),
        );
        break;
      case 2:
        lines.push(`Your task is to: put a ${pick(OBJECTS)} in ${pick(RECEPTACLES)}.`);
        break;
      case 3:
        lines.push(
          pick([
            `search[${pick(PRODUCTS)} under ${10 + int(90)} dollars]`,
            `click[${asin()}]`,
            'click[buy now]',
            'click[next >]',
          ]),
        );
        break;
      case 4:
        lines.push(
          `[Back to Search] Page 1 (Total results: ${int(500)}) [Next >] [${asin().toUpperCase()}] ${pick(PRODUCTS)} $${int(200)}.${int(100)}`,
        );
        break;
      case 5:
        lines.push(`[${pick(VH_ACTIONS)}] <${pick(VH_OBJECTS)}> (${int(400)})`);
        break;
      case 6:
        lines.push(
          `You are in the ${pick(VH_OBJECTS)}. You see <${pick(VH_OBJECTS)}> (${int(400)}).`,
        );
        break;
      default:
        lines.push(
          pick(['Nothing happens.', `You pick up the ${thing} from the ${place}.`, 'look']),
        );
    }
  }
  return lines;
}

/** Straightforward BPE trainer (full recount per merge), the specification `trainTokenizer` must match. */
function referenceMerges(
  corpus: readonly string[],
  vocabSize: number,
  specialCount: number,
  minPairFrequency: number,
): [number, number][] {
  const counts = new Map<string, number>();
  for (const text of corpus) {
    for (const chunk of pretokenize(text)) counts.set(chunk, (counts.get(chunk) ?? 0) + 1);
  }
  const words = [...counts].map(([chunk, count]) => ({
    tokens: Array.from(new TextEncoder().encode(chunk), (byte) => specialCount + byte),
    count,
  }));
  const merges: [number, number][] = [];
  while (specialCount + 256 + merges.length < vocabSize) {
    const pairCounts = new Map<string, { left: number; right: number; count: number }>();
    for (const { tokens, count } of words) {
      for (let index = 0; index + 1 < tokens.length; index++) {
        const left = tokens[index]!;
        const right = tokens[index + 1]!;
        const entry = pairCounts.get(`${left},${right}`) ?? { left, right, count: 0 };
        entry.count += count;
        pairCounts.set(`${left},${right}`, entry);
      }
    }
    let best: { left: number; right: number; count: number } | undefined;
    for (const entry of pairCounts.values()) {
      if (
        best === undefined ||
        entry.count > best.count ||
        (entry.count === best.count &&
          (entry.left < best.left || (entry.left === best.left && entry.right < best.right)))
      ) {
        best = entry;
      }
    }
    if (best === undefined || best.count < minPairFrequency) break;
    const merged = specialCount + 256 + merges.length;
    merges.push([best.left, best.right]);
    for (const word of words) word.tokens = applyMerge(word.tokens, best.left, best.right, merged);
  }
  return merges;
}

function applyMerge(tokens: readonly number[], left: number, right: number, merged: number) {
  const out: number[] = [];
  for (let index = 0; index < tokens.length; ) {
    if (tokens[index] === left && tokens[index + 1] === right) {
      out.push(merged);
      index += 2;
    } else {
      out.push(tokens[index++]!);
    }
  }
  return out;
}

/** Reference encoder: every merge in rank order, applied to every chunk. */
function referenceEncode(tokenizer: Tokenizer, text: string): number[] {
  const { specialTokens, merges } = tokenizer.toJSON();
  const ids: number[] = [];
  for (const chunk of pretokenize(text)) {
    let tokens = Array.from(new TextEncoder().encode(chunk), (byte) => specialTokens.length + byte);
    merges.forEach(([left, right], rank) => {
      tokens = applyMerge(tokens, left, right, specialTokens.length + 256 + rank);
    });
    ids.push(...tokens);
  }
  return ids;
}

/** Well-formed rendering of any string, as UTF-8 round-tripping defines it. */
function wellFormed(text: string): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(text));
}

const TRAIN_LINES = envLines(1, 6000);
const ENV_VOCAB_SIZE = 900;
const envTokenizer = trainTokenizer(TRAIN_LINES, { vocabSize: ENV_VOCAB_SIZE });

const ENV_FRAGMENTS = [
  'You arrive at ',
  'cabinet 12',
  ', you see a ',
  'mug 3',
  'search[red shoes under 40 dollars]',
  'click[b09kp3wxyz]',
  '[walk] <kitchen> (11)',
  '<obs>',
  '<act>',
  ' ',
  '\n',
  '  ',
  '$19.99',
  'é',
  '日本',
  '🙂',
];

describe('pretokenize', () => {
  it('cuts words with their leading space, single digits and punctuation runs', () => {
    expect(pretokenize('You arrive at cabinet 12. On it, you see a mug 1.')).toEqual([
      'You',
      ' arrive',
      ' at',
      ' cabinet',
      ' 1',
      '2',
      '.',
      ' On',
      ' it',
      ',',
      ' you',
      ' see',
      ' a',
      ' mug',
      ' 1',
      '.',
    ]);
    expect(pretokenize('search[red shoes under 40 dollars]')).toEqual([
      'search',
      '[',
      'red',
      ' shoes',
      ' under',
      ' 4',
      '0',
      ' dollars',
      ']',
    ]);
    expect(pretokenize('[walk] <kitchen> (11)')).toEqual([
      '[',
      'walk',
      ']',
      ' <',
      'kitchen',
      '>',
      ' (',
      '1',
      '1',
      ')',
    ]);
  });

  it('keeps the last space of a whitespace run for the following word', () => {
    expect(pretokenize('a   b\n\nc  ')).toEqual(['a', '  ', ' b', '\n', '\n', 'c', '  ']);
    expect(pretokenize('')).toEqual([]);
  });

  it('documents the exact spa-v1 pattern', () => {
    expect(PRETOKENIZER_PATTERN).toBe(' ?\\p{L}+| ?\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+');
  });

  it('returns chunks that concatenate to the input, for any string (lone surrogates too)', () => {
    const anyUnit = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.string({
        unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
        maxLength: 60,
      }),
    );
    fc.assert(
      fc.property(anyUnit, (text) => {
        const chunks = pretokenize(text);
        expect(chunks.join('')).toBe(text);
        expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('utf8ByteIds', () => {
  it('matches TextEncoder for any string, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 30 }),
          fc.string({
            unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
            maxLength: 30,
          }),
        ),
        fc.integer({ min: 0, max: 10 }),
        (text, offset) => {
          expect(utf8ByteIds(text, offset, encoder)).toEqual(
            Array.from(encoder.encode(text), (byte) => offset + byte),
          );
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('vocabulary layout', () => {
  it('puts specials first, then the 256 byte tokens, then merges in order', () => {
    const tokenizer = trainTokenizer([], { vocabSize: FIRST_MERGE_ID });
    expect(tokenizer.vocabSize).toBe(263);
    expect(tokenizer.specialTokens).toEqual([...DEFAULT_SPECIAL_TOKENS]);
    expect(tokenizer.encode('A\u0000\u00ff')).toEqual([S + 65, S + 0, S + 0xc3, S + 0xbf]);
    expect(Array.from(tokenizer.tokenBytes(S + 65))).toEqual([65]);
    expect(tokenizer.isSpecial(S - 1)).toBe(true);
    expect(tokenizer.isSpecial(S)).toBe(false);
    expect(tokenizer.isSpecial(-1)).toBe(false);
    expect(tokenizer.isSpecial(0.5)).toBe(false);

    const trained = trainTokenizer(['ab ab ab'], { vocabSize: 300 });
    expect(trained.toJSON().merges[0]).toEqual([S + 97, S + 98]);
    expect(new TextDecoder().decode(trained.tokenBytes(FIRST_MERGE_ID))).toBe('ab');
  });

  it('shifts byte ids with a custom special-token list', () => {
    const tokenizer = trainTokenizer(['hello hello'], {
      vocabSize: 2 + 256 + 4,
      specialTokens: ['<s>', '</s>'],
    });
    expect(tokenizer.specialTokens).toEqual(['<s>', '</s>']);
    expect(tokenizer.specialId('</s>')).toBe(1);
    expect(tokenizer.encode('!')).toEqual([2 + 33]);
    expect(tokenizer.vocabSize).toBe(262);

    const bare = trainTokenizer(['x'], { vocabSize: 256, specialTokens: [] });
    expect(bare.encode('x')).toEqual([120]);
    expect(() => bare.specialId('<pad>')).toThrow('this tokenizer has no special tokens');
  });
});

describe('round trip', () => {
  it('decode(encode(s)) === s for arbitrary full-Unicode strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 80 }),
          fc.string({ unit: 'binary', maxLength: 80 }),
        ),
        (text) => {
          expect(envTokenizer.decode(envTokenizer.encode(text))).toBe(text);
        },
      ),
      { seed: 11, numRuns: 400 },
    );
  });

  it('decode(encode(s)) === s for env-like strings', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ENV_FRAGMENTS), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const ids = envTokenizer.encode(text);
        expect(envTokenizer.decode(ids)).toBe(text);
        expect(envTokenizer.decode(Int32Array.from(ids))).toBe(text);
      }),
      { seed: 12, numRuns: 300 },
    );
    for (const line of envLines(2, 300))
      expect(envTokenizer.decode(envTokenizer.encode(line))).toBe(line);
  });

  it('keeps a leading byte-order mark and turns lone surrogates into U+FFFD', () => {
    expect(envTokenizer.decode(envTokenizer.encode('\uFEFFYou see'))).toBe('\uFEFFYou see');
    expect(envTokenizer.decode(envTokenizer.encode('a\uD800b\uDC00'))).toBe('a\uFFFDb\uFFFD');
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
          maxLength: 40,
        }),
        (text) => {
          expect(envTokenizer.decode(envTokenizer.encode(text))).toBe(wellFormed(text));
        },
      ),
      { seed: 13, numRuns: 200 },
    );
  });

  it('returns a fresh array each time (the chunk cache cannot be corrupted)', () => {
    const first = envTokenizer.encode('go to cabinet 3');
    const copy = [...first];
    first.fill(0);
    expect(envTokenizer.encode('go to cabinet 3')).toEqual(copy);
  });
});

describe('trainTokenizer', () => {
  it('matches a naive full-recount BPE trainer on random small corpora', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', 'c', ' ', '1', 'é', '.'),
      maxLength: 24,
    });
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 12 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
        (corpus, extra, minPairFrequency) => {
          const vocabSize = FIRST_MERGE_ID + extra;
          const tokenizer = trainTokenizer(corpus, { vocabSize, minPairFrequency });
          expect(tokenizer.toJSON().merges).toEqual(
            referenceMerges(corpus, vocabSize, S, minPairFrequency),
          );
        },
      ),
      { seed: 21, numRuns: 200 },
    );
  });

  it('matches the naive trainer on an env-like corpus', () => {
    const corpus = envLines(3, 300);
    const tokenizer = trainTokenizer(corpus, { vocabSize: FIRST_MERGE_ID + 150 });
    expect(tokenizer.toJSON().merges).toEqual(referenceMerges(corpus, FIRST_MERGE_ID + 150, S, 2));
  });

  it('breaks ties by count, then smallest left id, then smallest right id', () => {
    const a = S + 97;
    const b = S + 98;
    const c = S + 99;
    const d = S + 100;
    const options = { vocabSize: FIRST_MERGE_ID + 2, minPairFrequency: 1 };
    expect(trainTokenizer(['cd', 'ab'], options).toJSON().merges).toEqual([
      [a, b],
      [c, d],
    ]);
    expect(trainTokenizer(['ac', 'ab'], options).toJSON().merges).toEqual([
      [a, b],
      [a, c],
    ]);
    expect(trainTokenizer(['cd', 'cd', 'ab'], options).toJSON().merges).toEqual([
      [c, d],
      [a, b],
    ]);
  });

  it('merges overlapping pairs left to right', () => {
    const tokenizer = trainTokenizer(['aaa'], {
      vocabSize: FIRST_MERGE_ID + 5,
      minPairFrequency: 1,
    });
    const aa = FIRST_MERGE_ID;
    expect(tokenizer.toJSON().merges).toEqual([
      [S + 97, S + 97],
      [aa, S + 97],
    ]);
    // 'aaaaa' → (a,a) twice, left to right: aa aa a → (aa,a): aa aaa.
    expect(tokenizer.encode('aaaaa')).toEqual([aa, aa + 1]);
  });

  it('stops at vocabSize or when no pair reaches minPairFrequency', () => {
    expect(trainTokenizer(['ab'], { vocabSize: 400 }).vocabSize).toBe(FIRST_MERGE_ID);
    expect(trainTokenizer(['ab'], { vocabSize: 400, minPairFrequency: 1 }).vocabSize).toBe(
      FIRST_MERGE_ID + 1,
    );
    expect(trainTokenizer(TRAIN_LINES.slice(0, 500), { vocabSize: 300 }).vocabSize).toBe(300);
    expect(envTokenizer.vocabSize).toBe(ENV_VOCAB_SIZE);
  });

  it('is deterministic and independent of the corpus order and iterable kind', () => {
    const corpus = envLines(4, 1500);
    const first = trainTokenizer(corpus, { vocabSize: 600 });
    const second = trainTokenizer(corpus, { vocabSize: 600 });
    expect(second.toJSON()).toEqual(first.toJSON());
    expect(second.fingerprint()).toBe(first.fingerprint());

    const random = createRandom(99);
    const shuffled = [...corpus];
    for (let index = shuffled.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
    }
    function* generate(): Generator<string> {
      yield* shuffled;
    }
    const fromGenerator = trainTokenizer(generate(), { vocabSize: 600 });
    expect(fromGenerator.toJSON()).toEqual(first.toJSON());
    expect(fromGenerator.fingerprint()).toBe(first.fingerprint());
  });

  it('learns useful merges: "cabinet" is 1–2 tokens, env text compresses > 2.5 chars/token', () => {
    const repeated = trainTokenizer(Array(50).fill('go to cabinet 3. On the cabinet 3, you see'), {
      vocabSize: 320,
    });
    expect(repeated.encode(' cabinet').length).toBeLessThanOrEqual(2);
    expect(envTokenizer.encode(' cabinet')).toHaveLength(1);
    expect(envTokenizer.encode(' cabinet 12')).toHaveLength(3);

    const heldOut = envLines(5, 2000);
    const characters = heldOut.reduce((sum, line) => sum + line.length, 0);
    const tokens = heldOut.reduce((sum, line) => sum + envTokenizer.encode(line).length, 0);
    expect(characters / tokens).toBeGreaterThan(2.5);
  });

  it('rejects bad options with errors naming the field and accepted values', () => {
    const cases: [unknown, unknown, ErrorConstructor, RegExp][] = [
      [[], undefined, TypeError, /options must be an object/],
      [
        [],
        { vocabSize: 100 },
        RangeError,
        /options\.vocabSize must be an integer in \[263, 16777216\].*got 100$/,
      ],
      [[], { vocabSize: 300.5 }, RangeError, /options\.vocabSize must be an integer.*got 300\.5/],
      [[], { vocabSize: MAX_VOCAB_SIZE + 1 }, RangeError, /options\.vocabSize.*got 16777217/],
      [[], { vocabSize: '4000' }, TypeError, /options\.vocabSize.*got string "4000"/],
      [[], {}, TypeError, /options\.vocabSize.*got undefined/],
      [
        [],
        { vocabSize: 258, specialTokens: ['<a>', '<b>', '<c>'] },
        RangeError,
        /\[259, 16777216\]/,
      ],
      [
        [],
        { vocabSize: 300, specialTokens: ['<a>', '<a>'] },
        RangeError,
        /options\.specialTokens\[1\]: duplicate special token "<a>" \(first at index 0\)/,
      ],
      [
        [],
        { vocabSize: 300, specialTokens: ['<a>', ''] },
        RangeError,
        /options\.specialTokens\[1\]: must be a non-empty string, got the empty string/,
      ],
      [
        [],
        { vocabSize: 300, specialTokens: '<a>' },
        TypeError,
        /options\.specialTokens: must be an array/,
      ],
      [
        [],
        { vocabSize: 300, specialTokens: [3] },
        TypeError,
        /options\.specialTokens\[0\]: must be a non-empty string, got 3/,
      ],
      [
        [],
        { vocabSize: 300, minPairFrequency: 0 },
        RangeError,
        /options\.minPairFrequency must be an integer ≥ 1 \(default 2\), got 0/,
      ],
      [
        [],
        { vocabSize: 300, minPairFrequency: 1.5 },
        RangeError,
        /options\.minPairFrequency.*got 1\.5/,
      ],
      [[], { vocabSize: 300, minPairFrequency: '2' }, TypeError, /options\.minPairFrequency/],
      [
        'some text',
        { vocabSize: 300 },
        TypeError,
        /corpus must be an iterable of strings, got a single string/,
      ],
      [null, { vocabSize: 300 }, TypeError, /corpus must be an iterable.*got null/],
      [['ok', 5], { vocabSize: 300 }, TypeError, /corpus\[1\] must be a string, got 5/],
    ];
    for (const [corpus, options, ErrorClass, message] of cases) {
      const run = () =>
        trainTokenizer(corpus as Iterable<string>, options as Parameters<typeof trainTokenizer>[1]);
      expect(run).toThrow(ErrorClass);
      expect(run).toThrow(message);
    }
  });
});

describe('encoding', () => {
  it('applies merges by rank exactly like sequential merging, for short and long chunks', () => {
    const tokenizer = trainTokenizer(
      [
        'abababab aaaaaaaa',
        'ab'.repeat(40),
        'a'.repeat(90),
        'abbabbaab aab',
        ...TRAIN_LINES.slice(0, 200),
      ],
      { vocabSize: FIRST_MERGE_ID + 120, minPairFrequency: 1 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'a', ' ', 'c'), minLength: 0, maxLength: 300 }),
        (text) => {
          expect(tokenizer.encode(text)).toEqual(referenceEncode(tokenizer, text));
        },
      ),
      { seed: 31, numRuns: 200 },
    );
    const long = `${'ab'.repeat(500)}${'a'.repeat(777)}`;
    expect(tokenizer.encode(long)).toEqual(referenceEncode(tokenizer, long));
    expect(tokenizer.decode(tokenizer.encode(long))).toBe(long);
    for (const line of envLines(6, 100)) {
      expect(envTokenizer.encode(line)).toEqual(referenceEncode(envTokenizer, line));
    }
  });

  it('never produces special tokens, even for their literal text', () => {
    const text = '<pad><bos><eos><goal><obs><act><eoa> <obs>look';
    const ids = envTokenizer.encode(text);
    expect(ids.every((id) => id >= S && id < envTokenizer.vocabSize)).toBe(true);
    expect(envTokenizer.decode(ids)).toBe(text);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ENV_FRAGMENTS, ...DEFAULT_SPECIAL_TOKENS)),
        (parts) => {
          expect(envTokenizer.encode(parts.join('')).some((id) => envTokenizer.isSpecial(id))).toBe(
            false,
          );
        },
      ),
      { seed: 41, numRuns: 100 },
    );
  });

  it('specialId returns ids 0..S-1 and names the accepted list for an unknown token', () => {
    DEFAULT_SPECIAL_TOKENS.forEach((token, id) => {
      expect(envTokenizer.specialId(token)).toBe(id);
    });
    expect(() => envTokenizer.specialId('<nope>')).toThrow(RangeError);
    expect(() => envTokenizer.specialId('<nope>')).toThrow(
      'Unknown special token "<nope>"; accepted: "<pad>", "<bos>", "<eos>", "<goal>", "<obs>", "<act>", "<eoa>"',
    );
  });

  it('rejects non-string input', () => {
    expect(() => envTokenizer.encode(42 as unknown as string)).toThrow(
      'encode: text must be a string, got 42',
    );
  });
});

describe('decoding', () => {
  it('skips special tokens by default and renders them literally on request', () => {
    const ids = [
      envTokenizer.specialId('<bos>'),
      envTokenizer.specialId('<obs>'),
      ...envTokenizer.encode('You see a mug 1.'),
      envTokenizer.specialId('<eos>'),
    ];
    expect(envTokenizer.decode(ids)).toBe('You see a mug 1.');
    expect(envTokenizer.decode(ids, { skipSpecial: true })).toBe('You see a mug 1.');
    expect(envTokenizer.decode(ids, { skipSpecial: false })).toBe(
      '<bos><obs>You see a mug 1.<eos>',
    );
  });

  it('does not throw on invalid UTF-8 and yields U+FFFD', () => {
    expect(envTokenizer.decode([S + 0xff])).toBe('\uFFFD');
    expect(envTokenizer.decode([S + 0x61, S + 0xe2, S + 0x82, S + 0x62])).toBe('a\uFFFDb');
    expect(envTokenizer.decode([S + 0xe2, S + 0x82, S + 0xac])).toBe('€');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: envTokenizer.vocabSize - 1 }), { maxLength: 50 }),
        (ids) => {
          expect(typeof envTokenizer.decode(ids, { skipSpecial: false })).toBe('string');
        },
      ),
      { seed: 51, numRuns: 200 },
    );
  });

  it('throws a RangeError naming the id and the vocabulary size for an out-of-range id', () => {
    const size = envTokenizer.vocabSize;
    expect(() => envTokenizer.decode([S + 65, size])).toThrow(RangeError);
    expect(() => envTokenizer.decode([S + 65, size])).toThrow(
      `decode: ids[1] = ${size} is not a token id: expected an integer in [0, ${size}) (vocabulary size ${size})`,
    );
    expect(() => envTokenizer.decode([-1])).toThrow('ids[0] = -1 is not a token id');
    expect(() => envTokenizer.decode([1.5])).toThrow('ids[0] = 1.5 is not a token id');
    expect(() => envTokenizer.decode(Int32Array.of(0, 9999))).toThrow('ids[1] = 9999');
    expect(() => envTokenizer.tokenBytes(size)).toThrow(RangeError);
    expect(() => envTokenizer.tokenToString(-3)).toThrow('tokenToString: id = -3');
  });

  it('exposes token bytes as copies and a readable debug string', () => {
    const cabinet = envTokenizer.encode(' cabinet')[0]!;
    expect(envTokenizer.tokenToString(cabinet)).toBe(' cabinet');
    expect(new TextDecoder().decode(envTokenizer.tokenBytes(cabinet))).toBe(' cabinet');
    envTokenizer.tokenBytes(cabinet).fill(0);
    expect(envTokenizer.decode([cabinet])).toBe(' cabinet');
    expect(envTokenizer.tokenToString(envTokenizer.specialId('<obs>'))).toBe('<obs>');
    expect(envTokenizer.tokenToString(S + 10)).toBe('\\n');
    expect(envTokenizer.tokenToString(S + 0x1b)).toBe('\\x1b');
    expect(envTokenizer.tokenToString(S + 0xe2)).toBe('<0xE2>');
    expect(Array.from(envTokenizer.tokenBytes(envTokenizer.specialId('<act>')))).toEqual([
      ...new TextEncoder().encode('<act>'),
    ]);
  });
});

describe('serialisation', () => {
  it('survives JSON.stringify → JSON.parse → fromJSON with identical encodings', () => {
    const json = envTokenizer.toJSON();
    expect(json.format).toBe('spa-bpe');
    expect(json.version).toBe(1);
    expect(json.pretokenizer).toBe('spa-v1');
    expect(json.specialTokens).toEqual([...DEFAULT_SPECIAL_TOKENS]);
    expect(json.merges).toHaveLength(ENV_VOCAB_SIZE - FIRST_MERGE_ID);

    const restored = Tokenizer.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(restored.toJSON()).toEqual(json);
    expect(restored.vocabSize).toBe(envTokenizer.vocabSize);
    expect(restored.fingerprint()).toBe(envTokenizer.fingerprint());
    for (const line of [...envLines(7, 200), '<obs> 日本 🙂 \uFEFF']) {
      expect(restored.encode(line)).toEqual(envTokenizer.encode(line));
    }
  });

  it('returns fresh plain data from toJSON and ignores unknown keys in fromJSON', () => {
    const json = envTokenizer.toJSON();
    json.merges.length = 0;
    json.specialTokens.push('<extra>');
    expect(envTokenizer.toJSON().merges).toHaveLength(ENV_VOCAB_SIZE - FIRST_MERGE_ID);
    const withExtra = { ...envTokenizer.toJSON(), trainedOn: 'alfworld' };
    expect(Tokenizer.fromJSON(withExtra).fingerprint()).toBe(envTokenizer.fingerprint());
  });

  it('rejects corrupted input with a TokenizerFormatError naming the field', () => {
    const valid = (): TokenizerJson => ({
      format: 'spa-bpe',
      version: 1,
      pretokenizer: 'spa-v1',
      specialTokens: ['<pad>', '<bos>', '<eos>'],
      merges: Array.from({ length: 20 }, (_, index): [number, number] => [3 + 97, 3 + index]),
    });
    const corrupt = (change: (json: Record<string, unknown> & TokenizerJson) => void): unknown => {
      const json = valid() as Record<string, unknown> & TokenizerJson;
      change(json);
      return json;
    };
    expect(() => Tokenizer.fromJSON(valid())).not.toThrow();

    const cases: [unknown, string, RegExp][] = [
      [null, '', /^tokenizer: expected an object, got null$/],
      ['{"format":"spa-bpe"}', '', /pass the parsed value, not the JSON text/],
      [[], '', /expected an object, got array/],
      [
        corrupt((json) => Object.assign(json, { format: 'gpt2' })),
        'format',
        /^format: expected "spa-bpe", got string "gpt2"$/,
      ],
      [
        corrupt((json) => Object.assign(json, { version: 2 })),
        'version',
        /^version: expected 1, got 2$/,
      ],
      [
        corrupt((json) => delete (json as Partial<TokenizerJson>).version),
        'version',
        /^version: expected 1, got nothing \(field missing\)$/,
      ],
      [
        corrupt((json) => Object.assign(json, { pretokenizer: 'gpt2' })),
        'pretokenizer',
        /^pretokenizer: expected "spa-v1"/,
      ],
      [
        corrupt((json) => Object.assign(json, { specialTokens: 'oops' })),
        'specialTokens',
        /^specialTokens: must be an array/,
      ],
      [
        corrupt((json) => json.specialTokens.push('<bos>')),
        'specialTokens[3]',
        /^specialTokens\[3\]: duplicate special token "<bos>" \(first at index 1\)/,
      ],
      [
        corrupt((json) => json.specialTokens.splice(1, 0, '')),
        'specialTokens[1]',
        /^specialTokens\[1\]: must be a non-empty string/,
      ],
      [
        corrupt((json) => Object.assign(json, { merges: {} })),
        'merges',
        /^merges: expected an array of \[leftId, rightId\] pairs, got object$/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 4: [100, 101, 102] })),
        'merges[4]',
        /^merges\[4\]: expected a \[leftId, rightId\] pair, got an array of length 3$/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 4: 'ab' })),
        'merges[4]',
        /^merges\[4\]: expected a \[leftId, rightId\] pair, got string "ab"$/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 7: [100, 1.5] })),
        'merges[7][1]',
        /^merges\[7\]\[1\]: expected an integer token id, got 1\.5$/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 7: ['100', 101] })),
        'merges[7][0]',
        /^merges\[7\]\[0\]: expected an integer token id, got string "100"$/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 12: [100, 9000] })),
        'merges[12][1]',
        /^merges\[12\]\[1\]: id 9000 is not defined before merge 12 \(merge 12 may combine ids 3\.\.270/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 5: [100, 3 + 256 + 5] })),
        'merges[5][1]',
        /^merges\[5\]\[1\]: id 264 is not defined before merge 5/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 5: [-1, 100] })),
        'merges[5][0]',
        /^merges\[5\]\[0\]: id -1 is not defined before merge 5/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 2: [2, 100] })),
        'merges[2][0]',
        /^merges\[2\]\[0\]: id 2 is the special token "<eos>"; merges may only combine byte tokens \(ids 3\.\.258\)/,
      ],
      [
        corrupt((json) => Object.assign(json.merges, { 9: [3 + 97, 3 + 0] })),
        'merges[9]',
        /^merges\[9\]: duplicate of merges\[0\] \(\[100, 3\]\)/,
      ],
    ];
    for (const [input, field, message] of cases) {
      let caught: unknown;
      try {
        Tokenizer.fromJSON(input);
      } catch (error) {
        caught = error;
      }
      expect(TokenizerFormatError.isInstance(caught), String(message)).toBe(true);
      expect(caught).toBeInstanceOf(TokenizerFormatError);
      const error = caught as TokenizerFormatError;
      expect(error.name).toBe('TokenizerFormatError');
      expect(error.field).toBe(field);
      expect(error.message).toMatch(message);
    }
    expect(TokenizerFormatError.isInstance(new Error('merges: nope'))).toBe(false);
    // Merge k is 2^(k+1) bytes long; after merge 24 the table holds 256 + 2^26 - 4 bytes > 64 MiB.
    const doubling = {
      ...valid(),
      merges: Array.from({ length: 30 }, (_, rank): [number, number] =>
        rank === 0 ? [3 + 97, 3 + 97] : [3 + 256 + rank - 1, 3 + 256 + rank - 1],
      ),
    };
    expect(() => Tokenizer.fromJSON(doubling)).toThrow(
      /^merges\[24\]: the tokens defined up to this merge span \d+ bytes in total, more than the limit of 67108864$/,
    );
  });

  it('validates specs handed to the constructor the same way', () => {
    expect(() => new Tokenizer({ specialTokens: ['<a>'], merges: [[1, 300]] })).toThrow(
      'merges[0][1]: id 300 is not defined before merge 0',
    );
    const direct = new Tokenizer({ specialTokens: ['<a>'], merges: [[1 + 104, 1 + 105]] });
    expect(direct.encode('hi')).toEqual([257]);
  });
});

describe('fingerprint', () => {
  it('is FNV-1a 64 over the JSON (known vectors, golden value)', () => {
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
    const untrained = trainTokenizer([], { vocabSize: FIRST_MERGE_ID });
    expect(untrained.fingerprint()).toBe(fnv1a64Hex(JSON.stringify(untrained.toJSON())));
    expect(untrained.fingerprint()).toMatch(/^[0-9a-f]{16}$/);
    // Golden values: a change here means the serialised format (or training) changed.
    expect(untrained.fingerprint()).toBe('ee15172017a99e35');
    const small = trainTokenizer(['ab ab ab', 'cabinet 12'], { vocabSize: FIRST_MERGE_ID + 7 });
    expect(small.toJSON().merges).toEqual([
      [S + 97, S + 98],
      [S + 32, FIRST_MERGE_ID],
    ]);
    expect(small.fingerprint()).toBe('d3a55b0675937c17');
  });

  it('differs between different tokenizers', () => {
    const other = trainTokenizer(TRAIN_LINES.slice(0, 1000), { vocabSize: 700 });
    expect(other.fingerprint()).not.toBe(envTokenizer.fingerprint());
    const otherSpecials = trainTokenizer([], { vocabSize: 256 + 1, specialTokens: ['<x>'] });
    const defaultSpecials = trainTokenizer([], { vocabSize: FIRST_MERGE_ID });
    expect(otherSpecials.fingerprint()).not.toBe(defaultSpecials.fingerprint());
  });
});
