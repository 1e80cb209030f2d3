/**
 * The embedded default engine: DuckDB in-process, in memory or on a file. Only the built-in
 * extensions (parquet, json, icu) are used; nothing is installed or downloaded at run time.
 */
import {
  DuckDBInstance,
  type DuckDBListVector,
  DuckDBTypeId,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBResult,
  type DuckDBType,
} from '@duckdb/node-api';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GtmError } from '../errors/index.ts';
import { cancellationSignal, cancelledError } from './cancellation.ts';
import { plainValueConverter } from './duckdb-value.ts';
import type { Row } from './engine.ts';
import {
  duckDbMessage,
  type AppendValue,
  type ColumnarResult,
  type DuckDbEngine,
  type DuckDbOptions,
} from './duckdb-api.ts';
import { profiled, tracked } from './sql-profile.ts';
import { quoteIdent } from './sql-text.ts';

export type {
  AppendValue,
  ColumnarResult,
  DuckDbEngine,
  DuckDbOptions,
  IntListColumn,
} from './duckdb-api.ts';
export { duckDbMessage, isDuckDbEngine } from './duckdb-api.ts';

/**
 * Where this engine spills: a folder of its own (`gtm-duckdb-<pid>-<random>`) inside the given
 * folder, or inside the system's temporary folder for an in-memory database. DuckDB's default for an
 * in-memory database is `./.tmp` under the current folder (outside the run's output folders), and
 * two engines spilling into one folder overwrite each other's `duckdb_temp_storage_*.tmp` files (the
 * second run fails with "IO Error: Could not read enough bytes"). DuckDB creates the folder when it
 * first spills and removes it when the engine closes. A database file without a given folder keeps
 * DuckDB's default (`<file>.tmp`, which the file's lock keeps to one process).
 */
