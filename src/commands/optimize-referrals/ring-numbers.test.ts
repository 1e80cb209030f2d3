/**
 * Rings are numbered from 1 where people read them (backlog title and id, dashboard chart and table,
 * rings.csv); the id in result.json's fraud.rings counts from 0 and stays. The backlog said
 * "ring #0", then its id `ring-0` under the title "ring #1".
 */
import { describe, expect, it } from 'vitest';
import { fraudItems } from './backlog.ts';
import { ringSection } from './dashboard-fraud.ts';
import type { ReferralsResult } from './result.ts';
import { ringsCsv } from './write-reports.ts';
import type { RiskReview } from './risk-stage.ts';

const ring = {
  ring: 0,
  members: [4, 7, 9],
  accountIds: ['a', 'b', 'c'],
  rewardsPaid: 120,
  rewardedFriends: 2,
  retainedFriends: 0,
  sharedIdentifiers: [{ kind: 'device', label: 'd1', links: 2 }],
  reasons: ['no-activity-after-reward'],
};
const view = {
  ring: 0,
  members: 3,
  accounts: ['a', 'b', 'c'],
  rewards_paid: 120,
  rewarded_friends: 2,
  retained_friends: 0,
  shared_identifiers: [{ kind: 'device', label: 'd1', links: 2 }],
  reasons: ['no-activity-after-reward'],
};
const result = {
  currency: 'USD',
  fraud: {
    rings: [view],
    inputs: {
      ring_nodes: 3,
      ring_edges: 2,
      lists: { disposable: { source: 'builtin', version: null, entries: 10 }, coupon: { entries: 2 } },
    },
  },
} as unknown as ReferralsResult;

describe('ring numbers for people', () => {
  it('the backlog item freezes "ring #1" and its id is ring-1, the number rings.csv shows', () => {
    const review = { rings: [ring], rules: [], flagged: [] } as unknown as RiskReview;
    const item = fraudItems(review, 'USD', false).find((d) => d.id.startsWith('ring-'));
    expect(item?.id).toBe('ring-1');
    expect(item?.title).toBe('Freeze the 3 accounts of ring #1 and claw back their rewards');
    const [, row] = ringsCsv(result).split(/\r?\n/);
    expect(item?.id).toBe(`ring-${row.split(',')[0]}`);
  });

  it('the twelfth ring (id 11) is ring #12 and ring-12 in the backlog', () => {
    const review = { rings: [{ ...ring, ring: 11 }], rules: [], flagged: [] } as unknown as RiskReview;
    const item = fraudItems(review, 'USD', false).find((d) => d.id.startsWith('ring-'));
    expect(item?.id).toBe('ring-12');
    expect(item?.title).toContain('ring #12 ');
  });

  it('the dashboard chart and table show ring 1', () => {
    const blocks = ringSection(result).blocks;
    const chart = JSON.stringify(blocks.find((b) => b.kind === 'chart'));
    expect(chart).toContain('ring #1 (3 accounts)');
    expect(chart).not.toContain('ring #0');
    const table = blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.rows.map((x) => x.ring)).toEqual([1]);
    expect(result.fraud.rings[0].ring).toBe(0);
  });

  it('rings.csv numbers the first ring 1', () => {
    const [header, row] = ringsCsv(result).split(/\r?\n/);
    expect(header.split(',')[0]).toBe('ring');
    expect(row.split(',')[0]).toBe('1');
  });
});
