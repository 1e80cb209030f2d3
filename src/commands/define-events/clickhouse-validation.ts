/**
 * define-events' payload validation where the payloads lie: the captured messages in the
 * `event_payloads` table `gtm engine load` writes (one row per message, call type, name and
 * whether `properties` has keys as columns).
 *
 * The server counts every message by call type and name, and settles alone the messages whose
 * outcome does not depend on their content: an unplanned track without properties (one
 * unplanned_event), an `alias` (checked, no violation), a value that is not a JSON object (one
 * wrong_type). A type that is no Segment call (`trak`, `unknown`) goes to the validator, which says why. The rules that read a message's
 * content — the plan's JSON Schema of each event (Ajv: required, types, enums, formats, nested
 * objects), identities, versions, source, consent, PII in values and the property type tallies —
 * have no form on ClickHouse 18.16 (no JSON parser that respects nesting): the messages of planned
 * events and unplanned tracks with properties are streamed to gtm's validator in file order,
 * one line at a time (memory bounded by the validator's tallies and samples, not by the table).
 * The counts are exact either way: the two parts are merged as the validator's worker threads are.
 *
 * A messageId is checked once, as the file reader checks it: its first copy in file order
 * (`file_no, source_row, member`: the order `gtm engine load` read the files in, which is the order
 * define-events reads them) is checked; later copies are duplicates, left out of every count and
 * stream, and a later copy whose content differs from the first (`content_print`, the validator's
 * fingerprint written at load: `sentAt` and `receivedAt` aside) makes the id a conflict, named by
 * where its first differing copy is. The server finds the repeated ids (see `repeatedIds`).
 *
 * A line the load rejected (not JSON, nested deeper than define-events reads) is in the load's
 * record (`gtm_load_rejects`, see clickhouse-load-record.ts), not in the table: the first of them in
 * file order stops the run with the error the file reader gives at that line (INPUT, exit 4), as
 * define-events on the files stops there. A table without a record (loaded by an earlier gtm, or
 * made by other means) is validated as it is.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { TrackingPlan, ValidationReport } from '../../analyses/instrumentation/index.ts';
import { createEventValidator } from '../../analyses/instrumentation/event-validator.ts';
import { VIOLATION_TYPES, type ViolationType } from '../../analyses/instrumentation/validation-report.ts';
import {
  mergeValidatorSnapshots,
  type SnapshotDuplicate,
  type SnapshotEvent,
  type ValidatorSnapshot,
} from '../../analyses/instrumentation/validator-snapshot.ts';
import { EVENT_PAYLOADS_TABLE, EVENT_PAYLOAD_COLUMNS } from '../../data/clickhouse-event-payloads.ts';
import { sha256FilePrefix } from '../../data/fingerprint.ts';
import { checkLoadedFiles, readLoadRecord, type LoadedRecord } from '../../data/clickhouse-load-record.ts';
import { openClickHouse, quoteIdent, quoteString, type ClickHouseEngine } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import { eventFiles } from '../shared/tracking-plan-io/index.ts';

/** Where the payloads table is: the workspace's ClickHouse engine. */
export interface PayloadsOnClickHouse {
  url: string;
  database: string | undefined;
  /** Workspace folder: `source_file` is relative to it (evidence names the file as the DuckDB run does). */
  baseDir: string;
}

/** The Segment calls settled on the server: counted, never a violation. Any other non-track type goes to the validator. */
const UNCHECKED_TYPES = ['alias'];
const ORDER = 'file_no, source_row, member';
const NOT_A_MESSAGE = '(not a message)';

type Group = {
  is_message: number;
  call_type: string;
  has_name: number;
  name: string;
  has_properties: number;
  n: number;
};

/** The message rows that only the validator can judge, as a ClickHouse condition. */
function localCondition(plannedTracks: readonly string[]): string {
  const planned = plannedTracks.length
    ? `if(has_name = 1, name, '') IN (${plannedTracks.map((n) => quoteString(n, 'clickhouse')).join(', ')})`
    : '0';
  return (
    `is_message = 1 AND (call_type NOT IN (${['track', ...UNCHECKED_TYPES].map((t) => quoteString(t, 'clickhouse')).join(', ')})` +
    ` OR (call_type = 'track' AND (${planned} OR has_properties = 1)))`
  );
}

