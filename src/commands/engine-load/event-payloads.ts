/**
 * `gtm engine load`, event payloads: the captured messages of `events.payloads` (NDJSON files)
 * read line by line with define-events' own reader and written one row per message (batch
 * members flattened) to `event_payloads`, so define-events can count on the server.
 *
 * The lines it rejects (not JSON, nested too deep) are kept in the load's record (`gtm_loads` /
 * `gtm_load_rejects`, as for the sources: see clickhouse-load-record.ts), so that define-events on
 * ClickHouse stops at the first of them as define-events on the files does.
 */
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
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
import { MAX_RAW_LENGTH } from '../../data/load-csv.ts';
import {
  newLoadId,
  writeLoadRecord,
  type LoadedFile,
  type RecordedReject,
} from '../../data/clickhouse-load-record.ts';
import { combineFingerprints, sha256File } from '../../data/fingerprint.ts';
import type { ClickHouseEngine } from '../../data/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import { eventFiles, forEachLine, type ByteRange } from '../shared/tracking-plan-io/index.ts';
import { notJsonReason } from '../shared/tracking-plan-io/ndjson-lines.ts';
import { jsonDeeperThan, TOO_DEEP } from '../shared/tracking-plan-io/json-depth.ts';
import { countBack, createTables, qualified } from './load-tables.ts';
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
  const files = eventFiles(path.resolve(ws.baseDir, ws.events.payloads as string));
  const local = s.cluster ? EVENT_PAYLOADS_LOCAL : null;
  await createTables(
    servers,
    eventPayloadTables(s.cluster),
    eventPayloadTableSql(s.database, s.cluster),
    s,
    'events.payloads',
  );
  const sent = await sendPayloads(servers[0], files, ws.baseDir, s);
  const { perServer, inClickHouse } = await countBack(
    servers,
    EVENT_PAYLOADS_TABLE,
    local,
    sent.rows,
    s.database,
  );
  // the rejected lines, kept beside the table: define-events on ClickHouse stops at the first
  await recordPayloadLoad(servers, files, ws.baseDir, s.database, sent);
  return {
    source: EVENT_PAYLOADS_SOURCE,
    entity: 'event_payloads',
    table: EVENT_PAYLOADS_TABLE,
    layout: s.cluster ? 'sharded' : 'single',
    local_table: local,
    shard_key: s.cluster ? ['file_no', 'source_row'] : [],
    files: files.map((f) => path.relative(ws.baseDir, f) || f),
    columns: EVENT_PAYLOAD_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
    rows: {
      // a message is one row (a batch line counts as its members); a rejected line as one
      read: sent.rows + sent.rejected,
      loaded: sent.rows,
      rejected: sent.rejected,
      in_clickhouse: inClickHouse,
      per_server: perServer,
    },
    rejects: sent.rejects,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

/**
 * Reads the payload files line by line and sends their messages to `event_payloads` through
 * `server`, in batches of `batchRows` messages or `BATCH_BYTES` characters.
 */
async function sendPayloads(
  server: ClickHouseEngine,
  files: readonly string[],
  baseDir: string,
  s: PayloadLoadSettings,
): Promise<SentPayloads> {
  let rows = 0;
  const rejects: EngineLoadTable['rejects'] = [];
  const recorded: RecordedReject[] = [];
  let rejected = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await server.insertText(
      qualified(s.database, EVENT_PAYLOADS_TABLE),
      'JSONEachRow',
      batch.join('\n') + '\n',
      { insert_distributed_sync: s.cluster ? 1 : 0 },
    );
    batch = [];
    batchBytes = 0;
    s.progress(`${EVENT_PAYLOADS_SOURCE}: ${rows.toLocaleString('en-US')} messages sent`);
  };
  for (const [fileNo, file] of files.entries()) {
    const rel = path.relative(baseDir, file) || file;
    let lineOffset = 0;
    for (const range of byteRanges(file)) {
      const pending: string[] = [];
      const offset = lineOffset;
      lineOffset += await forEachLine(
        file,
        (line, n) => {
          if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
          const read = readMessage(line);
          if ('reason' in read) {
            rejected++;
            if (rejects.length < s.rejectsShown)
              rejects.push({ file: rel, row: offset + n, reason: read.reason });
            recorded.push({
              file: rel,
              file_sha256: '',
              row: offset + n,
              reason: read.reason,
              raw: line.length > MAX_RAW_LENGTH ? `${line.slice(0, MAX_RAW_LENGTH)}…` : line,
            });
            return;
          }
          for (const r of payloadRows(read.message, {
            file_no: fileNo,
            source_file: rel,
            source_row: offset + n,
          }))
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
  return { rows, rejected, rejects, recorded };
}

interface SentPayloads {
  /** Messages sent (a batch line counts as its members). */
  rows: number;
  /** Lines rejected. */
  rejected: number;
  /** The first rejected lines, for the load's result. */
  rejects: EngineLoadTable['rejects'];
  /** Every rejected line, for the load's record (files workspace-relative, sha256 filled in later). */
  recorded: RecordedReject[];
}

/**
 * Writes the payloads' load record on every server (see clickhouse-load-record.ts): the files as
 * read (size, modification time, sha256), the messages loaded and every rejected line.
 */
async function recordPayloadLoad(
  servers: readonly ClickHouseEngine[],
  files: readonly string[],
  baseDir: string,
  database: string,
  sent: SentPayloads,
): Promise<void> {
  const loaded: LoadedFile[] = [];
  for (const file of files) {
    const info = await stat(file);
    loaded.push({
      file: path.relative(baseDir, file) || file,
      size: info.size,
      mtime_ms: Math.round(info.mtimeMs),
      sha256: await sha256File(file),
    });
  }
  const shaOf = new Map(loaded.map((f) => [f.file, f.sha256]));
  const record = {
    load_id: newLoadId(),
    source: EVENT_PAYLOADS_SOURCE,
    table: EVENT_PAYLOADS_TABLE,
    loaded_at_ms: Date.now(),
    files: loaded,
    fingerprint: combineFingerprints(loaded.map((f) => ({ name: f.file, sha256: f.sha256 }))),
    rows: sent.rows,
    rejected: sent.rejected,
  };
  const rejects = sent.recorded.map((r) => ({ ...r, file_sha256: shaOf.get(r.file) ?? '' }));
  for (const server of servers) await writeLoadRecord(server, database, record, rejects);
}

/**
 * The byte ranges a file is read in: forEachLine's callback is synchronous, so a plain file is read
 * range by range and each range's rows sent before the next is read (memory: one range's
 * messages); a gzip file, or a small one, is one read.
 */
function byteRanges(file: string): (ByteRange | undefined)[] {
  const size = statSync(file).size;
  if (file.endsWith('.gz') || size <= RANGE_BYTES) return [undefined];
  const ranges: ByteRange[] = [];
  for (let at = 0; at < size; at += RANGE_BYTES)
    ranges.push({ start: at, end: Math.min(size, at + RANGE_BYTES) });
  return ranges;
}

/** A line's message, or why it is rejected (not JSON, nested deeper than define-events reads). */
function readMessage(line: string): { message: unknown } | { reason: string } {
  try {
    const message: unknown = JSON.parse(line);
    return jsonDeeperThan(message) ? { reason: `the message ${TOO_DEEP}` } : { message };
  } catch (err) {
    return { reason: notJsonReason(err) };
  }
}