export function spillDirectory(path: string, given: string | undefined): string | undefined {
  if (given === undefined && path !== ':memory:') return undefined;
  const parent = given ?? tmpdir();
  try {
    mkdirSync(parent, { recursive: true });
  } catch {
    // DuckDB reports the folder it cannot use, if it ever spills
  }
  return join(parent, `gtm-duckdb-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Opens a DuckDB engine (through `openDuckDb`, which loads this module on first use); session time zone UTC. */
export async function openDuckDbEngine(opts: DuckDbOptions = {}): Promise<DuckDbEngine> {
  const path = opts.path ?? ':memory:';
  const config: Record<string, string> = {};
  if (opts.threads !== undefined) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) {
      throw new GtmError('CONFIG', `threads must be a positive integer, got ${opts.threads}`, {
        where: 'engine.threads',
      });
    }
    config.threads = String(opts.threads);
  }
  if (opts.memoryLimit !== undefined) config.memory_limit = opts.memoryLimit;
  const spill = spillDirectory(path, opts.tempDirectory);
  if (spill !== undefined) config.temp_directory = spill;
  let connection: DuckDBConnection;
  let instance: DuckDBInstance;
  try {
    instance = await tracked(`open DuckDB ${path}`, () => DuckDBInstance.create(path, config));
    connection = await tracked(`connect to DuckDB ${path}`, () => instance.connect());
  } catch (err) {
    const message = duckDbMessage(err);
    const badSetting = /memory|thread/i.test(message) && !/lock|open file/i.test(message);
    throw new GtmError('ENGINE', `cannot open DuckDB at ${path}: ${message}`, {
      where: path === ':memory:' ? undefined : path,
      hint: badSetting
        ? "check engine.threads (a positive integer) and engine.memory_limit (like '2GB') in gtm.yaml"
        : 'check that the directory exists and that no other process holds the database file',
      cause: err,
      retriable: isLockError(err),
    });
  }
  const engine = new DuckDbEngineImpl(instance, connection, cancellationSignal());
  await engine.exec("SET TimeZone = 'UTC'");
  return engine;
}

class DuckDbEngineImpl implements DuckDbEngine {
  readonly dialect = 'duckdb' as const;
  /** Statements waiting for the connection, in the order asked. */
  private readonly waiting: (() => void)[] = [];
  private busy = false;
  /** Resolves once no statement runs or waits (what `close` waits for). */
  private idle: (() => void)[] = [];
  private closed = false;
  /** Interrupts the running statement when the run is cancelled (cancellation.ts). */
  private readonly onCancel?: () => void;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** The cancellation of the scope the engine was opened in: statements stop when it aborts. */
    private readonly signal?: AbortSignal,
  ) {
    if (signal && !signal.aborted) {
      this.onCancel = () => {
        if (this.busy && !this.closed) connection.interrupt();
      };
      signal.addEventListener('abort', this.onCancel, { once: true });
    }
  }

  exec(sql: string): Promise<void> {
    return this.serial(sql, async () => {
      await this.connection.run(sql);
    });
  }

  query<T extends Row = Row>(sql: string): Promise<T[]> {
    // the rows are read out of the materialized result after the connection is free again
    return this.serialThen(
      sql,
      () => this.connection.runAndReadAll(sql),
      (reader) => reader.convertRowObjects(plainValueConverter) as T[],
    );
  }

  queryColumns(sql: string, opts: { stream?: boolean } = {}): Promise<ColumnarResult> {
    // materialized by default: DuckDB writes the result with every thread, then the chunks are
    // read from memory (a streamed result is produced chunk by chunk as it is fetched, by one
    // thread: 1M rows × 10 numeric columns of a join took 0.33–0.48 s streamed against 0.19–0.24 s
    // materialized, alternating); streamed when the caller would rather not hold the result twice
    return this.serial(sql, async () =>
      readColumns(await (opts.stream ? this.connection.stream(sql) : this.connection.run(sql)), sql),
    );
  }

  async describe(relation: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.query<{ column_name: string; column_type: string }>(
      `SELECT column_name, column_type FROM (DESCRIBE ${quoteIdent(relation)})`,
    );
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  }

  append(table: string, rows: readonly (readonly AppendValue[])[]): Promise<void> {
    return this.serial(`-- append ${rows.length} rows to ${table}`, async () => {
      const appender = await this.connection.createAppender(table);
      try {
        for (const row of rows) {
          for (const value of row) {
            if (value === null) appender.appendNull();
            else if (typeof value === 'string') appender.appendVarchar(value);
            else if (typeof value === 'number') appender.appendDouble(value);
            else if (typeof value === 'boolean') appender.appendBoolean(value);
            else appender.appendHugeInt(value);
          }
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.onCancel) this.signal?.removeEventListener('abort', this.onCancel);
    if (this.busy || this.waiting.length) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /**
   * One statement at a time on the connection, in the order asked; failures become ENGINE errors
   * carrying the SQL. Stages that run side by side share the connection.
   */
  private serial<T>(sql: string, work: () => Promise<T>): Promise<T> {
    return this.serialThen(sql, work, (raw) => raw);
  }

  /**
   * `serial`, then `after` on the statement's result once the connection has gone on to the next
   * statement waiting: reading a large result into JavaScript rows (hundreds of milliseconds for
   * tens of thousands of wide rows) overlaps that statement instead of holding the connection. The
   * next statement is started before the caller resumes, so a caller that computes for a while
   * before its next await does not hold back another stage's statement either.
   */
  private serialThen<R, T>(sql: string, work: () => Promise<R>, after: (raw: R) => T): Promise<T> {
    if (this.closed) return Promise.reject(new GtmError('INTERNAL', 'the DuckDB engine is closed', { sql }));
    if (this.signal?.aborted) return Promise.reject(cancelledError(sql));
    return new Promise<T>((resolve, reject) => {
      const release = () => {
        this.busy = false;
        this.next();
      };
      this.waiting.push(() => {
        // a statement that waited while the run was cancelled does not start
        if (this.signal?.aborted) {
          release();
          reject(cancelledError(sql));
          return;
        }
        profiled(sql, work).then(
          (raw) => {
            release();
            try {
              resolve(after(raw));
            } catch (err) {
              reject(engineError(err, sql));
            }
          },
          (err: unknown) => {
            release();
            // interrupted by the cancellation: said as such, not as DuckDB's "INTERRUPT Error"
            reject(this.signal?.aborted ? cancelledError(sql, err) : engineError(err, sql));
          },
        );
      });
      this.next();
    });
  }

  /** Starts the next statement waiting, if the connection is free; wakes `close` when none is left. */
  private next(): void {
    if (this.busy) return;
    const start = this.waiting.shift();
    if (!start) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    this.busy = true;
    start();
  }
}

const NUMERIC_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
]);
/** List items read as plain numbers (no bigint), so they fit an Int32Array exactly. */
const INT32_ITEMS = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
]);

/**
 * Reads a streamed result into typed arrays (see `queryColumns`): each chunk is fetched once and
 * read column by column into small per-chunk arrays, joined at the end into arrays of the exact
 * size, so the large arrays are written once and never regrown.
 */
async function readColumns(result: DuckDBResult, sql: string): Promise<ColumnarResult> {
  const names = result.columnNames();
  const types: DuckDBType[] = result.columnTypes();
  const kinds = names.map((name, c) => {
    const type = types[c];
    if (type.typeId === DuckDBTypeId.LIST && INT32_ITEMS.has(type.valueType.typeId)) return 'list';
    if (NUMERIC_TYPES.has(type.typeId)) return 'number';
    throw new GtmError(
      'INTERNAL',
      `queryColumns reads numeric and integer-list columns; "${name}" is ${type.toString()}`,
      { sql, hint: 'cast the column in the query (e.g. to DOUBLE or SMALLINT[])' },
    );
  });
  // Per column, per chunk: numbers, or list lengths and items.
  const parts: (Float64Array | { lengths: Int32Array; items: Int32Array })[][] = names.map(() => []);
  let rowCount = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    rowCount += chunk.rowCount;
    kinds.forEach((kind, c) =>
      parts[c].push(kind === 'list' ? listPart(chunk, c, names[c], sql) : numberPart(chunk, c)),
    );
  }
  const columns: ColumnarResult['columns'] = {};
  names.forEach((name, c) => {
    if (kinds[c] === 'number') {
      const out = new Float64Array(rowCount);
      let at = 0;
      for (const part of parts[c] as Float64Array[]) {
        out.set(part, at);
        at += part.length;
      }
      columns[name] = out;
      return;
    }
    const lists = parts[c] as { lengths: Int32Array; items: Int32Array }[];
    let total = 0;
    for (const part of lists) total += part.items.length;
    const offsets = new Int32Array(rowCount + 1);
    const values = new Int32Array(total);
    let row = 0;
    let at = 0;
    for (const part of lists) {
      values.set(part.items, at);
      for (const len of part.lengths) offsets[++row] = at += len;
    }
    columns[name] = { offsets, values };
  });
  return { rowCount, columns };
}

/** A typed array of plain numbers (not BigInt), as the API keeps the items of a numeric vector. */
type NumberItems =
  Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/**
 * The items of a vector as the typed array the DuckDB API keeps them in, when items `from` to `to`
 * are all valid (no NULL) and are plain numbers; null otherwise, and the caller reads them one by
 * one with `getItem`. Reading the array directly avoids a call per value (and the API's validity
 * check, a BigInt operation per value once a vector has a validity mask): 10M list codes read in a
 * fraction of the time. The fields read are the API's own (`items`, `validity.data/offset`); if a
 * later version keeps them otherwise, this returns null and nothing changes but the speed.
 */
export function denseItems(vector: unknown, from: number, to: number): NumberItems | null {
  const v = vector as { items?: unknown; validity?: { data?: unknown; offset?: unknown } };
  const items = v.items;
  if (
    !ArrayBuffer.isView(items) ||
    items instanceof BigInt64Array ||
    items instanceof BigUint64Array ||
    items instanceof DataView ||
    (items as NumberItems).length < to
  )
    return null;
  const mask = v.validity?.data;
  if (mask === null || mask === undefined) return items as NumberItems;
  if (!(mask instanceof BigUint64Array) || typeof v.validity?.offset !== 'number') return null;
  const offset = v.validity.offset;
  for (let bit = offset + from, end = offset + to; bit < end;) {
    const word = bit >>> 6;
    const lo = bit & 63;
    const hi = Math.min(64, end - (word << 6));
    if (lo === 0 && hi === 64) {
      if (mask[word] !== 0xffffffffffffffffn) return null;
    } else {
      const span = BigInt(hi - lo);
      const want = ((1n << span) - 1n) << BigInt(lo);
      if ((mask[word] & want) !== want) return null;
    }
    bit = (word << 6) + hi;
  }
  return items as NumberItems;
}

/** Which of a vector's first `n` rows are NULL (1), or null when none is. */
function nullRows(vector: { getItem(i: number): unknown }, n: number): Uint8Array | null {
  const mask = (vector as { validity?: { data?: unknown; offset?: unknown } }).validity;
  if (mask && (mask.data === null || mask.data === undefined)) return null;
  const flags = new Uint8Array(n);
  let any = false;
  if (mask && mask.data instanceof BigUint64Array && typeof mask.offset === 'number') {
    for (let i = 0; i < n; i++) {
      const bit = mask.offset + i;
      if ((mask.data[bit >>> 6] & (1n << BigInt(bit & 63))) === 0n) flags[i] = 1;
    }
  } else for (let i = 0; i < n; i++) if (vector.getItem(i) === null) flags[i] = 1;
  for (let i = 0; i < n && !any; i++) any = flags[i] === 1;
  return any ? flags : null;
}

function numberPart(chunk: DuckDBDataChunk, c: number): Float64Array {
  const vector = chunk.getColumnVector(c);
  const out = new Float64Array(chunk.rowCount);
  const dense = denseItems(vector, 0, out.length);
  if (dense) {
    out.set(dense.subarray(0, out.length));
    return out;
  }
  for (let i = 0; i < out.length; i++) {
    const v = vector.getItem(i);
    out[i] = v === null ? NaN : Number(v);
  }
  return out;
}

function listPart(
  chunk: DuckDBDataChunk,
  c: number,
  name: string,
  sql: string,
): { lengths: Int32Array; items: Int32Array } {
  const lists = chunk.getColumnVector(c) as DuckDBListVector;
  const child = lists.childVector;
  const lengths = new Int32Array(chunk.rowCount);
  // a NULL list is read as an empty one (its entry's offset and length are not defined)
  const nulls = nullRows(lists, lengths.length);
  let total = 0;
  for (let i = 0; i < lengths.length; i++) total += lengths[i] = nulls?.[i] ? 0 : lists.getEntryLength(i);
  const items = new Int32Array(total);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    if (lengths[i] === 0) continue;
    const from = lists.getEntryOffset(i);
    const end = from + lengths[i];
    const dense = end > from ? denseItems(child, from, end) : null;
    if (dense) {
      items.set(dense.subarray(from, end), at);
      at += end - from;
      continue;
    }
    for (let j = from; j < end; j++) {
      const v = child.getItem(j);
      if (v === null)
        throw new GtmError('INTERNAL', `a NULL inside list column "${name}"`, {
          sql,
          hint: 'filter NULLs out of the list in the query',
        });
      items[at++] = v as number;
    }
  }
  return { lengths, items };
}

function engineError(err: unknown, sql: string): GtmError {
  if (err instanceof GtmError) return err;
  const message = duckDbMessage(err);
  return new GtmError('ENGINE', `DuckDB: ${message}`, {
    sql,
    cause: err,
    hint: hintFor(message),
    retriable: isLockError(err),
  });
}

function hintFor(message: string): string | undefined {
  if (message.startsWith('Catalog Error'))
    return 'a table, view, column or function name is wrong; check spelling and case';
  if (message.startsWith('Conversion Error'))
    return 'a value does not fit the target type; check the column mapping or clean the source';
  if (message.startsWith('Out of Memory Error'))
    return 'raise engine.memory_limit in gtm.yaml or use a database file instead of :memory:';
  if (message.startsWith('Parser Error')) return 'the SQL text is invalid; run with --verbose to see it';
  return undefined;
}

function isLockError(err: unknown): boolean {
  return err instanceof Error && /could not set lock/i.test(err.message);
}
