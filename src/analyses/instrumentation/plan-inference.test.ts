import { describe, expect, it } from 'vitest';
import { shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { createEventValidator } from './event-validator.ts';
import { generateSamplePayloads } from './payload-generator.ts';
import { inferPlan } from './plan-inference.ts';

describe('inferPlan', () => {
  const plan = shopPlan();
  const { messages } = generateSamplePayloads({ plan, seed: 21, count: 3000 });
  const result = inferPlan(messages, { name: 'Observed' });

  it('finds the events sent, with their call types and identities', () => {
    const sent = new Set(
      plan.events
        .filter((e) => e.status !== 'deprecated')
        .map((e) => (e.type === 'track' ? e.name : `${e.type}`)),
    );
    expect(new Set(result.plan.events.map((e) => (e.type === 'track' ? e.name : e.type)))).toEqual(sent);
    expect(result.messages).toBe(3000);
    const oc = result.plan.events.find((e) => e.name === 'Order Completed')!;
    expect(oc.identities).toEqual(['userId', 'anonymousId']);
    expect(result.plan.events.find((e) => e.name === 'Invoice Paid')!.identities).toEqual([
      'userId',
      'groupId',
    ]);
  });

  it('infers types, required-ness from presence, enum candidates, formats and PII', () => {
    const oc = result.plan.events.find((e) => e.name === 'Order Completed')!;
    const byName = Object.fromEntries(oc.properties.map((p) => [p.name, p]));
    expect(byName.order_id).toMatchObject({ required: true, schema: { type: 'string' } });
    expect(byName.revenue).toMatchObject({ required: true, schema: { type: 'number' } });
    expect(byName.channel).toMatchObject({
      required: false,
      schema: { type: 'string', enum: ['app', 'store', 'web'] },
    });
    expect(byName.email).toMatchObject({ pii: true, piiKind: 'email', schema: { format: 'email' } });
    expect(byName.shipping.schema).toMatchObject({
      type: 'object',
      properties: { method: { type: 'string', enum: ['express', 'standard'] }, days: { type: 'integer' } },
      required: ['method'],
    });
    const stats = result.events.find((e) => e.event === 'Order Completed')!;
    const presence = stats.properties.find((p) => p.path === 'channel')!.presence;
    expect(presence).toBeGreaterThan(0.45);
    expect(presence).toBeLessThan(0.75);
    expect(stats.properties.find((p) => p.path === 'revenue')).toMatchObject({
      presence: 1,
      min: expect.any(Number),
      max: expect.any(Number),
    });
  });

  it('reads each messageId once, as validate does: retries do not weigh on presence', () => {
    const msg = (messageId: string | undefined, properties: Record<string, unknown>) => ({
      type: 'track',
      event: 'Invoice Sent',
      userId: 'u1',
      ...(messageId === undefined ? {} : { messageId }),
      properties,
    });
    const r = inferPlan([
      msg('m1', { channel: 'email', cc: 1 }),
      { batch: [msg('m1', { channel: 'email', cc: 1 }), msg('m2', { channel: 'pdf' })] },
      msg('m1', { channel: 'email', cc: 1 }),
      msg(undefined, { channel: 'link' }),
      msg(undefined, { channel: 'link' }),
    ]);
    expect(r.messages).toBe(4);
    expect(r.duplicates).toBe(2);
    const stats = r.events.find((e) => e.event === 'Invoice Sent')!;
    expect(stats.count).toBe(4);
    expect(stats.properties.find((p) => p.path === 'cc')!.presence).toBe(0.25);
  });

  it('drafts a plan the same messages validate against', () => {
    const v = createEventValidator(result.plan);
    for (const m of messages) v.validate(m);
    expect(v.report().totalViolations).toBe(0);
  });
});
