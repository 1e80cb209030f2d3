/**
 * Continuation lines: exports that write one record over several rows (a Shopify orders export's
 * line items, Stripe or Chargebee invoice lines, WooCommerce orders, a HubSpot or Salesforce
 * report with grouped cells) repeat the record's id on every row and leave the record's own fields
 * blank after its first row. Each such row failed a required column (`amount: missing`) and was
 * rejected, so a clean export exited 5 at the default `max_reject_rate` of 0.
 *
 * The rule (always on, both engines): a rejected row whose whole dedupe key (the record's id: an
 * order_id, a conversion_id…) is present, and that is in the same file as a valid row of the same
 * key (the head: the lowest such row), is a continuation line of that row when every OTHER column
 * the source maps is blank on it or equal to the head's value. It is counted as deduplicated (the
 * head's record is the record), listed in duplicates.csv with its head row, and left out of
 * rejects.csv. It can hide no defect: every value it has is the head's, and the head is read. A
 * repeated id with a different non-blank value (a second amount) is no continuation: it stays
 * rejected for its blank required column, as before. Dedupes that chain times within a tolerance
 * (touchpoints) have no id to repeat: their rejects are never continuations.
 *
 * Cost (the engines find the pairs; this module judges them): on DuckDB no extra pass — the
 * rejected rows' key hashes join the dedupe's search for repeated hashes (a few rows more in its
 * sort), their heads become candidates of the exact dedupe, and only the rows of those pairs are
 * read again from the source to compare their cells. On ClickHouse the rejected rows (already read
 * for rejects.csv) are kept in a small table; when one has its whole key, the valid rows of those
 * keys are found in one more read of the valid rows, then the pairs' rows are read back by
 * `source_file` and `source_row` as `compareDuplicates` does.
 */
import path from 'node:path';
import { TRIM_CHARACTERS } from '../normalize/trim-sql.ts';
import type { EntitySpec, SourceBinding } from './entity-spec.ts';
import { typedEntityDef } from './typed-entity.ts';

/** At most this many continuation lines are listed per run (the counts are exact). */
export const CONTINUATIONS_LISTED = 10_000;

/** A row counted as a continuation line of the head row of its record (same source and file). */
export interface ContinuationLine {
  entity: string;
  source: string;
  file: string;
  row: number;
  /** The head row: the valid row of the same key in the same file that carries the record's fields. */
  kept_row: number;
  /** The record's key value(s), as text. */
  key: string;
  /** What duplicates.csv says of it. */
  note: string;
  /** The reason it would have been rejected for. */
  rejected_for: string;
}

/** A rejected row with its whole key present, and the head row found for it. */
export interface ContinuationPair {
  source: string;
  /** The file as the engine names it (absolute), and the row numbers within it. */
  file: string;
  row: number;
  head: number;
  key: string;
  reason: string;
}

/**
 * The dedupe keys a continuation line repeats, or undefined when the entity's rejected rows are
 * never continuations: no key, or a dedupe that chains times within a tolerance.
 */
export function continuationKeys(spec: EntitySpec, keys: readonly string[]): string[] | undefined {
  const t = spec.dedupe.timeKey;
  if (!keys.length || (t && keys.includes(t))) return undefined;
  return [...keys];
}

/** A column compared between a continuation line and its head: its value column and source column. */
export interface ContinuationColumn {
  column: string;
  /** The canonical column compared (an amount's value as the source wrote it, `<name>_local`), or none: blank only. */
  value?: string;
  /** The source's column. */
  raw: string;
}

/**
 * The columns of a source compared: every canonical column it maps other than the keys. An
 * amount is compared as the source wrote it (`<name>_local`), not converted: a continuation line
 * has no date for the rate. A column normalization only reads (a landing URL) must be blank.
 */
export function continuationColumns(
  spec: EntitySpec,
  b: SourceBinding,
  keys: readonly string[],
  valueColumns: readonly string[],
): ContinuationColumn[] {
  const def = typedEntityDef(spec);
  const has = new Set(valueColumns);
  return spec.columns
    .filter((c) => b.columns[c] !== undefined && !keys.includes(c))
    .map((column) => {
      const local = def?.columns[column]?.kind === 'amount' ? `${column}_local` : column;
      const value = has.has(local) ? local : has.has(column) ? column : undefined;
      return { column, value, raw: b.columns[column] as string };
    });
}

const TRIMMED = new Set(TRIM_CHARACTERS);

