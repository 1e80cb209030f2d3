import { describe, expect, it } from 'vitest';
import {
  RETENTION_DEFAULTS,
  applyGovernancePolicy,
  defaultRetention,
  unmatchedPolicyEvents,
} from './governance-policy.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { Regulation } from './tracking-plan.ts';

const person = createEvent({ name: 'Signed Up', identities: ['userId'] });
const account = createEvent({ name: 'Account Scored', identities: ['accountId'] });
const consentRecord = createEvent({ name: 'Consent Given', identities: ['anonymousId'] });

const days = (e: typeof person, regulations: Regulation[]) => defaultRetention(e, regulations).value;

describe('retention defaults from the regulations in force', () => {
  it('keep two years when no regulation sets a period', () => {
    expect(defaultRetention(person, [])).toMatchObject({
      id: 'gtm-default',
      source: 'gtm default',
      value: 730,
    });
  });

  it('give events with personal data the shortest period of the regulations in force', () => {
    expect(days(person, ['GDPR'])).toBe(RETENTION_DEFAULTS.GDPR);
    expect(days(person, ['CCPA'])).toBe(RETENTION_DEFAULTS.CCPA);
    expect(days(person, ['COPPA'])).toBe(RETENTION_DEFAULTS.COPPA);
    expect(days(person, ['GDPR', 'CCPA'])).toBe(365);
    expect(days(person, ['GDPR', 'COPPA'])).toBe(180);
    expect(defaultRetention(person, ['CCPA', 'GDPR']).source).toBe('--constraints GDPR');
  });

  it('leave events without personal data at the base period', () => {
    expect(defaultRetention(account, ['GDPR', 'COPPA'])).toMatchObject({ id: 'gtm-default', value: 730 });
    const flagged = createEvent({
      name: 'Account Scored',
      identities: ['accountId'],
      properties: [{ name: 'email', required: false, schema: { type: 'string' }, pii: true }],
    });
    expect(days(flagged, ['GDPR'])).toBe(365);
  });

  it('keep HIPAA compliance records six years', () => {
    expect(defaultRetention(consentRecord, ['HIPAA', 'GDPR'])).toMatchObject({
      id: 'hipaa-records',
      value: 2190,
      source: '--constraints HIPAA',
    });
    expect(days(person, ['HIPAA'])).toBe(730);
  });
});

describe('applyGovernancePolicy', () => {
  const plan = () =>
    createPlan({
      name: 'p',
      regulations: ['GDPR'],
      consentCategories: ['Analytics'],
      events: [
        person,
        account,
        createEvent({ name: 'Ad Clicked', identities: ['anonymousId'], consentCategory: 'Advertising' }),
        createEvent({ name: 'Order Completed', identities: ['userId'], retentionDays: 90 }),
      ],
    });

  it('gives every event a retention period and a consent category, naming the rule of each', () => {
    const { plan: governed, decisions, rules } = applyGovernancePolicy(plan());
    expect(governed.events.every((e) => e.retentionDays && e.consentCategory)).toBe(true);
    expect(decisions).toEqual([
      {
        event: 'Signed Up',
        type: 'track',
        retention_days: 365,
        retention_rule: '--constraints GDPR',
        consent_category: 'Analytics',
        consent_rule: 'gtm default',
      },
      {
        event: 'Account Scored',
        type: 'track',
        retention_days: 730,
        retention_rule: 'gtm default',
        consent_category: 'Analytics',
        consent_rule: 'gtm default',
      },
      {
        event: 'Ad Clicked',
        type: 'track',
        retention_days: 365,
        retention_rule: '--constraints GDPR',
        consent_category: 'Advertising',
        consent_rule: 'the plan',
      },
      {
        event: 'Order Completed',
        type: 'track',
        retention_days: 90,
        retention_rule: 'the plan',
        consent_category: 'Analytics',
        consent_rule: 'gtm default',
      },
    ]);
    expect(rules.map((r) => `${r.kind} ${r.source} ${r.value} ×${r.events}`)).toEqual([
      'retention --constraints GDPR 365 ×2',
      'retention gtm default 730 ×1',
      'retention the plan 90 ×1',
      'consent gtm default Analytics ×3',
      'consent the plan Advertising ×1',
    ]);
    expect(governed.consentCategories).toEqual(['Analytics', 'Advertising']);
  });

  it('applies settings most specific first: per event, the plan, per category, the flag, the default', () => {
    const { decisions } = applyGovernancePolicy(plan(), {
      retention_days: 400,
      retention: {
        default_days: 500,
        categories: { advertising: 30 },
        events: { 'order completed': 14 },
      },
      consent: { default_category: 'Product', events: { 'Account Scored': 'Functional' } },
    });
    expect(decisions.map((d) => [d.event, d.retention_days, d.retention_rule, d.consent_category])).toEqual([
      ['Signed Up', 400, '--retention-days', 'Product'],
      ['Account Scored', 400, '--retention-days', 'Functional'],
      ['Ad Clicked', 30, 'events.governance.retention.categories.advertising', 'Advertising'],
      ['Order Completed', 14, 'events.governance.retention.events["order completed"]', 'Product'],
    ]);
    const withoutFlag = applyGovernancePolicy(plan(), { retention: { default_days: 500 } }).decisions;
    expect(withoutFlag[0]).toMatchObject({
      retention_days: 500,
      retention_rule: 'events.governance.retention.default_days',
    });
  });

  it('does not modify the plan it is given', () => {
    const p = plan();
    applyGovernancePolicy(p, { retention_days: 10 });
    expect(p.events[0].retentionDays).toBeUndefined();
  });
});

describe('unmatchedPolicyEvents', () => {
  const known = ['Lead Created', 'Opportunity Closed', 'Order Completed'];
  const plan = ['Lead Created', 'Opportunity Closed'];

  it('names a per-event setting that matches no event gtm catalogs, with the event it probably meant', () => {
    const lines = unmatchedPolicyEvents(
      {
        retention: { events: { 'opportunity closed': 1095, 'Opportunity Close': 30, 'Deal Won': 90 } },
        consent: { events: { Lead_Created: 'Functional', 'Order Completed': 'Functional' } },
      },
      known,
      plan,
    );
    expect(lines).toEqual([
      'events.governance.retention.events["Opportunity Close"] names no event gtm catalogs, so it applies to none: did you mean "Opportunity Closed"?',
      'events.governance.retention.events["Deal Won"] names no event gtm catalogs, so it applies to none: use an event name of the plan (this one\'s: Lead Created, Opportunity Closed)',
      'events.governance.consent.events["Lead_Created"] names no event gtm catalogs, so it applies to none: did you mean "Lead Created"?',
    ]);
  });

  it('is quiet when every setting names a known event (case ignored, another use case included)', () => {
    expect(unmatchedPolicyEvents({ retention: { events: { 'ORDER COMPLETED': 1 } } }, known, plan)).toEqual(
      [],
    );
    expect(unmatchedPolicyEvents({}, known, plan)).toEqual([]);
  });
});
