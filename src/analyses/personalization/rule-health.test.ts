/**
 * Hand-computed rates (count / evaluations) chosen to sit on and just past every default
 * threshold: fallback warn > 5% / alert > 20%, error warn > 0.1% / alert > 1%, default warn > 50%,
 * disabled warn > 5%. A rate equal to a threshold does not trip it.
 */
import { describe, expect, it } from 'vitest';
import { ruleHealth, type RuleEvaluationRow } from './rule-health.ts';

const r = (rule: string, reason: string, evaluations: number, errorCode?: string): RuleEvaluationRow => ({
  rule,
  reason,
  evaluations,
  errorCode,
});

const ROWS: RuleEvaluationRow[] = [
  // hero (1000): default 5%, fallback 5% (STALE 30 + UNKNOWN 20), error 0.1%, disabled 5%: all ok.
  r('hero', 'TARGETING_MATCH', 749),
  r('hero', 'SPLIT', 100),
  r('hero', 'DEFAULT', 50),
  r('hero', 'STALE', 30),
  r('hero', 'UNKNOWN', 20),
  r('hero', 'ERROR', 1, 'GENERAL'),
  r('hero', 'DISABLED', 50),
  // reco (1000): error 11 = 1.1% (alert), fallback 51 = 5.1% (warn), default 6.8%.
  r('reco', 'TARGETING_MATCH', 870),
  r('reco', 'ERROR', 8, 'PROVIDER_NOT_READY'),
  r('reco', 'ERROR', 3, 'GENERAL'),
  r('reco', 'STALE', 51),
  r('reco', 'DEFAULT', 68),
  // banner (1000): error exactly 1% (warn, not alert), fallback exactly 20% (warn, not alert).
  r('banner', 'TARGETING_MATCH', 790),
  r('banner', 'ERROR', 10, 'TYPE_MISMATCH'),
  r('banner', 'UNKNOWN', 200),
  // promo (1000): fallback 20.1% (alert), default 50.1% (warn).
  r('promo', 'STALE', 201),
  r('promo', 'DEFAULT', 501),
  r('promo', 'SPLIT', 298),
  // tiny (99): all errors, but below minEvaluations = 100: shown, not judged.
  r('tiny', 'ERROR', 99, 'GENERAL'),
  // edge (exactly 100): judged; 2 errors = 2% (alert).
  r('edge', 'TARGETING_MATCH', 98),
  r('edge', 'ERROR', 2, 'GENERAL'),
];

