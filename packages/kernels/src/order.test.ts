import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { resolveLayout } from './layout';
import { rowOrder, SORT_FROM_MEAN_LENGTH, splitRows } from './order';

const ragged = (lengths: readonly number[]) => {
  const offsets = [0];
  for (const length of lengths) offsets.push((offsets[offsets.length - 1] as number) + length);
  return resolveLayout({ offsets });
};

describe('rowOrder', () => {
  it('keeps the layout order for dense layouts and for rows of one length', () => {
    const dense = resolveLayout({ numRows: 5, numSteps: 7 });
    expect(rowOrder(dense)).toEqual({ rows: undefined, prefix: dense.bounds });
    const same = ragged([3, 3, 3]);
    expect(rowOrder(same).rows).toBeUndefined();
    expect(rowOrder(ragged([9])).rows).toBeUndefined();
  });

  it('puts the longest rows first, ties in layout order, with the prefix of that order', () => {
    const { rows, prefix } = rowOrder(ragged([200, 500, 0, 500, 100, 200]));
    expect(Array.from(rows ?? [])).toEqual([1, 3, 0, 5, 4, 2]);
    expect(Array.from(prefix)).toEqual([0, 500, 1000, 1200, 1400, 1500, 1500]);
  });

  it('orders many rows by a counting sort (longest ≤ 8 × rows), ties in layout order', () => {
    const lengths = Array.from({ length: 20 }, (_, i) => 130 + ((i * 7) % 5) * 5);
    const expected = lengths
      .map((_, row) => row)
      .sort((a, b) => (lengths[b] as number) - (lengths[a] as number) || a - b);
    expect(Array.from(rowOrder(ragged(lengths)).rows ?? [])).toEqual(expected);
    expect(expected.slice(0, 4)).toEqual([2, 7, 12, 17]);
  });

  it('sorts a few very long rows without a table of the longest length (same order)', () => {
    // longest > 8 × rows: the comparison sort
    const { rows, prefix } = rowOrder(ragged([3, 50_000_000, 9, 3, 50_000_000]));
    expect(Array.from(rows ?? [])).toEqual([1, 4, 2, 0, 3]);
    expect(prefix[5]).toBe(100_000_015);
  });

  it('keeps the layout order when rows are short on average', () => {
    const mean = SORT_FROM_MEAN_LENGTH;
    expect(rowOrder(ragged([2 * mean - 2, 1])).rows).toBeUndefined();
    expect(Array.from(rowOrder(ragged([2 * mean - 2, 2])).rows ?? [])).toEqual([0, 1]);
    expect(Array.from(rowOrder(ragged([2, 2 * mean - 2])).rows ?? [])).toEqual([1, 0]);
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 60 })], {
    seed: 11,
    numRuns: 100,
  })('is a permutation with non-increasing lengths and a matching prefix', (lengths) => {
    const layout = ragged(lengths);
    const { rows, prefix } = rowOrder(layout);
    const order = rows === undefined ? lengths.map((_, row) => row) : Array.from(rows);
    expect([...order].sort((a, b) => a - b)).toEqual(lengths.map((_, row) => row));
    const ordered = order.map((row) => lengths[row] as number);
    const total = lengths.reduce((sum, length) => sum + length, 0);
    const sorts = total >= SORT_FROM_MEAN_LENGTH * lengths.length && new Set(lengths).size > 1;
    expect(rows !== undefined).toBe(sorts);
    if (rows !== undefined) {
      // longest first, ties in layout order: one order, whichever sort produced it
      const expected = lengths
        .map((_, row) => row)
        .sort((a, b) => (lengths[b] as number) - (lengths[a] as number) || a - b);
      expect(order).toEqual(expected);
    }
    let sum = 0;
    expect(prefix[0]).toBe(0);
    ordered.forEach((length, i) => {
      sum += length;
      expect(prefix[i + 1]).toBe(sum);
    });
  });
});

describe('splitRows', () => {
  const prefixOf = (lengths: readonly number[]) => rowOrder(ragged(lengths)).prefix;

  it('cuts at multiples of four rows when it can, near equal shares of positions', () => {
    const prefix = resolveLayout({ numRows: 1000, numSteps: 8 }).bounds;
    expect(splitRows(prefix, 2)).toEqual([
      [0, 500],
      [500, 1000],
    ]);
    expect(splitRows(prefix, 3)).toEqual([
      [0, 332],
      [332, 668],
      [668, 1000],
    ]);
  });

  it('keeps a cut off a multiple of four when rounding would empty a range', () => {
    expect(splitRows(prefixOf([100, 100]), 2)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(splitRows(prefixOf([7]), 4)).toEqual([[0, 1]]);
  });

  test.prop(
    [
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 80 }),
      fc.integer({ min: 1, max: 8 }),
    ],
    { seed: 12, numRuns: 100 },
  )('covers every row once, in order, with at most `parts` non-empty ranges', (lengths, parts) => {
    const prefix = prefixOf(lengths);
    const ranges = splitRows(prefix, parts);
    expect(ranges.length).toBeGreaterThanOrEqual(1);
    expect(ranges.length).toBeLessThanOrEqual(parts);
    expect(ranges[0]?.[0]).toBe(0);
    expect(ranges[ranges.length - 1]?.[1]).toBe(lengths.length);
    ranges.forEach(([from, to], i) => {
      expect(to).toBeGreaterThan(from);
      if (i > 0) expect(from).toBe(ranges[i - 1]?.[1]);
    });
  });
});
