import { describe, expect, it } from 'vitest';
import { attribute } from './attribute.ts';
import { createRng } from './create-rng.ts';
import { samplePoisson } from './sample-poisson.ts';
import type { PathRecord } from './types.ts';

function randomRecords(seed: number, channels: string[], n: number): PathRecord[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const len = 1 + Math.floor(rng.next() * 5);
    const path = Array.from({ length: len }, () => channels[Math.floor(rng.next() * channels.length)]);
    const conversions = samplePoisson(rng, 2);
    return { path, conversions, value: conversions * (5 + 50 * rng.next()), nulls: samplePoisson(rng, 6) };
  });
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/**
 * Brute force: for each converting coalition, average marginal contributions over every ordering of
 * its members, with v read straight from the records.
 */
function bruteForceShapley(records: PathRecord[], rates: 'pooled' | 'exact') {
  const setOf = (r: PathRecord) => new Set(r.path);
  const v = (s: Set<string>): number => {
    let conv = 0;
    let all = 0;
    for (const r of records) {
      const t = setOf(r);
      const inside =
        rates === 'pooled'
          ? [...t].every((c) => s.has(c))
          : t.size === s.size && [...t].every((c) => s.has(c));
      if (inside) {
        conv += r.conversions;
        all += r.conversions + r.nulls;
      }
    }
    return s.size > 0 && all > 0 ? conv / all : 0;
  };
  const coalitions = new Map<string, { members: string[]; conv: number; value: number }>();
  for (const r of records) {
    const members = [...setOf(r)].sort();
    const key = members.join('|');
    const c = coalitions.get(key) ?? { members, conv: 0, value: 0 };
    c.conv += r.conversions;
    c.value += r.value;
    coalitions.set(key, c);
  }
  const conv = new Map<string, number>();
  const value = new Map<string, number>();
  for (const { members, conv: c, value: val } of coalitions.values()) {
    if (c <= 0) continue;
    const phi = new Map(members.map((m) => [m, 0]));
    const orders = permutations(members);
    for (const order of orders) {
      const before = new Set<string>();
      for (const m of order) {
        const without = v(before);
        before.add(m);
        phi.set(m, phi.get(m)! + (v(before) - without) / orders.length);
      }
    }
    const positive = [...phi.values()].reduce((s, x) => s + Math.max(0, x), 0);
    for (const [m, p] of phi) {
      conv.set(m, (conv.get(m) ?? 0) + (c * Math.max(0, p)) / positive);
      value.set(m, (value.get(m) ?? 0) + (val * Math.max(0, p)) / positive);
    }
  }
  return { conv, value };
}

describe('exact Shapley over channel coalitions', () => {
  const records = randomRecords(3, ['a', 'b', 'c', 'd', 'e', 'f'], 400);

  it.each(['pooled', 'exact'] as const)(
    'matches brute-force permutation Shapley with %s rates (6 channels)',
    (rates) => {
      const res = attribute(records, 'shapley', { shapleyRates: rates });
      const brute = bruteForceShapley(records, rates);
      for (const c of res.channels) {
        expect(c.conversions).toBeCloseTo(brute.conv.get(c.channel) ?? 0, 9);
        expect(c.value).toBeCloseTo(brute.value.get(c.channel) ?? 0, 8);
      }
    },
  );

  it('is efficient: credit sums to total conversions and value', () => {
    const res = attribute(records, 'shapley');
    const sum = res.channels.reduce((s, c) => s + c.conversions, 0);
    const sumValue = res.channels.reduce((s, c) => s + c.value, 0);
    expect(sum).toBeCloseTo(res.totals.conversions, 9);
    expect(sumValue).toBeCloseTo(res.totals.value, 8);
    // before flooring, Shapley values within each coalition add up to the coalition's rate, so the
    // unfloored credit is efficient too
    const raw = res.shapley!.unfloored.reduce((s, c) => s + c.conversions, 0);
    expect(raw).toBeCloseTo(res.totals.conversions, 9);
  });

  it('handles 20 channels (2^20 coalitions) exactly and refuses more than the limit with a hint', () => {
    const channels = Array.from({ length: 20 }, (_, i) => `ch${i}`);
    const many = randomRecords(8, channels, 3000);
    const res = attribute(many, 'shapley');
    expect(res.channels.reduce((s, c) => s + c.conversions, 0)).toBeCloseTo(res.totals.conversions, 8);
    expect(() => attribute(many, 'shapley', { maxShapleyChannels: 10 })).toThrow(/limit is 10/);
  });
});
