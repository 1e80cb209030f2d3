import { describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { createEventValidator } from './event-validator.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { ValidationReport, ViolationType } from './validation-report.ts';

function run(messages: unknown[], plan = shopPlan(), options = {}): ValidationReport {
  const v = createEventValidator(plan, options);
  for (const m of messages) v.validate(m);
  return v.report();
}

const only = (report: ValidationReport): Partial<Record<ViolationType, number>> =>
  Object.fromEntries(Object.entries(report.violationsByType).filter(([, n]) => n > 0));

describe('createEventValidator', () => {
  it('accepts valid messages of every call type', () => {
    const report = run([
      orderCompleted(),
      orderCompleted(
        {},
        {
          coupon: null,
          channel: 'app',
          email: 'buyer@example.com',
          shipping: { method: 'express', days: 2 },
        },
      ),
      { type: 'identify', userId: 'u1', traits: { plan: 'pro', nickname: 'J' } },
      { type: 'page', anonymousId: 'a1', name: 'Pricing', properties: { path: '/pricing' } },
      { type: 'alias', userId: 'u1', previousId: 'a1' },
    ]);
    expect(report.totalViolations).toBe(0);
    expect(report.eventsChecked).toBe(5);
    expect(report.callTypes).toEqual({ track: 2, identify: 1, page: 1, alias: 1 });
  });

  it('reports each violation type with its property and evidence', () => {
    const cases: Array<[ViolationType, Record<string, unknown>, string | undefined]> = [
      ['unplanned_event', orderCompleted({ event: 'order completed' }), undefined],
      [
        'missing_required_property',
        orderCompleted({ properties: { order_id: 'o', currency: 'EUR' } }),
        'revenue',
      ],
      ['wrong_type', orderCompleted({}, { revenue: '42' }), 'revenue'],
      ['additional_property', orderCompleted({}, { debug: true }), 'debug'],
      ['constraint_violation', orderCompleted({}, { currency: 'euro' }), 'currency'],
      [
        'outdated_version',
        orderCompleted({
          context: { protocols: { event_version: 2 }, consent: { categoryPreferences: { Analytics: true } } },
        }),
        undefined,
      ],
      ['unexpected_source', orderCompleted({ context: { source: 'billing' } }), undefined],
      [
        'consent_violation',
        orderCompleted({ context: { consent: { categoryPreferences: { Analytics: false } } } }),
        undefined,
      ],
      ['pii_detected', orderCompleted({}, { note: '+1 415 555 0100' }), 'note'],
    ];
    for (const [type, msg, property] of cases) {
      const report = run([msg]);
      expect(only(report), type).toEqual({ [type]: 1 });
      const sample = report.samples[0];
      expect(sample.type).toBe(type);
      expect(sample.property).toBe(property);
      expect(sample.payload).toBe(msg);
    }
  });

  it('flags a timestamp later than its sentAt, its receivedAt or the check time, beyond 5 minutes of skew', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    const at = (timestamp: string, extra: Record<string, unknown> = {}) =>
      orderCompleted({ timestamp, ...extra });
    const future = [
      at('2027-06-01T00:00:00Z'), // after the check time
      at('2026-12-05T10:06:00Z', { sentAt: '2026-12-05T10:00:00Z' }), // 6 minutes after it was sent
      at('2026-12-05T12:00:00Z', { sentAt: '2026-12-05T13:00:00Z', receivedAt: '2026-12-05T10:00:00Z' }),
    ];
    const fine = [
      at('2026-12-06T12:04:59Z'), // within the skew allowed
      at('2026-12-05T10:04:00Z', { sentAt: '2026-12-05T10:00:00Z' }),
      at('2026-12-05T09:00:00Z', { sentAt: '2026-12-05T10:00:00Z', receivedAt: '2026-12-05T10:00:01Z' }),
      at('not a time'),
      orderCompleted(), // no timestamp
    ];
    const report = run([...future, ...fine], shopPlan(), { now });
    expect(only(report)).toEqual({ future_timestamp: 3 });
    expect(report.messagesWithViolations).toBe(3);
    expect(report.samples.map((x) => x.detail)).toEqual([
      'timestamp 2027-06-01T00:00:00Z is 177 days after the check time (2026-12-06T12:00:00.000Z)',
      'timestamp 2026-12-05T10:06:00Z is 6 minutes after its sentAt (2026-12-05T10:00:00.000Z)',
      'timestamp 2026-12-05T12:00:00Z is 2 hours after its receivedAt (2026-12-05T10:00:00.000Z)',
    ]);
    // without a check time only the message's own times count: the first message passes
    expect(only(run([...future, ...fine]))).toEqual({ future_timestamp: 2 });
    // unplanned events are reported as such, not also for their time
    expect(only(run([at('2027-06-01T00:00:00Z', { event: 'Nope' })], shopPlan(), { now }))).toEqual({
      unplanned_event: 1,
    });
  });

  it('suggests the planned name for a near miss', () => {
    const report = run([orderCompleted({ event: 'order_completed' })]);
    expect(report.samples[0].detail).toContain('did you mean "Order Completed"');
  });

  it('reports nested constraint paths and one violation per wrong value', () => {
    const report = run([orderCompleted({}, { channel: 7, shipping: { method: 'drone', extra: 1 } })]);
    expect(only(report)).toEqual({ wrong_type: 1, constraint_violation: 1, additional_property: 1 });
    expect(report.samples.map((s) => s.property).sort()).toEqual([
      'channel',
      'shipping.extra',
      'shipping.method',
    ]);
  });

  it('checks identities: one person id, and account ids where listed', () => {
    const noPerson = orderCompleted();
    delete noPerson.userId;
    const invoice = {
      type: 'track',
      event: 'Invoice Paid',
      userId: 'u1',
      context: { source: 'billing' },
      properties: { amount: 10 },
    };
    const invoiceWithAccount = { ...invoice, context: { source: 'billing', groupId: 'acct-1' } };
    const report = run([
      noPerson,
      orderCompleted({ anonymousId: 'a1', userId: undefined }),
      invoice,
      invoiceWithAccount,
    ]);
    expect(only(report)).toEqual({ missing_required_property: 2 });
    expect(report.samples.map((s) => s.property)).toEqual(['userId', 'accountId']);
  });

  it('reads sources from context.source or the library name', () => {
    const fromServer = orderCompleted({ context: { library: { name: 'analytics-node' } } });
    const unknownLibrary = orderCompleted({ context: { library: { name: 'analytics-ios' } } });
    const wrongLibrary = {
      type: 'track',
      event: 'Ad Clicked',
      anonymousId: 'a',
      context: { library: { name: 'analytics-node' } },
      properties: { ad_id: 'x' },
    };
    const report = run([fromServer, unknownLibrary, wrongLibrary]);
    expect(only(report)).toEqual({ unexpected_source: 1 });
    expect(report.samples[0].event).toBe('Ad Clicked');
  });

  it('applies the consent mode: opt-out flags refusals, opt-in also missing consent', () => {
    const noConsent = { type: 'track', event: 'Ad Clicked', anonymousId: 'a', properties: { ad_id: 'x' } };
    const refusedProperty = orderCompleted(
      { context: { consent: { categoryPreferences: { analytics: true, Functional: false } } } },
      { email: 'buyer@example.com' },
    );
    const viaConsentManagement = {
      ...noConsent,
      context: { consentManagement: { categoryPreferences: { Advertising: false } } },
    };
    expect(only(run([noConsent, refusedProperty, viaConsentManagement]))).toEqual({ consent_violation: 2 });
    const optIn = { ...shopPlan(), consentMode: 'opt-in' as const };
    const report = run([noConsent, refusedProperty, viaConsentManagement], optIn);
    expect(only(report)).toEqual({ consent_violation: 3 });
    expect(report.samples[0].detail).toContain('without a consent object');
  });

  it("reads RudderStack's consentManagement: allowedConsentIds and deniedConsentIds", () => {
    const adClicked = (consentManagement: Record<string, unknown>) => ({
      type: 'track',
      event: 'Ad Clicked',
      anonymousId: 'a',
      properties: { ad_id: 'x' },
      context: {
        consentManagement: { provider: 'oneTrust', resolutionStrategy: 'and', ...consentManagement },
      },
    });
    const allowed = adClicked({ allowedConsentIds: ['Advertising'], deniedConsentIds: [] });
    const denied = adClicked({ allowedConsentIds: ['Analytics'], deniedConsentIds: ['Advertising'] });
    const both = adClicked({ allowedConsentIds: ['Advertising'], deniedConsentIds: ['Advertising'] });
    const absent = adClicked({ allowedConsentIds: ['Analytics'] });
    // Opt-out: the refusals only; opt-in: also the category that is not granted.
    expect(only(run([allowed, denied, both, absent])).consent_violation).toBe(2);
    const optIn = run([allowed, denied, both, absent], { ...shopPlan(), consentMode: 'opt-in' as const });
    expect(only(optIn).consent_violation).toBe(3);
    expect(optIn.samples.map((s) => s.detail)).toEqual([
      'sent although consent category "Advertising" is refused',
      'sent although consent category "Advertising" is refused',
      'sent although consent category "Advertising" is not granted',
    ]);
  });

  it('reads consent manager ids as the categories events.governance.consent.ids maps them to', () => {
    // OneTrust ids as RudderStack sends them; the plan names its categories in words
    const adClicked = (allowed: string[], denied: string[]) => ({
      type: 'track',
      event: 'Ad Clicked',
      anonymousId: 'a',
      properties: { ad_id: 'x' },
      context: {
        consentManagement: {
          provider: 'oneTrust',
          allowedConsentIds: allowed,
          deniedConsentIds: denied,
        },
      },
    });
    const allowedAds = adClicked(['C0001', 'C0002', 'C0004'], []);
    const deniedAds = adClicked(['C0001', 'C0002'], ['C0004']);
    // Segment's form is read by name, whatever the map says
    const segmentRefused = {
      ...adClicked([], []),
      context: { consent: { categoryPreferences: { Advertising: false } } },
    };
    const messages = [allowedAds, deniedAds, segmentRefused];
    const ids = { C0002: 'Analytics', C0004: 'Advertising' };
    const optIn = { ...shopPlan(), consentMode: 'opt-in' as const };
    // by hand — opt-out: without the map only the Segment refusal (the denied C0004 passes); with
    // it, the denied C0004 too. Opt-in: without the map the allowed C0004 is "not granted" as well.
    expect(only(run(messages)).consent_violation).toBe(1);
    expect(only(run(messages, shopPlan(), { consentIds: ids })).consent_violation).toBe(2);
    expect(only(run(messages, optIn)).consent_violation).toBe(3);
    const mapped = run(messages, optIn, { consentIds: ids });
    expect(only(mapped).consent_violation).toBe(2);
    expect(mapped.samples.map((s) => s.detail)).toEqual([
      'sent although consent category "Advertising" is refused',
      'sent although consent category "Advertising" is refused',
    ]);

    // without the map, the two messages whose ids match no category are counted, ids sorted
    expect(run(messages).consentIdsUnmatched).toEqual({
      messages: 2,
      ids: ['C0001', 'C0002', 'C0004'],
      more: 0,
      categories: ['Analytics', 'Advertising', 'Functional'],
    });
    expect(run(messages, shopPlan(), { consentIds: ids }).consentIdsUnmatched).toBeUndefined();
    // a plan whose categories are named after the ids matches them: nothing to warn about
    const byId = shopPlan();
    for (const e of byId.events) if (e.consentCategory === 'Advertising') e.consentCategory = 'C0004';
    const named = run([deniedAds], byId);
    expect(only(named).consent_violation).toBe(1);
    expect(named.consentIdsUnmatched).toBeUndefined();
  });

  it('refuses a category that several mapped ids share when any of them is denied', () => {
    const adClicked = (allowed: string[], denied: string[]) => ({
      type: 'track',
      event: 'Ad Clicked',
      anonymousId: 'a',
      properties: { ad_id: 'x' },
      context: { consentManagement: { allowedConsentIds: allowed, deniedConsentIds: denied } },
    });
    const optIn = { ...shopPlan(), consentMode: 'opt-in' as const };
    const r = run(
      [adClicked(['C0004'], ['C0005']), adClicked(['C0005', 'C0004'], []), adClicked(['c0004'], [])],
      optIn,
      { consentIds: { C0004: 'Advertising', C0005: 'Advertising' } },
    );
    // by hand: the first is refused (C0005 denied); the second and the lower-case id are granted
    expect(only(r).consent_violation).toBe(1);
  });

  it('flags outdated plan versions by MODEL and REVISION, not ADDITION', () => {
    const at = (v: string) =>
      orderCompleted({
        context: { protocols: { plan_version: v }, consent: { categoryPreferences: { Analytics: true } } },
      });
    // Plan is 2-1-0.
    const report = run([at('1-9-9'), at('2-0-5'), at('2-1-0'), at('2-1-7'), at('3-0-0')]);
    expect(only(report)).toEqual({ outdated_version: 2 });
  });

  it('reports deprecated events as outdated', () => {
    const report = run([{ type: 'track', event: 'Cart Emptied', anonymousId: 'a', properties: {} }]);
    expect(only(report)).toEqual({ outdated_version: 1 });
  });

  it('counts inconsistent types over the stream, minority type per property', () => {
    const identify = (plan: unknown) => ({
      type: 'identify',
      userId: 'u',
      traits: { plan: 'free', seats: plan },
    });
    const unplanned = (v: unknown) => ({
      type: 'track',
      event: 'Thing Happened',
      userId: 'u',
      properties: { size: v },
    });
    const report = run([
      identify(3),
      identify(4),
      identify('5'),
      identify(null),
      unplanned('a'),
      unplanned(1),
      unplanned(2),
      unplanned(3),
    ]);
    expect(report.violationsByType.inconsistent_type).toBe(2);
    expect(report.violationsByType.unplanned_event).toBe(4);
    expect(report.inconsistentTypes).toEqual([
      { event: 'Thing Happened', property: 'size', types: { string: 1, number: 3 }, violations: 1 },
      { event: 'identify:identify', property: 'seats', types: { string: 1, number: 2 }, violations: 1 },
    ]);
    // Declared types are wrong_type, never inconsistent_type.
    expect(
      run([orderCompleted(), orderCompleted({}, { revenue: 'x' })]).violationsByType.inconsistent_type,
    ).toBe(0);
  });

  it('validates batch envelopes member by member and counts by event', () => {
    const report = run([
      {
        batch: [
          orderCompleted(),
          orderCompleted({}, { revenue: -1 }),
          { type: 'track', event: 'Nope', userId: 'u' },
        ],
      },
    ]);
    expect(report.eventsChecked).toBe(3);
    const oc = report.byEvent.find((e) => e.event === 'Order Completed')!;
    expect(oc).toMatchObject({
      planned: true,
      checked: 2,
      violations: 1,
      messagesWithViolations: 1,
      byType: { constraint_violation: 1 },
    });
    expect(report.byEvent.find((e) => e.event === 'Nope')).toMatchObject({ planned: false, checked: 1 });
  });

  it('keeps a bounded number of samples per type', () => {
    const msgs = Array.from({ length: 50 }, (_, i) => ({
      type: 'track',
      event: `Unknown ${i}`,
      userId: 'u',
    }));
    const report = run(msgs, shopPlan(), { maxSamplesPerType: 3 });
    expect(report.violationsByType.unplanned_event).toBe(50);
    expect(report.samples).toHaveLength(3);
  });

  it('records where a message came from', () => {
    const v = createEventValidator(shopPlan());
    v.validate(orderCompleted({ event: 'X' }), { file: 'a.ndjson', line: 7 });
    v.validate(orderCompleted({ event: 'Y' }), { where: 'collector' });
    expect(v.report().samples.map((s) => s.where)).toEqual(['a.ndjson:7', 'collector']);
  });

  it('finds PII nested in objects and arrays', () => {
    const report = run([
      orderCompleted({}, { shipping: { method: 'standard', contact: { phone: '+44 20 7183 8750' } } }),
    ]);
    // shipping forbids other keys: additional_property for contact, and the phone inside it.
    expect(only(report)).toEqual({ additional_property: 1, pii_detected: 1 });
    expect(report.samples.find((s) => s.type === 'pii_detected')).toMatchObject({
      property: 'shipping',
      detail: '"shipping" holds what looks like a phone number but is not flagged PII',
    });
  });

  it('skips the PII scan of flagged properties and when asked', () => {
    const msg = orderCompleted({}, { email: 'buyer@example.com', note: 'buyer@example.com' });
    expect(only(run([msg]))).toEqual({ pii_detected: 1 });
    expect(only(run([msg], shopPlan(), { detectPii: false }))).toEqual({});
  });

  it('does not scan a value the plan lists in the property enum or const for PII', () => {
    // "201-1000" (a company-size band) reads like a 7-digit local phone number.
    const plan = shopPlan();
    const event = plan.events.find((e) => e.name === 'Order Completed')!;
    event.properties.push(
      { name: 'company_size', required: false, schema: { type: 'string', enum: ['1-10', '201-1000'] } },
      { name: 'desk', required: false, schema: { const: '555-0100' } },
    );
    const planned = orderCompleted({}, { company_size: '201-1000', desk: '555-0100' });
    expect(only(run([planned], plan))).toEqual({});
    // A value outside the enum is still scanned: a constraint violation and a phone number.
    const unplanned = orderCompleted({}, { company_size: '+1 415 555 0100' });
    expect(only(run([unplanned], plan))).toEqual({ constraint_violation: 1, pii_detected: 1 });
  });

  it('reports a page or screen the plan does not name as unplanned when it lists named ones only', () => {
    const plan = shopPlan();
    const generic = plan.events.find((e) => e.type === 'page')!;
    plan.events = plan.events.filter((e) => e !== generic);
    for (const name of ['Pricing', 'Docs']) plan.events.push({ ...generic, name, properties: [] });
    const page = (name?: string) => ({
      type: 'page',
      anonymousId: 'a1',
      ...(name ? { name } : {}),
      properties: {},
    });
    const report = run(
      [page('Pricing'), page('Docs'), page('Blog'), page(), { type: 'screen', userId: 'u1', name: 'Home' }],
      plan,
    );
    expect(only(report)).toEqual({ unplanned_event: 2 });
    const blog = report.byEvent.find((e) => e.event === 'page:Blog')!;
    expect(blog.planned).toBe(false);
    expect(report.samples.find((x) => x.type === 'unplanned_event')?.detail).toBe(
      'page "Blog" is not in the plan (its pages: "Pricing", "Docs")',
    );
    // With a generic page (the fixture's '*'), every page name is planned.
    expect(only(run([page('Blog'), page()]))).toEqual({});
  });

  it('reports a message that is no Segment call (unknown type, batch without its array) as wrong_type', () => {
    const report = run([
      { type: 'trak', event: 'Order Completed', userId: 'u1', properties: {} },
      { type: 'batch', batch: 'oops' },
      { type: 42 },
      { userId: 'u1' },
      { type: 'alias', userId: 'u1', previousId: 'a1' },
    ]);
    expect(only(report)).toEqual({ wrong_type: 4 });
    expect(report.samples.map((s) => [s.event, s.property, s.detail])).toEqual([
      [
        'trak',
        'type',
        '"type" must be one of track, identify, page, screen, group, alias or batch; got "trak"',
      ],
      ['batch', 'type', '"batch" must be an array of messages'],
      [
        'unknown',
        'type',
        '"type" must be one of track, identify, page, screen, group, alias or batch; got 42',
      ],
      [
        'unknown',
        'type',
        '"type" must be one of track, identify, page, screen, group, alias or batch; no "type" (and no "event")',
      ],
    ]);
  });

  it('treats a non-object message as wrong_type', () => {
    expect(only(run([42, 'x']))).toEqual({ wrong_type: 2 });
  });
});

