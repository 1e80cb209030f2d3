import { describe, expect, it } from 'vitest';
import { KeyList, repeatedKeys } from './repeated-keys.ts';

/** A deterministic stream of 32-bit words (xorshift). */
function words(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

/** Keys as a chunk would bring them: a BigUint64Array read as 32-bit words. */
function chunkOf(keys: bigint[]): Uint32Array {
  const b = BigUint64Array.from(keys);
  return new Uint32Array(b.buffer);
}

/** The repeated keys and their tags counted with a Map: the independent answer. */
function bruteForce(keys: (bigint | null)[]) {
  const seen = new Map<bigint, number[]>();
  keys.forEach((k, i) => {
    if (k !== null) seen.set(k, [...(seen.get(k) ?? []), i]);
  });
  const repeated = [...seen].filter(([, tags]) => tags.length > 1);
  return {
    keys: repeated.map(([k]) => k).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    tags: repeated.flatMap(([, tags]) => tags).sort((a, b) => a - b),
    distinct: seen.size,
  };
}

describe('repeatedKeys', () => {
  it('finds exactly the keys held twice, among keys sharing upper halves, buckets and low halves', () => {
    const next = words(7);
    const keys: (bigint | null)[] = [];
    for (let i = 0; i < 60_000; i++) {
      const r = next() % 100;
      const hi = r < 10 ? next() % 64 : next(); // a few upper halves shared by many keys
      const lo = r < 20 ? next() % 8 : next(); // and low halves shared across upper halves
      keys.push((BigInt(hi) << 32n) | BigInt(lo));
    }
    // true repeats: copies of earlier keys, NULLs, and the extremes
    for (let i = 0; i < 500; i++) keys.push(keys[next() % keys.length]);
    for (let i = 0; i < 50; i++) keys.push(null);
    keys.push(0n, 0n, 2n ** 64n - 1n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 32n - 1n);
    const list = new KeyList(100); // grows
    let nulls = 0;
    for (let from = 0; from < keys.length; from += 2048) {
      const part = keys.slice(from, from + 2048);
      const valid = new Uint32Array(Math.ceil(part.length / 32));
      part.forEach((k, r) => {
        if (k !== null) valid[r >>> 5] |= 1 << (r & 31);
      });
      const tags = Uint32Array.from(part, (_, r) => from + r);
      nulls += list.addChunk(part.length, chunkOf(part.map((k) => k ?? 0n)), valid, tags);
    }
    const found = repeatedKeys(list);
    const truth = bruteForce(keys);
    expect(nulls).toBe(50);
    expect(truth.keys.length).toBeGreaterThan(500);
    expect(found.keys).toEqual(truth.keys);
    expect([...found.entries].map((i) => list.tag[i]).sort((a, b) => a - b)).toEqual(truth.tags);
    // entries of one key come together, in key order
    const byKey = [...found.entries].map((i) => list.key(i));
    expect(byKey).toEqual([...byKey].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // the distinct upper halves: at most the distinct keys
    const his = new Set(keys.filter((k) => k !== null).map((k) => (k as bigint) >> 32n));
    expect(found.distinctHi).toBe(his.size);
  });

  it('finds none among distinct keys, and keeps the part of each entry', () => {
    const next = words(11);
    const list = new KeyList(10, true);
    const keys = Array.from({ length: 5000 }, () => (BigInt(next()) << 32n) | BigInt(next()));
    list.addChunk(2500, chunkOf(keys.slice(0, 2500)), null, new Uint32Array(2500), 0);
    list.addChunk(2500, chunkOf(keys.slice(2500)), null, new Uint32Array(2500), 3);
    expect(new Set(keys).size).toBe(5000);
    const found = repeatedKeys(list);
    expect(found.keys).toEqual([]);
    expect(found.entries.length).toBe(0);
    list.addChunk(1, chunkOf([keys[4000]]), null, Uint32Array.of(9), 1);
    const again = repeatedKeys(list);
    expect(again.keys).toEqual([keys[4000]]);
    expect([...again.entries].map((i) => [list.part?.[i], list.tag[i]]).sort()).toEqual([
      [1, 9],
      [3, 0],
    ]);
  });
});
