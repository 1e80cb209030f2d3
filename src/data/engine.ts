/**
 * The one interface through which commands reach a SQL engine (Mosaic's "Connector"): DuckDB
 * in-process by default, ClickHouse for scale-out. Values are always bound or escaped through
 * `sql-text.ts`; identifiers are always quoted there.
 */
export type Dialect = 'duckdb' | 'clickhouse';

export type Row = Record<string, unknown>;

export interface Engine {
  readonly dialect: Dialect;
  /** Runs a statement that returns no rows we need (DDL, INSERT, CREATE TABLE AS). */
  exec(sql: string): Promise<void>;
  /**
   * Runs a query and returns plain JS rows. BIGINT/HUGEINT come back as `number` when safe and as
   * `bigint` otherwise; DATE/TIMESTAMP as ISO strings; DECIMAL as number.
   */
  query<T extends Row = Row>(sql: string): Promise<T[]>;
  /** Column names and engine types of a table or view. */
  describe(relation: string): Promise<{ name: string; type: string }[]>;
  close(): Promise<void>;
}
