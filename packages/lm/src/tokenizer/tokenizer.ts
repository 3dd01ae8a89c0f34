import { TokenizerFormatError } from './errors';
import { fnv1a64Hex } from './hash';
import { PRETOKENIZER_VERSION, pretokenize } from './pretokenize';
import { describeValue, findSpecialTokensProblem, utf8ByteIds } from './validate';

/**
 * The special tokens a tokenizer gets when none are given: ids 0–6, in this order.
 *
 * @remarks
 * `<pad>` padding, `<bos>`/`<eos>` sequence boundaries, `<goal>` task instruction, `<obs>`
 * observation, `<act>` action start, `<eoa>` end of action.
 */
export const DEFAULT_SPECIAL_TOKENS = [
  '<pad>',
  '<bos>',
  '<eos>',
  '<goal>',
  '<obs>',
  '<act>',
  '<eoa>',
] as const;

/** Number of byte tokens: one per byte value, ids `S + byte` where `S` is the special count. */
export const BYTE_TOKEN_COUNT = 256;

/**
 * Largest vocabulary size a tokenizer may have (2^24 ids).
 *
 * @remarks
 * Keeps pair keys `left * vocabSize + right` exact in a float64 and far beyond any vocabulary a
 * small model uses.
 */
export const MAX_VOCAB_SIZE = 16_777_216;

/**
 * Largest total byte length of all token strings together (64 MiB).
 *
 * @remarks
 * Each merge token's bytes are materialised for fast decoding; a merge can double a token's
 * length, so without a bound a small hostile merge table could exhaust memory. Tokenizers
 * trained on real text stay far below it (4,000 merges of env text: about 30 KB).
 */
export const MAX_TOKEN_TABLE_BYTES = 67_108_864;

/** Value of `format` in {@link TokenizerJson}. */
export const TOKENIZER_FORMAT = 'spa-bpe';

/** Value of `version` in {@link TokenizerJson}. */
export const TOKENIZER_FORMAT_VERSION = 1;

/**
 * The serialised form of a {@link Tokenizer}: plain JSON, produced by {@link Tokenizer.toJSON}
 * and read back by {@link Tokenizer.fromJSON}.
 *
 * @remarks
 * `merges[i] = [left, right]` defines token id `specialTokens.length + 256 + i` as the
 * concatenation of the bytes of `left` and `right`, both ids defined before it (byte tokens or
 * earlier merges, never special tokens). The order of `merges` is the merge rank used by
 * {@link Tokenizer.encode}. `pretokenizer: 'spa-v1'` pins the chunking regex
 * (`PRETOKENIZER_PATTERN`).
 */
export interface TokenizerJson {
  /** Always `'spa-bpe'`. */
  format: typeof TOKENIZER_FORMAT;
  /** Always `1`. */
  version: typeof TOKENIZER_FORMAT_VERSION;
  /** Always `'spa-v1'`. */
  pretokenizer: typeof PRETOKENIZER_VERSION;
  /** Special tokens, ids `0 .. specialTokens.length - 1`. */
  specialTokens: string[];
  /** Learned merges in rank order, each `[leftId, rightId]`. */
  merges: [number, number][];
}

/**
 * What a {@link Tokenizer} is built from: its special tokens and its merge table.
 *
 * @remarks
 * Usually obtained from `trainTokenizer` or {@link Tokenizer.fromJSON} rather than written by hand.
 */
export interface TokenizerSpec {
  /** Distinct non-empty strings; they get ids `0 .. S - 1`. */
  readonly specialTokens: readonly string[];
  /** Merges in rank order; `merges[i]` defines id `S + 256 + i` (see {@link TokenizerJson}). */
  readonly merges: readonly (readonly [number, number])[];
}

/** Options of {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /**
   * Drop special tokens (`true`, the default) or render them as their literal text, e.g. `<obs>`
   * (`false`).
   */
  readonly skipSpecial?: boolean;
}

// Chunks up to this many bytes are merged with a simple rescanning loop (fast for the short
// chunks that make up nearly all text); longer ones use a linked list and a heap, O(n log n).
const LINEAR_CHUNK_LIMIT = 48;
// Per-tokenizer chunk cache: entries beyond this evict the oldest (FIFO). Longer chunks are not
// cached at all, so one huge input cannot pin megabytes of ids.
const CACHE_CAPACITY = 100_000;
const CACHE_MAX_CHUNK_LENGTH = 256;

