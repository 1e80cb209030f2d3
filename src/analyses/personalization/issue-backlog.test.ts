/**
 * Backlog merging and ranking on hand-built issues, and the mapping of loosely shaped anomaly
 * findings ({detector, severity, evidence, playbook}) onto issues with stable ids.
 */
import { describe, expect, it } from 'vitest';
import { anomalyIssue, buildBacklog, parseSeverity, type AnomalyFinding } from './issue-backlog.ts';
import { issueId } from './issue-id.ts';
import type { Issue } from './types.ts';

const issue = (
  kind: string,
  severity: Issue['severity'],
  subject: Record<string, string>,
  source: Issue['source'] = 'governance',
): Issue => ({
  id: issueId(kind, subject),
  source,
  kind,
  severity,
  ownerRole: 'personalization_lead',
  title: kind,
  evidence: 'numbers',
  suggestedAction: 'act',
  subject,
});

describe('parseSeverity', () => {
  it.each([
    ['critical', 'critical'],
    ['P0', 'critical'],
    ['alert', 'high'],
    ['ERROR', 'high'],
    ['high', 'high'],
    ['warn', 'medium'],
    [' Warning ', 'medium'],
    ['medium', 'medium'],
    ['info', 'low'],
    ['low', 'low'],
    ['sev4', 'low'],
    ['bogus', null],
    [3, null],
  ])('%s → %s', (word, severity) => {
    expect(parseSeverity(word)).toBe(severity);
  });
});

describe('issueId', () => {
  it('sorted keys, encoded values, trimmed', () => {
    expect(issueId('consent-violation', { rule: 'hero banner', purpose: ' personalization ' })).toBe(
      'consent-violation:purpose=personalization,rule=hero%20banner',
    );
    expect(issueId('x', { a: 'a,b=c' })).toBe('x:a=a%2Cb%3Dc');
  });
});

describe('anomalyIssue', () => {
  it.each<[string, AnomalyFinding, string]>([
    [
      'key',
      { detector: 'Conversion drop', severity: 'alert', key: 'email/conv' },
      'anomaly-conversion-drop:key=email%2Fconv',
    ],
    ['subject text', { detector: 'spike', severity: 'warn', subject: 'hero' }, 'anomaly-spike:subject=hero'],
    [
      'subject object',
      { detector: 'spike', severity: 'warn', subject: { segment: 'email', metric: 'ctr', n: 3 } },
      'anomaly-spike:metric=ctr,n=3,segment=email',
    ],
    [
      'metric and segment',
      { detector: 'spike', severity: 'warn', metric: 'ctr', segment: 'email' },
      'anomaly-spike:metric=ctr,segment=email',
    ],
    ['nothing', { detector: 'data freshness', severity: 'warn' }, 'anomaly-data-freshness:'],
  ])('id from %s', (_name, f, id) => {
    expect(anomalyIssue(f).id).toBe(id);
  });

  it('maps severity, evidence, playbook and owner', () => {
    const x = anomalyIssue({
      detector: 'ctr-drop',
      severity: 'alert',
      metric: 'ctr',
      segment: 'email',
      evidence: { z: -4.12345678, baseline: 0.031, observed: 0.019 },
      playbook: { steps: ['check the email template', 'compare with holdout'], owner_role: 'crm_lead' },
    });
    expect(x).toMatchObject({
      source: 'anomaly',
      kind: 'anomaly-ctr-drop',
      severity: 'high',
      ownerRole: 'crm_lead',
      title: 'ctr-drop on ctr / email',
      evidence: 'baseline = 0.031, observed = 0.019, z = -4.12346',
      suggestedAction: 'check the email template; compare with holdout',
    });
  });

  it('defaults: unknown severity is medium and says so; no playbook, no owner', () => {
    const x = anomalyIssue({ detector: 'odd', severity: 'purple', evidence: 'volume 3× normal' });
    expect(x.severity).toBe('medium');
    expect(x.evidence).toBe("volume 3× normal (severity 'purple' not recognised, taken as medium)");
    expect(x.ownerRole).toBe('testing_lead');
    expect(x.suggestedAction).toMatch(/no playbook/);
    expect(
      anomalyIssue({ detector: 'odd', severity: 'low', playbook: 'Re-run the load' }).suggestedAction,
    ).toBe('Re-run the load');
    expect(anomalyIssue({ detector: 'odd', severity: 'low' }, { anomalies: 'analyst' }).ownerRole).toBe(
      'analyst',
    );
  });
});

