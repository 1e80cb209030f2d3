/**
 * The ClickHouse table of captured event payloads (`events.payloads` in gtm.yaml) that
 * `gtm engine load` writes and `define-events` validates where it lies.
 *
 * ClickHouse 18.16 has no JSON parser that respects nesting: `visitParamExtract*` / `visitParamHas`
 * find the first `"key":` anywhere in the text (a `properties.event` matches `event`), cannot list
 * an object's keys, and the `JSONExtract*` family came in 19.x. So gtm's own reader parses each line
 * at load time (as define-events reads the file), flattens `batch` envelopes into one row per
 * member, and writes what routing and counting need as plain columns beside the message text:
 * the server groups and filters on columns, never on JSON. That includes the top-level `messageId`
 * (a nested `properties.messageId` would match `visitParamExtractString`) and the validator's
 * content fingerprint, by which the server dedupes re-sent copies as the file reader does.
 */
import { contentFingerprint } from '../analyses/instrumentation/message-ids.ts';
import { GtmError } from '../errors/index.ts';
import { quoteIdent, quoteString } from './sql-text.ts';

/** The table's name in the database `gtm engine load` writes to. */
export const EVENT_PAYLOADS_TABLE = 'event_payloads';
const LOCAL = `${EVENT_PAYLOADS_TABLE}_local`;

/** One message (a line, or a member of a line's `batch`), as a row of the table. */
export interface EventPayloadRow {
  /** Position of the file among the input's files (the order define-events reads them in). */
  file_no: number;
  /** Relative to the workspace. */
  source_file: string;
  /** 1-based line in the file. */
  source_row: number;
  /** Index in the line's `batch` envelope, 0 for a line that is one message. */
  member: number;
  /** 1 when the message is a JSON object; 0 for anything else (validated as "not a message"). */
  is_message: number;
  /** The call type as the validator derives it: `type`, else `track` when `event` is text, else `unknown`. */
  call_type: string;
  /** 1 when `name` holds text: `event` of a track, `name` of any other call. */
  has_name: number;
  name: string;
  /** 1 when `properties` is an object with at least one key (unplanned tracks are scanned for PII and types). */
  has_properties: number;
  /** The message as JSON text. */
  message: string;
  /**
   * The message's `messageId` when it is non-empty text, else '' (a message the validator checks
   * whatever copies there are). The server finds re-sent copies by this column.
   */
  message_id: string;
  /**
   * With a `message_id`: the validator's fingerprint of the content (`sentAt` and `receivedAt`
   * aside), which tells a re-send from a copy that differs; 0 without one.
   */
  content_print: number;
}

/** Column names and ClickHouse types, in table order. */
export const EVENT_PAYLOAD_COLUMNS: readonly { name: keyof EventPayloadRow; type: string }[] = [
  { name: 'file_no', type: 'UInt32' },
  { name: 'source_file', type: 'String' },
  { name: 'source_row', type: 'Int64' },
  { name: 'member', type: 'UInt32' },
  { name: 'is_message', type: 'UInt8' },
  { name: 'call_type', type: 'String' },
  { name: 'has_name', type: 'UInt8' },
  { name: 'name', type: 'String' },
  { name: 'has_properties', type: 'UInt8' },
  { name: 'message', type: 'String' },
  { name: 'message_id', type: 'String' },
  { name: 'content_print', type: 'UInt64' },
];

const isObject = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

/**
 * The rows of one parsed line: a `batch` envelope (an array `batch`, `type` absent or `batch`)
 * gives one row per member, as the validator walks it; any other value one row.
 */
export function payloadRows(
  parsed: unknown,
  where: { file_no: number; source_file: string; source_row: number },
): EventPayloadRow[] {
  const row = (value: unknown, member: number): EventPayloadRow => {
    const base = { ...where, member, message: JSON.stringify(value) ?? 'null' };
    if (!isObject(value))
      return {
        ...base,
        is_message: 0,
        call_type: '',
        has_name: 0,
        name: '',
        has_properties: 0,
        message_id: '',
        content_print: 0,
      };
    const callType =
      typeof value.type === 'string' ? value.type : typeof value.event === 'string' ? 'track' : 'unknown';
    const named = callType === 'track' ? value.event : value.name;
    const props = value.properties;
    // as the validator dedupes: a messageId that is non-empty text
    const id = typeof value.messageId === 'string' ? value.messageId : '';
    return {
      ...base,
      is_message: 1,
      call_type: callType,
      has_name: typeof named === 'string' ? 1 : 0,
      name: typeof named === 'string' ? named : '',
      has_properties: isObject(props) && Object.keys(props).length > 0 ? 1 : 0,
      message_id: id,
      content_print: id ? contentFingerprint(value) : 0,
    };
  };
  if (
    isObject(parsed) &&
    Array.isArray(parsed.batch) &&
    (parsed.type === undefined || parsed.type === 'batch')
  )
    return parsed.batch.map((m, i) => row(m, i));
  return [row(parsed, 0)];
}

/**
 * CREATE statements for one server: a MergeTree table, or on a cluster a local MergeTree table
 * and a Distributed table over it sharded by line (a batch stays whole on one shard; validation is
 * per message, so any spread is correct and this one is even).
 */
export function eventPayloadTableSql(database: string, cluster: string | undefined): string[] {
  const q = (n: string) => `${quoteIdent(database, 'clickhouse')}.${quoteIdent(n, 'clickhouse')}`;
  const defs = EVENT_PAYLOAD_COLUMNS.map((c) => `${quoteIdent(c.name, 'clickhouse')} ${c.type}`).join(', ');
  const mergeTree = (n: string) =>
    `CREATE TABLE ${q(n)} (${defs}) ENGINE = MergeTree ORDER BY (file_no, source_row, member)`;
  if (!cluster) return [mergeTree(EVENT_PAYLOADS_TABLE)];
  return [
    mergeTree(LOCAL),
    `CREATE TABLE ${q(EVENT_PAYLOADS_TABLE)} AS ${q(LOCAL)} ENGINE = Distributed(` +
      `${quoteString(cluster, 'clickhouse')}, ${quoteString(database, 'clickhouse')}, ` +
      `${quoteString(LOCAL, 'clickhouse')}, cityHash64(file_no, source_row))`,
  ];
}

/** The tables `eventPayloadTableSql` creates, the one to query first. */
export function eventPayloadTables(cluster: string | undefined): string[] {
  return cluster ? [EVENT_PAYLOADS_TABLE, LOCAL] : [EVENT_PAYLOADS_TABLE];
}

/** The local table of a cluster layout (rows per shard are counted there). */
export const EVENT_PAYLOADS_LOCAL = LOCAL;

/** A row as one JSONEachRow line. */
export function payloadRowJson(r: EventPayloadRow): string {
  if (!Number.isSafeInteger(r.source_row))
    throw new GtmError('INTERNAL', `line number ${r.source_row} is not an integer`);
  return JSON.stringify(r);
}
