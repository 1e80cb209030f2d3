/**
 * What a source is (as configured under `sources:` in gtm.yaml) and what loading it produced.
 */

/** A file format the readers understand. */
export type FileFormat = 'csv' | 'parquet' | 'ndjson' | 'json';

/** A file or glob of files. */
export interface FileSourceSpec {
  name: string;
  kind: 'file';
  /** A file or a glob (`*`, `?`, `[...]`, `**`); relative paths resolve against `baseDir`. */
  path: string;
  /** Inferred from the extension when omitted (.csv .tsv .parquet .pq .ndjson .jsonl .json). */
  format?: FileFormat;
  /** CSV only: one character; default `,` (tab for `.tsv`). */
  delimiter?: string;
  /** CSV only: whether the first line names the columns; default true. */
  header?: boolean;
  /** Directory relative paths resolve against; default the working directory. */
  baseDir?: string;
}

/** A PostgreSQL table or query. */
export interface PostgresSourceSpec {
  name: string;
  kind: 'postgres';
  /** `postgres://user:pass@host:5432/db`, or `env:VAR` to read it from the environment. */
  url: string;
  /** Table to read whole; exactly one of `table` and `query`. */
  table?: string;
  /** A read-only query, run in a read-only transaction. */
  query?: string;
  /** Schema of `table`; default `public`. */
  schema?: string;
  /** Where `env:VAR` urls are looked up; default `process.env` (the CLI passes its own). */
  env?: Record<string, string | undefined>;
}

export type SourceSpec = FileSourceSpec | PostgresSourceSpec;

/** One input row that was not loaded, and why. */
export interface SourceReject {
  /** 1-based: the physical line in the file (CSV, NDJSON) or the data row number. */
  row: number;
  file?: string;
  reason: string;
  /** The offending text, as found (trimmed to a few kilobytes). */
  raw?: string;
}

/** The result of loading one source into an engine table. */
export interface SourceLoad {
  source: string;
  table: string;
  /** Rows loaded into `table`. Rows read = `rows + rejects.length`. */
  rows: number;
  /**
   * The source's own columns and their engine types. The table also has `source_file` (VARCHAR)
   * and `source_row` (BIGINT, the 1-based line or row number in that file) for citing rows.
   */
  columns: { name: string; type: string }[];
  /** Absolute paths of the files read, sorted; empty for PostgreSQL. */
  files: string[];
  /**
   * sha256, hex. One file: the sha256 of its bytes (what `sha256sum` prints). Several files: the
   * sha256 of their `sha256sum`-style manifest, names relative to the glob's directory. PostgreSQL:
   * an order-independent digest of the rows and column types. Parquet and JSON files: a promise,
   * the bytes hashed while the run goes on (DuckDB reads those files itself, so the hash is a second
   * read that nothing else waits for; `StageContext.fingerprint` takes either). A file that cannot
   * be read for it rejects the promise.
   */
  fingerprint: string | Promise<string>;
  rejects: SourceReject[];
}

/** Columns every loaded table carries besides the source's own. */
export const PROVENANCE_COLUMNS = ['source_file', 'source_row'] as const;
