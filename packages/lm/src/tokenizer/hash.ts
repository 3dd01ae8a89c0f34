const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/**
 * 64-bit FNV-1a hash of the UTF-8 bytes of a string, as 16 lowercase hex digits.
 *
 * @remarks
 * Platform-neutral (no `node:crypto`) and stable across runs and machines. Not cryptographic: it
 * detects accidental mismatches (a checkpoint loaded with another tokenizer), not tampering.
 * Test vectors: `''` → `cbf29ce484222325`, `'a'` → `af63dc4c8601ec8c`.
 *
 * @param text - The string to hash.
 */
export function fnv1a64Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let hash = FNV64_OFFSET;
  for (const byte of bytes) {
    hash ^= BigInt(byte);
    hash = (hash * FNV64_PRIME) & MASK64;
  }
  return hash.toString(16).padStart(16, '0');
}
