/**
 * `gtm engine load`, event payloads: the captured messages of `events.payloads` (NDJSON files)
 * read line by line with define-events' own reader and written one row per message (batch
 * members flattened) to `event_payloads`, so define-events can count on the server.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import {
  EVENT_PAYLOADS_LOCAL,
  EVENT_PAYLOADS_TABLE,
  EVENT_PAYLOAD_COLUMNS,
  eventPayloadTableSql,
  eventPayloadTables,
  payloadRowJson,
  payloadRows,
} from '../../data/clickhouse-event-payloads.ts';
import { quoteIdent, quoteString, type ClickHouseEngine } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import { eventFiles, forEachLine, type ByteRange } from '../shared/tracking-plan-io/index.ts';
import { jsonDeeperThan, TOO_DEEP } from '../shared/tracking-plan-io/json-depth.ts';
import type { EngineLoadTable } from './run-engine-load.ts';

/** Bytes of a plain file read before its rows are sent. */
const RANGE_BYTES = 16 * 1024 * 1024;
/** A batch is sent at `batchRows` messages or this many characters, whichever comes first (messages are wide rows). */
const BATCH_BYTES = 16 * 1024 * 1024;

/** The name `--source` takes for the payloads (they are not a source in gtm.yaml's `sources:`). */
export const EVENT_PAYLOADS_SOURCE = EVENT_PAYLOADS_TABLE;

export interface PayloadLoadSettings {
  database: string;
  cluster: string | undefined;
  replace: boolean;
  batchRows: number;
  progress: (message: string) => void;
  rejectsShown: number;
}

/**
 * Loads `events.payloads` into `event_payloads`. Every non-blank line is one input row: loaded as
 * its message(s), or rejected with its reason (not JSON, nested deeper than define-events reads).
 */
export async function loadEventPayloads(
  servers: readonly ClickHouseEngine[],
  ws: WorkspaceConfig,
  s: PayloadLoadSettings,
): Promise<EngineLoadTable> {
  const started = performance.now();
  const input = path.resolve(ws.baseDir, ws.events.payloads as string);
  const files = eventFiles(input);
  const q = (n: string) => `${quoteIdent(s.database, 'clickhouse')}.${quoteIdent(n, 'clickhouse')}`;
  for (const server of servers) {
    for (const name of eventPayloadTables(s.cluster)) {
      const [hit] = await server.query<{ n: number }>(
        `SELECT count() AS n FROM system.tables WHERE database = ${quoteString(s.database, 'clickhouse')} AND name = ${quoteString(name, 'clickhouse')}`,
      );
      if (Number(hit?.n ?? 0) === 0) continue;
      if (!s.replace)
        throw new GtmError('USAGE', `table ${s.database}.${name} already exists`, {
          where: 'events.payloads',
          hint: 'add --replace to drop and reload it, or load into another --database',
        });
      await server.exec(`DROP TABLE ${q(name)}`);
    }
    for (const statement of eventPayloadTableSql(s.database, s.cluster)) await server.exec(statement);
  }

  let rows = 0;
  const rejects: EngineLoadTable['rejects'] = [];
  let rejected = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await servers[0].insertText(q(EVENT_PAYLOADS_TABLE), 'JSONEachRow', batch.join('\n') + '\n', {
      insert_distributed_sync: s.cluster ? 1 : 0,
    });
    batch = [];
    batchBytes = 0;
    s.progress(`${EVENT_PAYLOADS_SOURCE}: ${rows.toLocaleString('en-US')} messages sent`);
  };
  for (const [fileNo, file] of files.entries()) {
    const rel = path.relative(ws.baseDir, file) || file;
    // forEachLine's callback is synchronous: a plain file is read in byte ranges and each range's
    // rows sent before the next is read (memory: one range's messages); a gzip file has no ranges
    const size = statSync(file).size;
    const ranges: (ByteRange | undefined)[] = [];
    if (file.endsWith('.gz') || size <= RANGE_BYTES) ranges.push(undefined);
    else
      for (let at = 0; at < size; at += RANGE_BYTES)
        ranges.push({ start: at, end: Math.min(size, at + RANGE_BYTES) });
    let lineOffset = 0;
    for (const range of ranges) {
      const pending: string[] = [];
      const offset = lineOffset;
      lineOffset += await forEachLine(
        file,
        (line, n) => {
          if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
          let parsed: unknown;
          let reason: string | undefined;
          try {
            parsed = JSON.parse(line);
            if (jsonDeeperThan(parsed)) reason = `the message ${TOO_DEEP}`;
          } catch (err) {
            reason = `line is not valid JSON (${(err as Error).message})`;
          }
          if (reason !== undefined) {
            rejected++;
            if (rejects.length < s.rejectsShown) rejects.push({ file: rel, row: offset + n, reason });
            return;
          }
          for (const r of payloadRows(parsed, { file_no: fileNo, source_file: rel, source_row: offset + n }))
            pending.push(payloadRowJson(r));
        },
        range,
      );
      rows += pending.length;
      for (const row of pending) {
        batch.push(row);
        batchBytes += row.length;
        if (batch.length >= s.batchRows || batchBytes >= BATCH_BYTES) await flush();
      }
    }
  }
  await flush();

  const count = async (server: ClickHouseEngine, name: string) =>
    Number((await server.query<{ n: number }>(`SELECT count() AS n FROM ${q(name)}`))[0]?.n ?? 0);
  const perServer: number[] = [];
  for (const server of servers)
    perServer.push(await count(server, s.cluster ? EVENT_PAYLOADS_LOCAL : EVENT_PAYLOADS_TABLE));
  const inClickHouse = s.cluster ? await count(servers[0], EVENT_PAYLOADS_TABLE) : perServer[0];
  if (inClickHouse !== rows || perServer.reduce((a, b) => a + b, 0) !== rows)
    throw new GtmError(
      'ENGINE',
      `event_payloads: ClickHouse holds ${perServer.join(' + ')} rows of the ${rows} sent`,
      {
        where: `${s.database}.${EVENT_PAYLOADS_TABLE}`,
        hint: 'a server dropped rows (disk full, or a shard unreachable from the first server?); fix it and reload with --replace',
      },
    );
  return {
    source: EVENT_PAYLOADS_SOURCE,
    entity: 'event_payloads',
    table: EVENT_PAYLOADS_TABLE,
    layout: s.cluster ? 'sharded' : 'single',
    local_table: s.cluster ? EVENT_PAYLOADS_LOCAL : null,
    shard_key: s.cluster ? ['file_no', 'source_row'] : [],
    files: files.map((f) => path.relative(ws.baseDir, f) || f),
    columns: EVENT_PAYLOAD_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
    rows: {
      // a message is one row (a batch line counts as its members); a rejected line as one
      read: rows + rejected,
      loaded: rows,
      rejected,
      in_clickhouse: inClickHouse,
      per_server: perServer,
    },
    rejects,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}
