import { describe, expect, it } from 'vitest';
import { PROPERTY_LIBRARY } from './property-library.ts';
import { draftPlan, findUseCase, knownUseCases, useCaseRequirements } from './requirements.ts';
import { USE_CASE_TEMPLATES } from './use-case-templates.ts';
import type { UseCaseTemplate } from './use-case-templates.ts';

describe('use-case templates', () => {
  it('cover the eight required use cases', () => {
    expect(knownUseCases().map((u) => u.id)).toEqual([
      'pipeline-velocity',
      'activation',
      'trial-conversion',
      'attribution',
      'referral-program',
      'loyalty-program',
      'personalization',
      'ecommerce-funnel',
    ]);
  });

  it.each(USE_CASE_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s: every KPI names events and properties the template defines',
    (_id, t) => {
      expect(t.kpis.length).toBeGreaterThan(0);
      for (const k of t.kpis) {
        for (const e of k.events)
          expect(
            t.events.map((x) => x.name),
            `${k.id} → ${e}`,
          ).toContain(e);
        for (const ref of k.properties) {
          const [event, prop] = ref.split('.');
          const def = t.events.find((x) => x.name === event);
          expect(
            def?.properties.map((x) => x.replace(/\?$/, '')),
            `${k.id} → ${ref}`,
          ).toContain(prop);
        }
      }
      for (const e of t.events) {
        for (const prop of e.properties)
          expect(Object.keys(PROPERTY_LIBRARY)).toContain(prop.replace(/\?$/, ''));
        expect(e.sources.length).toBeGreaterThan(0);
      }
    },
  );

  it('finds use cases by id or name, ignoring case and separators', () => {
    expect(findUseCase('E-commerce funnel').id).toBe('ecommerce-funnel');
    expect(findUseCase('trial_conversion').id).toBe('trial-conversion');
    expect(findUseCase('Pipeline Velocity').id).toBe('pipeline-velocity');
  });

  it('rejects an unknown use case with the known ones and how to add one', () => {
    expect(() => findUseCase('churn prediction')).toThrow(
      /Unknown use case "churn prediction"\. Known use cases: pipeline-velocity \(Pipeline velocity\), .*ecommerce-funnel \(E-commerce funnel\)\. To add one, pass a UseCaseTemplate in `templates`/,
    );
  });

  it('accepts custom templates', () => {
    const churn: UseCaseTemplate = {
      id: 'churn',
      name: 'Churn',
      description: 'Cancellations.',
      spec: 'custom',
      kpis: [
        {
          id: 'churn-rate',
          name: 'Churn rate',
          definition: 'cancellations ÷ subscriptions',
          events: ['Subscription Cancelled'],
          properties: [],
        },
      ],
      events: [
        {
          name: 'Subscription Cancelled',
          description: 'A subscription was cancelled.',
          sources: ['billing'],
          identities: ['userId'],
          properties: ['subscription_id', 'plan'],
        },
      ],
    };
    const req = useCaseRequirements(['churn', 'trial conversion'], { templates: [churn] });
    expect(req.useCases.map((u) => u.id)).toEqual(['churn', 'trial-conversion']);
    expect(req.events.map((e) => e.name)).toContain('Subscription Cancelled');
  });

  it('merges shared events and marks KPIs whose sources are missing', () => {
    const req = useCaseRequirements(['loyalty program', 'e-commerce funnel', 'personalization'], {
      sources: ['web', 'product'],
    });
    const order = req.events.filter((e) => e.name === 'Order Completed');
    expect(order).toHaveLength(1);
    expect(order[0].useCases).toEqual(['loyalty-program', 'ecommerce-funnel', 'personalization']);
    expect(order[0].properties).toContain('checkout_id?');
    const tier = req.kpis.find((k) => k.id === 'tier-upgrade-rate')!;
    expect(tier).toMatchObject({
      measurable: false,
      unavailableEvents: ['Loyalty Tier Changed'],
      sources: ['billing'],
    });
    expect(req.kpis.find((k) => k.id === 'funnel-conversion')).toMatchObject({
      measurable: true,
      identities: ['userId', 'anonymousId'],
    });
  });

  it('drafts a plan with sources, consent and the regulations asked for', () => {
    const req = useCaseRequirements(['activation', 'attribution']);
    const plan = draftPlan(req, {
      name: 'Growth',
      regulations: ['GDPR'],
      sources: ['web', 'product', 'crm'],
    });
    expect(plan.consentMode).toBe('opt-in');
    expect(plan.sources.map((s) => s.id).sort()).toEqual(['crm', 'product', 'web']);
    expect(plan.events.find((e) => e.name === 'Email Link Clicked')).toBeUndefined(); // only the map source sends it
    expect(plan.events.find((e) => e.name === 'Form Submitted')?.sources).toEqual(['web']);
    expect(plan.consentCategories).toEqual(['Analytics', 'Functional', 'Advertising']);
    const identify = plan.events.find((e) => e.type === 'identify')!;
    expect(identify.properties.find((p) => p.name === 'email')).toMatchObject({
      pii: true,
      retentionDays: 365,
      required: true,
    });
  });
});