describe('format violations name the format with its article', () => {
  // "must be a email" (and "a ipv4", "a uri") was built as `a ${format}`
  it.each([
    ['email', 'not-an-address', '"v" must be an email address'],
    ['ipv4', '999.1.1.1', '"v" must be an IPv4 address'],
    ['ipv6', 'nope', '"v" must be an IPv6 address'],
    ['uri', 'no scheme', '"v" must be a URI'],
    ['uuid', 'x', '"v" must be a UUID'],
    ['date', '05/16/2026', '"v" must be a date (YYYY-MM-DD)'],
    ['date-time', '2026-05-16', '"v" must be a date-time (e.g. 2026-05-16T15:04:05Z)'],
    ['hostname', 'bad host!', '"v" must be a host name'],
    ['strict-uri', '/relative', '"v" must be an absolute URI (scheme://…)'],
    ['int32', 'x', undefined],
  ])('%s', (format, value, detail) => {
    const plan = createPlan({
      name: 'P',
      events: [
        createEvent({
          name: 'Thing Happened',
          identities: ['anonymousId'],
          properties: [
            { name: 'v', description: 'A value.', required: true, schema: { type: 'string', format } },
          ],
        }),
      ],
    });
    const v = createEventValidator(plan);
    v.validate({ type: 'track', event: 'Thing Happened', anonymousId: 'a', properties: { v: value } });
    const details = v
      .report()
      .samples.filter((s) => s.type === 'constraint_violation')
      .map((s) => s.detail);
    // int32 constrains numbers only: a string passes it
    expect(details).toEqual(detail === undefined ? [] : [detail]);
  });
});
