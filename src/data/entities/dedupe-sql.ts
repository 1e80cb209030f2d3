import { quoteIdent as ident } from '../sql-text.ts';

/**
 * Marks duplicates among valid rows with `_dup_rank` (1 = kept) and the kept row's source, file
 * and row (`_kept_source`, `_kept_file`, `_kept_row`: a row number names a row within its file).
 * Explicit rules: rows are the same record when all `keys` are equal and, when `timeKey` is given,
 * their times chain within `toleranceSeconds` of each other. The kept row is the one from the
 * source with the lowest priority, then source name, then file (name order), then row number (as on
 * ClickHouse): within a source of several files, the file that sorts first wins for every record.
 *
 * A row whose identity (person_id, or account_id when there is no person) is missing is never a
 * duplicate of another: without an identity there is no evidence that two touches are one.
 */
/** The SQL expression a dedupe key groups by (a person without an id groups by account, or alone). */
export function dedupeKeyExpr(k: string): string {
  return k === 'person_id'
    ? `COALESCE(person_id, 'account:' || account_id, 'row:' || _source || ':' || CAST(_row AS VARCHAR))`
    : ident(k);
}

/**
 * Rows of `input` that may have a duplicate: their non-time keys hash like another row's. Only they
 * need the exact dedupe (window functions), which keeps that step small on large sources; a hash
 * collision only adds a candidate, which the exact dedupe then keeps.
 */
export function dedupeCandidatesSql(
  input: string,
  keys: string[],
  timeKey?: string,
  hashes?: string,
): string {
  const h = dedupeHashExpr(keys, timeKey);
  return `SELECT * FROM ${input} WHERE ${h} IN (${hashes ? `SELECT h FROM ${hashes}` : duplicateHashesSql(input, keys, timeKey)})`;
}

/** The hash of a row's non-time dedupe keys. */
export function dedupeHashExpr(keys: string[], timeKey?: string): string {
  const plain = keys.filter((k) => k !== timeKey).map(dedupeKeyExpr);
  return plain.length ? `hash(${plain.join(', ')})` : '0';
}

/** Key hashes seen more than once: the only groups that can hold a duplicate (one pass). */
export function duplicateHashesSql(input: string, keys: string[], timeKey?: string): string {
  return `SELECT h FROM (SELECT ${dedupeHashExpr(keys, timeKey)} AS h FROM ${input}) GROUP BY h HAVING count(*) > 1`;
}

export function dedupeSql(
  input: string,
  keys: string[],
  opts: { timeKey?: string; toleranceSeconds?: number },
): string {
  const plain = keys.filter((k) => k !== opts.timeKey).map(dedupeKeyExpr);
  const part = plain.length ? `PARTITION BY ${plain.join(', ')}` : '';
  // within a source, the file first (in name order), then the row: one file's copies win together
  const pref = '_priority, _source, _file, _row';
  if (opts.timeKey && keys.includes(opts.timeKey)) {
    const t = ident(opts.timeKey);
    const tol = Math.max(0, Math.floor(opts.toleranceSeconds ?? 0));
    return `SELECT * EXCLUDE (_new_cluster, _cluster),
        row_number() OVER (${part}${part ? ',' : 'PARTITION BY'} _cluster ORDER BY ${pref}) AS _dup_rank,
        first_value(_source) OVER (${part}${part ? ',' : 'PARTITION BY'} _cluster ORDER BY ${pref}) AS _kept_source,
        first_value(_row) OVER (${part}${part ? ',' : 'PARTITION BY'} _cluster ORDER BY ${pref}) AS _kept_row,
        first_value(_file) OVER (${part}${part ? ',' : 'PARTITION BY'} _cluster ORDER BY ${pref}) AS _kept_file
      FROM (SELECT *, sum(_new_cluster) OVER (${part} ORDER BY ${t}, ${pref} ROWS UNBOUNDED PRECEDING) AS _cluster
        FROM (SELECT *, CASE WHEN epoch(${t}) - lag(epoch(${t})) OVER (${part} ORDER BY ${t}, ${pref}) <= ${tol} THEN 0 ELSE 1 END AS _new_cluster
          FROM ${input}))`;
  }
  return `SELECT *, row_number() OVER (${part} ORDER BY ${pref}) AS _dup_rank,
      first_value(_source) OVER (${part} ORDER BY ${pref}) AS _kept_source,
      first_value(_row) OVER (${part} ORDER BY ${pref}) AS _kept_row,
      first_value(_file) OVER (${part} ORDER BY ${pref}) AS _kept_file
    FROM ${input}`;
}
