import { isClickHouseEngine, quoteIdent, type ClickHouseEngine, type Engine } from '../../data/index.ts';

/** Numeric columns of a query result, one Float64Array per column (NULL → NaN). */
export type Columns<K extends string> = Record<K, Float64Array> & { rowCount: number };

interface ColumnarEngine {
  queryColumns(sql: string): Promise<{ rowCount: number; columns: Record<string, unknown> }>;
}

const PAGE = 200_000;

/**
 * Fetches numeric columns without one JS object per row at scale: through the engine's columnar
 * reader when it has one, else page by page (`LIMIT`/`OFFSET` over an ordered query) into typed
 * arrays, so only one page of row objects lives at a time. `sql` must order its rows.
 */
export async function fetchColumns<K extends string>(
  engine: Engine,
  sql: string,
  names: readonly K[],
): Promise<Columns<K>> {
  const columnar = engine as Partial<ColumnarEngine>;
  if (typeof columnar.queryColumns === 'function') {
    const res = await columnar.queryColumns(sql);
    const out = { rowCount: res.rowCount } as Columns<K>;
    for (const n of names) {
      const col = res.columns[n];
      if (!(col instanceof Float64Array)) throw new Error(`column ${n} is not numeric`);
      (out as Record<string, unknown>)[n] = col;
    }
    return out;
  }
  const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM (${sql}) t`);
  const rowCount = Number(n);
  const out = { rowCount } as Columns<K>;
  for (const name of names) (out as Record<string, unknown>)[name] = new Float64Array(rowCount);
  for (let offset = 0; offset < rowCount; offset += PAGE) {
    const rows = await engine.query(`SELECT * FROM (${sql}) t LIMIT ${PAGE} OFFSET ${offset}`);
    for (const name of names) {
      const col = out[name];
      rows.forEach((r, i) => (col[offset + i] = r[name] === null ? Number.NaN : Number(r[name])));
    }
  }
  return out;
}

/**
 * Numeric columns of one row per member, `sql` selecting the member number `mi` with them (rows in
 * any order): each value lands at its member's position, so the engine need not sort a million rows.
 */
export async function fetchMemberColumns<K extends string>(
  engine: Engine,
  sql: string,
  names: readonly K[],
  members: number,
  /** Columns the query names otherwise (`name` → its column in `sql`). */
  renamed: Partial<Record<K, string>> = {},
): Promise<Columns<K>> {
  const read = names.map((n) => renamed[n] ?? n);
  if (isClickHouseEngine(engine)) return streamMemberColumns(engine, sql, names, read, members);
  const columnar = typeof (engine as Partial<ColumnarEngine>).queryColumns === 'function';
  const c = await fetchColumns(engine, columnar ? sql : `${sql} ORDER BY mi`, ['mi', ...read]);
  if (c.rowCount !== members) throw new Error(`expected ${members} member rows, got ${c.rowCount}`);
  // the member numbers as array positions once, then each column placed by them (the loops read
  // typed arrays only: no property lookups on the result object per row)
  const at = memberPositions(c.mi, members);
  const out = { rowCount: members } as Columns<K>;
  for (const name of names)
    (out as Record<string, unknown>)[name] = placed(c[renamed[name] ?? name], at, members);
  return out;
}

/** The member numbers as positions, each a distinct integer in [0, members). */
function memberPositions(mi: Float64Array, members: number): Int32Array {
  const at = new Int32Array(mi.length);
  const seen = new Uint8Array(members);
  for (let i = 0; i < mi.length; i++) {
    const k = mi[i];
    if (!(Number.isInteger(k) && k >= 0 && k < members) || seen[k])
      throw new Error(`member number ${k} out of range or repeated (${members} members)`);
    seen[k] = 1;
    at[i] = k;
  }
  return at;
}

/** `src[i]` at position `at[i]` of an array of `n`. */
function placed(src: Float64Array, at: Int32Array, n: number): Float64Array {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) col[at[i]] = src[i];
  return col;
}

/**
 * `fetchMemberColumns` on ClickHouse: the rows streamed as TabSeparated lines of numbers (one
 * query, no pages, no sort; `\\N` is NULL → NaN), each value put at its member's position.
 */
async function streamMemberColumns<K extends string>(
  engine: ClickHouseEngine,
  sql: string,
  names: readonly K[],
  read: readonly string[],
  members: number,
): Promise<Columns<K>> {
  const arrays = names.map(() => new Float64Array(members));
  const seen = new Uint8Array(members);
  let rows = 0;
  const cols = ['mi', ...read].map((c) => quoteIdent(c, 'clickhouse')).join(', ');
  await engine.queryLines(`SELECT ${cols} FROM (${sql})`, (line) => {
    const f = line.split('\t');
    const mi = Number(f[0]);
    if (!(Number.isInteger(mi) && mi >= 0 && mi < members) || seen[mi])
      throw new Error(`member number ${f[0]} out of range or repeated (${members} members)`);
    seen[mi] = 1;
    for (let k = 0; k < names.length; k++) {
      const v = f[k + 1];
      arrays[k][mi] = v === '\\N' ? Number.NaN : Number(v);
    }
    rows++;
  });
  if (rows !== members) throw new Error(`expected ${members} member rows, got ${rows}`);
  const out = { rowCount: members } as Columns<K>;
  names.forEach((n, k) => ((out as Record<string, unknown>)[n] = arrays[k]));
  return out;
}
