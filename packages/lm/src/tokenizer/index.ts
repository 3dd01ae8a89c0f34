// Public API of the byte-level BPE tokenizer: pre-tokenisation, training, the `Tokenizer` class
// and its serialised format. (`validate.ts` and `hash.ts` are internal.)
export { TokenizerFormatError } from './errors';
export { PRETOKENIZER_PATTERN, PRETOKENIZER_VERSION, pretokenize } from './pretokenize';
export {
  BYTE_TOKEN_COUNT,
  DEFAULT_SPECIAL_TOKENS,
  type DecodeOptions,
  MAX_TOKEN_TABLE_BYTES,
  MAX_VOCAB_SIZE,
  TOKENIZER_FORMAT,
  TOKENIZER_FORMAT_VERSION,
  Tokenizer,
  type TokenizerJson,
  type TokenizerSpec,
} from './tokenizer';
export { type TrainTokenizerOptions, trainTokenizer } from './train';
