/**
 * The scale-out engine: an existing ClickHouse server or cluster over HTTP. It targets ClickHouse
 * 18.16 (the Debian version) as the floor: no query parameters (values are escaped through
 * sql-text's ClickHouse variant), no window functions, no CTEs, no ISO date output format.
 */
import { displayUrl } from './url-secrets.ts';
import { randomUUID } from 'node:crypto';
import type * as ClickHouseLib from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { GtmError } from '../errors/index.ts';
import { cancellationSignal, cancelledError } from './cancellation.ts';
import { safeInteger } from './safe-integer.ts';
import type { Engine, Row } from './engine.ts';
import { quoteIdent, quoteString } from './sql-text.ts';

export interface ClickHouseOptions {
  /** HTTP endpoint, e.g. `http://localhost:8123`. */
  url: string;
  database?: string;
  username?: string;
  password?: string;
  /** Per-request timeout in milliseconds (default 300 000: analytical queries run long). */
  requestTimeoutMs?: number;
  /** Where the settings came from, for hints (default `engine.url in gtm.yaml`; e.g. `--clickhouse`). */
  origin?: string;
}

/** The ClickHouse engine, with the bulk insert that `gtm engine load` uses. */
export interface ClickHouseEngine extends Engine {
  readonly dialect: 'clickhouse';
  /**
   * Sends rows already encoded in a ClickHouse input format (for `JSONEachRow`, one JSON object
   * per line) as the body of `INSERT INTO relation FORMAT format`: the values never become SQL
   * text. `relation` is a quoted name (`quoteIdent`); `settings` apply to this insert only.
   *
   * @example
   * await engine.insertText('"touches"', 'JSONEachRow', '{"id":1}\n{"id":2}\n');
   */
  insertText(
    relation: string,
    format: 'JSONEachRow',
    body: string | Uint8Array,
    settings?: Record<string, string | number>,
  ): Promise<void>;
  /**
   * Runs a query and streams its result as `TabSeparated` lines (no trailing newline), each handed
   * to `onLine` as it arrives: for large results of plain numbers and codes, far cheaper than JSON
   * rows for the server to write and for gtm to read, and never held whole in memory. Resolves to
   * the lines read. Fields are ClickHouse-escaped (`\t`, `\n`, `\\`): callers read only fields
   * that cannot contain those.
   *
   * @example
   * await engine.queryLines('SELECT path, n FROM paths', (line) => parse(line));
   */
  queryLines(sql: string, onLine: (line: string) => void): Promise<number>;
}

/** Whether an engine is the ClickHouse engine (and so can `insertText`). */
export function isClickHouseEngine(engine: Engine): engine is ClickHouseEngine {
  return (
    engine.dialect === 'clickhouse' && typeof (engine as Partial<ClickHouseEngine>).insertText === 'function'
  );
}

interface JsonResponse {
  meta?: { name: string; type: string }[];
  data: Record<string, unknown>[];
}

/**
 * Opens a ClickHouse engine and checks that the server answers. `query` results follow the
 * `Engine` contract: 64-bit integers as `number` when safe (else `bigint`), Decimal as `number`,
 * Date as `YYYY-MM-DD`, DateTime/DateTime64 as ISO 8601 with `Z`. ClickHouse 18.16 prints
 * DateTime in the server's time zone, so run the server (or declare the columns) in UTC.
 *
 * @example
 * const engine = await openClickHouse({ url: 'http://localhost:8123', database: 'gtm' });
 * const rows = await engine.query('SELECT count() AS n FROM events'); // [{ n: 1234 }]
 * await engine.close();
 */
