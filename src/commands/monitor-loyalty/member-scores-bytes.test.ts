/**
 * member_scores.csv's bytes (`memberScoresBytes`): lines checked against text written by hand, ids
 * from NUL-joined and listed pages (an id holding a NUL), several 4 MB buffers in order.
 */
import { describe, expect, it } from 'vitest';
import { RF_GRID_SEGMENTS } from '../../analyses/loyalty/index.ts';
import {
  memberScoresBytes,
  MEMBER_SCORES_COLUMNS,
  type IdPage,
  type MemberScoresInput,
} from './member-scores-bytes.ts';

const f = (n: number, at: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => at(i));

/** `n` members with figures derived from their number (member 0: no purchase, no RFM). */
function input(n: number, rfm = true): MemberScoresInput {
  return {
    n,
    dims: [
      { codes: f(n, (i) => i % 2), cells: ['Gold', 'Silver'] },
      // the cells as csvCell writes them (memberScoresInput does)
      { codes: f(n, (i) => i % 3), cells: ['EU', "'=US", '"A, B"'] },
      { codes: f(n, () => 0), cells: ['web'] },
      { codes: f(n, () => 0), cells: ['2026-01'] },
    ],
    cols: {
      has_purchase: f(n, (i) => (i === 0 ? 0 : 1)),
      recency_days: f(n, (i) => (i === 0 ? Number.NaN : i % 400)),
      rfm_orders: f(n, (i) => (i === 0 ? 0 : 1 + (i % 7))),
      rfm_spend: f(n, (i) => (i === 0 ? 0 : (i % 1000) + 0.25)),
      spend_total: f(n, (i) => (i === 0 ? 0 : (i % 1000) + 0.25)),
    },
    scores: {
      pAlive: f(n, (i) => (i === 0 ? Number.NaN : 1 / (1 + (i % 9)))),
      expected: f(n, (i) => (i === 0 ? Number.NaN : (i % 5) / 3)),
      clv: f(n, (i) => (i === 0 ? Number.NaN : (i % 250) * 1.5)),
    },
    rfm: rfm
      ? {
          recency: Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1 + (i % 5))),
          frequency: Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1 + ((i >> 1) % 5))),
          monetary: Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1 + ((i >> 2) % 5))),
          segment: Int8Array.from({ length: n }, (_, i) => (i === 0 ? -1 : i % RF_GRID_SEGMENTS.length)),
        }
      : null,
    points: {
      balance: f(n, (i) => i * 10),
      expiring: f(n, (i) => (i % 4 === 0 ? 5 : 0)),
      days_to_expiry: f(n, (i) => (i % 4 === 0 ? 12 : Number.NaN)),
    },
    flags: [
      { segment: 'win-back', rows: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 1 : 0)) },
      { segment: 'never-redeemed', rows: Uint8Array.from({ length: n }, (_, i) => (i % 2 === 1 ? 1 : 0)) },
    ],
  };
}

const joined = (from: number, ids: string[]): IdPage => ({ from, joined: ids.join('\0') });

describe('member_scores.csv bytes', () => {
  it('writes the lines written by hand, ids from joined and listed pages', () => {
    const x = input(3);
    const pages: IdPage[] = [joined(0, ['M0', '=M1']), { from: 2, ids: ['M\u00002'] }];
    const text = Buffer.concat(memberScoresBytes(x, pages)).toString('utf8');
    const g1 = csvName(1);
    const g2 = csvName(2);
    expect(text.split('\n')).toEqual([
      MEMBER_SCORES_COLUMNS.join(','),
      'M0,Gold,EU,web,2026-01,,0,0,,,,,0,,,,0,5,12,',
      `'=M1,Silver,'=US,web,2026-01,1,2,1.25,2,1,1,${g1},1.25,0.5,0.333333333,1.5,10,0,,win-back;never-redeemed`,
      `M\u00002,Gold,"A, B",web,2026-01,2,3,2.25,3,2,1,${g2},2.25,0.333333333333,0.666666667,3,20,0,,`,
      '',
    ]);
  });

  it('300,000 members in several 4 MB buffers, in order, without RFM scores', () => {
    const n = 300_000;
    const ids = Array.from({ length: n }, (_, i) => `member-${i}`);
    const parts = memberScoresBytes(input(n, false), [
      joined(0, ids.slice(0, 200_000)),
      joined(200_000, ids.slice(200_000)),
    ]);
    expect(parts.length).toBeGreaterThan(3);
    const lines = Buffer.concat(parts).toString('utf8').split('\n');
    expect(lines).toHaveLength(n + 2);
    expect(lines[1].startsWith('member-0,')).toBe(true);
    expect(lines[n].startsWith(`member-${n - 1},`)).toBe(true);
    // the same lines as written one member at a time
    expect(lines[12345]).toBe(
      Buffer.concat(memberScoresBytes(input(n, false), [joined(0, ids)]))
        .toString('utf8')
        .split('\n')[12345],
    );
  });
});

/** The RFM segment name of member `i` of `input` as its cell. */
const csvName = (i: number) => {
  const name = RF_GRID_SEGMENTS[i % RF_GRID_SEGMENTS.length].name;
  return /[",\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
};
