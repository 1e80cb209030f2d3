/**
 * Rings are numbered from 1 where people read them (backlog title, dashboard chart and table,
 * rings.csv); the id in result.json and the backlog item's id count from 0 and stay. The backlog
 * said "ring #0".
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
  it('the backlog item freezes "ring #1"; its id stays ring-0', () => {
    const review = { rings: [ring], rules: [], flagged: [] } as unknown as RiskReview;
    const item = fraudItems(review, 'USD', false).find((d) => d.id.startsWith('ring-'));
    expect(item?.id).toBe('ring-0');
    expect(item?.title).toBe('Freeze the 3 accounts of ring #1 and claw back their rewards');
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
