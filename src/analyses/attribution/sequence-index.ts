import type { CodeArray } from './types.ts';

/**
 * A hash set of integer sequences (dictionary-encoded paths) that hands out dense ids in insertion
 * order. Open addressing over typed arrays: one path costs a hash and, on a hit, one comparison,
 * instead of building a string key per path.
 */
export class SequenceIndex {
  /** Start of sequence i in `data`; `starts[count]` is the end of the last one. */
  starts: Int32Array;
  /** Items; a shared index keeps the caller's array (1-byte codes, say), an index of its own Int32. */
  data: CodeArray;
  count = 0;
  private hashes: Int32Array;
  /** Open addressing, two ints per slot: sequence id (-1 when free) and its hash. */
  private table: Int32Array;
  private mask: number;
  private prefix = new Int32Array(64);
  private power = new Int32Array(64);
  /** `starts` and `data` belong to the caller (see `over`) until the first `add` copies them. */
  private shared = false;
  /** False while an index over known-distinct sequences has not needed its hash table yet. */
  private hashed = true;

  constructor(expectedSequences = 1024, expectedItems = 8192) {
    this.starts = new Int32Array(Math.max(2, expectedSequences + 1));
    this.data = new Int32Array(Math.max(16, expectedItems));
    this.hashes = new Int32Array(Math.max(1, expectedSequences));
    let cap = 16;
    while (cap < expectedSequences * 2) cap <<= 1;
    this.table = new Int32Array(cap * 2).fill(-1);
    this.mask = cap - 1;
  }

  /**
   * An index over sequences already laid out as `data[starts[i]..starts[i+1])` for i < count, that
   * shares those arrays instead of copying them (they must not change while the index is in use).
   * Returns null when a sequence is empty or equal to an earlier one: ids would not be the row
   * numbers then, and the caller builds the index with `add` instead. O(items). With `distinct`
   * (the caller knows no two are equal, e.g. rows of a GROUP BY) the hash table is only built by
   * the first lookup, which many models never make.
   */
  static over(data: CodeArray, starts: Int32Array, count: number, distinct = false): SequenceIndex | null {
    const index = new SequenceIndex(0, 0);
    index.starts = starts;
    index.data = data;
    index.shared = true;
    if (distinct) {
      for (let id = 0; id < count; id++) if (starts[id + 1] <= starts[id]) return null;
      index.count = count;
      index.hashed = false;
      return index;
    }
    index.sizeTable(count);
    for (let id = 0; id < count; id++) {
      const from = starts[id];
      const len = starts[id + 1] - from;
      if (len <= 0) return null;
      const h = finish(polyHash(data, from, len), len);
      // Only earlier ids are in the table, so a hit is a duplicate.
      if (index.lookup(data, from, len, h) >= 0) return null;
      index.count = id + 1;
      index.hashes[id] = h;
      let slot = h & index.mask;
      while (index.table[2 * slot] >= 0) slot = (slot + 1) & index.mask;
      index.table[2 * slot] = id;
      index.table[2 * slot + 1] = h;
    }
    return index;
  }

  /** Allocates the hash table and hashes for `count` sequences, up to 70% full. */
  private sizeTable(count: number): void {
    // Never grown by `over`: a smaller table is fewer fresh pages and cache misses.
    let cap = 16;
    while (cap * 0.7 < count) cap <<= 1;
    this.table = new Int32Array(cap * 2).fill(-1);
    this.mask = cap - 1;
    this.hashes = new Int32Array(Math.max(1, count));
  }

  /** Builds the deferred hash table of an index over distinct sequences (see `over`). */
  private ensureHashed(): void {
    if (this.hashed) return;
    this.hashed = true;
    this.sizeTable(this.count);
    const { starts, data } = this;
    for (let id = 0; id < this.count; id++) {
      const h = finish(polyHash(data, starts[id], starts[id + 1] - starts[id]), starts[id + 1] - starts[id]);
      this.hashes[id] = h;
      let slot = h & this.mask;
      while (this.table[2 * slot] >= 0) slot = (slot + 1) & this.mask;
      this.table[2 * slot] = id;
      this.table[2 * slot + 1] = h;
    }
  }