export async function openClickHouse(opts: ClickHouseOptions): Promise<ClickHouseEngine> {
  // An optional dependency: only users of ClickHouse install it.
  let lib: typeof ClickHouseLib;
  try {
    lib = await import('@clickhouse/client');
  } catch (err) {
    throw new GtmError(
      'CONFIG',
      'the ClickHouse engine needs the package @clickhouse/client, which is not installed',
      {
        where: 'engine.kind',
        hint: 'npm install @clickhouse/client (next to gtm), or use the embedded DuckDB engine',
        cause: err,
      },
    );
  }
  const { ClickHouseLogLevel, createClient } = lib;
  let client: ClickHouseClient;
  try {
    client = createClient({
      url: opts.url,
      database: opts.database,
      username: opts.username,
      password: opts.password,
      request_timeout: opts.requestTimeoutMs ?? 300_000,
      // the normalizing SELECTs of a source with many mapped columns (each value trimmed, mapped,
      // checked: track-source's touchpoints with partner and UTM maps) pass the server's default
      // limit of 256 KiB of query text ("Max query size exceeded"); 16 MiB, per request
      clickhouse_settings: { max_query_size: String(16 * 1024 * 1024) } as never,
      // Failures reach the caller as GtmErrors; the client's own logger would print them twice.
      log: { level: ClickHouseLogLevel.OFF },
    });
  } catch (err) {
    // named where the URL came from: a flag's (`--clickhouse`) is a usage error of that flag
    const flag = opts.origin?.startsWith('--') ? opts.origin : undefined;
    throw new GtmError(flag ? 'USAGE' : 'CONFIG', `invalid ClickHouse settings: ${errorText(err)}`, {
      where: flag ?? 'engine.url',
      hint: `${flag ?? 'engine.url'} must look like http://host:8123 (a password as http://user:password@host:8123)`,
      cause: err,
    });
  }
  const engine = new ClickHouseEngineImpl(
    client,
    redactUrl(opts.url),
    opts.origin ?? 'engine.url in gtm.yaml',
    cancellationSignal(),
  );
  try {
    await engine.query('SELECT 1 AS ok');
  } catch (err) {
    await client.close();
    throw err;
  }
  return engine;
}

class ClickHouseEngineImpl implements ClickHouseEngine {
  readonly dialect = 'clickhouse' as const;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly where: string,
    private readonly origin: string,
    /** The cancellation of the scope the engine was opened in (cancellation.ts): aborts the requests. */
    private readonly signal?: AbortSignal,
  ) {
    // an aborted request does not stop its query on the server (18.16 goes on with a SELECT whose
    // client left): the queries still running are killed by their ids
    signal?.addEventListener('abort', this.killRunning, { once: true });
  }

  /** Ids of the queries sent and not yet answered, for KILL QUERY on cancellation. */
  private readonly running = new Set<string>();
  /** The KILL QUERY requests sent, which `close` lets finish. */
  private readonly kills: Promise<unknown>[] = [];

  private readonly killRunning = (): void => {
    for (const id of this.running)
      this.kills.push(
        this.client
          .command({ query: `KILL QUERY WHERE query_id = ${quoteString(id, 'clickhouse')} ASYNC` })
          .catch(() => undefined),
      );
  };

  /** Runs one request under a query id of its own, known while it runs (`killRunning`). */
  private async tracked<T>(send: (queryId: string) => Promise<T>): Promise<T> {
    const id = `gtm-${randomUUID()}`;
    this.running.add(id);
    try {
      return await send(id);
    } finally {
      this.running.delete(id);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      this.refuseIfCancelled(sql);
      await this.tracked((query_id) =>
        this.client.command({ query: sql, query_id, abort_signal: this.signal }),
      );
    } catch (err) {
      throw this.error(err, sql);
    }
  }

  async query<T extends Row = Row>(sql: string): Promise<T[]> {
    const text = sql.trim().replace(/;+\s*$/, '');
    try {
      this.refuseIfCancelled(text);
      const body = await this.tracked(async (query_id) => {
        const result = await this.client.query({
          query: text,
          format: 'JSON',
          query_id,
          abort_signal: this.signal,
        });
        return (await result.json()) as JsonResponse;
      });
      return convertRows(body) as T[];
    } catch (err) {
      throw this.error(err, text);
    }
  }

  async insertText(
    relation: string,
    format: 'JSONEachRow',
    body: string | Uint8Array,
    settings: Record<string, string | number> = {},
  ): Promise<void> {
    if (body.length === 0) return;
    const query = `INSERT INTO ${relation} FORMAT ${format}`;
    try {
      const { Readable } = await import('node:stream');
      this.refuseIfCancelled(query);
      const result = await this.client.exec({
        query,
        values: Readable.from([body]),
        clickhouse_settings: settings as never,
        abort_signal: this.signal,
      });
      // the response body must be read for the connection to be reused
      for await (const _ of result.stream as AsyncIterable<unknown>) void _;
    } catch (err) {
      throw this.error(err, `${query} -- ${body.length} bytes`);
    }
  }

  async queryLines(sql: string, onLine: (line: string) => void): Promise<number> {
    const query = `${sql.trim().replace(/;+\s*$/, '')} FORMAT TabSeparated`;
    try {
      this.refuseIfCancelled(query);
      return await this.tracked(async (query_id) => {
        const result = await this.client.exec({ query, query_id, abort_signal: this.signal });
        return splitLines(result.stream as AsyncIterable<Uint8Array>, onLine);
      });
    } catch (err) {
      throw this.error(err, query);
    }
  }

  async describe(relation: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.query<{ name: string; type: string }>(
      `DESCRIBE TABLE ${quoteIdent(relation, 'clickhouse')}`,
    );
    return rows.map((r) => ({ name: r.name, type: r.type }));
  }

  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.killRunning);
    await Promise.all(this.kills);
    await this.client.close();
  }

  /** A statement asked for after the run was cancelled is not sent. */
  private refuseIfCancelled(sql: string): void {
    if (this.signal?.aborted) throw cancelledError(sql);
  }

  private error(err: unknown, sql: string): GtmError {
    if (err instanceof GtmError) return err;
    if (this.signal?.aborted) return cancelledError(sql, err);
    const code = (err as { code?: string }).code;
    const network =
      code !== undefined &&
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH)$/.test(code);
    const timeout = /timeout/i.test(errorText(err));
    return new GtmError('ENGINE', `ClickHouse: ${errorText(err)}`, {
      where: this.where,
      sql,
      cause: err,
      // a statement that timed out may still be running on the server: sending it again would
      // start it over (and load the servers twice), so only a refused or dropped connection retries
      retriable: network,
      hint: timeout
        ? 'the server took longer than gtm waits for one statement: raise engine.timeout_s in gtm.yaml (default 300)'
        : network
          ? `is the ClickHouse server running at that URL? (check ${this.origin})`
          : AUTH_ERROR.test(errorText(err))
            ? 'check the user and password (a password is best given as env:VAR, read from the environment)'
            : undefined,
    });
  }
}

