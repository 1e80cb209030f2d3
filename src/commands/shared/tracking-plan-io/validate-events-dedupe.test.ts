import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../../test/fixtures/events/shop-plan.ts';
import {
  createEventValidator,
  createPayloadGenerator,
  crossTaskCandidates,
  duplicatesLine,
  formatValidationTable,
} from '../../../analyses/instrumentation/index.ts';
import { setIdHashForTests } from '../../../analyses/instrumentation/message-ids.ts';
import { validateEventsFile } from './validate-events-file.ts';
import { runValidationTask } from './validation-task.ts';

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

describe('events validate: the messageId engine (hashes, read-back, gzip, threads)', () => {
  const plan = shopPlan();
  const gen = createPayloadGenerator({ plan, seed: 7, count: 1200, plant: { wrong_type: 4 } });
  const msgs = [...gen.messages()] as Array<Record<string, unknown>>;
  // 40 first messages re-sent, 3 of them changed; in a batch envelope, to exercise batch positions
  const again = msgs
    .slice(0, 40)
    .map((m, i) => (i < 3 ? { ...m, properties: { ...(m.properties as object), retried: i } } : m));
  const resent = line({ batch: again.slice(0, 20) }) + again.slice(20).map(line).join('');
  const counts = (r: Awaited<ReturnType<typeof validateEventsFile>>) => [
    r.eventsChecked,
    r.duplicates,
    r.conflictingDuplicates,
    r.violationsByType.wrong_type,
  ];

  it('reads gzip files (first copies compared after the pass) as plain ones', async () => {
    const plain = join(tmp, 'retries-plain.ndjson');
    const gz = join(tmp, 'retries-gz.ndjson.gz');
    writeFileSync(plain, retries);
    writeFileSync(gz, gzipSync(retries));
    const a = await validateEventsFile({ plan, input: plain });
    const b = await validateEventsFile({ plan, input: gz });
    expect(counts(b)).toEqual([6, 4, 1, 2]);
    expect(b.duplicateConflicts.map((c) => [c.messageId, c.copies, c.differing, c.where])).toEqual([
      ['m2', 3, 1, `${gz}:4`],
    ]);
    expect(JSON.parse(JSON.stringify(b).replaceAll(gz, plain))).toEqual(a);
  });

  it('gives the same report on 1 and 2 workers with gzip and plain files mixed, in either order', async () => {
    for (const [first, second] of [
      ['a.ndjson.gz', 'b.ndjson'],
      ['a.ndjson', 'b.ndjson.gz'],
    ]) {
      const dir = mkdtempSync(join(tmp, 'mixed-'));
      const body = msgs.map(line).join('');
      writeFileSync(join(dir, first), first.endsWith('.gz') ? gzipSync(body) : body);
      writeFileSync(join(dir, second), second.endsWith('.gz') ? gzipSync(resent) : resent);
      const one = await validateEventsFile({ plan, input: dir, workers: 1 });
      const two = await validateEventsFile({ plan, input: dir, workers: 2 });
      expect(counts(one)).toEqual([1200, 40, 3, 4]);
      expect(two).toEqual(one);
      // the first differing copy is the batch's first member, on line 1 of the second file
      expect(one.duplicateConflicts.map((c) => c.where)).toEqual(
        [1, 1, 1].map(() => `${join(dir, second)}:1`),
      );
    }
  });

  it('compares ids exactly when their hashes are equal (a collision is no duplicate)', async () => {
    const file = join(tmp, 'collide.ndjson');
    writeFileSync(file, msgs.map(line).join('') + resent + retries);
    const real = await validateEventsFile({ plan, input: file, workers: 1 });
    expect(counts(real)).toEqual([1206, 44, 4, 6]);
    // every id in one of 3 hash classes: thousands of equal hashes, each read back and compared
    setIdHashForTests((id) => [id.length % 3, 7]);
    try {
      const colliding = await validateEventsFile({ plan, input: file, workers: 1 });
      expect(colliding).toEqual(real);
    } finally {
      setIdHashForTests(undefined);
    }
  });

  it('a task given first copies of other tasks counts only the ids equal to its own', async () => {
    const earlier = join(tmp, 'earlier.ndjson');
    const later = join(tmp, 'later.ndjson');
    writeFileSync(earlier, msgs.slice(0, 10).map(line).join('') + line({ batch: msgs.slice(10, 12) }));
    writeFileSync(later, line(msgs[5]) + line({ ...msgs[11], properties: {} }) + line(msgs[20]));
    // offsets of lines 1 (msgs[0]), 6 (msgs[5]) and the batch (line 11, member 1 = msgs[11])
    const offsets = [0, 5, 10].map((n) =>
      msgs.slice(0, n).reduce((o, m) => o + Buffer.byteLength(line(m)), 0),
    );
    const run = async () => {
      const r = await runValidationTask({
        plan,
        options: {},
        file: later,
        seen: { files: [earlier], file: [0, 0, 0], pos: offsets, batch: [-1, -1, 1] },
      });
      if (!r.ok) throw new Error(r.message);
      return r.snapshot;
    };
    const expected = [
      [msgs[5].messageId, 1, 0],
      [msgs[11].messageId, 1, 1],
    ];
    const s = await run();
    expect([s.checked, s.duplicates]).toEqual([1, 2]);
    expect(s.duplicateIds.map((d) => [d.id, d.copies, d.differing])).toEqual(expected);
    // with every hash equal, each first copy is a candidate for each message: only equal ids count
    setIdHashForTests(() => [1, 1]);
    try {
      expect(await run()).toEqual(s);
    } finally {
      setIdHashForTests(undefined);
    }
  });

  it('finds the tasks whose hashes an earlier task holds (and none for unrelated tasks)', () => {
    const part = (h1: number[], h2: number[]) => ({
      h1: Uint32Array.from(h1),
      h2: Uint32Array.from(h2),
      pos: new Float64Array(h1.length),
      batch: new Int32Array(h1.length),
    });
    const c = crossTaskCandidates([
      part([1, 2, 3], [9, 9, 9]),
      part([4, 2], [9, 8]),
      part([3, 4, 5], [9, 9, 9]),
    ]);
    expect(c).toEqual([
      undefined,
      undefined,
      [
        { task: 0, entry: 2 },
        { task: 1, entry: 0 },
      ],
    ]);
  });
});

