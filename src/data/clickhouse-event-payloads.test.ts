import { describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../test/fixtures/events/shop-plan.ts';
import { createEventValidator } from '../analyses/instrumentation/event-validator.ts';
import { eventPayloadTableSql, payloadRows } from './clickhouse-event-payloads.ts';

const where = { file_no: 0, source_file: 'e.ndjson', source_row: 3 };

describe('payloadRows', () => {
  const lines: unknown[] = [
    orderCompleted(),
    { type: 'page', name: 'Home', properties: {} },
    { type: 'page', properties: { path: '/' } },
    { event: 'Signed Up', properties: { plan: 'pro' } },
    { type: 'track', event: 7 },
    { anonymousId: 'a' },
    { type: 'alias', userId: 'u', previousId: 'a' },
    42,
    null,
    [1, 2],
    { batch: [orderCompleted(), 'x', { batch: [orderCompleted()] }, { type: 'screen', name: 'S' }] },
    { type: 'batch', batch: [] },
    { type: 'track', batch: [orderCompleted()], event: 'Batch As Event' },
  ];

  it("counts the messages and call types the validator counts, line by line and as batches' members", () => {
    const v = createEventValidator(shopPlan());
    for (const l of lines) v.validate(l);
    const report = v.report();
    const rows = lines.flatMap((l) => payloadRows(l, where));
    expect(rows).toHaveLength(report.eventsChecked);
    const callTypes: Record<string, number> = {};
    for (const r of rows) if (r.is_message) callTypes[r.call_type] = (callTypes[r.call_type] ?? 0) + 1;
    expect(callTypes).toEqual(report.callTypes);
    // values that are not objects are the validator's "(not a message)"
    const notMessages = report.byEvent.find((e) => e.event === '(not a message)')?.checked ?? 0;
    expect(rows.filter((r) => !r.is_message)).toHaveLength(notMessages);
  });

  it('takes the name of a track from event and of other calls from name, and flags properties with keys', () => {
    const rows = lines.slice(0, 7).flatMap((l) => payloadRows(l, where));
    expect(rows.map((r) => [r.call_type, r.has_name, r.name, r.has_properties])).toEqual([
      ['track', 1, 'Order Completed', 1],
      ['page', 1, 'Home', 0],
      ['page', 0, '', 1],
      ['track', 1, 'Signed Up', 1],
      ['track', 0, '', 0],
      ['unknown', 0, '', 0],
      ['alias', 0, '', 0],
    ]);
    const batch = payloadRows(lines[10], where);
    expect(batch.map((r) => r.member)).toEqual([0, 1, 2, 3]);
    expect(batch.every((r) => r.source_row === 3)).toBe(true);
    // a member shaped like an envelope is one message (call type unknown), as the validator reads it
    expect(JSON.parse(batch[2].message)).toEqual({ batch: [orderCompleted()] });
    expect(batch[2].call_type).toBe('unknown');
    expect(JSON.parse(batch[0].message)).toEqual(orderCompleted());
  });

  it("records a non-empty text messageId and the validator's fingerprint, which ignores sentAt and receivedAt", () => {
    const one = (m: unknown) => payloadRows(m, where)[0];
    const first = one(orderCompleted({ messageId: 'm1', sentAt: '2026-12-01T10:00:00.000Z' }));
    const resent = one(
      orderCompleted({ messageId: 'm1', sentAt: '2026-12-01T10:00:09.000Z', receivedAt: 'x' }),
    );
    const changed = one(orderCompleted({ messageId: 'm1' }, { revenue: 1 }));
    expect([first.message_id, resent.message_id, changed.message_id]).toEqual(['m1', 'm1', 'm1']);
    expect(first.content_print).toBeGreaterThan(0);
    expect(resent.content_print).toBe(first.content_print);
    expect(changed.content_print).not.toBe(first.content_print);
    // no messageId, an empty one, one that is not text, a value that is not a message: none recorded
    for (const m of [
      orderCompleted(),
      orderCompleted({ messageId: '' }),
      orderCompleted({ messageId: 7 }),
      'x',
    ])
      expect([one(m).message_id, one(m).content_print]).toEqual(['', 0]);
  });

  it('creates a MergeTree table, or a local table and a Distributed one sharded by line', () => {
    expect(eventPayloadTableSql('gtm', undefined)).toHaveLength(1);
    const [local, dist] = eventPayloadTableSql('gtm', 'analytics');
    expect(local).toMatch(/^CREATE TABLE "gtm"\."event_payloads_local" \(.*\) ENGINE = MergeTree/);
    expect(dist).toContain(
      `Distributed('analytics', 'gtm', 'event_payloads_local', cityHash64(file_no, source_row))`,
    );
  });
});
