/**
 * Where every input row of a source went: accepted, deduplicated, or rejected with a reason
 * (ARCHITECTURE.md, "Data flow of one run"). `rows_in = accepted + deduplicated + rejected`.
 * The one type shared by the data layer (which counts), the orchestrator (which records and checks)
 * and the reports (which show it).
 */
export interface RowAccounting {
  source: string;
  /** The canonical entity the source feeds (touchpoints, members, …), when it feeds one. */
  entity?: string;
  rows_in: number;
  accepted: number;
  deduplicated: number;
  rejected: number;
  /** Where the rejected rows were written, when any were. */
  rejects_file?: string;
}

/** One input row that was rejected, and why: what a rejects file lists. */
export interface RejectedRow {
  source: string;
  /** The file (relative to the workspace) or `table`/`query` the row came from. */
  file: string;
  /** 1-based physical line (CSV, NDJSON) or row number. */
  row: number;
  reason: string;
  /** The offending text, as found (trimmed). */
  raw?: string;
}
