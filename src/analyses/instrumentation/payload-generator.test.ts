import { describe, expect, it } from 'vitest';
import { shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { createEventValidator } from './event-validator.ts';
import { createPayloadGenerator, generateSamplePayloads } from './payload-generator.ts';
import { draftPlan, useCaseRequirements } from './requirements.ts';
import { USE_CASE_TEMPLATES } from './use-case-templates.ts';
import { VIOLATION_TYPES } from './validation-report.ts';
import type { ViolationType } from './validation-report.ts';

const demoPlan = () =>
  draftPlan(useCaseRequirements(USE_CASE_TEMPLATES.map((t) => t.id)), {
    name: 'Demo',
    version: '2-1-0',
    regulations: ['GDPR'],
  });

function validate(plan: ReturnType<typeof demoPlan>, messages: Iterable<unknown>) {
  const v = createEventValidator(plan);
  for (const m of messages) v.validate(m);
  return v.report();
}

describe('seeded payload generator', () => {
  it('produces only valid messages when nothing is planted', () => {
    const plan = demoPlan();
    const { messages, planted } = generateSamplePayloads({ plan, seed: 11, count: 3000 });
    expect(Object.values(planted).every((n) => n === 0)).toBe(true);
    const report = validate(plan, messages);
    expect(report.totalViolations).toBe(0);
    expect(report.byEvent.filter((e) => e.checked > 0).length).toBeGreaterThan(30);
  });

  it.each([1, 2, 3, 42])('seed %i: the validator finds exactly the planted violations', (seed) => {
    const plan = demoPlan();
    const plant = Object.fromEntries(
      VIOLATION_TYPES.map((t, i) => [t, 3 + ((seed * (i + 1)) % 17)]),
    ) as Record<ViolationType, number>;
    const gen = createPayloadGenerator({ plan, seed, count: 5000, plant });
    const report = validate(plan, gen.messages());
    expect(report.violationsByType).toEqual(plant);
    expect(gen.planted).toEqual(plant);
    expect(report.eventsChecked).toBe(5000);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const plan = demoPlan();
    const a = generateSamplePayloads({ plan, seed: 5, count: 200, plant: { wrong_type: 4 } }).messages;
    const b = generateSamplePayloads({ plan, seed: 5, count: 200, plant: { wrong_type: 4 } }).messages;
    const c = generateSamplePayloads({ plan, seed: 6, count: 200, plant: { wrong_type: 4 } }).messages;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
    expect(a[0].timestamp).toBe('2024-03-01T00:00:00.000Z');
    expect(a[1].timestamp).toBe('2024-03-01T00:00:01.000Z');
  });

  it('plants outdated_version through deprecated events when versions cannot go lower', () => {
    const plan = shopPlan();
    plan.version = '1-0-0';
    for (const e of plan.events) e.version = '1-0-0';
    const gen = createPayloadGenerator({
      plan,
      seed: 9,
      count: 300,
      plant: { outdated_version: 7, consent_violation: 3, pii_detected: 2 },
    });
    expect(validate(plan, gen.messages()).violationsByType).toMatchObject({
      outdated_version: 7,
      consent_violation: 3,
      pii_detected: 2,
    });
  });

  it('says what the plan lacks when a violation cannot be planted', () => {
    const plan = shopPlan();
    for (const e of plan.events) e.additionalProperties = false;
    expect(() =>
      createPayloadGenerator({ plan, seed: 1, count: 10, plant: { inconsistent_type: 1 } }),
    ).toThrow(
      'Cannot plant inconsistent_type: the plan needs an event that accepts unplanned properties (additionalProperties true).',
    );
    expect(() => createPayloadGenerator({ plan, seed: 1, count: 2, plant: { wrong_type: 3 } })).toThrow(
      /Cannot plant 3 violations in 2 messages/,
    );
  });
});
