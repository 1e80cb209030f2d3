import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../../test/fixtures/events/shop-plan.ts';
import { createPayloadGenerator, serializePlanDocument } from '../../../analyses/instrumentation/index.ts';
import { GtmError } from '../../../errors/index.ts';
import { validateEventsFile } from './validate-events-file.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gtm-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const planFile = join(tmp, 'plan.yaml');
writeFileSync(planFile, serializePlanDocument(shopPlan(), 'yaml'));
const ndjson = (msgs: unknown[]) => msgs.map((m) => JSON.stringify(m)).join('\n') + '\n';

describe('validateEventsFile', () => {
  it('validates an NDJSON file against a plan file, with file:line evidence', async () => {
    const file = join(tmp, 'events.ndjson');
    writeFileSync(
      file,
      ndjson([orderCompleted(), orderCompleted({}, { revenue: 'x' })]) +
        '\r\n' +
        JSON.stringify({ batch: [orderCompleted({ event: 'Nope' })] }) +
        '\r\n',
    );
    const report = await validateEventsFile({ plan: planFile, input: file });
    expect(report.eventsChecked).toBe(3);
    expect(report.violationsByType).toMatchObject({ wrong_type: 1, unplanned_event: 1 });
    expect(report.samples.map((s) => s.where)).toEqual([`${file}:4`, `${file}:2`]);
  });

  it('refuses a plan whose schemas Ajv cannot compile with INPUT naming the plan, event and property', async () => {
    const file = join(tmp, 'one.ndjson');
    writeFileSync(file, ndjson([orderCompleted()]));
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        'type',
        { type: 'strnig' },
        /"Order Completed" is not valid: properties\.revenue\.type must be equal to one of the allowed values/,
      ],
      [
        'bound',
        { type: 'number', minimum: '0' },
        /"Order Completed" is not valid: properties\.revenue\.minimum must be number/,
      ],
      [
        'pattern',
        { type: 'string', pattern: '([' },
        /"Order Completed" is not valid: Invalid regular expression/,
      ],
    ];
    for (const [label, schema, message] of cases) {
      const plan = shopPlan();
      const event = plan.events.find((e) => e.name === 'Order Completed')!;
      event.properties.find((p) => p.name === 'revenue')!.schema = schema;
      const bad = join(tmp, `bad-${label}.yaml`);
      writeFileSync(bad, serializePlanDocument(plan, 'yaml'));
      const err = await validateEventsFile({ plan: bad, input: file }).catch((e: unknown) => e);
      expect(err, label).toBeInstanceOf(GtmError);
      expect((err as GtmError).code, label).toBe('INPUT');
      expect((err as GtmError).message, label).toMatch(message);
      expect((err as GtmError).where, label).toBe(bad);
    }
  });

  it('flags timestamps after the check time it is given, on worker threads too', async () => {
    const file = join(tmp, 'future.ndjson');
    const msgs = [
      orderCompleted({ messageId: 'f1', timestamp: '2027-01-01T00:00:00Z' }),
      orderCompleted({ messageId: 'f2', timestamp: '2026-12-01T00:00:00Z' }),
      orderCompleted({ messageId: 'f3', timestamp: '2026-12-01T00:00:00Z', sentAt: '2026-11-30T00:00:00Z' }),
    ];
    writeFileSync(file, ndjson(msgs));
    const now = Date.parse('2026-12-06T00:00:00Z');
    for (const workers of [1, 2]) {
      const report = await validateEventsFile({ plan: planFile, input: file, now, workers });
      expect(report.violationsByType.future_timestamp, `workers ${workers}`).toBe(2);
      expect(report.samples.map((x) => x.where)).toEqual([`${file}:1`, `${file}:3`]);
    }
    // without a check time only sentAt and receivedAt count
    const report = await validateEventsFile({ plan: planFile, input: file });
    expect(report.violationsByType.future_timestamp).toBe(1);
  });

  it('reads a directory of files, gzip included, and finds exactly the planted violations', async () => {
    const dir = join(tmp, 'dir');
    mkdirSync(dir);
    const plan = shopPlan();
    const gen = createPayloadGenerator({
      plan,
      seed: 3,
      count: 4000,
      plant: { constraint_violation: 9, consent_violation: 5, additional_property: 4, unplanned_event: 2 },
    });
    const msgs = [...gen.messages()];
    writeFileSync(join(dir, 'a.ndjson'), ndjson(msgs.slice(0, 1500)));
    writeFileSync(join(dir, 'b.jsonl.gz'), gzipSync(ndjson(msgs.slice(1500, 3000))));
    writeFileSync(join(dir, 'c.json'), ndjson(msgs.slice(3000)).replace(/\n$/, '')); // no final newline
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const report = await validateEventsFile({ plan, input: dir });
    expect(report.eventsChecked).toBe(4000);
    expect(report.violationsByType).toEqual(gen.planted);
  });

  it('gives the same report on worker threads as in one pass, line numbers included', async () => {
    const plan = shopPlan();
    const gen = createPayloadGenerator({
      plan,
      seed: 8,
      count: 6000,
      plant: {
        wrong_type: 7,
        pii_detected: 5,
        inconsistent_type: 4,
        unplanned_event: 3,
        missing_required_property: 6,
      },
    });
    const file = join(tmp, 'split.ndjson');
    writeFileSync(file, ndjson([...gen.messages()]));
    const single = await validateEventsFile({ plan, input: file, workers: 1, maxSamplesPerType: 50 });
    const threaded = await validateEventsFile({ plan, input: file, workers: 3, maxSamplesPerType: 50 });
    expect(threaded).toEqual(single);
    expect(single.violationsByType).toEqual(gen.planted);
    expect(single.samples.filter((s) => s.type === 'wrong_type').map((s) => s.where)).toHaveLength(7);
    // Evidence points at the right line: re-read it.
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const s of single.samples.filter((x) => x.type !== 'inconsistent_type')) {
      const n = Number(s.where!.split(':').pop());
      expect(JSON.parse(lines[n - 1])).toEqual(s.payload);
    }
    const bad = join(tmp, 'split-bad.ndjson');
    const msgs = [...gen.messages()].map((m) => JSON.stringify(m));
    msgs[4500] = '{oops';
    writeFileSync(bad, msgs.join('\n') + '\n');
    await expect(validateEventsFile({ plan, input: bad, workers: 3 })).rejects.toMatchObject({
      code: 'INPUT',
      where: `${bad}:4501`,
    });
  });

  it('reads a payload file that starts with a UTF-8 BOM (NDJSON, .json and gzip alike)', async () => {
    const body = `\ufeff${ndjson([orderCompleted(), orderCompleted({}, { revenue: 'x' })])}`;
    for (const [name, bytes] of [
      ['bom.ndjson', Buffer.from(body)],
      ['bom.json', Buffer.from(body)],
      ['bom.ndjson.gz', gzipSync(body)],
    ] as const) {
      const file = join(tmp, name);
      writeFileSync(file, bytes);
      const report = await validateEventsFile({ plan: planFile, input: file });
      expect([name, report.eventsChecked, report.violationsByType.wrong_type]).toEqual([name, 2, 1]);
    }
  });

  it('stops at a line that is not JSON, naming file:line', async () => {
    const file = join(tmp, 'bad.ndjson');
    writeFileSync(file, `${JSON.stringify(orderCompleted())}\n\n{"type": "track",\n`);
    const err = await validateEventsFile({ plan: planFile, input: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GtmError);
    expect(err).toMatchObject({ code: 'INPUT', where: `${file}:3` });
    expect((err as GtmError).oneLine()).toMatch(
      /^error\[INPUT\] .*bad\.ndjson:3: line is not valid JSON .* — each line of an NDJSON file must be one JSON message/,
    );
  });

  it('refuses an input without a single message (empty, blank lines, empty batches), naming it once', async () => {
    const cases: Array<[string, string, string]> = [
      ['empty.ndjson', '', 'the file is empty (0 bytes)'],
      ['blank.ndjson', '\n  \n\r\n\n', 'the file holds no message (only blank lines or empty batches)'],
      ['batch.ndjson', '{"batch":[]}\n', 'the file holds no message (only blank lines or empty batches)'],
    ];
    for (const [name, content, why] of cases) {
      const file = join(tmp, name);
      writeFileSync(file, content);
      const err = await validateEventsFile({ plan: planFile, input: file }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(GtmError);
      expect(err).toMatchObject({ code: 'INPUT', where: file, message: `no events: ${why}` });
      expect((err as GtmError).exitCode).toBe(4);
      expect((err as GtmError).oneLine().split(file)).toHaveLength(2);
    }
    const dir = join(tmp, 'empty-files');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.ndjson'), '');
    writeFileSync(join(dir, 'b.jsonl'), '');
    await expect(validateEventsFile({ plan: planFile, input: dir })).rejects.toMatchObject({
      code: 'INPUT',
      message: 'no events: its 2 files are empty (0 bytes)',
    });
    // one message anywhere is a capture to check
    writeFileSync(join(dir, 'b.jsonl'), ndjson([orderCompleted()]));
    expect((await validateEventsFile({ plan: planFile, input: dir })).eventsChecked).toBe(1);
  });

  it('reports missing inputs and plans as INPUT errors', async () => {
    await expect(
      validateEventsFile({ plan: planFile, input: join(tmp, 'none.ndjson') }),
    ).rejects.toMatchObject({ code: 'INPUT', where: join(tmp, 'none.ndjson') });
    const empty = join(tmp, 'empty-dir');
    mkdirSync(empty);
    await expect(validateEventsFile({ plan: planFile, input: empty })).rejects.toMatchObject({
      code: 'INPUT',
      message: 'no event files in directory',
    });
    await expect(validateEventsFile({ plan: join(tmp, 'nope.yaml'), input: empty })).rejects.toMatchObject({
      code: 'INPUT',
      message: 'plan not found',
    });
  });
});