describe('events validate: a task run again is split across the workers', () => {
  // 400 messages a0…a399, then re-sends placed so that the second half (the second worker's
  // range) runs again, split in two: a late copy of a0 (clean), a conflicting copy of a5 (whose
  // first copy is a wrong_type), a copy of a260 in the last quarter (its first copy is in the third
  // quarter: the last range must get the third's first copies as seen, or it checks it again), and
  // a conflicting copy of a10 in the third quarter.
  const lines: string[] = [];
  for (let i = 0; i < 400; i++)
    lines.push(line(orderCompleted({ messageId: `a${i}` }, { revenue: i === 5 ? 'x' : 10 + i })));
  lines.splice(250, 0, line(orderCompleted({ messageId: 'a10' }, { revenue: 999 })));
  lines.splice(350, 0, line(orderCompleted({ messageId: 'a260' }, { revenue: 270 })));
  lines.splice(380, 0, line(orderCompleted({ messageId: 'a5' }, { revenue: 'y' })));
  lines.push(line(orderCompleted({ messageId: 'a0' }, { revenue: 10 })));

  it('gives the report of one thread, counted by hand', async () => {
    const file = join(tmp, 'late-resends.ndjson');
    writeFileSync(file, lines.join(''));
    const one = await validateEventsFile({ plan: shopPlan(), input: file, workers: 1 });
    const two = await validateEventsFile({ plan: shopPlan(), input: file, workers: 2 });
    const three = await validateEventsFile({ plan: shopPlan(), input: file, workers: 3 });
    expect(one.messagesRead).toBe(404);
    expect(one.eventsChecked).toBe(400);
    expect(one.duplicates).toBe(4);
    expect(one.violationsByType.wrong_type).toBe(1);
    expect(one.conflictingDuplicates).toBe(2);
    expect(one.duplicateConflicts.map((c) => [c.messageId, c.where])).toEqual([
      ['a10', `${file}:251`],
      ['a5', `${file}:381`],
    ]);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  });
});