/** Which server-settled kind a group is, or null when the validator must read its messages. */
function kindOf(g: Group, planned: ReadonlySet<string>): 'not_message' | 'unplanned' | 'unchecked' | null {
  if (!g.is_message) return 'not_message';
  if (g.call_type === 'track') {
    const key = g.has_name ? g.name : '';
    return planned.has(key) || g.has_properties ? null : 'unplanned';
  }
  return UNCHECKED_TYPES.includes(g.call_type) ? 'unchecked' : null;
}

interface Row {
  file_no: number;
  source_file: string;
  source_row: number;
  member: number;
  text: string;
}

const before = (a: Row, b: Row) =>
  a.file_no !== b.file_no
    ? a.file_no < b.file_no
    : a.source_row !== b.source_row
      ? a.source_row < b.source_row
      : a.member < b.member;

/**
 * The messageIds with more than one copy, one row each: `copies`, its copies as
 * `(file_no, source_row, member, content_print, source_file)` in file order (the first is the copy
 * checked). Candidates are found by a 64-bit hash of the id (the server groups numbers, not every
 * id's text), then grouped by the id itself, so equal hashes of different ids drop out.
 */
function repeatedIds(table: string): string {
  return (
    `SELECT message_id, arraySort(groupArray((file_no, source_row, member, content_print, source_file))) AS copies` +
    ` FROM ${table} WHERE message_id != '' AND cityHash64(message_id) GLOBAL IN` +
    ` (SELECT cityHash64(message_id) AS h FROM ${table} WHERE message_id != '' GROUP BY h HAVING count() > 1)` +
    ` GROUP BY message_id HAVING count() > 1`
  );
}

/** Per repeated id: copies, later copies that differ from the first, the first of those, the second copy. */
function repeatedIdStats(table: string): string {
  const differs = 'x -> tupleElement(x, 4) != tupleElement(copies[1], 4)';
  return (
    `SELECT message_id, length(copies) AS n, arrayCount(${differs}, copies) AS differing,` +
    ` arrayFirst(${differs}, copies) AS first_differing, copies[2] AS second FROM (${repeatedIds(table)})`
  );
}

interface Duplicates {
  /** Later copies of a messageId: not checked. */
  duplicates: number;
  /** messageIds with a later copy that differs from the first. */
  conflicting: number;
  /** The first `maxSamples` of those, in file order of their second copy (the file reader's order). */
  listed: SnapshotDuplicate[];
  /** A condition true for every row but the later copies. */
  kept: string;
}

/** What the file reader's messageId index finds, found on the server. */
async function duplicatesOn(
  engine: ClickHouseEngine,
  table: string,
  baseDir: string,
  maxSamples: number,
): Promise<Duplicates> {
  const [totals] = await engine.query<{ duplicates: number | string; conflicting: number | string }>(
    `SELECT sum(n - 1) AS duplicates, countIf(differing > 0) AS conflicting FROM (${repeatedIdStats(table)})`,
  );
  const duplicates = Number(totals?.duplicates ?? 0);
  const conflicting = Number(totals?.conflicting ?? 0);
  if (duplicates === 0) return { duplicates: 0, conflicting: 0, listed: [], kept: '1' };
  const listed: SnapshotDuplicate[] = [];
  if (conflicting > 0 && maxSamples > 0) {
    const rows = await engine.query<{
      id: string;
      n: number | string;
      differing: number | string;
      file: string;
      row: number | string;
    }>(
      `SELECT hex(message_id) AS id, n, differing, hex(tupleElement(first_differing, 5)) AS file,` +
        ` tupleElement(first_differing, 2) AS row FROM (${repeatedIdStats(table)})` +
        ` WHERE differing > 0 ORDER BY second LIMIT ${maxSamples}`,
    );
    for (const r of rows)
      listed.push({
        id: Buffer.from(r.id, 'hex').toString('utf8'),
        copies: Number(r.n) - 1,
        differing: Number(r.differing),
        firstDiffering: {
          file: path.resolve(baseDir, Buffer.from(r.file, 'hex').toString('utf8')),
          line: Number(r.row),
        },
      });
  }
  // positions are unique (one row per message): the later copies' positions name them
  const later =
    `SELECT tupleElement(p, 1), tupleElement(p, 2), tupleElement(p, 3)` +
    ` FROM (SELECT arrayJoin(arrayPopFront(copies)) AS p FROM (${repeatedIds(table)}))`;
  return { duplicates, conflicting, listed, kept: `(file_no, source_row, member) GLOBAL NOT IN (${later})` };
}

