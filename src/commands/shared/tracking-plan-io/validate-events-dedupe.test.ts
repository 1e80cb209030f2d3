import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../../test/fixtures/events/shop-plan.ts';
import {
  createEventValidator,
  createPayloadGenerator,
  duplicatesLine,
  formatValidationTable,
} from '../../../analyses/instrumentation/index.ts';
import { validateEventsFile } from './validate-events-file.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gtm-dedupe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const line = (m: unknown) => JSON.stringify(m) + '\n';

// Counted by hand, line by line:
//  1 m1                                  checked, clean
//  2 m2 revenue "x"                      checked, wrong_type
//  3 m1 again, only sentAt differs       duplicate (the same message: sentAt changes per attempt)
//  4 m2 revenue "y"                      duplicate, differs from line 2 (not checked: no wrong_type)
//  5 no messageId                        checked, clean
//  6 no messageId, same content as 5     checked, clean (no messageId: its own message)
//  7 messageId "" revenue "z"            checked, wrong_type (an empty messageId is no messageId)
//  8 batch [m1 again, m3]                m1 duplicate; m3 checked, clean
//  9 m2 revenue "x", as line 2           duplicate, the same as the first
// Read 10 messages: 6 checked + 4 duplicates; 2 with violations, defect rate 2 / 6.
// Without deduplication: 10 checked, 4 wrong_type (m2 three times and line 7), rate 4 / 10.
const retries =
  line(orderCompleted({ messageId: 'm1', sentAt: '2026-12-01T10:00:00.000Z' })) +
  line(orderCompleted({ messageId: 'm2' }, { revenue: 'x' })) +
  line(orderCompleted({ messageId: 'm1', sentAt: '2026-12-01T10:00:05.000Z' })) +
  line(orderCompleted({ messageId: 'm2' }, { revenue: 'y' })) +
  line(orderCompleted()) +
  line(orderCompleted()) +
  line(orderCompleted({ messageId: '' }, { revenue: 'z' })) +
  line({
    batch: [
      orderCompleted({ messageId: 'm1', sentAt: '2026-12-01T10:01:00.000Z' }),
      orderCompleted({ messageId: 'm3' }),
    ],
  }) +
  line(orderCompleted({ messageId: 'm2' }, { revenue: 'x' }));

describe('events validate: a messageId is checked once', () => {
  it('counts retries as duplicates, flags the copy with a different payload, reconciles the counts', async () => {
    const file = join(tmp, 'retries.ndjson');
    writeFileSync(file, retries);
    const r = await validateEventsFile({ plan: shopPlan(), input: file });
    expect(r.messagesRead).toBe(10);
    expect(r.eventsChecked).toBe(6);
    expect(r.duplicates).toBe(4);
    expect(r.eventsChecked + r.duplicates).toBe(r.messagesRead);
    expect(r.violationsByType.wrong_type).toBe(2);
    expect(r.messagesWithViolations).toBe(2);
    expect(r.messagesWithViolations / r.eventsChecked).toBeCloseTo(2 / 6, 12);
    expect(r.byEvent.find((e) => e.event === 'Order Completed')?.checked).toBe(6);
    expect(r.callTypes).toEqual({ track: 6 });
    expect(r.conflictingDuplicates).toBe(1);
    expect(r.duplicateConflicts).toEqual([
      {
        messageId: 'm2',
        copies: 3,
        differing: 1,
        where: `${file}:4`,
        detail:
          'messageId "m2" seen 3 times with different payloads (1 of the 2 later copies differ from the first)',
      },
    ]);
    expect(r.samples.filter((s) => s.type === 'wrong_type').map((s) => s.where)).toEqual([
      `${file}:2`,
      `${file}:7`,
    ]);

    const text = formatValidationTable(r);
    expect(text).toContain(
      '10 messages read: 6 checked, 4 duplicates (later copies of a messageId, not checked again), 1 messageId with different payloads',
    );
    expect(text).toContain(`messageId "m2" seen 3 times with different payloads`);
    expect(text).toContain(`(${file}:4)`);
  });

  it('says "seen 2 times" for one re-sent copy, and checks every copy when deduplication is off', () => {
    const plan = shopPlan();
    const v = createEventValidator(plan);
    v.validate(orderCompleted({ messageId: 'a' }));
    v.validate(orderCompleted({ messageId: 'a' }, { revenue: 1 }), { where: 'collector' });
    const r = v.report();
    expect(r.duplicateConflicts).toEqual([
      {
        messageId: 'a',
        copies: 2,
        differing: 1,
        where: 'collector',
        detail: 'messageId "a" seen 2 times with different payloads',
      },
    ]);
    expect(duplicatesLine(r)).toBe(
      '2 messages read: 1 checked, 1 duplicate (later copies of a messageId, not checked again), 1 messageId with different payloads',
    );

    const off = createEventValidator(plan, { dedupeMessageIds: false });
    for (const l of retries.trim().split('\n')) off.validate(JSON.parse(l));
    const all = off.report();
    expect([all.eventsChecked, all.duplicates, all.violationsByType.wrong_type]).toEqual([10, 0, 4]);
  });

  it('counts a retry in another file, or in another thread’s part of a file, as a duplicate', async () => {
    const plan = shopPlan();
    const gen = createPayloadGenerator({ plan, seed: 5, count: 3000, plant: { wrong_type: 6 } });
    const msgs = [...gen.messages()] as Array<Record<string, unknown>>;
    // The first 100 messages sent again at the end (far from their first copies: another worker's
    // range), 5 of them with a property changed.
    const again = msgs
      .slice(0, 100)
      .map((m, i) => (i < 5 ? { ...m, properties: { ...(m.properties as object), retried: true } } : m));
    const file = join(tmp, 'big.ndjson');
    writeFileSync(file, [...msgs, ...again].map(line).join(''));
    const single = await validateEventsFile({ plan, input: file, workers: 1 });
    const threaded = await validateEventsFile({ plan, input: file, workers: 3 });
    expect(single.eventsChecked).toBe(3000);
    expect(single.duplicates).toBe(100);
    expect(single.messagesRead).toBe(3100);
    expect(single.conflictingDuplicates).toBe(5);
    expect(single.violationsByType.wrong_type).toBe(6);
    expect(single.duplicateConflicts.map((c) => c.where)).toEqual(
      [3001, 3002, 3003, 3004, 3005].map((n) => `${file}:${n}`),
    );
    expect(threaded).toEqual(single);

    const dir = join(tmp, 'files');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.ndjson'), msgs.map(line).join(''));
    writeFileSync(join(dir, 'b.ndjson'), again.map(line).join(''));
    for (const workers of [1, 2]) {
      const r = await validateEventsFile({ plan, input: dir, workers });
      expect([r.eventsChecked, r.duplicates, r.conflictingDuplicates]).toEqual([3000, 100, 5]);
      expect(r.duplicateConflicts[0].where).toBe(`${join(dir, 'b.ndjson')}:1`);
    }
  });
});
