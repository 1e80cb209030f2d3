/**
 * Hand-built change logs around the approval rules' boundaries: missing approver (null, '', spaces),
 * approver = author ignoring case, approval at the same second as the change (on time), one second
 * later (late), the tolerance, and a missing approval time.
 */
import { describe, expect, it } from 'vitest';
import { reviewChangeApprovals, type RuleChangeRow } from './review-change-approvals.ts';

const LIVE = '2026-03-10 12:00:00';
const change = (over: Partial<RuleChangeRow>): RuleChangeRow => ({
  rule: 'hero',
  ts: LIVE,
  author: 'ana',
  change: 'audience: returning → all',
  approvedBy: 'ben',
  approvalTs: '2026-03-10 11:00:00',
  ...over,
});
const NOW = '2026-03-20 12:00:00';

describe('reviewChangeApprovals', () => {
  it.each<[string, Partial<RuleChangeRow>, string[]]>([
    ['approved an hour before', {}, []],
    ['approved at the same second as going live', { approvalTs: LIVE }, []],
    ['approved one second after going live', { approvalTs: '2026-03-10 12:00:01' }, ['approved-after-live']],
    [
      'approved 1 ms after (millisecond log)',
      { approvalTs: '2026-03-10 12:00:00.001' },
      ['approved-after-live'],
    ],
    ['no approver (null)', { approvedBy: null, approvalTs: null }, ['no-approver']],
    ['no approver (empty string)', { approvedBy: '' }, ['no-approver']],
    ['no approver (spaces)', { approvedBy: '   ' }, ['no-approver']],
    ['approver is the author, other case and padding', { approvedBy: ' ANA ' }, ['self-approved']],
    [
      'self-approved and late',
      { approvedBy: 'ana', approvalTs: '2026-03-11' },
      ['self-approved', 'approved-after-live'],
    ],
    ['approver but no approval time', { approvalTs: null }, ['approval-time-missing']],
  ])('%s', (_name, over, problems) => {
    expect(reviewChangeApprovals([change(over)], NOW).changes[0].problems).toEqual(problems);
  });

  it('tolerance absorbs clock skew: 30 s late passes with 30 s, fails with 29 s', () => {
    const row = change({ approvalTs: '2026-03-10 12:00:30' });
    expect(
      reviewChangeApprovals([row], NOW, { thresholds: { approvalToleranceSeconds: 30 } }).changes[0].problems,
    ).toEqual([]);
    expect(
      reviewChangeApprovals([row], NOW, { thresholds: { approvalToleranceSeconds: 29 } }).changes[0].problems,
    ).toEqual(['approved-after-live']);
  });

  it('approval lag in seconds, negative when approved before', () => {
    const r = reviewChangeApprovals([change({}), change({ approvalTs: '2026-03-10 12:02:00' })], NOW);
    expect(r.changes.map((c) => c.approvalLagSeconds)).toEqual([-3600, 120]);
  });

  it('one issue per problem change; severity is the worst problem', () => {
    const r = reviewChangeApprovals(
      [
        change({}),
        change({ changeId: 'c-2', approvedBy: null }),
        change({ changeId: 'c-3', approvalTs: '2026-03-10 12:00:01' }),
        change({ changeId: 'c-4', approvedBy: 'ana', approvalTs: '2026-03-11' }),
      ],
      NOW,
    );
    expect(r.findings.map((f) => [f.id, f.severity])).toEqual([
      ['change-approval:change=c-2,rule=hero', 'high'],
      ['change-approval:change=c-3,rule=hero', 'medium'],
      ['change-approval:change=c-4,rule=hero', 'high'],
    ]);
    expect(r.findings[1].evidence).toContain('Approved 1 s after going live');
    expect(r.findings[0].ownerRole).toBe('personalization_architect');
  });

  it('a change without its own id is identified by rule@time, stable across runs', () => {
    const a = reviewChangeApprovals([change({ approvedBy: null })], NOW).findings[0].id;
    const b = reviewChangeApprovals([change({ approvedBy: null })], '2026-04-01').findings[0].id;
    expect(a).toBe('change-approval:change=hero%402026-03-10T12%3A00%3A00Z,rule=hero');
    expect(b).toBe(a);
  });

  it('pending approvals: changes with no approver, oldest first, age in days at now', () => {
    const r = reviewChangeApprovals(
      [
        change({ changeId: 'late', ts: '2026-03-18 12:00:00', approvedBy: null }),
        change({ changeId: 'ok' }),
        change({ changeId: 'early', ts: '2026-03-05 00:00:00', approvedBy: '' }),
      ],
      NOW,
    );
    expect(r.pendingApprovals.map((p) => [p.changeId, p.ageDays])).toEqual([
      ['early', 15.5],
      ['late', 2],
    ]);
  });

  it('rejects an unreadable time, naming the row', () => {
    expect(() => reviewChangeApprovals([change({}), change({ ts: 'soon' })], NOW)).toThrow(/row 1: ts/);
  });
});
