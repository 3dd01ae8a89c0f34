import { pretokenize } from './pretokenize';
import { BYTE_TOKEN_COUNT, DEFAULT_SPECIAL_TOKENS, MAX_VOCAB_SIZE, Tokenizer } from './tokenizer';
import { describeValue, findSpecialTokensProblem, utf8ByteIds } from './validate';

/** Options of {@link trainTokenizer}. */
export interface TrainTokenizerOptions {
  /**
   * Target vocabulary size, special and byte tokens included: an integer in
   * `[specialTokens.length + 256, 16777216]`. Training stops earlier (giving a smaller
   * vocabulary) when no pair occurs at least `minPairFrequency` times.
   */
  readonly vocabSize: number;
  /**
   * Special tokens, ids `0 .. S-1`: distinct non-empty strings. Defaults to
   * `DEFAULT_SPECIAL_TOKENS` (`<pad> <bos> <eos> <goal> <obs> <act> <eoa>`).
   */
  readonly specialTokens?: readonly string[];
  /**
   * Only pairs occurring at least this often (weighted by chunk counts) are merged: an integer
   * ≥ 1; default 2.
   */
  readonly minPairFrequency?: number;
}

/**
 * Learns a byte-level BPE tokenizer from a corpus.
 *
 * @remarks
 * Every text is cut into chunks by `pretokenize` (merges never cross chunk boundaries) and the
 * chunks are counted. Each distinct chunk becomes a sequence of byte tokens (its UTF-8 bytes);
 * then, until `vocabSize` is reached or no adjacent pair occurs `minPairFrequency` times, the most
 * frequent adjacent pair (occurrences weighted by chunk counts; overlapping occurrences as in
 * `aaa` count once per position, merges apply left to right) becomes a new token.
 *
 * Ties are broken by the smallest left id, then the smallest right id, so the result depends only
 * on the multiset of chunks: the same corpus and options always give the same tokenizer
 * (`toJSON()` deep-equal, equal `fingerprint()`), whatever the order of the texts.
 *
 * Complexity: counting is linear in the corpus. Each merge touches only the distinct chunks that
 * contain the merged pair (found through a pair → chunk-index list), so one merge costs
 * O(total length of those chunks) map updates plus O(log P) per pair pushed on a lazy max-heap of
 * P candidate pairs — never a recount over all chunks. Heap entries may hold stale (too high)
 * counts: counts of existing pairs only ever decrease, so a popped entry whose count is stale is
 * pushed back with its current count, and a popped entry whose count is current is the true
 * maximum. Memory is O(distinct chunk bytes + distinct pairs).
 *
 * @param corpus - Texts, e.g. one observation or action each (any iterable, read once).
 * @param options - {@link TrainTokenizerOptions}.
 * @returns The trained tokenizer; its `vocabSize` is at most `options.vocabSize`.
 * @throws TypeError or RangeError naming the bad option (`options.vocabSize`, ...) and the accepted
 *   values, or the bad corpus element (`corpus[3]`). `TokenizerFormatError` only in the contrived
 *   case of learned tokens longer than `MAX_TOKEN_TABLE_BYTES` in total (e.g. a single
 *   100-million-space text with `minPairFrequency: 1`).
 */