/**
 * A byte-level BPE tokenizer: special tokens, 256 byte tokens, then learned merges.
 *
 * @remarks
 * Vocabulary layout: ids `0 .. S-1` are the special tokens, `S + b` is the token of byte `b`
 * (`0 ≤ b < 256`), and `S + 256 + i` is the token of `merges[i]`.
 *
 * {@link Tokenizer.encode} never produces special tokens: text such as `"<obs>"` is encoded as
 * ordinary bytes; special ids come only from {@link Tokenizer.specialId}. Encoding is lossless:
 * `decode(encode(s)) === s` for every well-formed string. Lone UTF-16 surrogates (not valid
 * Unicode) are encoded as U+FFFD, as in any UTF-8 tokenizer, so they decode as `'\uFFFD'`.
 *
 * Instances are immutable apart from an internal chunk cache that never changes results.
 * Build one with `trainTokenizer`, {@link Tokenizer.fromJSON}, or the constructor.
 */
export class Tokenizer {
  readonly #specialTokens: readonly string[];
  readonly #specialIds: ReadonlyMap<string, number>;
  /** Number of special tokens, S; also the id of byte 0. */
  readonly #byteOffset: number;
  readonly #vocabSize: number;
  readonly #mergeLeft: Int32Array;
  readonly #mergeRight: Int32Array;
  /** Pair key `left * vocabSize + right` → merge rank. */
  readonly #ranks: ReadonlyMap<number, number>;
  readonly #tokenBytes: readonly Uint8Array[];
  readonly #cache = new Map<string, readonly number[]>();
  readonly #encoder = new TextEncoder();
  // ignoreBOM keeps a leading U+FEFF in the output (the default would strip it and break the
  // round trip); fatal: false turns invalid byte sequences into U+FFFD instead of throwing.
  readonly #decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  #fingerprint: string | undefined;

