import { describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { createEventValidator } from './event-validator.ts';
import { buildQaPlan } from './qa-plan.ts';

/** The QA plan of the shop plan after validating these messages: each check's status and detail. */
function checks(messages: unknown[]) {
  const plan = shopPlan();
  const v = createEventValidator(plan);
  for (const m of messages) v.validate(m);
  const qa = buildQaPlan(plan, v.report());
  return new Map(qa.checks.map((c) => [c.id, { status: c.status, detail: c.detail }]));
}

describe('buildQaPlan', () => {
  // The report lists every planned event, captured or not: an event with 0 messages was marked
  // "[x] pass" (0 payloads conform) for replay and privacy; and a call other than track (group,
  // identify: reported as type:name) was never found, so it stayed untested whatever was captured
  it('passes or fails only the events whose payloads were checked', () => {
    const c = checks([
      orderCompleted(),
      orderCompleted({ context: { consent: { categoryPreferences: { Analytics: false } } } }),
      { type: 'identify', userId: 'u1', traits: { plan: 'pro' } },
    ]);
    // (replay counts every violation, consent included)
    expect(c.get('replay:Order Completed')).toEqual({ status: 'fail', detail: '1 consent_violation' });
    expect(c.get('privacy:Order Completed')).toEqual({ status: 'fail', detail: '1 consent_violation' });
    expect(c.get('replay:identify')).toEqual({ status: 'pass', detail: '1 payload conforms' });
    const untested = { status: 'untested', detail: 'no captured payloads of this event' };
    expect(c.get('replay:Ad Clicked')).toEqual(untested);
    expect(c.get('privacy:Ad Clicked')).toEqual(untested);
    expect(c.get('replay:Invoice Paid')).toEqual(untested);
  });

  it('says a privacy check passed on how many payloads', () => {
    const c = checks([orderCompleted(), orderCompleted()]);
    expect(c.get('privacy:Order Completed')).toEqual({
      status: 'pass',
      detail: '2 payloads checked: no consent_violation or pii_detected',
    });
    expect(c.get('replay:Order Completed')).toEqual({ status: 'pass', detail: '2 payloads conform' });
    // one payload is one, not "1 payloads"
    const one = checks([orderCompleted()]);
    expect(one.get('privacy:Order Completed')).toEqual({
      status: 'pass',
      detail: '1 payload checked: no consent_violation or pii_detected',
    });
    expect(one.get('replay:Order Completed')).toEqual({ status: 'pass', detail: '1 payload conforms' });
  });

  it('leaves every check untested without a report', () => {
    const qa = buildQaPlan(shopPlan(), null);
    expect(new Set(qa.checks.map((c) => c.status))).toEqual(new Set(['untested']));
    expect(qa.checks.every((c) => c.detail === undefined)).toBe(true);
  });
});

describe('buildQaPlan defect-rate dashboard', () => {
  // a guardrail below 0.05% read "above 0.0%" (one fixed decimal): it keeps its significant digits
  it('states a small guardrail as it is', () => {
    const alert = (t: number) => buildQaPlan(shopPlan(), null, t).dashboards.map((d) => d.alert);
    expect(alert(0.0004)).toContain('above 0.04% twice within 48 h escalates');
    expect(alert(0.02)).toContain('above 2.0% twice within 48 h escalates');
  });
});