export function trainTokenizer(
  corpus: Iterable<string>,
  options: TrainTokenizerOptions,
): Tokenizer {
  const { vocabSize, specialTokens, minPairFrequency } = validateOptions(options);
  const chunkCounts = countChunks(corpus);

  const byteOffset = specialTokens.length;
  const maxMerges = vocabSize - byteOffset - BYTE_TOKEN_COUNT;
  // Pair key: left * base + right with both ids < base, so keys order as (left, right).
  const base = vocabSize;

  // Distinct chunks of at least two bytes, as token sequences merged in place (`lengths` shrink).
  const encoder = new TextEncoder();
  const words: Int32Array[] = [];
  const lengths: number[] = [];
  const weights: number[] = [];
  for (const [chunk, count] of chunkCounts) {
    const ids = utf8ByteIds(chunk, byteOffset, encoder);
    if (ids.length < 2) continue;
    const tokens = Int32Array.from(ids);
    words.push(tokens);
    lengths.push(tokens.length);
    weights.push(count);
  }

  const pairCounts = new Map<number, number>();
  // Pair → indices of the words that contained it when added. Entries can go stale (the word no
  // longer holds the pair) and are skipped when used; a word is never listed twice in a row, and
  // a list only grows while its words are processed one after the other, so no duplicates.
  const pairWords = new Map<number, number[]>();
  const addOccurrence = (key: number, word: number, weight: number): boolean => {
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + weight);
    const list = pairWords.get(key);
    if (list === undefined) {
      pairWords.set(key, [word]);
      return true;
    }
    if (list[list.length - 1] !== word) list.push(word);
    return false;
  };
  for (let word = 0; word < words.length; word++) {
    const tokens = words[word]!;
    const weight = weights[word]!;
    for (let index = 0; index + 1 < tokens.length; index++) {
      addOccurrence(tokens[index]! * base + tokens[index + 1]!, word, weight);
    }
  }

  const heap = new PairHeap();
  for (const [key, count] of pairCounts) {
    // A pair below the threshold can never be merged (counts of existing pairs only shrink).
    if (count >= minPairFrequency) heap.push(count, key);
    else pairWords.delete(key);
  }

  const merges: [number, number][] = [];
  const createdPairs: number[] = [];
  while (merges.length < maxMerges && heap.size > 0) {
    const count = heap.topCount;
    const key = heap.topKey;
    heap.pop();
    const current = pairCounts.get(key) ?? 0;
    if (current !== count) {
      // Stale entry (the count dropped since it was pushed): requeue it, or drop its word list
      // (the bulk of its memory). Counts of existing pairs never grow, so a pair below the
      // threshold can never be merged; its count stays tracked since words still contain it.
      if (current >= minPairFrequency) heap.push(current, key);
      else pairWords.delete(key);
      continue;
    }

    const left = Math.floor(key / base);
    const right = key - left * base;
    const merged = byteOffset + BYTE_TOKEN_COUNT + merges.length;
    merges.push([left, right]);
    createdPairs.length = 0;

    for (const word of pairWords.get(key) ?? []) {
      const tokens = words[word]!;
      const length = lengths[word]!;
      let firstMatch = -1;
      for (let index = 0; index + 1 < length; index++) {
        if (tokens[index] === left && tokens[index + 1] === right) {
          firstMatch = index;
          break;
        }
      }
      if (firstMatch < 0) continue; // stale list entry

      // Merge in place, left to right. Only pairs touching a merged occurrence change: the
      // neighbours `(before, left)` and `(right, after)` lose this word's weight (each original
      // pair once: a `(right, left)` between two adjacent occurrences is removed as the first
      // one's right neighbour), and pairs with `merged` gain it. `(left, right)` itself is dropped
      // as a whole below. Positions from `read - 1` on still hold the original tokens.
      const weight = weights[word]!;
      let write = firstMatch;
      let read = firstMatch;
      let previousMatched = false;
      while (read < length) {
        const token = tokens[read]!;
        if (token === left && read + 1 < length && tokens[read + 1] === right) {
          if (read > 0 && !previousMatched) {
            const pair = tokens[read - 1]! * base + left;
            pairCounts.set(pair, (pairCounts.get(pair) ?? 0) - weight);
          }
          if (read + 2 < length) {
            const pair = right * base + tokens[read + 2]!;
            pairCounts.set(pair, (pairCounts.get(pair) ?? 0) - weight);
          }
          tokens[write++] = merged;
          read += 2;
          previousMatched = true;
        } else {
          tokens[write++] = token;
          read++;
          previousMatched = false;
        }
      }
      lengths[word] = write;
      // `(merged, merged)` is counted once, as the left pair of the second one.
      for (let index = firstMatch; index < write; index++) {
        if (tokens[index] !== merged) continue;
        if (index > 0) {
          const pair = tokens[index - 1]! * base + merged;
          if (addOccurrence(pair, word, weight)) createdPairs.push(pair);
        }
        if (index + 1 < write && tokens[index + 1] !== merged) {
          const pair = merged * base + tokens[index + 1]!;
          if (addOccurrence(pair, word, weight)) createdPairs.push(pair);
        }
      }
    }

    pairCounts.delete(key);
    pairWords.delete(key);
    for (const pair of createdPairs) {
      const pairCount = pairCounts.get(pair)!;
      if (pairCount >= minPairFrequency) heap.push(pairCount, pair);
    }
  }

  return new Tokenizer({ specialTokens, merges });
}

interface ValidatedOptions {
  readonly vocabSize: number;
  readonly specialTokens: readonly string[];
  readonly minPairFrequency: number;
}

