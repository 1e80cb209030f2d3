/**
 * The embedded default engine: DuckDB in-process, in memory or on a file. Only the built-in
 * extensions (parquet, json, icu) are used; nothing is installed or downloaded at run time.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { GtmError } from '../errors/index.ts';
import { plainValueConverter } from './duckdb-value.ts';
import type { Engine, Row } from './engine.ts';
import { quoteIdent } from './sql-text.ts';

export interface DuckDbOptions {
  /** Database file; omitted or `':memory:'` for an in-memory database. */
  path?: string;
  /** Worker threads (DuckDB's `threads` setting); DuckDB's default is the number of cores. */
  threads?: number;
  /** DuckDB's `memory_limit`, e.g. `'2GB'`. */
  memoryLimit?: string;
}

/** A value the DuckDB appender takes; strings are cast by DuckDB to the column type. */
export type AppendValue = string | number | boolean | bigint | null;

/** The DuckDB engine, with the bulk-append capability that source readers use. */
export interface DuckDbEngine extends Engine {
  readonly dialect: 'duckdb';
  /**
   * Appends rows (values in table column order) through DuckDB's Appender: far faster than
   * INSERT statements, and no value ever becomes SQL text.
   */
  append(table: string, rows: readonly (readonly AppendValue[])[]): Promise<void>;
}

/** Whether an engine is the DuckDB engine (and so can `append`). */
export function isDuckDbEngine(engine: Engine): engine is DuckDbEngine {
  return engine.dialect === 'duckdb' && typeof (engine as Partial<DuckDbEngine>).append === 'function';
}

/**
 * Opens a DuckDB engine. The session time zone is UTC so that timestamp arithmetic does not
 * depend on the machine running it.
 *
 * @example
 * const engine = await openDuckDb({ threads: 4, memoryLimit: '2GB' });
 * try {
 *   const rows = await engine.query<{ n: number }>('SELECT 42 AS n'); // [{ n: 42 }]
 * } finally {
 *   await engine.close();
 * }
 */
export async function openDuckDb(opts: DuckDbOptions = {}): Promise<DuckDbEngine> {
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
  let connection: DuckDBConnection;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, config);
    connection = await instance.connect();
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
  const engine = new DuckDbEngineImpl(instance, connection);
  await engine.exec("SET TimeZone = 'UTC'");
  return engine;
}

class DuckDbEngineImpl implements DuckDbEngine {
  readonly dialect = 'duckdb' as const;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  exec(sql: string): Promise<void> {
    return this.serial(sql, async () => {
      await this.connection.run(sql);
    });
  }

  query<T extends Row = Row>(sql: string): Promise<T[]> {
    return this.serial(sql, async () => {
      const reader = await this.connection.runAndReadAll(sql);
      return reader.convertRowObjects(plainValueConverter) as T[];
    });
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
    await this.tail.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** One statement at a time on the connection; failures become ENGINE errors carrying the SQL. */
  private serial<T>(sql: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new GtmError('INTERNAL', 'the DuckDB engine is closed', { sql }));
    const run = this.tail.then(work, work).catch((err: unknown) => {
      throw engineError(err, sql);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
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

/** DuckDB's message up to its `LINE n:` caret display, on one line. */
export function duckDbMessage(err: unknown): string {
  if (err instanceof GtmError && err.cause !== undefined) return duckDbMessage(err.cause);
  const text = err instanceof Error ? err.message : String(err);
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (/^LINE \d+:/.test(line)) break;
    if (line.trim() !== '') lines.push(line.trim());
  }
  return lines.join(' ');
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
