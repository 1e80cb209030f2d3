/**
 * RFM scores and segments on hand-built fixtures. Expected scores are computed by hand from the
 * stated convention score = 1 + ⌊5·B/N⌋ (B = members strictly worse, N = all members); the segment
 * grid is typed from Guillaume Martin, "RFM Segmentation with Python" (2018), seg_map:
 * [1-2][1-2] hibernating, [1-2][3-4] at risk, [1-2]5 can't lose, 3[1-2] about to sleep, 33 need
 * attention, [3-4][4-5] loyal, 41 promising, 51 new, [4-5][2-3] potential loyalists, 5[4-5] champions.
 */
import { describe, expect, it } from 'vitest';
import {
  quintileScores,
  RF_GRID_SEGMENTS,
  rfmScores,
  rfmSegment,
  rfmSegmentSummary,
  scoreValue,
} from './index.ts';

describe('quintileScores (ties share the score of their lowest rank)', () => {
  it('frequency 1 ×6, 2 ×2, 3 ×2: B = 0, 6, 8 of 10 → 1, 4, 5 (scores 2 and 3 skipped by the tie)', () => {
    const t = quintileScores([1, 2, 3], [6, 2, 2]);
    expect(Array.from(t.scores)).toEqual([1, 4, 5]);
    expect(t.total).toBe(10);
  });

  it('recency in days, lower is better: 5, 10 ×2, 30 ×3, 60, 90 ×2, 200 → 5, 4, 3, 2, 1, 1', () => {
    // B counts members with MORE days: 9, 7, 4, 3, 1, 0 → 1 + ⌊5B/10⌋ = 5, 4, 3, 2, 1, 1.
    const t = quintileScores([30, 5, 200, 10, 90, 60], [3, 1, 1, 2, 2, 1], { higherIsBetter: false });
    expect(Array.from(t.values)).toEqual([5, 10, 30, 60, 90, 200]);
    expect(Array.from(t.scores)).toEqual([5, 4, 3, 2, 1, 1]);
  });

  it('no ties: five members get 1..5; all tied: everyone gets 1', () => {
    expect(Array.from(quintileScores([50, 10, 40, 20, 30]).scores)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(quintileScores([7, 7, 7, 7]).scores)).toEqual([1]);
  });

  it('members or distinct values with counts give the same table', () => {
    const members = [1, 1, 1, 1, 1, 1, 2, 2, 3, 3];
    const a = quintileScores(members);
    const b = quintileScores([3, 1, 2], [2, 6, 2]);
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
  });

  it('scoreValue scores values not in the table by the same rule', () => {
    const t = quintileScores([1, 2, 3], [6, 2, 2]);
    expect(scoreValue(t, 2.5)).toBe(5); // B = 8
    expect(scoreValue(t, 2)).toBe(4); // B = 6
    expect(scoreValue(t, 0.5)).toBe(1);
    expect(scoreValue(t, 99)).toBe(5);
    const r = quintileScores([5, 10, 30], [1, 2, 3], { higherIsBetter: false });
    expect(scoreValue(r, 20)).toBe(3); // 3 of 6 members have more days → 1 + ⌊2.5⌋
  });
});

describe('rfmScores', () => {
  it('scores each dimension on its own marginal, recency reversed', () => {
    const s = rfmScores({ recency: [3, 40, 200], frequency: [9, 2, 1], monetary: [500, 80, 20] });
    // N = 3: B = 2, 1, 0 → 1 + ⌊10/3⌋ = 4, 1 + ⌊5/3⌋ = 2, 1.
    expect(Array.from(s.recency)).toEqual([4, 2, 1]);
    expect(Array.from(s.frequency)).toEqual([4, 2, 1]);
    expect(Array.from(s.monetary)).toEqual([4, 2, 1]);
  });

  it('distinct combinations with counts score like the expanded members', () => {
    const combos = {
      recency: [10, 10, 90, 300],
      frequency: [1, 4, 2, 1],
      monetary: [20, 300, 60, 20],
      count: [5, 2, 2, 1],
    };
    const expanded = { recency: [] as number[], frequency: [] as number[], monetary: [] as number[] };
    combos.count.forEach((c, i) => {
      for (let k = 0; k < c; k++) {
        expanded.recency.push(combos.recency[i]);
        expanded.frequency.push(combos.frequency[i]);
        expanded.monetary.push(combos.monetary[i]);
      }
    });
    const a = rfmScores(combos);
    const b = rfmScores(expanded);
    const firstOf = [0, 5, 7, 9];
    expect(Array.from(a.recency)).toEqual(firstOf.map((i) => b.recency[i]));
    expect(Array.from(a.frequency)).toEqual(firstOf.map((i) => b.frequency[i]));
    expect(Array.from(a.monetary)).toEqual(firstOf.map((i) => b.monetary[i]));
    // Hand: recency 10 (×7) best: B = 3 of 10 → 2; 90: B = 1 → 1; 300: 1. Frequency 4: B = 8 → 5.
    expect(Array.from(a.recency)).toEqual([2, 2, 1, 1]);
    expect(a.frequency[1]).toBe(5);
  });
});

describe('RF grid segments', () => {
  const grid: Record<string, string[]> = {
    // R = 1..5 rows, F = 1..5 columns, as published.
    1: ['Hibernating', 'Hibernating', 'At risk', 'At risk', "Can't lose them"],
    2: ['Hibernating', 'Hibernating', 'At risk', 'At risk', "Can't lose them"],
    3: ['About to sleep', 'About to sleep', 'Need attention', 'Loyal', 'Loyal'],
    4: ['Promising', 'Potential loyalist', 'Potential loyalist', 'Loyal', 'Loyal'],
    5: ['New', 'Potential loyalist', 'Potential loyalist', 'Champions', 'Champions'],
  };

  it('maps all 25 (R, F) cells as the published seg_map, whatever M', () => {
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (const m of [1, 3, 5]) expect(rfmSegment(r, f, m)).toBe(grid[r][f - 1]);
      }
    }
  });

  it('rules are data: custom rules and fallback', () => {
    const rules = [{ name: 'Whales', monetary: [5, 5] as const }];
    expect(rfmSegment(1, 1, 5, rules)).toBe('Whales');
    expect(rfmSegment(1, 1, 4, rules, 'Rest')).toBe('Rest');
  });

  it('summary counts members per segment in rule order, the fallback only when used', () => {
    const summary = rfmSegmentSummary([5, 5, 1, 3], [5, 1, 1, 3], [1, 1, 1, 1], [10, 4, 5, 1]);
    expect(summary.map((s) => s.segment)).toEqual(RF_GRID_SEGMENTS.map((r) => r.name));
    expect(summary.find((s) => s.segment === 'Champions')).toMatchObject({ members: 10, share: 0.5 });
    expect(summary.find((s) => s.segment === 'New')?.members).toBe(4);
    expect(summary.find((s) => s.segment === 'Hibernating')?.members).toBe(5);
    expect(summary.find((s) => s.segment === 'Need attention')?.members).toBe(1);
    const custom = rfmSegmentSummary(
      [1, 5],
      [1, 5],
      [1, 5],
      undefined,
      [{ name: 'Top', recency: [5, 5] }],
      'Other',
    );
    expect(custom).toEqual([
      { segment: 'Top', members: 1, share: 0.5 },
      { segment: 'Other', members: 1, share: 0.5 },
    ]);
  });
});
