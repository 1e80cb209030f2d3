/**
 * define-events' payload validation dedupes by messageId on ClickHouse as it does on the files:
 * two payload files with exact re-sends (only `sentAt` differs), conflicting re-sends, re-sends
 * across files and inside batch envelopes, a re-sent unplanned track and `alias` (settled on the
 * server, not by the validator) and messages without a messageId (or with an empty one), loaded
 * with `gtm engine load` into a two-shard cluster, give the report `validateEventsFile` gives on
 * the files: counts, duplicates, conflicts with their `file:line`, evidence. Counted by hand too.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEventsFile } from '../../src/commands/shared/tracking-plan-io/index.ts';
import { validatePayloadsClickHouse } from '../../src/commands/define-events/clickhouse-validation.ts';
import { openClickHouse } from '../../src/data/index.ts';
import { orderCompleted, shopPlan } from '../fixtures/events/shop-plan.ts';
import { clickHouseAvailable, skipClickHouse, startCluster } from '../helpers/clickhouse-parity.ts';
import { runCli } from '../helpers/run-cli.ts';

const line = (m: unknown) => JSON.stringify(m) + '\n';
const ping = (o: Record<string, unknown>) => ({ type: 'track', event: 'Debug Ping', userId: 'u9', ...o });
const alias = (o: Record<string, unknown>) => ({ type: 'alias', previousId: 'a1', ...o });

// Counted by hand (input order: a.ndjson then b.ndjson, lines, batch members):
//  a:1  m1                                checked, clean
//  a:2  m2 revenue "x"                    checked, wrong_type
//  a:3  m1, only sentAt differs           duplicate (same content)
//  a:4  m2 revenue "y"                    duplicate, differs: conflict m2 at a:4
//  a:5  no messageId                      checked, clean
//  a:6  no messageId, same as a:5         checked, clean
//  a:7  messageId "" revenue "z"          checked, wrong_type (an empty messageId is none)
//  a:8  batch [m1, m3, "text"]            m1 duplicate; m3 checked, clean; "text" checked, wrong_type
//  a:9  m4 unplanned, no properties       checked, unplanned_event (the server settles it)
//  a:10 m4 again, receivedAt added        duplicate (same content): no second unplanned_event
//  a:11 alias m5                          checked (alias is not looked up)
//  a:12 alias m5, another userId          duplicate, differs: conflict m5 at a:12
//  b:1  m2 revenue "x", as a:2            duplicate, the same as the first (across files)
//  b:2  m3, another order_id              duplicate, differs: conflict m3 at b:2
//  b:3  m6                                checked, clean
//  b:4  batch [m6, m4]                    both duplicates, the same as their first copies
// Read 19 = 10 checked + 9 duplicates; 4 with violations; conflicts m2, m5, m3 (order of their
// second copies: a:4, a:12, b:2). Without deduplication: 19 checked, 5 wrong_type, 2 unplanned.
const A =
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
      'text',
    ],
  }) +
  line(ping({ messageId: 'm4' })) +
  line(ping({ messageId: 'm4', receivedAt: '2026-12-01T10:02:00.000Z' })) +
  line(alias({ messageId: 'm5', userId: 'u1' })) +
  line(alias({ messageId: 'm5', userId: 'u2' }));
const B =
  line(orderCompleted({ messageId: 'm2' }, { revenue: 'x' })) +
  line(orderCompleted({ messageId: 'm3' }, { order_id: 'o-2' })) +
  line(orderCompleted({ messageId: 'm6' })) +
  line({ batch: [orderCompleted({ messageId: 'm6' }), ping({ messageId: 'm4' })] });

const root = mkdtempSync(path.join(tmpdir(), 'gtm-ch-msgid-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const events = path.join(root, 'data', 'events');
mkdirSync(events, { recursive: true });
writeFileSync(path.join(events, 'a.ndjson'), A);
writeFileSync(path.join(events, 'b.ndjson'), B);
// gtm.yaml needs a source; only the payloads are loaded (--source event_payloads)
writeFileSync(path.join(root, 'data', 'members.csv'), 'member_id,enrolled_at,tier\nK1,2026-01-05,Gold\n');
writeFileSync(
  path.join(root, 'gtm.yaml'),
  'version: 1\nsources:\n  - { name: members, entity: members, kind: file, path: data/members.csv }\n' +
    'events: { payloads: data/events }\n',
);
const [fileA, fileB] = ['a.ndjson', 'b.ndjson'].map((f) => path.join(events, f));

describe.skipIf(skipClickHouse)('define-events on ClickHouse: a messageId is checked once', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  beforeAll(async () => {
    if (!clickHouseAvailable)
      throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    cluster = await startCluster(2, { maxMemoryUsage: 2 ** 30 });
    const load = await runCli(
      [
        'engine',
        'load',
        '--clickhouse',
        cluster.urls.join(','),
        '--cluster',
        cluster.cluster,
        '--database',
        'gtm',
        '--source',
        'event_payloads',
        '--json',
      ],
      { cwd: root },
    );
    expect(load.stderr, 'gtm engine load').toBe('');
    expect(load.code, 'gtm engine load').toBe(0);
  }, 180_000);
  afterAll(async () => cluster?.stop());

  const onCluster = (maxSamplesPerType?: number) =>
    validatePayloadsClickHouse(
      shopPlan(),
      { url: cluster!.urls[0], database: 'gtm', baseDir: root },
      { maxSamplesPerType },
    );

  it('gives the report of the files: duplicates, conflicts and where, counts, evidence', async () => {
    const files = await validateEventsFile({ plan: shopPlan(), input: events });
    const ch = await onCluster();

    // the hand count (the file reader is checked against it too: both engines, one truth)
    for (const r of [files, ch]) {
      expect(r.messagesRead).toBe(19);
      expect(r.eventsChecked).toBe(10);
      expect(r.duplicates).toBe(9);
      expect(r.callTypes).toEqual({ track: 8, alias: 1 });
      expect(r.violationsByType.wrong_type).toBe(3);
      expect(r.violationsByType.unplanned_event).toBe(1);
      expect(r.messagesWithViolations).toBe(4);
      expect(r.byEvent.find((e) => e.event === 'Debug Ping')?.checked).toBe(1);
      expect(r.conflictingDuplicates).toBe(3);
      expect(r.duplicateConflicts.map((c) => [c.messageId, c.copies, c.differing, c.where])).toEqual([
        ['m2', 3, 1, `${fileA}:4`],
        ['m5', 2, 1, `${fileA}:12`],
        ['m3', 2, 1, `${fileB}:2`],
      ]);
    }
    expect(ch).toEqual(files);
  }, 120_000);

  it('counts every conflict when it lists fewer (the samples kept per type)', async () => {
    const files = await validateEventsFile({ plan: shopPlan(), input: events, maxSamplesPerType: 2 });
    const ch = await onCluster(2);
    expect(ch.conflictingDuplicates).toBe(3);
    expect(ch.duplicateConflicts.map((c) => c.messageId)).toEqual(['m2', 'm5']);
    expect(ch).toEqual(files);
  }, 120_000);

  it('stops with a hint on a table loaded before messageIds were recorded', async () => {
    const engine = await openClickHouse({ url: cluster!.urls[0] });
    try {
      await engine.exec('CREATE DATABASE IF NOT EXISTS old');
      await engine.exec(
        'CREATE TABLE old.event_payloads (file_no UInt32, source_file String, source_row Int64, member UInt32, ' +
          'is_message UInt8, call_type String, has_name UInt8, name String, has_properties UInt8, message String) ' +
          'ENGINE = MergeTree ORDER BY (file_no, source_row, member)',
      );
    } finally {
      await engine.close();
    }
    await expect(
      validatePayloadsClickHouse(shopPlan(), { url: cluster!.urls[0], database: 'old', baseDir: root }),
    ).rejects.toThrow(/old\.event_payloads has no column message_id, content_print/);
  }, 60_000);
});
