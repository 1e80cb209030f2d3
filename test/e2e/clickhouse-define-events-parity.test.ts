/**
 * define-events' payload validation on a two-shard ClickHouse cluster: the demo's captured
 * payloads (with lines added here for what the server settles alone: batch envelopes, unplanned
 * tracks without properties, call types the validator does not check, values that are not
 * messages; and re-sent messages, exact and conflicting, after and before their originals) are loaded with `gtm engine load`, and define-events with `engine: clickhouse` gives
 * the result.json of the run that reads the file — counts, evidence and alerts.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseParity, skipClickHouse, type EngineLoadJson } from '../helpers/clickhouse-parity.ts';
import { DEMO_AS_OF, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const PAYLOADS = 'data/events/captured.ndjson';
const LINE = `/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"`;

/** Lines the server settles without the validator, and batches that mix both kinds. */
function addedLines(): {
  lines: string[];
  messages: number;
  unplanned: number;
  notMessages: number;
  noCallType: number;
} {
  const ctx = { library: { name: 'analytics.js' } };
  const unplanned = (i: number) => ({
    type: 'track',
    event: `Debug Ping ${i % 3}`,
    userId: `u${i}`,
    context: ctx,
  });
  const lines = [
    // seven unplanned tracks without properties: more than the 5 samples kept per type
    ...Array.from({ length: 7 }, (_, i) => JSON.stringify(unplanned(i))),
    JSON.stringify({ type: 'alias', userId: 'u1', previousId: 'a1' }),
    JSON.stringify({ anonymousId: 'x' }), // no type, no event: call type "unknown"
    '42',
    '["not", "a", "message"]',
    JSON.stringify({
      batch: [
        unplanned(8),
        'text',
        { type: 'alias', userId: 'u2', previousId: 'a2' },
        // an object member shaped like an envelope is a message, not a nested batch
        { batch: [unplanned(9)] },
        { type: 'track', event: 'Tab Clicked', properties: { email: 'ana@example.com' } },
      ],
    }),
    JSON.stringify({ type: 'batch', batch: [null, unplanned(10)] }),
  ];
  // independent count: a line is a message, a batch line its members
  return {
    lines,
    messages: 7 + 4 + 5 + 2,
    // 7 + unplanned(8) + "Tab Clicked"; the envelope-shaped member has no event (call type unknown)
    unplanned: 7 + 1 + 1 + 1,
    notMessages: 2 + 1 + 1,
    // { anonymousId } and the envelope-shaped member: no Segment call type, a wrong_type on `type`
    noCallType: 2,
  };
}