describe('ruleHealth', () => {
  const h = ruleHealth(ROWS);
  const rule = (name: string) => {
    const x = h.rules.find((y) => y.rule === name);
    if (!x) throw new Error(name);
    return x;
  };

  it('counts and rates per canonical reason (hand-computed)', () => {
    expect(h.rules.map((x) => x.rule)).toEqual(['banner', 'edge', 'hero', 'promo', 'reco', 'tiny']);
    const hero = rule('hero');
    expect(hero.evaluations).toBe(1000);
    expect(hero.counts).toEqual({ matched: 849, default: 50, fallback: 50, error: 1, disabled: 50 });
    expect(hero.rates).toEqual({
      matched: 0.849,
      default: 0.05,
      fallback: 0.05,
      error: 0.001,
      disabled: 0.05,
    });
  });

  it('a rate equal to a threshold is ok; just above warns or alerts', () => {
    expect(rule('hero').levels).toEqual({ error: 'ok', fallback: 'ok', default: 'ok', disabled: 'ok' });
    expect(rule('hero').status).toBe('ok');
    expect(rule('reco').levels).toMatchObject({ error: 'alert', fallback: 'warn', default: 'ok' });
    expect(rule('banner').levels).toMatchObject({ error: 'warn', fallback: 'warn' });
    expect(rule('banner').status).toBe('warn');
    expect(rule('promo').levels).toMatchObject({ fallback: 'alert', default: 'warn', error: 'ok' });
  });

  it('minimum evaluations: 99 not judged, exactly 100 judged', () => {
    expect(rule('tiny').status).toBe('insufficient data');
    expect(rule('tiny').levels.error).toBe('alert');
    expect(rule('edge').status).toBe('alert');
    expect(h.findings.some((f) => f.subject.rule === 'tiny')).toBe(false);
  });

  it('raw reasons and error codes behind the rates, most frequent first', () => {
    expect(rule('reco').errorCodes).toEqual([
      { code: 'PROVIDER_NOT_READY', evaluations: 8 },
      { code: 'GENERAL', evaluations: 3 },
    ]);
    expect(rule('hero').reasons.filter((x) => x.canonical === 'fallback')).toEqual([
      { reason: 'STALE', canonical: 'fallback', evaluations: 30 },
      { reason: 'UNKNOWN', canonical: 'fallback', evaluations: 20 },
    ]);
  });

  it('one issue per rule × reason over threshold: alert high, warn medium', () => {
    const found = h.findings.map((f) => [f.id, f.severity]);
    expect(found).toEqual([
      ['rule-error-rate:rule=banner', 'medium'],
      ['rule-fallback-rate:rule=banner', 'medium'],
      ['rule-error-rate:rule=edge', 'high'],
      ['rule-fallback-rate:rule=promo', 'high'],
      ['rule-default-rate:rule=promo', 'medium'],
      ['rule-error-rate:rule=reco', 'high'],
      ['rule-fallback-rate:rule=reco', 'medium'],
    ]);
    const reco = h.findings.find((f) => f.id === 'rule-error-rate:rule=reco');
    expect(reco?.evidence).toBe(
      '11 of 1000 evaluations (1.1%) were error (alert above 1%, warn above 0.1%); logged as ERROR 11; top error codes PROVIDER_NOT_READY 8, GENERAL 3.',
    );
    expect(reco?.ownerRole).toBe('personalization_architect');
  });

  it('an error code on a non-ERROR reason counts as an error', () => {
    const x = ruleHealth([r('a', 'TARGETING_MATCH', 990), r('a', 'DEFAULT', 10, 'FLAG_NOT_FOUND')]).rules[0];
    expect(x.counts.error).toBe(10);
    expect(x.counts.default).toBe(0);
    expect(x.reasons).toContainEqual({ reason: 'DEFAULT', canonical: 'error', evaluations: 10 });
  });

  it('unmapped reasons count as fallback, are listed, and can be mapped', () => {
    const rows = [r('a', 'TARGETING_MATCH', 940), r('a', 'TIMEOUT', 60)];
    const plain = ruleHealth(rows);
    expect(plain.unmappedReasons).toEqual([{ reason: 'TIMEOUT', evaluations: 60 }]);
    expect(plain.rules[0].levels.fallback).toBe('warn'); // 6%
    const mapped = ruleHealth(rows, { reasonMap: { timeout: 'error' } });
    expect(mapped.unmappedReasons).toEqual([]);
    expect(mapped.rules[0].levels.error).toBe('alert'); // 6% > 1%
  });

  it('thresholds are configurable; null disables a level', () => {
    const x = ruleHealth(ROWS, {
      thresholds: { error: { warn: null, alert: 0.015 }, minEvaluations: 1 },
    });
    const levels = Object.fromEntries(x.rules.map((y) => [y.rule, y.levels.error]));
    expect(levels).toEqual({
      banner: 'ok',
      edge: 'alert',
      hero: 'ok',
      promo: 'ok',
      reco: 'ok',
      tiny: 'alert',
    });
    expect(() => ruleHealth(ROWS, { thresholds: { fallback: { warn: 5, alert: null } } })).toThrow(
      /fallback.warn/,
    );
  });

  it('the same rule over several rows and reasons adds up', () => {
    const x = ruleHealth([r('a', 'SPLIT', 5), r('a', 'split', 5), r('a', 'TARGETING_MATCH', 0)]).rules[0];
    expect(x.evaluations).toBe(10);
    expect(x.reasons).toEqual([
      { reason: 'SPLIT', canonical: 'matched', evaluations: 10 },
      { reason: 'TARGETING_MATCH', canonical: 'matched', evaluations: 0 },
    ]);
  });
});