/**
 * Validates the captured messages in `event_payloads` against the plan; the same report as
 * `validateEventsFile` on the files they were loaded from (default validator options), messageIds
 * deduplicated as there.
 */
export async function validatePayloadsClickHouse(
  plan: TrackingPlan,
  where: PayloadsOnClickHouse,
  options: {
    maxSamplesPerType?: number;
    now?: number;
    consentIds?: Record<string, string>;
    /** The workspace's events.payloads (file or folder), to find payload files the load did not read. */
    payloads?: string;
    /** Where the warning about payload files written since the load goes (`checkPayloadFiles`). */
    warn?: (line: string) => void;
  } = {},
): Promise<ValidationReport> {
  const engine = await openClickHouse({
    url: where.url,
    database: where.database,
    origin: 'engine.url in gtm.yaml',
  });
  try {
    return await validateOn(
      engine,
      plan,
      where,
      options.maxSamplesPerType ?? 5,
      options.now,
      options.consentIds,
      options.payloads,
      options.warn ?? (() => undefined),
    );
  } finally {
    await engine.close();
  }
}

/**
 * The quoted payloads table, after checking that it exists and has the columns this gtm loads
 * (CONFIG errors naming `events.payloads` and the load command otherwise).
 */
async function payloadsTable(engine: ClickHouseEngine, where: PayloadsOnClickHouse): Promise<string> {
  const database = where.database ?? 'default';
  const columns = new Set(
    (
      await engine.query<{ name: string }>(
        `SELECT name FROM system.columns WHERE database = ${quoteString(database, 'clickhouse')} AND table = ${quoteString(EVENT_PAYLOADS_TABLE, 'clickhouse')}`,
      )
    ).map((c) => c.name),
  );
  if (columns.size === 0)
    throw new GtmError('CONFIG', `no table ${database}.${EVENT_PAYLOADS_TABLE} with the captured payloads`, {
      where: 'events.payloads',
      hint: `load them first: gtm engine load --source ${EVENT_PAYLOADS_TABLE} (or run with engine.kind: duckdb to read the files)`,
    });
  const missing = EVENT_PAYLOAD_COLUMNS.filter((c) => !columns.has(c.name)).map((c) => c.name);
  if (missing.length)
    throw new GtmError(
      'CONFIG',
      `table ${database}.${EVENT_PAYLOADS_TABLE} has no column ${missing.join(', ')}: it was loaded by an earlier gtm, which did not record messageIds`,
      {
        where: 'events.payloads',
        hint: `load it again: gtm engine load --source ${EVENT_PAYLOADS_TABLE} --replace`,
      },
    );
  return `${quoteIdent(database, 'clickhouse')}.${quoteIdent(EVENT_PAYLOADS_TABLE, 'clickhouse')}`;
}

/**
 * The payload files on this machine against those the load of the table read. A collector
 * appends to its capture files and starts new ones: a file that only grew since the load (its
 * first bytes hash as the loaded file did) and a payload file in `payloads` (the workspace's
 * events.payloads) that the load did not read are said in one warning — the run validates the
 * messages the load read, not those written since, and says how to include them. A file whose
 * loaded bytes changed (rewritten, truncated) stops the run (INPUT, exit 4), as a run on a changed
 * source does (`checkLoadedFiles`): the table's messages are no longer the file's. A load from
 * another machine (its files not here) is not checked.
 */