describe.skipIf(skipClickHouse)('define-events on a two-shard ClickHouse cluster', () => {
  let added: ReturnType<typeof addedLines>;
  /** messageIds of the two conflicting re-sends, in the order of their second copies. */
  let resent: string[] = [];
  const parity = clickHouseParity({
    sources: ['event_payloads'],
    prepare: async (w) => {
      added = addedLines();
      const captured = await w.read(PAYLOADS);
      // the added lines in the middle of the file: evidence must keep file order across both kinds
      const lines = captured.split('\n').filter(Boolean);
      const mid = Math.floor(lines.length / 2);
      // re-sent messages (same messageId): an exact re-send of line 1 and a copy of line 2 with
      // another timestamp (a conflict) after their originals; a re-send and a conflicting copy of
      // two later lines before theirs, so the originals are the duplicates (no violation changes)
      const resend = (i: number) =>
        JSON.stringify({ ...JSON.parse(lines[i]), sentAt: '2026-01-01T00:00:00.000Z' });
      const moved = (i: number) => {
        const m = JSON.parse(lines[i]) as { timestamp: string };
        return JSON.stringify({ ...m, timestamp: new Date(Date.parse(m.timestamp) - 1000).toISOString() });
      };
      resent = [lines[mid + 6], lines[1]].map((l) => (JSON.parse(l) as { messageId: string }).messageId);
      await writeFile(
        path.join(w.dir, PAYLOADS),
        [
          ...lines.slice(0, mid),
          resend(0),
          resend(mid + 5),
          moved(mid + 6),
          ...added.lines,
          ...lines.slice(mid),
          moved(1),
        ].join('\n') + '\n',
      );
    },
  });
  let ws: DemoWorkspace;
  let load: EngineLoadJson;

  beforeAll(async () => {
    load = await parity.start();
    ws = parity.ws;
  }, 180_000);
  afterAll(() => parity.stop());

  it('loads one row per message, over both shards, and counts them back', () => {
    expect(load.tables.map((t) => t.table)).toEqual(['event_payloads']);
    const [t] = load.tables;
    // four re-sent messages are rows too
    const expected = ws.truth.events.messages + added.messages + 4;
    expect(t.layout).toBe('sharded');
    expect(t.rows).toMatchObject({ read: expected, loaded: expected, rejected: 0, in_clickhouse: expected });
    expect(t.rows.per_server.reduce((a, b) => a + b, 0)).toBe(expected);
    expect(t.rows.per_server.every((n) => n > 0)).toBe(true);
  });

  it('gives the result.json of the run that reads the file', async () => {
    type R = Record<string, unknown> & {
      tracking_plan: Record<string, unknown>;
      qa: {
        validation: {
          eventsChecked: number;
          messagesRead: number;
          duplicates: number;
          conflictingDuplicates: number;
          duplicateConflicts: { messageId: string }[];
          callTypes: Record<string, number>;
          violationsByType: Record<string, number>;
          samples: { type: string; where?: string }[];
        };
      };
    };
    const both = await parity.runBoth(['run', LINE, '--as-of', DEMO_AS_OF]);
    const [duck, ch] = [both.duck as R, both.ch as R];

    // independent truth: the demo's planted violations plus the lines added here
    const v = ch.qa.validation;
    const planted = ws.truth.events.planted;
    expect(v.eventsChecked).toBe(ws.truth.events.messages + added.messages);
    expect(v.violationsByType.unplanned_event).toBe((planted.unplanned_event ?? 0) + added.unplanned);
    expect(v.violationsByType.wrong_type).toBe(
      (planted.wrong_type ?? 0) + added.notMessages + added.noCallType,
    );
    expect(v.violationsByType.pii_detected).toBe((planted.pii_detected ?? 0) + 1);
    expect(v.callTypes.alias).toBe(2);
    expect(v.callTypes.unknown).toBe(2);
    expect(v.samples.filter((s) => s.type === 'unplanned_event')).toHaveLength(5);
    // the re-sends are duplicates, not checked; two of them differ from their first copy
    expect(v.duplicates).toBe(4);
    expect(v.messagesRead).toBe(v.eventsChecked + 4);
    expect(v.conflictingDuplicates).toBe(2);
    expect(v.duplicateConflicts.map((c) => c.messageId)).toEqual(resent);

    expect(ch.qa.validation).toEqual(duck.qa.validation);
    // the plan file is named by path on one side only; the rest equal
    parity.expectSameResult(ch, duck, (r) => ({
      ...r,
      tracking_plan: { ...(r.tracking_plan as object), file: undefined },
    }));
    await parity.expectNoRunTables();
  }, 300_000);

  it('stops with a hint when the payloads were not loaded into the database', async () => {
    const yaml = await ws.read('gtm.yaml');
    await writeFile(
      path.join(ws.dir, 'gtm.empty.yaml'),
      yaml.replace(
        /^version: 1$/m,
        `version: 1\nengine: { kind: clickhouse, url: "${parity.cluster.urls[0]}", database: system }`,
      ),
    );
    const res = await runCli(['run', LINE, '--as-of', DEMO_AS_OF, '--config', 'gtm.empty.yaml'], {
      cwd: ws.dir,
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('no table system.event_payloads');
    expect(res.stderr).toContain('gtm engine load --source event_payloads');
  }, 120_000);
});