  /**
   * Builds a tokenizer from special tokens and merges, validating both.
   *
   * @param spec - Special tokens and merge table (see {@link TokenizerSpec}).
   * @throws {@link TokenizerFormatError} naming the bad field (`specialTokens[1]`,
   *   `merges[12][1]`, ...) when the spec is malformed.
   */
  constructor(spec: TokenizerSpec) {
    if (typeof spec !== 'object' || spec === null) {
      throw new TokenizerFormatError('', `expected an object, got ${describeValue(spec)}`);
    }
    const specialProblem = findSpecialTokensProblem(spec.specialTokens);
    if (specialProblem !== undefined) {
      throw new TokenizerFormatError(`specialTokens${specialProblem.path}`, specialProblem.reason);
    }
    const specialTokens = Object.freeze([...spec.specialTokens]);
    const byteOffset = specialTokens.length;
    const merges = validateMerges(spec.merges, specialTokens);

    this.#specialTokens = specialTokens;
    this.#specialIds = new Map(specialTokens.map((token, id) => [token, id]));
    this.#byteOffset = byteOffset;
    this.#vocabSize = byteOffset + BYTE_TOKEN_COUNT + merges.length;
    this.#mergeLeft = Int32Array.from(merges, (pair) => pair[0]);
    this.#mergeRight = Int32Array.from(merges, (pair) => pair[1]);

    const ranks = new Map<number, number>();
    const tokenBytes: Uint8Array[] = [];
    for (const token of specialTokens) tokenBytes.push(this.#encoder.encode(token));
    for (let byte = 0; byte < BYTE_TOKEN_COUNT; byte++) tokenBytes.push(Uint8Array.of(byte));
    merges.forEach(([left, right], rank) => {
      ranks.set(left * this.#vocabSize + right, rank);
      const leftBytes = tokenBytes[left]!;
      const rightBytes = tokenBytes[right]!;
      const bytes = new Uint8Array(leftBytes.length + rightBytes.length);
      bytes.set(leftBytes, 0);
      bytes.set(rightBytes, leftBytes.length);
      tokenBytes.push(bytes);
    });
    this.#ranks = ranks;
    this.#tokenBytes = tokenBytes;
  }

  /**
   * Reads a tokenizer from its serialised form (the parsed output of {@link Tokenizer.toJSON}).
   *
   * @remarks
   * Checks `format === 'spa-bpe'`, `version === 1`, `pretokenizer === 'spa-v1'`, the special
   * tokens (distinct non-empty strings) and every merge (a pair of integer ids, each a byte
   * token or an earlier merge, no duplicate pairs). Unknown extra keys are ignored.
   *
   * @param json - A parsed JSON value (not the JSON text).
   * @throws {@link TokenizerFormatError} whose message names the bad field, e.g.
   *   `merges[12][1]: id 9000 is not defined before merge 12 (...)`.
   */
  static fromJSON(json: unknown): Tokenizer {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      const hint = typeof json === 'string' ? ' (pass the parsed value, not the JSON text)' : '';
      throw new TokenizerFormatError('', `expected an object, got ${describeValue(json)}${hint}`);
    }
    const record = json as Record<string, unknown>;
    expectLiteral(record, 'format', TOKENIZER_FORMAT);
    expectLiteral(record, 'version', TOKENIZER_FORMAT_VERSION);
    expectLiteral(record, 'pretokenizer', PRETOKENIZER_VERSION);
    return new Tokenizer({
      specialTokens: record.specialTokens as readonly string[],
      merges: record.merges as readonly (readonly [number, number])[],
    });
  }

  /** Total number of token ids: special tokens + 256 byte tokens + merges. */
  get vocabSize(): number {
    return this.#vocabSize;
  }

  /** The special tokens, in id order (frozen). */
  get specialTokens(): readonly string[] {
    return this.#specialTokens;
  }

  /**
   * The id of a special token.
   *
   * @param name - The special token's literal, e.g. `'<obs>'`.
   * @throws RangeError naming the unknown token and listing the accepted ones.
   */
  specialId(name: string): number {
    const id = this.#specialIds.get(name);
    if (id === undefined) {
      const accepted =
        this.#specialTokens.length === 0
          ? 'this tokenizer has no special tokens'
          : `accepted: ${this.#specialTokens.map((token) => JSON.stringify(token)).join(', ')}`;
      throw new RangeError(`Unknown special token ${JSON.stringify(name)}; ${accepted}`);
    }
    return id;
  }

  /**
   * Whether `id` is a special token id (`0 ≤ id < specialTokens.length`).
   *
   * @param id - Any number.
   */
  isSpecial(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.#byteOffset;
  }

  /**
   * The bytes a token stands for: the UTF-8 of its literal for a special token, one byte for a
   * byte token, the concatenated bytes of its parts for a merge.
   *
   * @param id - A token id in `[0, vocabSize)`.
   * @returns A fresh copy; changing it does not affect the tokenizer.
   * @throws RangeError when `id` is not a token id.
   */
  tokenBytes(id: number): Uint8Array {
    return this.#tokenBytes[this.#checkId(id, 'tokenBytes: id')]!.slice();
  }

  /**
   * A readable rendering of one token, for debugging.
   *
   * @remarks
   * Special tokens render as their literal. Other tokens whose bytes are valid UTF-8 render as
   * that text with control characters (`\p{Cc}`) escaped (`\n`, `\t`, `\r`, `\x1b`, ...);
   * tokens that are not valid UTF-8 on their own (a fragment of a multi-byte character) render
   * as `<0xE2><0x82>`.
   *
   * @param id - A token id in `[0, vocabSize)`.
   * @throws RangeError when `id` is not a token id.
   */
  tokenToString(id: number): string {
    const checked = this.#checkId(id, 'tokenToString: id');
    if (checked < this.#byteOffset) return this.#specialTokens[checked]!;
    const bytes = this.#tokenBytes[checked]!;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return Array.from(
        bytes,
        (byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`,
      ).join('');
    }
    return text.replace(/\p{Cc}/gu, (char) => {
      if (char === '\n') return '\\n';
      if (char === '\t') return '\\t';
      if (char === '\r') return '\\r';
      return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
    });
  }

  /**
   * Encodes text to token ids (never special tokens).
   *
   * @remarks
   * The text is cut into chunks by `pretokenize`; each chunk is UTF-8 encoded to byte tokens and
   * then merged by rank (repeatedly merge every occurrence, left to right, of the adjacent pair
   * with the lowest merge rank), which reproduces exactly what training did to the same chunk.
   * Results per chunk are cached (at most 100,000 chunks, oldest evicted first).
   *
   * @param text - Any string; lone surrogates become U+FFFD (bytes `EF BF BD`).
   * @returns Token ids, each in `[specialTokens.length, vocabSize)`.
   */
  encode(text: string): number[] {
    if (typeof text !== 'string') {
      throw new TypeError(`encode: text must be a string, got ${describeValue(text)}`);
    }
    const ids: number[] = [];
    for (const chunk of pretokenize(text)) {
      const chunkIds = this.#encodeChunkCached(chunk);
      for (const id of chunkIds) ids.push(id);
    }
    return ids;
  }

  /**
   * Decodes token ids back to text.
   *
   * @remarks
   * Concatenates the bytes of all tokens and decodes them as UTF-8 in one pass. Byte sequences
   * that are not valid UTF-8 (possible for sampled ids) become U+FFFD instead of throwing; a
   * leading byte-order mark is kept.
   *
   * @param ids - Token ids, each an integer in `[0, vocabSize)`.
   * @param options - {@link DecodeOptions}; special tokens are skipped by default.
   * @throws RangeError naming the first id that is not in `[0, vocabSize)`.
   */
  decode(ids: readonly number[] | Int32Array, options: DecodeOptions = {}): string {
    const skipSpecial = options.skipSpecial ?? true;
    const tokenBytes = this.#tokenBytes;
    let length = 0;
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index]!;
      // Checked inline: the label is only built for the error, not once per id.
      const token = tokenBytes[id];
      if (token === undefined || !Number.isInteger(id)) this.#checkId(id, `decode: ids[${index}]`);
      if (skipSpecial && id < this.#byteOffset) continue;
      length += token!.length;
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index]!;
      if (skipSpecial && id < this.#byteOffset) continue;
      const token = tokenBytes[id]!;
      bytes.set(token, offset);
      offset += token.length;
    }
    return this.#decoder.decode(bytes);
  }

  /**
   * The serialised form: plain JSON data (no Maps, no typed arrays), safe for `JSON.stringify`.
   *
   * @returns A fresh {@link TokenizerJson}; mutating it does not affect the tokenizer.
   */
  toJSON(): TokenizerJson {
    const merges: [number, number][] = [];
    for (let rank = 0; rank < this.#mergeLeft.length; rank++) {
      merges.push([this.#mergeLeft[rank]!, this.#mergeRight[rank]!]);
    }
    return {
      format: TOKENIZER_FORMAT,
      version: TOKENIZER_FORMAT_VERSION,
      pretokenizer: PRETOKENIZER_VERSION,
      specialTokens: [...this.#specialTokens],
      merges,
    };
  }

  /**
   * A short stable hash of the serialised tokenizer, to detect a checkpoint/tokenizer mismatch.
   *
   * @remarks
   * 64-bit FNV-1a over the UTF-8 of `JSON.stringify(this.toJSON())`, as 16 lowercase hex digits.
   * Equal tokenizers (same specials, same merges) always have equal fingerprints, on any machine.
   */
  fingerprint(): string {
    this.#fingerprint ??= fnv1a64Hex(JSON.stringify(this.toJSON()));
    return this.#fingerprint;
  }

  #checkId(id: unknown, label: string): number {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= this.#vocabSize) {
      throw new RangeError(
        `${label} = ${describeValue(id)} is not a token id: expected an integer in [0, ${this.#vocabSize}) (vocabulary size ${this.#vocabSize})`,
      );
    }
    return id;
  }

  #encodeChunkCached(chunk: string): readonly number[] {
    const cached = this.#cache.get(chunk);
    if (cached !== undefined) return cached;
    const ids = this.#encodeChunk(chunk);
    if (chunk.length <= CACHE_MAX_CHUNK_LENGTH) {
      if (this.#cache.size >= CACHE_CAPACITY) {
        const oldest = this.#cache.keys().next();
        if (oldest.done !== true) this.#cache.delete(oldest.value);
      }
      this.#cache.set(chunk, ids);
    }
    return ids;
  }

  #encodeChunk(chunk: string): number[] {
    const ids = utf8ByteIds(chunk, this.#byteOffset, this.#encoder);
    if (ids.length < 2 || this.#ranks.size === 0) return ids;
    return ids.length <= LINEAR_CHUNK_LIMIT ? this.#mergeShort(ids) : this.#mergeLong(ids);
  }

  /** Rescanning merge loop, O(n · rounds); in place on `ids`. */
  #mergeShort(ids: number[]): number[] {
    const ranks = this.#ranks;
    const base = this.#vocabSize;
    const firstMergeId = this.#byteOffset + BYTE_TOKEN_COUNT;
    let length = ids.length;
    while (length > 1) {
      let best = -1;
      for (let index = 0; index + 1 < length; index++) {
        const rank = ranks.get(ids[index]! * base + ids[index + 1]!);
        if (rank !== undefined && (best < 0 || rank < best)) best = rank;
      }
      if (best < 0) break;
      const left = this.#mergeLeft[best]!;
      const right = this.#mergeRight[best]!;
      let write = 0;
      for (let read = 0; read < length; ) {
        if (read + 1 < length && ids[read] === left && ids[read + 1] === right) {
          ids[write++] = firstMergeId + best;
          read += 2;
        } else {
          ids[write++] = ids[read++]!;
        }
      }
      length = write;
    }
    ids.length = length;
    return ids;
  }

  /**
   * Linked-list merge for long chunks, O(n log n): a min-heap of candidate pairs keyed by
   * `rank * n + position`, so pairs merge by rank and, within a rank, left to right, exactly as
   * the short-chunk loop does. Stale heap entries are skipped when popped.
   */
  #mergeLong(ids: number[]): number[] {
    const ranks = this.#ranks;
    const base = this.#vocabSize;
    const firstMergeId = this.#byteOffset + BYTE_TOKEN_COUNT;
    const n = ids.length;
    const values = Int32Array.from(ids);
    const next = new Int32Array(n);
    const previous = new Int32Array(n);
    for (let index = 0; index < n; index++) {
      next[index] = index + 1 < n ? index + 1 : -1;
      previous[index] = index - 1;
    }
    const heap = new MinHeap();
    const pushPair = (position: number): void => {
      const right = next[position]!;
      if (right < 0) return;
      const rank = ranks.get(values[position]! * base + values[right]!);
      if (rank !== undefined) heap.push(rank * n + position);
    };
    for (let position = 0; position + 1 < n; position++) pushPair(position);

    while (heap.size > 0) {
      const key = heap.pop();
      const rank = Math.floor(key / n);
      const position = key - rank * n;
      const right = next[position]!;
      // Stale entry: the left node was absorbed, or the pair at `position` has changed since.
      if (values[position]! < 0 || right < 0) continue;
      if (values[position] !== this.#mergeLeft[rank] || values[right] !== this.#mergeRight[rank]) {
        continue;
      }
      values[position] = firstMergeId + rank;
      values[right] = -1;
      const after = next[right]!;
      next[position] = after;
      if (after >= 0) previous[after] = position;
      pushPair(position);
      const before = previous[position]!;
      if (before >= 0) pushPair(before);
    }

    const out: number[] = [];
    for (let position = 0; position >= 0; position = next[position]!) out.push(values[position]!);
    return out;
  }
}

/** Binary min-heap of numbers. */
class MinHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(value: number): void {
    const items = this.#items;
    let index = items.length;
    items.push(value);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentValue = items[parent]!;
      if (parentValue <= value) break;
      items[index] = parentValue;
      index = parent;
    }
    items[index] = value;
  }

  /** Removes and returns the smallest value; the heap must not be empty. */
  pop(): number {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    const size = items.length;
    if (size === 0) return top;
    let index = 0;
    for (;;) {
      const leftChild = 2 * index + 1;
      if (leftChild >= size) break;
      const rightChild = leftChild + 1;
      const child =
        rightChild < size && items[rightChild]! < items[leftChild]! ? rightChild : leftChild;
      if (items[child]! >= last) break;
      items[index] = items[child]!;
      index = child;
    }
    items[index] = last;
    return top;
  }
}

