import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type DuckDbEngine } from './duckdb-api.ts';
import { applySteps, gapSteps, stepSql, type Step } from './line-steps.ts';

/** Deterministic pseudo-random numbers (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('gapSteps', () => {
  it('maps loaded rows to record numbers around excluded records', () => {
    const excluded = [1, 3, 4, 8];
    const steps = gapSteps(excluded);
    const records = [1, 2, 3, 4, 5].map((a) => applySteps(a, steps));
    expect(records).toEqual([2, 5, 6, 7, 9]);
    for (const r of records) expect(excluded).not.toContain(r);
  });

  it('agrees with brute force on random exclusions', () => {
    const next = rng(42);
    for (let trial = 0; trial < 50; trial++) {
      const total = 1 + Math.floor(next() * 200);
      const excluded = Array.from({ length: total }, (_, i) => i + 1).filter(() => next() < 0.3);
      const kept = Array.from({ length: total }, (_, i) => i + 1).filter((r) => !excluded.includes(r));
      const steps = gapSteps(excluded);
      expect(kept.map((_, i) => applySteps(i + 1, steps))).toEqual(kept);
    }
  });
});

describe('stepSql', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDb();
  });
  afterAll(() => engine.close());

  it('is x itself without steps', () => {
    expect(stepSql('a', [])).toBe('a');
  });

  it.each([1, 2, 3, 7, 100, 1000])('matches applySteps on DuckDB with %i steps', async (n) => {
    const next = rng(n);
    const steps: Step[] = [];
    let from = 0;
    for (let i = 0; i < n; i++) {
      from += 1 + Math.floor(next() * 5);
      steps.push({ from, add: Math.floor(next() * 100) });
    }
    const rows = await engine.query<{ x: number; y: number }>(
      `SELECT x, ${stepSql('x', steps)} AS y FROM (SELECT range::BIGINT AS x FROM range(${from + 3})) ORDER BY x`,
    );
    expect(rows.map((r) => r.y)).toEqual(rows.map((r) => applySteps(r.x, steps)));
  });
});