  /** Id of `buf[from..from+len)`, adding it when new. */
  add(buf: ArrayLike<number>, from: number, len: number): number {
    this.ensureHashed();
    const h = finish(polyHash(buf, from, len), len);
    const found = this.lookup(buf, from, len, h);
    if (found >= 0) return found;
    if (this.shared) {
      this.starts = this.starts.slice(0, Math.max(2, this.count * 2 + 1));
      const items = this.starts[this.count];
      const own = new Int32Array(Math.max(16, items * 2));
      own.set(this.data.subarray(0, items));
      this.data = own;
      this.shared = false;
    }
    const id = this.count++;
    if (id + 1 >= this.starts.length) this.starts = grow(this.starts, this.starts.length * 2) as Int32Array;
    if (id >= this.hashes.length) this.hashes = grow(this.hashes, this.hashes.length * 2) as Int32Array;
    const at = this.starts[id];
    if (at + len > this.data.length)
      this.data = grow(this.data as Int32Array, Math.max(this.data.length * 2, at + len));
    for (let i = 0; i < len; i++) this.data[at + i] = buf[from + i];
    this.starts[id + 1] = at + len;
    this.hashes[id] = h;
    if (this.count * 4 > this.table.length) this.rehash();
    let slot = h & this.mask;
    while (this.table[2 * slot] >= 0) slot = (slot + 1) & this.mask;
    this.table[2 * slot] = id;
    this.table[2 * slot + 1] = h;
    return id;
  }

  /** Id of `buf[from..from+len)`, or -1 when absent. */
  find(buf: ArrayLike<number>, from: number, len: number): number {
    this.ensureHashed();
    return this.lookup(buf, from, len, finish(polyHash(buf, from, len), len));
  }

  /**
   * For every touch i of sequence `id`, the id of that sequence with touch i left out (or -1), in
   * `out[0..len)`. The polynomial hash lets each leave-one-out hash be derived in O(1) from prefix
   * hashes, so a path of length L costs O(L) plus one comparison per hit instead of O(L²).
   */
  leaveOneOut(id: number, out: Int32Array): void {
    this.ensureHashed();
    const off = this.starts[id];
    const len = this.starts[id + 1] - off;
    const data = this.data;
    if (this.prefix.length <= len) {
      this.prefix = new Int32Array((len + 1) * 2);
      this.power = new Int32Array((len + 1) * 2);
    }
    const prefix = this.prefix;
    const power = this.power;
    prefix[0] = 0;
    power[0] = 1;
    for (let k = 0; k < len; k++) {
      prefix[k + 1] = (Math.imul(prefix[k], BASE) + data[off + k] + 1) | 0;
      power[k + 1] = Math.imul(power[k], BASE);
    }
    const full = prefix[len];
    for (let i = 0; i < len; i++) {
      // Leaving out either of two equal neighbours gives the same sequence.
      if (i > 0 && data[off + i] === data[off + i - 1]) {
        out[i] = out[i - 1];
        continue;
      }
      const p = power[len - 1 - i];
      const raw = (Math.imul(prefix[i], p) + full - Math.imul(prefix[i + 1], p)) | 0;
      out[i] = this.lookupSkipping(off, len, i, finish(raw, len - 1));
    }
  }

  private lookupSkipping(off: number, len: number, skip: number, h: number): number {
    let slot = h & this.mask;
    for (;;) {
      const id = this.table[2 * slot];
      if (id < 0) return -1;
      if (this.table[2 * slot + 1] === h && this.starts[id + 1] - this.starts[id] === len - 1) {
        const at = this.starts[id];
        let same = true;
        for (let k = 0; k < len - 1; k++) {
          if (this.data[at + k] !== this.data[off + (k < skip ? k : k + 1)]) {
            same = false;
            break;
          }
        }
        if (same) return id;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  length(id: number): number {
    return this.starts[id + 1] - this.starts[id];
  }

  private lookup(buf: ArrayLike<number>, from: number, len: number, h: number): number {
    let slot = h & this.mask;
    for (;;) {
      const id = this.table[2 * slot];
      if (id < 0) return -1;
      if (this.table[2 * slot + 1] === h && this.starts[id + 1] - this.starts[id] === len) {
        const at = this.starts[id];
        let same = true;
        for (let i = 0; i < len; i++) {
          if (this.data[at + i] !== buf[from + i]) {
            same = false;
            break;
          }
        }
        if (same) return id;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  private rehash(): void {
    const cap = this.table.length; // doubles the slots: two ints per slot
    this.table = new Int32Array(cap * 2).fill(-1);
    this.mask = cap - 1;
    for (let id = 0; id < this.count; id++) {
      const h = this.hashes[id];
      let slot = h & this.mask;
      while (this.table[2 * slot] >= 0) slot = (slot + 1) & this.mask;
      this.table[2 * slot] = id;
      this.table[2 * slot + 1] = h;
    }
  }
}

const BASE = 0x01000193;

/** Σ (x_k + 1)·BASE^(len−1−k) mod 2^32: polynomial, so leaving one item out is O(1) from prefixes. */
function polyHash(buf: ArrayLike<number>, from: number, len: number): number {
  let h = 0;
  for (let i = 0; i < len; i++) h = (Math.imul(h, BASE) + buf[from + i] + 1) | 0;
  return h;
}

/** Mixes the polynomial hash with the length (murmur3 finaliser) so similar paths spread out. */
function finish(raw: number, len: number): number {
  let h = raw ^ Math.imul(len, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
