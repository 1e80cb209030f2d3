/**
 * The checklist over a small hand-built workspace whose expected status per item follows from the
 * rules' definitions (each part is tested on its own in its file), plus `not checked` items.
 */
import { describe, expect, it } from 'vitest';
import { governanceChecklist } from './governance-checklist.ts';
import { governanceScan, type GovernanceInput } from './governance-scan.ts';

const INPUT: GovernanceInput = {
  now: '2026-03-31 00:00:00',
  consent: {
    rows: [
      {
        user: 'u1',
        rule: 'hero',
        purpose: 'personalization',
        decisionTs: '2026-03-20',
        consentStatus: 'withdrawn',
        consentTs: '2026-03-01',
      },
    ],
    decisionsRequiringConsent: 200,
  },
  evaluations: [
    { rule: 'hero', reason: 'TARGETING_MATCH', evaluations: 940 },
    { rule: 'hero', reason: 'STALE', evaluations: 60 }, // fallback 6%: warn
    { rule: 'reco', reason: 'SPLIT', evaluations: 1000 },
  ],
  changes: [
    {
      changeId: 'c1',
      rule: 'hero',
      ts: '2026-03-10',
      author: 'ana',
      approvedBy: 'ben',
      approvalTs: '2026-03-10 00:00:05',
    }, // late
    {
      changeId: 'c2',
      rule: 'reco',
      ts: '2026-02-01',
      author: 'ana',
      approvedBy: 'ben',
      approvalTs: '2026-01-31',
    },
  ],
  experiments: [{ experiment: 'exp-hero', start: '2026-03-01', end: null, rules: ['hero'] }],
  activity: [
    { rule: 'hero', variant: 'a', firstTs: '2026-01-01', lastTs: '2026-03-30' },
    { rule: 'hero', variant: 'b', firstTs: '2026-01-01', lastTs: '2026-03-30' },
    { rule: 'reco', variant: 'a', firstTs: '2026-01-01', lastTs: '2026-03-30' },
  ],
};

describe('governanceScan', () => {
  const scan = governanceScan(INPUT);
  const status = Object.fromEntries(scan.checklist.items.map((i) => [i.id, [i.status, i.count]]));

  it('checklist statuses and counts', () => {
    expect(status).toEqual({
      consent: ['fail', 1],
      'evaluation-errors': ['pass', 0],
      'evaluation-fallbacks': ['warn', 1],
      'targeting-reach': ['pass', 0],
      'change-approval': ['warn', 1], // only a late approval: warn, not fail
      'experiment-freeze': ['fail', 1], // c1 changed hero inside running exp-hero
      'stale-rules': ['pass', 0],
    });
    expect(scan.checklist.status).toBe('fail');
    expect(scan.checklist.items.find((i) => i.id === 'consent')?.evidence).toBe(
      '1 decision (0.5% of those needing consent) to 1 user without consent: withdrawn or denied before the decision 1, never granted 0, granted only after the decision 0; most in hero / personalization (1).',
    );
  });

  it('"most in" counts a rule and purpose over every kind of violation', () => {
    // one decision after a withdrawal and one before a late grant, both hero / personalization
    const late = {
      ...INPUT.consent!.rows![0],
      user: 'u2',
      consentStatus: 'granted' as const,
      consentTs: '2026-03-25',
    };
    const both = governanceScan({
      ...INPUT,
      consent: { ...INPUT.consent!, rows: [...INPUT.consent!.rows!, late] },
    });
    expect(both.checklist.items.find((i) => i.id === 'consent')?.evidence).toMatch(
      /withdrawn or denied before the decision 1, never granted 0, granted only after the decision 1; most in hero \/ personalization \(2\)\.$/,
    );
  });

  it('findings sorted by severity then id', () => {
    expect(scan.findings.map((f) => [f.severity, f.kind])).toEqual([
      ['critical', 'consent-violation'],
      ['high', 'change-in-experiment'],
      ['medium', 'change-approval'],
      ['medium', 'rule-fallback-rate'],
    ]);
  });

  it('missing parts are "not checked" and do not count toward the status', () => {
    const empty = governanceScan({ now: INPUT.now });
    expect(empty.checklist.items.every((i) => i.status === 'not checked' && i.count === null)).toBe(true);
    expect(empty.checklist.status).toBe('pass');
    expect(empty.findings).toEqual([]);
    // Changes alone: approvals checked, the freeze needs experiments too.
    const changesOnly = governanceScan({ now: INPUT.now, changes: INPUT.changes });
    const s = Object.fromEntries(changesOnly.checklist.items.map((i) => [i.id, i.status]));
    expect(s['change-approval']).toBe('warn');
    expect(s['experiment-freeze']).toBe('not checked');
    expect(s['stale-rules']).toBe('not checked');
  });

  it('no approver fails the approval item and lists the pending approval', () => {
    const r = governanceScan({
      now: INPUT.now,
      changes: [{ changeId: 'c9', rule: 'hero', ts: '2026-03-29', author: 'ana', approvedBy: null }],
    });
    const item = r.checklist.items.find((i) => i.id === 'change-approval');
    expect(item?.status).toBe('fail');
    expect(r.checklist.pendingApprovals.map((p) => [p.changeId, p.ageDays])).toEqual([['c9', 2]]);
  });

  it('an error alert fails the errors item; too few evaluations are noted, not judged', () => {
    const r = governanceChecklist({
      ruleHealth: governanceScan({
        now: INPUT.now,
        evaluations: [
          { rule: 'a', reason: 'ERROR', errorCode: 'GENERAL', evaluations: 20 },
          { rule: 'a', reason: 'SPLIT', evaluations: 980 },
          { rule: 'b', reason: 'ERROR', evaluations: 5 },
        ],
      }).ruleHealth,
    });
    const item = r.items.find((i) => i.id === 'evaluation-errors');
    expect(item?.status).toBe('fail');
    expect(item?.evidence).toBe(
      '1 of 1 rules over threshold: a error 2%; 1 rule with too few evaluations not judged.',
    );
  });

  it('owner roles are configurable', () => {
    const r = governanceScan(INPUT, { ownerRoles: { consent: 'dpo' } });
    expect(r.checklist.items[0].ownerRole).toBe('dpo');
    expect(r.findings[0].ownerRole).toBe('dpo');
  });
});