/** ClickHouse's words for a user or password it refuses (18.16: codes 192–194; later: 516). */
const AUTH_ERROR = /Code: (19[2-4]|516)\b|wrong password|unknown user|authentication failed/i;

function convertRows(body: JsonResponse): Row[] {
  const types = new Map((body.meta ?? []).map((m) => [m.name, m.type]));
  return body.data.map((row) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row))
      out[key] = convertValue(value, types.get(key) ?? 'String');
    return out;
  });
}

/** One value of ClickHouse's JSON output format, by its ClickHouse type name. */
export function convertClickHouseValue(value: unknown, type: string): unknown {
  return convertValue(value, type);
}

function convertValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  const inner = unwrap(type);
  const array = /^Array\((.*)\)$/.exec(inner);
  if (array && Array.isArray(value)) return value.map((v) => convertValue(v, array[1]));
  if (/^U?Int(64|128|256)$/.test(inner)) return safeInteger(BigInt(value as string | number));
  if (/^(U?Int(8|16|32)|Float(32|64))$/.test(inner)) return typeof value === 'number' ? value : Number(value);
  if (/^Decimal/.test(inner)) return Number(value);
  if (/^DateTime(64)?(\(|$)/.test(inner) && typeof value === 'string') return isoFromClickHouse(value);
  return value;
}

function unwrap(type: string): string {
  let t = type.trim();
  for (;;) {
    const m = /^(Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) return t;
    t = m[2];
  }
}

function isoFromClickHouse(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(text);
  if (!m) return text;
  const fraction = m[3] ?? '.000';
  return `${m[1]}T${m[2]}${fraction.length < 4 ? fraction.padEnd(4, '0') : fraction}Z`;
}

/**
 * The URL without credentials, for messages and output (scheme, host, port and path: `displayUrl`),
 * or `unparsable` when it is no URL: passwords, and headers given as `?http_header_…=`, never reach a log.
 */
export function redactUrl(url: string, unparsable = 'engine.url'): string {
  return displayUrl(url) ?? unparsable;
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/**
 * Calls `onLine` for each line of a UTF-8 byte stream (the last line may lack its newline) and
 * returns the count. A character split across two network chunks is decoded whole (a streaming
 * decoder keeps the partial bytes), never as replacement characters.
 */
export async function splitLines(
  chunks: AsyncIterable<Uint8Array>,
  onLine: (line: string) => void,
): Promise<number> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let lines = 0;
  const take = (text: string) => {
    let from = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', from)) {
      onLine(text.slice(from, at));
      lines++;
      from = at + 1;
    }
    return text.slice(from);
  };
  for await (const chunk of chunks) rest = take(rest + decoder.decode(chunk, { stream: true }));
  rest = take(rest + decoder.decode());
  if (rest !== '') {
    onLine(rest);
    lines++;
  }
  return lines;
}
