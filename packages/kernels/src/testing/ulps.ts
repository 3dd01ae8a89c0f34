const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/** f32 bits mapped to a monotone integer line (−0 and +0 both map to 0). */
function orderedBits(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0] as number;
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** Distance between two f32 values in units in the last place (NaN: Infinity). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.POSITIVE_INFINITY;
  return Math.abs(orderedBits(a) - orderedBits(b));
}
