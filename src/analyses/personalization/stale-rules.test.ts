/**
 * Stale-rule definitions on hand-built timelines. now = 2026-03-31T00:00:00Z, so the 30-day
 * cutoff is 2026-03-01T00:00:00Z (exactly 30 days: stale) and the 90-day review cutoff is
 * 2025-12-31T00:00:00Z. Day counts are calendar arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { staleRules, type RuleConfig, type RuleVariantActivityRow } from './stale-rules.ts';

const NOW = '2026-03-31 00:00:00';
const act = (
  rule: string,
  variant: string,
  firstTs: string,
  lastTs: string,
  evaluations?: number,
): RuleVariantActivityRow => ({
  rule,
  variant,
  firstTs,
  lastTs,
  evaluations,
});

const ACTIVITY: RuleVariantActivityRow[] = [
  act('dead-exact', 'a', '2026-01-01', '2026-03-01 00:00:00'),
  act('alive-1s', 'a', '2026-01-01', '2026-03-01 00:00:01'),
  act('collapsed-exact', 'a', '2026-01-01', '2026-03-30', 5000),
  act('collapsed-exact', 'b', '2026-01-01', '2026-03-01 00:00:00'),
  act('collapsed-1s', 'a', '2026-01-01', '2026-03-30'),
  act('collapsed-1s', 'b', '2026-01-01', '2026-03-01 00:00:01'),
  act('collapsed-never', 'a', '2026-02-01', '2026-03-30'),
  act('collapsed-young', 'a', '2026-03-10', '2026-03-30'),
  act('starved', 'a', '2026-01-01', '2026-03-30'),
  act('starved', 'b', '2026-01-01', '2026-03-30'),
  act('starved', 'c', '2026-01-01', '2026-02-15'),
  act('unmodified-exact', 'a', '2025-06-01', '2026-03-30'),
  act('unmodified-1s', 'a', '2025-06-01', '2026-03-30'),
  act('updated', 'a', '2025-06-01', '2026-03-30'),
];
const RULES: RuleConfig[] = [
  { rule: 'never-old', createdTs: '2026-01-15' },
  { rule: 'never-young', createdTs: '2026-03-20' },
  { rule: 'never-unknown' },
  { rule: 'collapsed-exact', variants: ['a', 'b'] },
  { rule: 'collapsed-1s', variants: ['a', 'b'] },
  { rule: 'collapsed-never', variants: ['a', 'b'] },
  { rule: 'collapsed-young', variants: ['a', 'b'] },
  { rule: 'starved', variants: ['a', 'b', 'c', 'd'] },
  { rule: 'updated', createdTs: '2025-01-01', updatedTs: '2026-02-01' },
];
const CHANGES = [
  { rule: 'unmodified-exact', ts: '2025-06-01', author: 'ana' },
  { rule: 'unmodified-exact', ts: '2025-12-31 00:00:00', author: 'ana' },
  { rule: 'unmodified-1s', ts: '2025-12-31 00:00:01', author: 'ana' },
];

describe('staleRules', () => {
  const r = staleRules({ activity: ACTIVITY, rules: RULES, changes: CHANGES }, NOW);
  const of = (rule: string) => r.stale.filter((s) => s.rule === rule).map((s) => [s.kind, s.variant, s.days]);

  it('no evaluations: last one exactly 30 days ago is stale, one second later is not', () => {
    expect(of('dead-exact')).toEqual([['no-evaluations', null, 30]]);
    expect(of('alive-1s')).toEqual([]);
  });

  it('never evaluated: stale when known for 30+ days, undetermined when its age is unknown', () => {
    expect(of('never-old')).toEqual([['no-evaluations', null, 75]]); // Jan 15 → Mar 31
    expect(r.stale.find((s) => s.rule === 'never-old')?.since).toBeNull();
    expect(of('never-young')).toEqual([]);
    expect(r.undetermined).toEqual(['never-unknown']);
  });

  it('split collapsed: the other variant last served exactly 30 days ago counts, one second later does not', () => {
    expect(of('collapsed-exact')).toEqual([['split-collapsed', 'a', 30]]);
    expect(r.stale.find((s) => s.rule === 'collapsed-exact')?.detail).toContain(
      '5000 evaluations in the window',
    );
    expect(of('collapsed-1s')).toEqual([]);
  });

  it('split collapsed with a configured variant never served, only once the rule is 30+ days old', () => {
    expect(of('collapsed-never')).toEqual([['split-collapsed', 'a', 58]]); // since first evaluation Feb 1
    expect(of('collapsed-young')).toEqual([]);
  });

  it('variant starved while two or more others keep serving', () => {
    expect(of('starved')).toEqual([
      ['variant-starved', 'c', 44], // last served Feb 15
      ['variant-starved', 'd', 89], // configured, never served; rule live since Jan 1
    ]);
  });

  it('unmodified: last change exactly 90 days ago while serving; one second later is not; updatedTs counts', () => {
    expect(of('unmodified-exact')).toEqual([['unmodified', null, 90]]);
    expect(of('unmodified-1s')).toEqual([]);
    expect(of('updated')).toEqual([]);
    // A dead rule is reported as dead only, not also as unmodified.
    expect(of('dead-exact').map((x) => x[0])).toEqual(['no-evaluations']);
  });

  it('issues: severity by kind, ids from rule (and variant)', () => {
    const ids = r.findings.map((f) => [f.id, f.severity]);
    expect(ids).toContainEqual(['stale-split-collapsed:rule=collapsed-exact', 'medium']);
    expect(ids).toContainEqual(['stale-variant-starved:rule=starved,variant=c', 'medium']);
    expect(ids).toContainEqual(['stale-no-evaluations:rule=dead-exact', 'low']);
    expect(ids).toContainEqual(['stale-unmodified:rule=unmodified-exact', 'low']);
    expect(r.findings).toHaveLength(r.stale.length);
    expect(r.rulesChecked).toBe(13); // 10 with activity + 3 configured only
  });

  it('thresholds are configurable', () => {
    const strict = staleRules({ activity: ACTIVITY, rules: RULES, changes: CHANGES }, NOW, {
      thresholds: { staleDays: 31, unmodifiedDays: 89 },
    });
    const kinds = (rule: string) => strict.stale.filter((s) => s.rule === rule).map((s) => s.kind);
    expect(kinds('dead-exact')).toEqual([]);
    expect(kinds('unmodified-1s')).toEqual(['unmodified']);
  });
});