async function checkPayloadFiles(
  record: LoadedRecord,
  where: PayloadsOnClickHouse,
  payloads: string | undefined,
  warn: (line: string) => void,
): Promise<void> {
  const grown: { file: string; bytes: number }[] = [];
  const others: LoadedRecord['files'] = [];
  for (const f of record.files) {
    const file = path.resolve(where.baseDir, f.file);
    const now = await stat(file).catch(() => null);
    const prefix =
      now?.isFile() && now.size > f.size ? await sha256FilePrefix(file, f.size).catch(() => null) : null;
    if (now && prefix === f.sha256) grown.push({ file: f.file, bytes: now.size - f.size });
    else others.push(f);
  }
  await checkLoadedFiles({ ...record, files: others }, where.baseDir, 'events.payloads');
  let added: string[] = [];
  const loaded = new Set(record.files.map((f) => path.resolve(where.baseDir, f.file)));
  if (payloads !== undefined && existsSync(payloads) && [...loaded].some((f) => existsSync(f)))
    added = eventFiles(payloads)
      .filter((f) => !loaded.has(path.resolve(f)))
      .map((f) => path.relative(where.baseDir, f) || f);
  if (grown.length === 0 && added.length === 0) return;
  const was = new Date(record.loaded_at_ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const n = (k: number, what: string) => `${k.toLocaleString('en-US')} ${what}${k === 1 ? '' : 's'}`;
  const list = (names: string[]) => names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
  const parts = [
    grown.length
      ? `${n(grown.length, 'file')} grew (${list(grown.map((g) => `${g.file} +${n(g.bytes, 'byte')}`))})`
      : '',
    added.length ? `${n(added.length, 'file')} came into it (${list(added)})` : '',
  ].filter(Boolean);
  warn(
    `events.payloads: since gtm engine load read it into table ${EVENT_PAYLOADS_TABLE} (${was}) ${parts.join(' and ')}: ` +
      `this run validates the ${n(record.rows, 'message')} the load read, not those written since; to include them, ` +
      `load again (gtm engine load --source ${EVENT_PAYLOADS_TABLE} --replace) or run on DuckDB, which reads the files`,
  );
}

/**
 * Stops the run at the first line the load of the table rejected, in the order the files were
 * read: the error `validateEventsFile` gives at that line (message, `file:line`), with the reload
 * in the hint (the table holds what the load read, not the file as fixed since).
 */
function refuseRejectedLines(record: LoadedRecord | null, where: PayloadsOnClickHouse): void {
  if (!record || record.rejects.length === 0) return;
  const fileNo = new Map(record.files.map((f, i) => [f.file, i]));
  const order = (file: string | undefined) => fileNo.get(file ?? '') ?? record.files.length;
  const first = record.rejects.reduce((a, b) => {
    const [fa, fb] = [order(a.file), order(b.file)];
    return fb < fa || (fb === fa && b.row < a.row) ? b : a;
  });
  const more = record.rejects.length - 1;
  throw new GtmError('INPUT', first.reason, {
    where: `${path.resolve(where.baseDir, first.file ?? '')}:${first.row}`,
    hint:
      'each line of an NDJSON file must be one JSON message; fix or remove the line' +
      (more > 0 ? ` (and the ${more.toLocaleString('en-US')} other rejected lines)` : '') +
      `, then load the payloads again: gtm engine load --source ${EVENT_PAYLOADS_TABLE} --replace`,
  });
}

/** The load's record checked against the files here (`checkPayloadFiles`) and its rejected lines (`refuseRejectedLines`). */
async function checkLoad(
  engine: ClickHouseEngine,
  where: PayloadsOnClickHouse,
  payloads: string | undefined,
  warn: (line: string) => void,
): Promise<void> {
  const record = await readLoadRecord(engine, EVENT_PAYLOADS_TABLE, EVENT_PAYLOADS_TABLE);
  if (record) await checkPayloadFiles(record, where, payloads, warn);
  refuseRejectedLines(record, where);
}

/** The kept messages counted on the server by what decides their route (`Group`). */
async function groupsOn(engine: ClickHouseEngine, table: string, kept: string): Promise<Group[]> {
  return (
    await engine.query<Group>(
      `SELECT is_message, call_type, has_name, name, has_properties, count() AS n FROM ${table} WHERE ${kept} GROUP BY is_message, call_type, has_name, name, has_properties`,
    )
  ).map((g) => ({
    ...g,
    is_message: Number(g.is_message),
    has_name: Number(g.has_name),
    has_properties: Number(g.has_properties),
    n: Number(g.n),
  }));
}

async function validateOn(
  engine: ClickHouseEngine,
  plan: TrackingPlan,
  where: PayloadsOnClickHouse,
  maxSamples: number,
  now: number | undefined,
  consentIds: Record<string, string> | undefined,
  payloads: string | undefined,
  warn: (line: string) => void,
): Promise<ValidationReport> {
  const table = await payloadsTable(engine, where);
  await checkLoad(engine, where, payloads, warn);
  const plannedTracks = [...new Set(plan.events.filter((e) => e.type === 'track').map((e) => e.name))];
  const planned = new Set(plannedTracks);

  // 0. later copies of a messageId: counted, listed when they differ, and left out of what follows
  const dupes = await duplicatesOn(engine, table, where.baseDir, maxSamples);
  const kept = dupes.kept;

  // 1. every message checked counted on the server, by what decides its route
  const groups = await groupsOn(engine, table, kept);

  // 2. evidence for the server-settled violations: their first messages in file order (the
  // validator keeps the first `maxSamples` of each type, so no later one can be among them)
  const sampleOf = (cond: string) =>
    fetchRows(engine, `${cond} ORDER BY ${ORDER} LIMIT ${maxSamples}`, table);
  const notPlanned = `NOT (${localCondition(plannedTracks)})`;
  const extra = [
    // a value that is not a message has no messageId
    ...(await sampleOf('is_message = 0')),
    ...(await sampleOf(`is_message = 1 AND call_type = 'track' AND ${notPlanned} AND ${kept}`)),
  ].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));

  // 3. the validator reads the messages it must judge, and those samples, in file order (first
  // copies only: the server left the later ones out, so the validator does not dedupe again)
  const validator = createEventValidator(plan, {
    maxSamplesPerType: maxSamples,
    dedupeMessageIds: false,
    ...(now !== undefined ? { now } : {}),
    ...(consentIds !== undefined ? { consentIds } : {}),
  });
  const ref = { file: '', line: 0 };
  const files = new Map<string, string>();
  const check = (r: Row) => {
    let file = files.get(r.source_file);
    if (file === undefined) files.set(r.source_file, (file = path.resolve(where.baseDir, r.source_file)));
    ref.file = file;
    ref.line = r.source_row;
    // as a one-member batch: an object is validated as a message (never as an envelope of its own),
    // anything else as "not a message" — what the file reader does with each line or batch member
    validator.validate({ batch: [JSON.parse(r.text)] }, ref);
  };
  let next = 0;
  await streamRows(
    engine,
    `WHERE ${localCondition(plannedTracks)} AND ${kept} ORDER BY ${ORDER}`,
    table,
    (r) => {
      while (next < extra.length && before(extra[next], r)) check(extra[next++]);
      check(r);
    },
  );
  while (next < extra.length) check(extra[next++]);

  // 4. the server-settled messages the validator did not read, as counts
  const rest = settled(groups, planned, extra, plan, maxSamples);
  rest.duplicates = dupes.duplicates;
  rest.duplicateIds = dupes.listed;
  const report = mergeValidatorSnapshots([{ snapshot: validator.snapshot() }, { snapshot: rest }]);
  // the server listed the first conflicts (all a report shows) and counted them all
  return { ...report, conflictingDuplicates: dupes.conflicting };
}