function validateOptions(options: unknown): ValidatedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(
      `trainTokenizer: options must be an object such as { vocabSize: 4000 }, got ${describeValue(options)}`,
    );
  }
  const record = options as Record<string, unknown>;

  let specialTokens: readonly string[] = DEFAULT_SPECIAL_TOKENS;
  if (record.specialTokens !== undefined) {
    const problem = findSpecialTokensProblem(record.specialTokens);
    if (problem !== undefined) {
      const ErrorClass = problem.kind === 'type' ? TypeError : RangeError;
      throw new ErrorClass(
        `trainTokenizer: options.specialTokens${problem.path}: ${problem.reason}`,
      );
    }
    specialTokens = record.specialTokens as readonly string[];
  }

  const minVocabSize = specialTokens.length + BYTE_TOKEN_COUNT;
  const vocabSize = record.vocabSize;
  if (
    typeof vocabSize !== 'number' ||
    !Number.isInteger(vocabSize) ||
    vocabSize < minVocabSize ||
    vocabSize > MAX_VOCAB_SIZE
  ) {
    const ErrorClass = typeof vocabSize === 'number' ? RangeError : TypeError;
    throw new ErrorClass(
      `trainTokenizer: options.vocabSize must be an integer in [${minVocabSize}, ${MAX_VOCAB_SIZE}] (${specialTokens.length} special tokens + ${BYTE_TOKEN_COUNT} byte tokens + merges), got ${describeValue(vocabSize)}`,
    );
  }

  const minPairFrequency = record.minPairFrequency ?? 2;
  if (
    typeof minPairFrequency !== 'number' ||
    !Number.isInteger(minPairFrequency) ||
    minPairFrequency < 1
  ) {
    const ErrorClass = typeof minPairFrequency === 'number' ? RangeError : TypeError;
    throw new ErrorClass(
      `trainTokenizer: options.minPairFrequency must be an integer ≥ 1 (default 2), got ${describeValue(minPairFrequency)}`,
    );
  }

  return { vocabSize, specialTokens, minPairFrequency };
}

function countChunks(corpus: unknown): Map<string, number> {
  if (typeof corpus === 'string') {
    throw new TypeError(
      'trainTokenizer: corpus must be an iterable of strings, got a single string; wrap it in an array ([text])',
    );
  }
  if (
    typeof corpus !== 'object' ||
    corpus === null ||
    typeof (corpus as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(
      `trainTokenizer: corpus must be an iterable of strings (an array, a Set, a generator), got ${describeValue(corpus)}`,
    );
  }
  const counts = new Map<string, number>();
  let index = 0;
  for (const text of corpus as Iterable<unknown>) {
    if (typeof text !== 'string') {
      throw new TypeError(
        `trainTokenizer: corpus[${index}] must be a string, got ${describeValue(text)}`,
      );
    }
    for (const chunk of pretokenize(text)) counts.set(chunk, (counts.get(chunk) ?? 0) + 1);
    index++;
  }
  return counts;
}

/**
 * Binary max-heap of (count, pair key): larger count first, then smaller key (smaller left id,
 * then smaller right id). Parallel arrays avoid one object per entry.
 */
class PairHeap {
  readonly #counts: number[] = [];
  readonly #keys: number[] = [];

  get size(): number {
    return this.#counts.length;
  }

  get topCount(): number {
    return this.#counts[0]!;
  }

  get topKey(): number {
    return this.#keys[0]!;
  }

  push(count: number, key: number): void {
    const counts = this.#counts;
    const keys = this.#keys;
    let index = counts.length;
    counts.push(count);
    keys.push(key);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentCount = counts[parent]!;
      const parentKey = keys[parent]!;
      if (parentCount > count || (parentCount === count && parentKey < key)) break;
      counts[index] = parentCount;
      keys[index] = parentKey;
      index = parent;
    }
    counts[index] = count;
    keys[index] = key;
  }

  pop(): void {
    const counts = this.#counts;
    const keys = this.#keys;
    const lastCount = counts.pop()!;
    const lastKey = keys.pop()!;
    const size = counts.length;
    if (size === 0) return;
    let index = 0;
    for (;;) {
      const leftChild = 2 * index + 1;
      if (leftChild >= size) break;
      const rightChild = leftChild + 1;
      let child = leftChild;
      if (rightChild < size) {
        const leftCount = counts[leftChild]!;
        const rightCount = counts[rightChild]!;
        if (
          rightCount > leftCount ||
          (rightCount === leftCount && keys[rightChild]! < keys[leftChild]!)
        ) {
          child = rightChild;
        }
      }
      const childCount = counts[child]!;
      const childKey = keys[child]!;
      if (lastCount > childCount || (lastCount === childCount && lastKey < childKey)) break;
      counts[index] = childCount;
      keys[index] = childKey;
      index = child;
    }
    counts[index] = lastCount;
    keys[index] = lastKey;
  }
}