/** Blank as the kit reads text: NULL, or nothing but the characters it trims (`trimmedSql`). */
export function blank(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v !== 'string') return false;
  for (const ch of v) if (!TRIMMED.has(ch.codePointAt(0) as number)) return false;
  return true;
}

/** A value as compared (both rows come from the same engine and the same SELECT). */
function same(a: unknown, b: unknown): boolean {
  const t = (v: unknown) =>
    v === null || v === undefined
      ? null
      : v instanceof Date
        ? v.toISOString()
        : typeof v === 'object'
          ? JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x))
          : String(v);
  return t(a) === t(b);
}

/** The noun of a record in the words of a line: `order_id` → order, two keys → record. */
export function recordNoun(keys: readonly string[]): string {
  return keys.length === 1 ? keys[0].replace(/_(id|key)$/, '').replace(/_/g, ' ') : 'record';
}

/** The note duplicates.csv gives a continuation line. */
export function continuationNote(keys: readonly string[], key: string, head: number): string {
  const noun = recordNoun(keys);
  return `continuation line of ${noun} ${key} (row ${head}): its ${noun} fields are on that row`;
}

/**
 * The pairs whose rejected row is a continuation line of its head: every compared column blank on
 * the row or equal to the head's. `rows(file, row)` gives a row's canonical values and its source
 * cells (by source column name), as read again from the source.
 */
export function judgeContinuations(
  entity: string,
  keys: readonly string[],
  columns: readonly ContinuationColumn[],
  pairs: readonly ContinuationPair[],
  rows: (
    file: string,
    row: number,
  ) => { values: Record<string, unknown>; cells: Record<string, unknown> } | undefined,
  baseDir: string,
): ContinuationLine[] {
  const out: ContinuationLine[] = [];
  for (const p of pairs) {
    const r = rows(p.file, p.row);
    const h = rows(p.file, p.head);
    if (!r || !h) continue;
    const fits = columns.every(
      (c) => blank(r.cells[c.raw]) || (c.value !== undefined && same(r.values[c.value], h.values[c.value])),
    );
    if (!fits) continue;
    out.push({
      entity,
      source: p.source,
      file: rel(baseDir, p.file),
      row: p.row,
      kept_row: p.head,
      key: p.key,
      note: continuationNote(keys, p.key, p.head),
      rejected_for: p.reason,
    });
  }
  return out;
}

/**
 * Accounts for the continuation lines of one entity in `out` (after its rows were accounted):
 * each is deduplicated instead of rejected on its source's accounting line, left out of the
 * rejects, counted on the duplicates line of its source against itself (`continuation`), and
 * listed (at most `CONTINUATIONS_LISTED` in the run).
 */
export function applyContinuations(
  out: {
    accounting: { source: string; deduplicated: number; rejected: number }[];
    rejects: { source: string; file: string; row: number }[];
    duplicates: {
      source: string;
      kept_source: string;
      rows: number;
      differing: number;
      differing_columns: Record<string, number>;
      continuation?: number;
    }[];
    continuations?: ContinuationLine[];
  },
  lines: readonly ContinuationLine[],
): void {
  if (!lines.length) return;
  const at = (s: string, f: string, r: number) => `${s}\u0000${f}\u0000${r}`;
  const gone = new Set(lines.map((l) => at(l.source, l.file, l.row)));
  const kept = out.rejects.filter((r) => !gone.has(at(r.source, r.file, r.row)));
  out.rejects.splice(0, out.rejects.length, ...kept);
  const bySource = new Map<string, number>();
  for (const l of lines) bySource.set(l.source, (bySource.get(l.source) ?? 0) + 1);
  for (const [source, n] of bySource) {
    const a = out.accounting.find((x) => x.source === source);
    if (a) {
      a.rejected -= n;
      a.deduplicated += n;
    }
    const d = out.duplicates.find((x) => x.source === source && x.kept_source === source);
    if (d) {
      d.rows += n;
      d.continuation = (d.continuation ?? 0) + n;
    } else
      out.duplicates.push({
        source,
        kept_source: source,
        rows: n,
        differing: 0,
        differing_columns: {},
        continuation: n,
      });
  }
  const listed = out.continuations ?? [];
  out.continuations = [...listed, ...lines].slice(0, CONTINUATIONS_LISTED);
}

const rel = (base: string, file: string) =>
  file && path.isAbsolute(file) ? path.relative(base, file) : file;