/** A snapshot of the server-settled messages not read by the validator (counts, no evidence; no duplicates yet). */
function settled(
  groups: readonly Group[],
  planned: ReadonlySet<string>,
  read: readonly Row[],
  plan: TrackingPlan,
  maxSamples: number,
): ValidatorSnapshot {
  // the sample rows were validated: take them off their group's count
  const readBy = new Map<string, number>();
  const keyOf = (isMessage: number, name: string) => `${isMessage}\u0000${name}`;
  for (const r of read) {
    const msg = JSON.parse(r.text) as unknown;
    const isMessage = msg !== null && typeof msg === 'object' && !Array.isArray(msg) ? 1 : 0;
    const event = isMessage ? (msg as Record<string, unknown>).event : undefined;
    const k = keyOf(isMessage, isMessage ? (typeof event === 'string' ? event : '') : NOT_A_MESSAGE);
    readBy.set(k, (readBy.get(k) ?? 0) + 1);
  }
  const events = new Map<string, SnapshotEvent>();
  const callTypes: Record<string, number> = {};
  let checked = 0;
  let withViolations = 0;
  const add = (name: string, n: number, type: ViolationType | null) => {
    let e = events.get(name);
    if (!e) {
      e = {
        name,
        planned: false,
        checked: 0,
        messagesWithViolations: 0,
        byType: VIOLATION_TYPES.map(() => 0),
        tallies: [],
      };
      events.set(name, e);
    }
    e.checked += n;
    checked += n;
    if (type) {
      e.messagesWithViolations += n;
      e.byType[VIOLATION_TYPES.indexOf(type)] += n;
      withViolations += n;
    }
  };
  for (const g of groups) {
    const kind = kindOf(g, planned);
    if (kind === null) continue;
    if (kind === 'unchecked') {
      add(g.call_type, g.n, null);
      callTypes[g.call_type] = (callTypes[g.call_type] ?? 0) + g.n;
      continue;
    }
    const name = kind === 'not_message' ? NOT_A_MESSAGE : g.has_name ? g.name : '';
    const k = keyOf(kind === 'not_message' ? 0 : 1, name);
    const already = Math.min(g.n, readBy.get(k) ?? 0);
    readBy.set(k, (readBy.get(k) ?? 0) - already);
    const n = g.n - already;
    if (n === 0) continue;
    add(name, n, kind === 'not_message' ? 'wrong_type' : 'unplanned_event');
    if (kind === 'unplanned') callTypes.track = (callTypes.track ?? 0) + n;
  }
  return {
    plan: { name: plan.name, version: plan.version },
    maxSamplesPerType: maxSamples,
    checked,
    duplicates: 0,
    duplicateIds: [],
    messagesWithViolations: withViolations,
    callTypes,
    events: [...events.values()],
    samples: [],
  };
}

const COLUMNS = 'file_no, source_file, source_row, member, hex(message)';

function parseLine(line: string): Row {
  const [fileNo, file, row, member, hex] = line.split('\t');
  return {
    file_no: Number(fileNo),
    // TabSeparated escapes backslash, tab and newline in text
    source_file: file.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c)),
    source_row: Number(row),
    member: Number(member),
    // hex: the text crosses the wire as ASCII, whatever its characters
    text: Buffer.from(hex, 'hex').toString('utf8'),
  };
}

async function fetchRows(engine: ClickHouseEngine, cond: string, table: string): Promise<Row[]> {
  const out: Row[] = [];
  await engine.queryLines(`SELECT ${COLUMNS} FROM ${table} WHERE ${cond}`, (l) => out.push(parseLine(l)));
  return out;
}

async function streamRows(
  engine: ClickHouseEngine,
  clause: string,
  table: string,
  onRow: (r: Row) => void,
): Promise<void> {
  await engine.queryLines(`SELECT ${COLUMNS} FROM ${table} ${clause}`, (l) => onRow(parseLine(l)));
}
