/**
 * Name of the pre-tokenisation scheme, stored in the serialised tokenizer as `pretokenizer`.
 *
 * @remarks
 * `'spa-v1'` means exactly {@link PRETOKENIZER_PATTERN} with the flags `gu`. Changing the pattern
 * changes how text is cut into chunks and therefore which token ids a given text maps to, so any
 * change to it must come with a new name here (and a new accepted value in `Tokenizer.fromJSON`).
 */
export const PRETOKENIZER_VERSION = 'spa-v1';

/**
 * Source of the pre-tokenisation regular expression of {@link PRETOKENIZER_VERSION} `'spa-v1'`
 * (used with the flags `gu`).
 *
 * @remarks
 * The exact pattern is
 *
 * ```
 * / ?\p{L}+| ?\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu
 * ```
 *
 * that is, alternatives tried left to right at each position:
 *
 * 1. ` ?\p{L}+`: a run of letters, with at most one leading space (`" cabinet"`);
 * 2. ` ?\p{N}`: ONE number character, with at most one leading space. Unlike GPT-2 (`\p{N}+`),
 *    numbers split per digit, so object ids (`cabinet 12` → `" 1"`, `"2"`) and prices generalise
 *    instead of each number becoming its own token;
 * 3. ` ?[^\s\p{L}\p{N}]+`: a run of other characters (punctuation, symbols, combining marks, lone
 *    surrogates), with at most one leading space (`" ["`, `"]."`);
 * 4. `\s+(?!\S)`: whitespace not followed by a non-space, i.e. a run of whitespace minus its last
 *    character when a word follows (that last space then joins the word through alternative 1–3);
 * 5. `\s+`: any remaining whitespace (trailing whitespace at the end of the text).
 *
 * Every code point is whitespace, a letter, a number or none of these, so the alternatives cover
 * every input: the chunks always concatenate back to the input text. BPE merges never cross chunk
 * boundaries. GPT-2's contraction alternatives (`'s|'t|...`) are deliberately absent.
 */
export const PRETOKENIZER_PATTERN = ' ?\\p{L}+| ?\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+';

// Only ever used through `String.prototype.match`, which resets `lastIndex` to 0 before a global
// match and leaves it at 0, so sharing this object keeps no state between calls.
const CHUNK_REGEX = new RegExp(PRETOKENIZER_PATTERN, 'gu');

/**
 * Cuts a text into the chunks that byte-pair merges are confined to.
 *
 * @remarks
 * Uses {@link PRETOKENIZER_PATTERN}. The returned chunks always concatenate to `text` exactly; the
 * empty string gives `[]`. Example: `'You see a mug 12.'` →
 * `['You', ' see', ' a', ' mug', ' 1', '2', '.']`.
 *
 * @param text - Any string (lone surrogates included; they form chunks of their own kind).
 * @returns The chunks, in order.
 */
export function pretokenize(text: string): string[] {
  return text.match(CHUNK_REGEX) ?? [];
}
