import { createEvent, createPlan } from './tracking-plan.ts';
import type { TrackingPlan } from './tracking-plan.ts';

/**
 * A plan in which every fact the model holds is set away from its default — every call type,
 * governance on events and properties, common properties, plan metadata — so that a round trip
 * through a format shows exactly what that format loses. For tests.
 */
export function richPlan(): TrackingPlan {
  return createPlan({
    name: 'Rich plan',
    description: 'Every fact set, for round trips.',
    version: '4-2-1',
    owner: 'data@rich.test',
    consentMode: 'opt-in',
    consentCategories: ['Analytics', 'Advertising', 'Functional'],
    regulations: ['GDPR', 'CCPA'],
    sources: [
      { id: 'web', kind: 'web', libraries: ['analytics.js'], description: 'Site' },
      { id: 'crm', kind: 'crm', writeKeys: ['wk_1'] },
    ],
    common: {
      version: '2-0-0',
      properties: [
        {
          name: 'session_id',
          description: 'Browser session.',
          required: true,
          schema: { type: 'string', maxLength: 64 },
          consentCategory: 'Functional',
          retentionDays: 30,
        },
      ],
      schemaExtras: { minProperties: 1 },
    },
    events: [
      createEvent({
        name: 'Order Completed',
        description: 'An order was paid.',
        version: '3-1-2',
        status: 'implemented',
        owner: 'growth@rich.test',
        identities: ['userId', 'anonymousId'],
        sources: ['web'],
        samplingRate: 0.5,
        category: 'Checkout',
        tags: ['revenue', 'core'],
        labels: { area: 'checkout' },
        consentCategory: 'Analytics',
        retentionDays: 365,
        additionalProperties: false,
        properties: [
          {
            name: 'order_id',
            description: 'Order id.',
            required: true,
            schema: { type: 'string', maxLength: 32 },
          },
          {
            name: 'revenue',
            description: 'Revenue.',
            required: true,
            schema: { type: 'number', minimum: 0, maximum: 100000 },
          },
          {
            name: 'coupon',
            description: 'Coupon code.',
            required: false,
            schema: { type: ['string', 'null'], maxLength: 20 },
          },
          {
            name: 'email',
            description: 'Receipt address.',
            required: false,
            schema: { type: 'string', format: 'email' },
            pii: true,
            piiKind: 'email',
            consentCategory: 'Functional',
            retentionDays: 90,
          },
          {
            name: 'shipping',
            description: 'Shipping details.',
            required: false,
            schema: {
              type: 'object',
              required: ['method'],
              additionalProperties: false,
              properties: { method: { type: 'string', enum: ['standard', 'express'] } },
            },
          },
        ],
      }),
      createEvent({
        name: 'Cart Emptied',
        description: 'Old event.',
        status: 'deprecated',
        version: '1-0-3',
        identities: ['anonymousId'],
        sources: ['web'],
        consentCategory: 'Analytics',
        retentionDays: 180,
      }),
      createEvent({
        name: 'identify',
        type: 'identify',
        description: 'User traits.',
        version: '2-0-0',
        status: 'implemented',
        owner: 'crm@rich.test',
        identities: ['userId'],
        sources: ['web', 'crm'],
        consentCategory: 'Functional',
        pii: true,
        piiKind: 'name',
        retentionDays: 730,
        properties: [
          {
            name: 'plan',
            description: 'Plan.',
            required: false,
            schema: { type: 'string', enum: ['free', 'pro'] },
          },
          {
            name: 'name',
            description: 'Full name.',
            required: false,
            schema: { type: 'string', maxLength: 200 },
            pii: true,
            piiKind: 'name',
          },
        ],
      }),
      createEvent({
        name: 'group',
        type: 'group',
        description: 'Account traits.',
        identities: ['userId', 'groupId'],
        sources: ['crm'],
        consentCategory: 'Analytics',
        retentionDays: 1095,
        properties: [
          {
            name: 'employees',
            description: 'Headcount.',
            required: false,
            schema: { type: 'integer', minimum: 1, maximum: 1000000 },
          },
        ],
      }),
      createEvent({
        name: 'Pricing',
        type: 'page',
        description: 'The pricing page.',
        identities: ['anonymousId'],
        sources: ['web'],
        consentCategory: 'Analytics',
        retentionDays: 395,
        properties: [
          {
            name: 'plan_shown',
            description: 'Plan highlighted.',
            required: false,
            schema: { type: 'string', enum: ['free', 'pro'] },
          },
        ],
      }),
      createEvent({
        name: 'Home',
        type: 'screen',
        description: 'The app home screen.',
        identities: ['userId'],
        sources: ['web'],
        consentCategory: 'Analytics',
        retentionDays: 395,
      }),
    ],
  });
}
