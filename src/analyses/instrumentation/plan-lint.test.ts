import { describe, expect, it } from 'vitest';
import { shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { LINT_RULES } from './lint-rules.ts';
import type { LintRuleId } from './lint-rules.ts';
import { lintPlan } from './plan-lint.ts';
import type { LintResult } from './plan-lint.ts';
import { applyGovernancePolicy } from './governance-policy.ts';
import { draftPlan, useCaseRequirements } from './requirements.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { PlanProperty, Regulation, TrackingPlan } from './tracking-plan.ts';
import { USE_CASE_TEMPLATES } from './use-case-templates.ts';

const rules = (r: LintResult) =>
  r.findings.map((f) => `${f.rule}${f.property ? `:${f.property}` : ''}`).sort();
const prop = (
  name: string,
  schema: PlanProperty['schema'],
  extra: Partial<PlanProperty> = {},
): PlanProperty => ({
  name,
  description: `${name}.`,
  required: true,
  schema,
  ...extra,
});
const one = (properties: PlanProperty[], extra = {}) =>
  createPlan({
    name: 'p',
    events: [
      createEvent({
        name: 'Order Completed',
        description: 'd',
        identities: ['userId'],
        consentCategory: 'Analytics',
        retentionDays: 365,
        properties,
        ...extra,
      }),
    ],
  });
/** The two rules every event meets once the governance policy ran. */
const GOVERNED: LintRuleId[] = ['event-retention', 'event-consent-category'];

describe('lintPlan', () => {
  it('documents every rule with an id and a severity', () => {
    const ids = LINT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of LINT_RULES) expect(['error', 'warning']).toContain(r.severity);
  });

  it('passes a clean plan', () => {
    expect(lintPlan(shopPlan()).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('checks naming with the configured casing', () => {
    const plan = createPlan({
      name: 'p',
      events: ['Order Completed', 'order_completed_x', 'Complete Order', 'ProductViewed'].map((name) =>
        createEvent({
          name,
          description: 'd',
          identities: ['userId'],
          properties: [prop('orderId', { type: 'boolean' })],
        }),
      ),
    });
    const title = lintPlan(plan);
    expect(title.findings.filter((f) => f.rule === 'event-name-casing').map((f) => f.event)).toEqual([
      'order_completed_x',
      'ProductViewed',
    ]);
    expect(title.findings.filter((f) => f.rule === 'event-name-object-action').map((f) => f.event)).toEqual([
      'Complete Order',
    ]);
    expect(title.findings.filter((f) => f.rule === 'property-name-casing')).toHaveLength(4);
    const snake = lintPlan(plan, { eventCasing: 'snake', propertyCasing: 'camel' });
    expect(snake.findings.filter((f) => f.rule === 'event-name-casing').map((f) => f.event)).toEqual([
      'Order Completed',
      'Complete Order',
      'ProductViewed',
    ]);
    expect(snake.findings.filter((f) => f.rule === 'property-name-casing')).toHaveLength(0);
  });

  it('finds unbounded strings, unranged numbers and undescribed properties, nested included', () => {
    const r = lintPlan(
      one([
        prop('a', { type: 'string' }),
        prop('b', { type: 'string', maxLength: 5 }),
        prop('c', { type: 'number', minimum: 0 }),
        prop('d', { type: 'integer', enum: [1, 2] }),
        prop('e', { type: 'object', properties: { f: { type: 'string' } } }, { description: undefined }),
      ]),
    );
    expect(rules(r)).toEqual([
      'number-ranged:c',
      'property-described:e',
      'property-described:e.f',
      'string-bounded:a',
      'string-bounded:e.f',
    ]);
  });

  it('finds duplicates ignoring case and separators', () => {
    const plan = createPlan({
      name: 'p',
      events: [
        createEvent({ name: 'Event Collided', description: 'd', identities: ['userId'] }),
        createEvent({ name: 'event_collided', description: 'd', identities: ['userId'] }),
        createEvent({
          name: 'Properties Collided',
          description: 'd',
          identities: ['userId'],
          properties: [
            prop('Property Collided', { type: 'boolean' }),
            prop('property_collided', { type: 'boolean' }),
          ],
        }),
      ],
    });
    const r = lintPlan(plan, {
      disable: ['event-name-casing', 'property-name-casing', 'event-name-object-action', ...GOVERNED],
    });
    expect(rules(r)).toEqual(['duplicate-event-name', 'duplicate-property-name:property_collided']);
  });

  it('warns about blank and space-padded enum values, nested and array items included', () => {
    const r = lintPlan(
      one([
        prop('billing_period', { type: 'string', enum: ['monthly', '', 'annual'] }),
        prop('reason', { type: 'string', enum: ['too_expensive', ' missing_feature', 'other\t'] }),
        prop('tags', { type: 'array', maxItems: 5, items: { type: 'string', enum: ['a', '  '] } }),
        prop('plan', {
          type: 'object',
          properties: { tier: prop('tier', { type: 'string', enum: ['pro '] }).schema },
        }),
        prop('clean', { type: ['string', 'integer'], enum: ['a b', 1] }),
      ]),
      { disable: ['property-described'] },
    );
    const blank = r.findings.filter((f) => f.rule === 'enum-value-blank');
    expect(blank.map((f) => [f.severity, f.property, f.message])).toEqual([
      [
        'warning',
        'billing_period',
        '"billing_period" enum has a blank value "": remove it (an empty cell or a stray comma?)',
      ],
      [
        'warning',
        'reason',
        '"reason" enum value " missing_feature" starts or ends with whitespace: a payload sending "missing_feature" is refused; trim it',
      ],
      ['warning', 'reason', expect.stringContaining('"other\\t" starts or ends with whitespace')],
      ['warning', 'tags[]', expect.stringContaining('enum has a blank value "  "')],
      ['warning', 'plan.tier', expect.stringContaining('"pro " starts or ends with whitespace')],
    ]);
  });

  it("warns about a property name typed two ways across the plan's events", () => {
    const ev = (name: string, type: 'track' | 'identify' | 'group', properties: PlanProperty[]) =>
      createEvent({ name, type, description: 'd', identities: ['userId'], properties });
    const plan = createPlan({
      name: 'p',
      events: [
        ev('Trial Converted', 'track', [prop('mrr', { type: 'number', minimum: 0, maximum: 1e5 })]),
        // integer and number agree; an untyped schema agrees with any type
        ev('Plan Changed', 'track', [
          prop('mrr', { type: 'integer', minimum: 0, maximum: 1e5 }),
          prop('seats', { enum: [1, 2] }),
        ]),
        ev('Subscription Cancelled', 'track', [prop('mrr', { type: 'string', maxLength: 20 })]),
        ev('Seat Added', 'track', [
          prop('seats', { type: 'integer', minimum: 1, maximum: 9 }),
          prop('seats', { type: ['string', 'null'], maxLength: 8 }),
        ]),
        // traits are user and account properties: their own namespaces
        ev('identify', 'identify', [prop('mrr', { type: 'boolean' })]),
        ev('group', 'group', [prop('mrr', { type: 'string', maxLength: 9 })]),
      ],
    });
    plan.common = { properties: [prop('locale', { type: 'string', maxLength: 9 })] };
    plan.events[0].properties.push(prop('locale', { type: 'array', maxItems: 2, items: { type: 'string' } }));
    const conflicts = lintPlan(plan, { disable: ['duplicate-property-name'] })
      .findings.filter((f) => f.rule === 'property-type-conflict')
      .map((f) => [f.severity, f.event, f.property, f.message]);
    expect(conflicts).toEqual([
      [
        'warning',
        'Trial Converted',
        'locale',
        '"locale" is array here but string in "(common properties)": give it one type, or a name of its own',
      ],
      [
        'warning',
        'Subscription Cancelled',
        'mrr',
        '"mrr" is string here but number in "Trial Converted": give it one type, or a name of its own',
      ],
      [
        'warning',
        'Seat Added',
        'seats',
        '"seats" is defined twice in this event, as number and as null or string: keep one',
      ],
    ]);
  });

  it('finds impossible constraints and enum values that cannot match', () => {
    const r = lintPlan(
      one([
        prop('a', { type: 'number', minimum: 5, maximum: 1 }),
        prop('b', { type: 'string', minLength: 3, maxLength: 2 }),
        prop('c', { type: 'array', minItems: 2, maxItems: 1, items: { type: 'string', enum: ['x', 3] } }),
        prop('d', { type: 'integer', exclusiveMinimum: 1, exclusiveMaximum: 2 }),
        prop('e', { type: 'string', pattern: '^[A-Z]{2}$', enum: ['US', 'usa'] }),
        prop('f', { type: 'string', pattern: '([' }),
        prop('g', { type: 'string', enum: [] }),
        prop('h', { type: 'object', additionalProperties: false, required: ['x'], properties: {} }),
      ]),
    );
    const errors = r.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}:${f.property}`);
    expect(errors).toEqual([
      'impossible-constraint:a',
      'impossible-constraint:b',
      'impossible-constraint:c',
      'enum-type-mismatch:c[]',
      'impossible-constraint:d',
      'enum-type-mismatch:e',
      'invalid-pattern:f',
      'empty-enum:g',
      'impossible-constraint:h',
    ]);
  });

  it('reports schemas that are not JSON Schema, nested ones by their top property, and nothing valid', () => {
    const r = lintPlan(
      one([
        prop('a', { type: 'strnig' as never }),
        prop('b', { type: 'integer', minimum: '0' as never, maximum: 9 }),
        prop('c', { type: 'array', maxItems: 3, items: { type: 'obj' as never } }),
        prop('d', { type: ['string', 'null'], maxLength: 5 }),
        prop('e', {
          type: 'object',
          properties: { x: { type: 'number', minimum: 0, maximum: 1, description: 'x' } },
        }),
        prop('f', { type: 'string', pattern: '([' }),
      ]),
    );
    const errors = r.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => `${f.rule}:${f.property}`)).toEqual([
      'invalid-schema:a',
      'invalid-schema:b',
      'invalid-schema:c',
      'invalid-pattern:f',
    ]);
    expect(errors[1].message).toBe('"b" is not valid JSON Schema: minimum must be number');
    expect(errors[2].message).toMatch(
      /^"c" is not valid JSON Schema: items\.type must be equal to one of the allowed values/,
    );
    expect(lintPlan(shopPlan()).findings.filter((f) => f.rule === 'invalid-schema')).toEqual([]);
  });

  it('checks versions, sampling rates, sources and consent categories', () => {
    const plan = createPlan({
      name: 'p',
      version: '1.0',
      consentCategories: ['Analytics'],
      sources: [{ id: 'web', kind: 'web' }],
      events: [
        createEvent({
          name: 'Order Completed',
          description: 'd',
          identities: [],
          version: 'x',
          samplingRate: 2,
          sources: ['web', 'crm'],
          consentCategory: 'Marketing',
          retentionDays: 90,
        }),
      ],
    });
    expect(rules(lintPlan(plan))).toEqual([
      'identity-required',
      'invalid-version',
      'invalid-version',
      'sampling-rate-range',
      'unknown-consent-category',
      'unknown-source',
    ]);
  });

  it('turns regulations into rules', () => {
    const plan = one(
      [
        prop('email', { type: 'string', format: 'email' }, { pii: true }),
        prop(
          'phone',
          { type: 'string', maxLength: 20 },
          { pii: true, consentCategory: 'Functional', retentionDays: 400 },
        ),
        prop(
          'diagnosis',
          { type: 'string', maxLength: 20 },
          { pii: true, piiKind: 'health', consentCategory: 'Functional', retentionDays: 30 },
        ),
        prop(
          'ad_target',
          { type: 'string', maxLength: 20 },
          { pii: true, consentCategory: 'Advertising', retentionDays: 30 },
        ),
        prop('home_address', { type: 'string', maxLength: 200 }),
      ],
      { consentCategory: undefined, retentionDays: undefined },
    );
    const at = (regulations: Regulation[]) =>
      rules(lintPlan(plan, { regulations, disable: ['event-retention', 'event-consent-category'] })).filter(
        (r) => !r.startsWith('pii-'),
      );
    expect(rules(lintPlan(plan, { disable: ['event-retention', 'event-consent-category'] }))).toEqual([
      'pii-not-flagged:home_address',
    ]);
    expect(at(['GDPR'])).toEqual([
      'gdpr-opt-in',
      'gdpr-pii-consent:email',
      'gdpr-pii-retention:email',
      'gdpr-pii-retention:phone',
    ]);
    expect(
      lintPlan(plan, { regulations: ['GDPR'], piiMaxRetentionDays: 400 }).findings.filter(
        (f) => f.rule === 'gdpr-pii-retention',
      ),
    ).toHaveLength(1);
    expect(at(['CCPA'])).toEqual(['ccpa-pii-consent:email', 'ccpa-pii-retention:email']);
    expect(at(['HIPAA'])).toEqual(['hipaa-no-health-pii:diagnosis']);
    expect(at(['COPPA'])).toEqual(['coppa-age-gate', 'coppa-no-advertising-pii:ad_target']);
  });

  it('flags URL-like page properties under HIPAA', () => {
    const plan = createPlan({
      name: 'p',
      regulations: ['HIPAA'],
      events: [
        createEvent({
          name: '*',
          type: 'page',
          description: 'd',
          identities: ['anonymousId'],
          consentCategory: 'Analytics',
          retentionDays: 90,
          properties: [prop('url', { type: 'string', maxLength: 2000 })],
        }),
      ],
    });
    expect(rules(lintPlan(plan))).toEqual(['hipaa-no-identifiers-in-page-urls:url']);
  });

  it('lints the draft plan of every use case clean under each regulation, COPPA with its age gate', () => {
    const req = useCaseRequirements(USE_CASE_TEMPLATES.map((t) => t.id));
    const governed = (p: TrackingPlan) => applyGovernancePolicy(p).plan;
    const plan = governed(draftPlan(req, { name: 'All', regulations: ['GDPR', 'CCPA', 'HIPAA'] }));
    expect(lintPlan(plan).findings).toEqual([]);
    const coppa = governed(draftPlan(req, { name: 'Kids', regulations: ['COPPA'] }));
    expect(coppa.events[0].name).toBe('Age Gate Completed');
    expect(lintPlan(coppa).findings).toEqual([]);
    coppa.events
      .find((e) => e.name === 'Form Submitted')!
      .properties.push({
        name: 'email',
        description: 'Address typed in the form.',
        required: false,
        schema: { type: 'string', format: 'email', maxLength: 254 },
        pii: true,
        retentionDays: 30,
      });
    expect(lintPlan(coppa).findings.map((f) => f.rule)).toEqual(['coppa-no-advertising-pii']);
  });
});

describe('governance: retention and consent are never silently blank', () => {
  const blank = () =>
    createPlan({
      name: 'p',
      events: [
        createEvent({ name: 'Order Completed', description: 'd', identities: ['userId'] }),
        createEvent({
          name: 'Ad Clicked',
          description: 'd',
          identities: ['anonymousId'],
          consentCategory: 'Advertising',
          retentionDays: 30,
        }),
      ],
    });
  const governance = (r: LintResult) =>
    r.findings.filter((f) => GOVERNED.includes(f.rule)).map((f) => `${f.severity} ${f.rule} ${f.event}`);

  it('warns about an event without retention or consent when no regulation is in force', () => {
    const r = lintPlan(blank());
    expect(governance(r)).toEqual([
      'warning event-retention Order Completed',
      'warning event-consent-category Order Completed',
    ]);
    expect(r.coverage).toEqual({ events: 2, with_retention: 1, with_consent: 1 });
  });

  it('makes them errors while a regulation is in force, naming it', () => {
    for (const regulations of [['GDPR'], ['CCPA'], ['HIPAA'], ['COPPA']] as Regulation[][]) {
      const r = lintPlan(blank(), { regulations });
      expect(governance(r)).toEqual([
        'error event-retention Order Completed',
        'error event-consent-category Order Completed',
      ]);
      expect(r.findings.find((f) => f.rule === 'event-retention')!.message).toContain(regulations[0]);
    }
  });

  it('warns under GDPR when an event with personal data is kept longer than the cap', () => {
    const long = applyGovernancePolicy(blank(), { retention_days: 400 }).plan;
    const found = lintPlan(long, { regulations: ['GDPR'] }).findings.filter(
      (f) => f.rule === 'gdpr-event-retention',
    );
    expect(found.map((f) => `${f.severity} ${f.event}`)).toEqual(['warning Order Completed']);
    expect(lintPlan(long, { regulations: ['GDPR'], piiMaxRetentionDays: 400 }).warnings).toBe(0);
  });

  it('is quiet once the governance policy gave every event both', () => {
    const r = lintPlan(applyGovernancePolicy(blank()).plan, { regulations: ['CCPA'] });
    expect(governance(r)).toEqual([]);
    expect(r.coverage).toEqual({ events: 2, with_retention: 2, with_consent: 2 });
  });

  it("checks the common properties like an event's", () => {
    const plan = blank();
    plan.common = { properties: [prop('Session ID', { type: 'string' }, { description: undefined })] };
    const found = lintPlan(plan)
      .findings.filter((f) => f.event === '(common properties)')
      .map((f) => f.rule);
    expect(found.sort()).toEqual(['property-described', 'property-name-casing', 'string-bounded']);
  });
});