describe('buildBacklog', () => {
  const governance = [
    issue('rule-error-rate', 'high', { rule: 'reco' }),
    issue('consent-violation', 'critical', { rule: 'hero', purpose: 'personalization' }),
    issue('stale-no-evaluations', 'low', { rule: 'old' }),
  ];
  const experiments = [issue('experiment-roll-back', 'high', { experiment: 'exp-1' }, 'experiment')];
  const anomalies: AnomalyFinding[] = [
    { detector: 'ctr-drop', severity: 'warn', metric: 'ctr', segment: 'email', evidence: 'z = -3.1' },
    { detector: 'ctr-drop', severity: 'alert', metric: 'ctr', segment: 'email', evidence: 'z = -4.2' },
    { detector: 'spike', severity: 'critical', key: 'orders' },
  ];

  it('merges by id (most severe kept), ranks by severity, repeats, source, id', () => {
    const b = buildBacklog(
      { governance, experiments, anomalies },
      { previousIds: ['rule-error-rate:rule=reco', 'anomaly-spike:key=orders', 'gone:rule=x'] },
    );
    expect(b.items.map((i) => [i.rank, i.severity, i.id, i.repeat, i.occurrences])).toEqual([
      [1, 'critical', 'anomaly-spike:key=orders', true, 1],
      [2, 'critical', 'consent-violation:purpose=personalization,rule=hero', false, 1],
      [3, 'high', 'rule-error-rate:rule=reco', true, 1],
      [4, 'high', 'experiment-roll-back:experiment=exp-1', false, 1],
      [5, 'high', 'anomaly-ctr-drop:metric=ctr,segment=email', false, 2],
      [6, 'low', 'stale-no-evaluations:rule=old', false, 1],
    ]);
    expect(b.items[4].evidence).toBe('z = -4.2');
    expect(b.bySeverity).toEqual({ critical: 2, high: 3, medium: 0, low: 1 });
    expect(b.repeats).toEqual(['anomaly-spike:key=orders', 'rule-error-rate:rule=reco']);
    expect(b.resolved).toEqual(['gone:rule=x']);
  });

  it('ids do not depend on the numbers, so the next run recognises the same problems', () => {
    const first = buildBacklog({ anomalies });
    const next = buildBacklog(
      { anomalies: anomalies.map((a) => ({ ...a, evidence: 'z = -9.9' })) },
      { previousIds: first.items.map((i) => i.id) },
    );
    expect(next.items.every((i) => i.repeat)).toBe(true);
    expect(next.resolved).toEqual([]);
  });

  it('empty input, empty backlog', () => {
    expect(buildBacklog({})).toEqual({
      items: [],
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
      repeats: [],
      resolved: [],
    });
  });
});

describe('anomalyIssue on the shape analyses/anomalies emits', () => {
  // The `Anomaly` of src/analyses/anomalies/types.ts: detector inside evidence, warn | error, a direction.
  const anomaly = {
    subject: 'conversion_rate / email',
    t: 1773100800000,
    at: '2026-03-10',
    direction: 'neg',
    severity: 'error',
    evidence: {
      detector: 'same-weekday-z',
      value: 0.019,
      expected: 0.031,
      score: -4.2,
      threshold: 3,
      window: { from: '2026-02-10', to: '2026-03-09', points: 4 },
    },
    playbook: 'KPI far below the same weekday of recent weeks: check freshness first.',
  };

  it('reads the detector from evidence, keeps direction in the id, error → high', () => {
    const x = anomalyIssue(anomaly);
    expect(x.id).toBe('anomaly-same-weekday-z:direction=neg,subject=conversion_rate%20%2F%20email');
    expect(x.severity).toBe('high');
    expect(x.title).toBe('same-weekday-z on conversion_rate / email');
    expect(x.suggestedAction).toBe(anomaly.playbook);
    expect(x.evidence).toBe(
      'expected = 0.031, score = -4.2, threshold = 3, value = 0.019, window = {"from":"2026-02-10","to":"2026-03-09","points":4}',
    );
    expect(anomalyIssue({ ...anomaly, severity: 'warn', at: '2026-03-11' }).id).toBe(x.id);
    expect(anomalyIssue({ ...anomaly, direction: 'pos' }).id).not.toBe(x.id);
  });
});