function expectLiteral(record: Record<string, unknown>, field: string, expected: string | number) {
  const actual = record[field];
  if (actual !== expected) {
    const got = field in record ? describeValue(actual) : 'nothing (field missing)';
    throw new TokenizerFormatError(field, `expected ${JSON.stringify(expected)}, got ${got}`);
  }
}

/** Validates a merge table for a tokenizer with the given (already validated) special tokens. */
function validateMerges(
  value: unknown,
  specialTokens: readonly string[],
): (readonly [number, number])[] {
  const byteOffset = specialTokens.length;
  if (!Array.isArray(value)) {
    throw new TokenizerFormatError(
      'merges',
      `expected an array of [leftId, rightId] pairs, got ${describeValue(value)}`,
    );
  }
  const maxMerges = MAX_VOCAB_SIZE - byteOffset - BYTE_TOKEN_COUNT;
  if (value.length > maxMerges) {
    throw new TokenizerFormatError(
      'merges',
      `has ${value.length} entries; at most ${maxMerges} fit in the maximum vocabulary size ${MAX_VOCAB_SIZE}`,
    );
  }
  const base = byteOffset + BYTE_TOKEN_COUNT + value.length;
  const seen = new Map<number, number>();
  const merges: (readonly [number, number])[] = [];
  // Byte lengths of the non-special tokens, to bound the memory of the token table: merges can
  // double a token's length each time, so a hostile table of 40 merges could ask for a terabyte.
  const lengths: number[] = new Array<number>(BYTE_TOKEN_COUNT).fill(1);
  let totalBytes = BYTE_TOKEN_COUNT;
  for (let rank = 0; rank < value.length; rank++) {
    const entry: unknown = value[rank];
    if (!Array.isArray(entry) || entry.length !== 2) {
      const got = Array.isArray(entry)
        ? `an array of length ${entry.length}`
        : describeValue(entry);
      throw new TokenizerFormatError(
        `merges[${rank}]`,
        `expected a [leftId, rightId] pair, got ${got}`,
      );
    }
    const definedBelow = byteOffset + BYTE_TOKEN_COUNT + rank;
    for (const side of [0, 1] as const) {
      const id: unknown = entry[side];
      const field = `merges[${rank}][${side}]`;
      if (typeof id !== 'number' || !Number.isInteger(id)) {
        throw new TokenizerFormatError(
          field,
          `expected an integer token id, got ${describeValue(id)}`,
        );
      }
      if (id < 0 || id >= definedBelow) {
        throw new TokenizerFormatError(
          field,
          `id ${id} is not defined before merge ${rank} (merge ${rank} may combine ids ${byteOffset}..${definedBelow - 1}: byte tokens and earlier merges)`,
        );
      }
      if (id < byteOffset) {
        throw new TokenizerFormatError(
          field,
          `id ${id} is the special token ${JSON.stringify(specialTokens[id])}; merges may only combine byte tokens (ids ${byteOffset}..${byteOffset + BYTE_TOKEN_COUNT - 1}) and earlier merges`,
        );
      }
    }
    const pair = [entry[0] as number, entry[1] as number] as const;
    const key = pair[0] * base + pair[1];
    const first = seen.get(key);
    if (first !== undefined) {
      throw new TokenizerFormatError(
        `merges[${rank}]`,
        `duplicate of merges[${first}] ([${pair[0]}, ${pair[1]}]); each pair may be merged only once`,
      );
    }
    seen.set(key, rank);
    const tokenLength = lengths[pair[0] - byteOffset]! + lengths[pair[1] - byteOffset]!;
    totalBytes += tokenLength;
    if (totalBytes > MAX_TOKEN_TABLE_BYTES) {
      throw new TokenizerFormatError(
        `merges[${rank}]`,
        `the tokens defined up to this merge span ${totalBytes} bytes in total, more than the limit of ${MAX_TOKEN_TABLE_BYTES}`,
      );
    }
    lengths.push(tokenLength);
    merges.push(pair);
  }
  return merges;
}
