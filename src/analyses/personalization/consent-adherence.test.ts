/**
 * Consent at decision time on hand-built rows, including the boundaries: a grant at the decision's
 * own timestamp (consent), one millisecond and one second later (granted after the decision), a
 * withdrawal at the decision's timestamp (withdrawn), re-granted only later (still withdrawn).
 */
import { describe, expect, it } from 'vitest';
import { consentAdherence, type ConsentDecisionRow } from './consent-adherence.ts';

const D = '2026-03-10 12:00:00';
const row = (over: Partial<ConsentDecisionRow>): ConsentDecisionRow => ({
  user: 'u1',
  rule: 'hero',
  purpose: 'personalization',
  decisionTs: D,
  ...over,
});

describe('consentAdherence: classification', () => {
  it.each<[string, Partial<ConsentDecisionRow>, string | null]>([
    ['granted before', { consentStatus: 'granted', consentTs: '2026-03-01' }, null],
    ['granted at the same timestamp', { consentStatus: 'granted', consentTs: D }, null],
    ['next grant at the same timestamp (SQL used strict <)', { nextGrantTs: D }, null],
    ['granted without a time', { consentStatus: 'granted' }, null],
    ['granted one second after', { nextGrantTs: '2026-03-10 12:00:01' }, 'granted-after-decision'],
    ['granted one millisecond after', { nextGrantTs: '2026-03-10 12:00:00.001' }, 'granted-after-decision'],
    [
      'a later grant put in the at-decision slot',
      { consentStatus: 'granted', consentTs: '2026-03-11' },
      'granted-after-decision',
    ],
    ['withdrawn before', { consentStatus: 'withdrawn', consentTs: '2026-03-01' }, 'withdrawn'],
    ['withdrawn at the same timestamp', { consentStatus: 'withdrawn', consentTs: D }, 'withdrawn'],
    [
      'withdrawn, re-granted later',
      { consentStatus: 'withdrawn', consentTs: '2026-03-01', nextGrantTs: '2026-03-12' },
      'withdrawn',
    ],
    ['no record at all', {}, 'never-granted'],
  ])('%s', (_name, over, kind) => {
    const r = consentAdherence({ rows: [row(over)] });
    if (kind === null) {
      expect(r.violations).toBe(0);
      expect(r.compliantRows).toBe(1);
      expect(r.findings).toEqual([]);
    } else {
      expect(r.violations).toBe(1);
      expect(r.groups).toEqual([{ rule: 'hero', purpose: 'personalization', kind, decisions: 1, users: 1 }]);
    }
  });

  it('rejects an unknown consent status', () => {
    expect(() => consentAdherence({ rows: [row({ consentStatus: 'maybe' as 'granted' })] })).toThrow(
      /consentStatus/,
    );
  });
});

describe('consentAdherence: counts, examples and issues', () => {
  const rows: ConsentDecisionRow[] = [
    row({ user: 'u1', decisionTs: '2026-03-10 09:00:00' }), // never
    row({ user: 'u1', decisionTs: '2026-03-10 10:00:00' }), // never, same user
    row({
      user: 'u2',
      decisionTs: '2026-03-10 11:00:00',
      consentStatus: 'withdrawn',
      consentTs: '2026-03-01',
      loggedConsent: 'granted',
    }),
    row({ user: 'u3', decisionTs: '2026-03-10 12:00:00', nextGrantTs: '2026-03-10 12:00:05' }),
    row({
      user: 'u4',
      rule: 'reco',
      decisionTs: '2026-03-09',
      consentStatus: 'withdrawn',
      consentTs: '2026-03-08',
    }),
    row({ user: 'u5', rule: 'reco', purpose: 'marketing', decisionTs: '2026-03-09' }), // never
    row({ user: 'u6', consentStatus: 'granted', consentTs: '2026-03-01' }), // compliant
  ];
  const r = consentAdherence({ rows, decisionsRequiringConsent: 600 });

  it('counts by kind, rule and purpose; distinct users; rate over decisions needing consent', () => {
    expect(r.violations).toBe(6);
    expect(r.users).toBe(5);
    expect(r.rate).toBeCloseTo(0.01, 15); // 6 / 600
    expect(r.byKind).toEqual({ withdrawn: 2, 'never-granted': 3, 'granted-after-decision': 1 });
    expect(r.compliantRows).toBe(1);
    expect(r.loggedConsentMismatches).toBe(1);
    expect(r.groups.map((g) => [g.rule, g.purpose, g.kind, g.decisions, g.users])).toEqual([
      ['hero', 'personalization', 'never-granted', 2, 1],
      ['hero', 'personalization', 'withdrawn', 1, 1],
      ['hero', 'personalization', 'granted-after-decision', 1, 1],
      ['reco', 'marketing', 'never-granted', 1, 1],
      ['reco', 'personalization', 'withdrawn', 1, 1],
    ]);
  });

  it('examples: withdrawn first, then never granted, then granted late; most recent first; limited', () => {
    expect(r.examples.map((e) => [e.user, e.kind])).toEqual([
      ['u2', 'withdrawn'],
      ['u4', 'withdrawn'],
      ['u1', 'never-granted'], // 10:00
      ['u1', 'never-granted'], // 09:00
      ['u5', 'never-granted'],
      ['u3', 'granted-after-decision'],
    ]);
    expect(r.examples[0]).toMatchObject({
      decisionTs: '2026-03-10T11:00:00Z',
      consentTs: '2026-03-01T00:00:00Z',
    });
    const two = consentAdherence({ rows }, { thresholds: { consentExamples: 2 } });
    expect(two.examples.map((e) => e.user)).toEqual(['u2', 'u4']);
  });

  it('one critical issue per rule × purpose, owned by the privacy role', () => {
    expect(r.findings.map((f) => [f.id, f.severity, f.ownerRole])).toEqual([
      ['consent-violation:purpose=personalization,rule=hero', 'critical', 'data_privacy_lead'],
      ['consent-violation:purpose=marketing,rule=reco', 'critical', 'data_privacy_lead'],
      ['consent-violation:purpose=personalization,rule=reco', 'critical', 'data_privacy_lead'],
    ]);
    expect(r.findings[0].evidence).toBe(
      "4 decisions to 3 users had no 'personalization' consent at decision time: withdrawn or denied before the decision 1, never granted 2, granted only after the decision 1; e.g. user u2 at 2026-03-10T11:00:00Z (withdrawn or denied before the decision).",
    );
  });

  it('pre-counted groups from SQL merge with rows; distinct users are then unknown', () => {
    const merged = consentAdherence({
      rows,
      counts: [
        { rule: 'hero', purpose: 'personalization', kind: 'never-granted', decisions: 10n, users: 4n },
        { rule: 'promo', purpose: 'personalization', kind: 'withdrawn', decisions: 3, users: null },
      ],
    });
    expect(merged.violations).toBe(19);
    expect(merged.users).toBeNull();
    expect(merged.rate).toBeNull();
    expect(merged.groups[0]).toEqual({
      rule: 'hero',
      purpose: 'personalization',
      kind: 'never-granted',
      decisions: 12,
      users: 5,
    });
    expect(merged.groups.find((g) => g.rule === 'promo')?.users).toBeNull();
    expect(() =>
      consentAdherence({ counts: [{ rule: 'a', purpose: 'p', kind: 'late' as 'withdrawn', decisions: 1 }] }),
    ).toThrow(/kind/);
  });

  it('no data, no violations', () => {
    expect(consentAdherence({ rows: [], decisionsRequiringConsent: 0 })).toMatchObject({
      violations: 0,
      rate: null,
      findings: [],
    });
  });
});
