/**
 * Salesforce ids in both forms across sources (normalize/salesforce-id.ts). Exports of one org mix
 * them: an opportunity report has 15-character Account IDs, the campaign-member export (Data
 * Loader, a warehouse sync) 18-character ones. Joined as written, the same account is two, and
 * the deals of a report lose their touches.
 *
 * Before normalization, the columns that hold one kind of CRM id (`ID_KEYS`: account ids of
 * touchpoints, opportunities and people; person ids of touchpoints and people; opportunity ids of
 * opportunities and stage history; optimize-referrals' customer, advocate and friend ids, and its
 * referral ids: `REFERRAL_ID_KEYS`) are looked at together, and a column is read with its
 * 15-character ids in their 18-character form (`SourceBinding.salesforceIds`) when:
 * - its source says `id_format: salesforce`; or
 * - (`auto`, the default) every value of the column is 15 characters of `[0-9A-Za-z]` or an
 *   18-character id whose last 3 characters are the checksum of the first 15 (as the API writes
 *   it), and the column shares records with a group of such columns (same 15 characters, in
 *   either form) in which some record is written both ways — the evidence that they are one
 *   system's ids in two forms.
 * Ids of other systems are never rewritten: a column with a value of another shape (a HubSpot id
 * of 11 digits, `cus_…`) is not read this way, nor a column of 15-character values (hex ids, a
 * 15-digit number) that shares no record with an 18-character id. `id_format: as_is` keeps a
 * source's ids as written.
 */
import type { Engine } from '../engine.ts';
import { quoteIdent as ident } from '../sql-text.ts';
import { textCh } from '../normalize/parse-clickhouse.ts';
import { isSalesforceId15Sql, isSalesforceId18Sql } from '../normalize/salesforce-id.ts';
import type { BoundSource } from './normalize-entities.ts';
import type { SourceBinding } from './entity-spec.ts';
import { text } from './source-columns.ts';

/** How a source's CRM ids are read (`id_format:` in gtm.yaml; absent: `auto`). */
export type IdFormat = 'auto' | 'salesforce' | 'as_is';

/** The values `id_format` takes in gtm.yaml. */
export const ID_FORMATS: readonly IdFormat[] = ['auto', 'salesforce', 'as_is'];

/** One kind of CRM id and the entity columns that hold it (joined to one another by the commands). */
export interface IdKey {
  /** The id's name in the run's words (`account`). */
  name: string;
  columns: readonly (readonly [entity: string, column: string])[];
}

/**
 * The CRM ids optimize-referrals joins across sources (its entities' `key` columns, lower-cased
 * after this reading). Customer and advocate ids are one kind: an advocate without a customer id
 * is its own account (`COALESCE(customer_id, advocate_id)`, matched with a friend's id for
 * self-referrals), a partner's NPS answers name it by advocate id, and a friend's id is the
 * customer id of their orders; columns that share no record stay apart all the same.
 */
export const REFERRAL_ID_KEYS: readonly IdKey[] = [
  {
    name: 'customer/advocate',
    columns: [
      ['advocates', 'advocate_id'],
      ['advocates', 'customer_id'],
      ['shares', 'advocate_id'],
      ['referrals', 'advocate_id'],
      ['referrals', 'friend_id'],
      ['conversions', 'customer_id'],
      ['payouts', 'advocate_id'],
      ['nps_responses', 'respondent_id'],
    ],
  },
  {
    name: 'referral',
    columns: [
      ['referrals', 'referral_id'],
      ['conversions', 'referral_id'],
      ['payouts', 'referral_id'],
    ],
  },
];

/** The CRM ids the commands join across sources: track-source's, then optimize-referrals'. */
export const ID_KEYS: readonly IdKey[] = [
  {
    name: 'account',
    columns: [
      ['touchpoints', 'account_id'],
      ['opportunities', 'account_id'],
      ['people', 'account_id'],
    ],
  },
  {
    name: 'person',
    columns: [
      ['touchpoints', 'person_id'],
      ['people', 'person_id'],
    ],
  },
  {
    name: 'opportunity',
    columns: [
      ['opportunities', 'opportunity_id'],
      ['stage_history', 'opportunity_id'],
    ],
  },
  ...REFERRAL_ID_KEYS,
];

/** A column of a source read with its 15-character ids in their 18-character form. */
export interface ReadColumn {
  source: string;
  column: string;
  /** Its distinct 15-character ids and 18-character ones. */
  ids15: number;
  ids18: number;
}

/** What the run did with one kind of id (only kinds whose ids some column reads in 18 characters). */
export interface SalesforceIdsRead {
  key: string;
  /** Distinct records whose id is written in 15 characters somewhere and in 18 elsewhere. */
  reconciled: number;
  /** The columns read in the 18-character form, in the order of the sources. */
  columns: ReadColumn[];
}

/** A column of the key in one source, with what was counted of its values. */
interface Col {
  part: number;
  column: string;
  explicit: boolean;
  ids15: number;
  ids18: number;
}

/**
 * The sources with `salesforceIds` set on the columns to read in the 18-character form, and what
 * was found per kind of id. A run with no column of 15/18-character ids costs one scan per id
 * column that stops at its first value of another shape.
 */
export async function reconcileSalesforceIds(
  engine: Engine,
  sources: readonly BoundSource[],
  keys: readonly IdKey[] = ID_KEYS,
): Promise<{ sources: BoundSource[]; read: SalesforceIdsRead[] }> {
  const ch = engine.dialect === 'clickhouse';
  const value = (b: SourceBinding, column: string) =>
    ch ? textCh(`toString(${ident(b.columns[column] as string, 'clickhouse')})`) : text(b, column);
  const table = (b: SourceBinding) => ident(b.rawTable, ch ? 'clickhouse' : 'duckdb');
  const is15 = (v: string) => isSalesforceId15Sql(v, ch ? 'clickhouse' : 'duckdb');
  const is18 = (v: string) => isSalesforceId18Sql(v, ch ? 'clickhouse' : 'duckdb');
  const count = (cond: string) => (ch ? `countIf(${cond})` : `count(*) FILTER (WHERE ${cond})`);
  const out = sources.map((s) => ({ ...s, binding: { ...s.binding } }));
  const read: SalesforceIdsRead[] = [];
  for (const key of keys) {
    const cols: Col[] = [];
    for (const [part, s] of sources.entries()) {
      const b = s.binding;
      const format = b.idFormat ?? 'auto';
      for (const [entity, column] of key.columns) {
        if (b.entity !== entity || !b.columns[column] || format === 'as_is') continue;
        const v = value(b, column);
        if (format === 'auto') {
          // a value of another shape: no Salesforce id column (stops at the first such value)
          const [{ n }] = await engine.query<{ n: number | bigint }>(
            `SELECT count(*) AS n FROM (SELECT 1 FROM ${table(b)} WHERE ${v} IS NOT NULL AND NOT (${is15(v)} OR ${is18(v)}) LIMIT 1)`,
          );
          if (Number(n) > 0) continue;
        }
        // distinct ids of each form (the warning's counts; a column with none takes no part)
        const d = '_gtm_v';
        const [c] = await engine.query<{ n15: number | bigint; n18: number | bigint }>(
          `SELECT ${count(is15(d))} AS n15, ${count(is18(d))} AS n18 FROM (SELECT DISTINCT ${v} AS ${d} FROM ${table(b)}) AS d`,
        );
        if (!Number(c.n15) && !Number(c.n18)) continue;
        cols.push({
          part,
          column,
          explicit: format === 'salesforce',
          ids15: Number(c.n15),
          ids18: Number(c.n18),
        });
      }
    }
    const converted = await convertedColumns(engine, cols, sources, { value, table, is15, is18, ch });
    if (!converted.cols.length) continue;
    for (const c of converted.cols) {
      const b = out[c.part].binding;
      b.salesforceIds = [...(b.salesforceIds ?? []), c.column];
    }
    read.push({
      key: key.name,
      reconciled: converted.reconciled,
      columns: converted.cols.map((c) => ({
        source: sources[c.part].binding.source,
        column: c.column,
        ids15: c.ids15,
        ids18: c.ids18,
      })),
    });
  }
  return { sources: out, read };
}

/**
 * The columns of a key to read in the 18-character form, and the records written both ways. Columns
 * are grouped by the records they share (the 15 characters of an id, in either form): a group in
 * which some record is written both ways, or that holds a column of a source saying `id_format:
 * salesforce`, is read in the 18-character form.
 */
async function convertedColumns(
  engine: Engine,
  cols: readonly Col[],
  sources: readonly BoundSource[],
  sql: {
    value: (b: SourceBinding, column: string) => string;
    table: (b: SourceBinding) => string;
    is15: (v: string) => string;
    is18: (v: string) => string;
    ch: boolean;
  },
): Promise<{ cols: Col[]; reconciled: number }> {
  const has15 = cols.some((c) => c.ids15 > 0);
  const has18 = cols.some((c) => c.ids18 > 0);
  const explicit = cols.filter((c) => c.explicit && c.ids15 > 0);
  // nothing written both ways, and nothing asked for: no column is read otherwise
  if (!(has15 && has18) && !explicit.length) return { cols: [], reconciled: 0 };
  const parent = cols.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const mixed = new Set<number>();
  const reconciledByRoot = new Map<number, number>();
  // which columns share records, and which records are written both ways (one query over the
  // key's ids; the columns are at most a few, a group of them is a bit mask)
  if ((has15 && has18) || cols.length > 1) {
    const { ch } = sql;
    const vals = cols
      .map((c, i) => {
        const b = sources[c.part].binding;
        const v = sql.value(b, c.column);
        const k = ch
          ? `if(${sql.is18(v)}, substring(ifNull(${v}, ''), 1, 15), ifNull(${v}, ''))`
          : `CASE WHEN ${sql.is18(v)} THEN substr(${v}, 1, 15) ELSE ${v} END`;
        const f = ch ? `if(${sql.is18(v)}, 18, 15)` : `CASE WHEN ${sql.is18(v)} THEN 18 ELSE 15 END`;
        return `SELECT ${i} AS c, ${k} AS k, ${f} AS f FROM ${sql.table(b)} WHERE ${sql.is15(v)} OR ${sql.is18(v)}`;
      })
      .join(' UNION ALL ');
    const grouped = ch
      ? `SELECT mask, sum(both_) AS both, count() AS records FROM (SELECT k, groupBitOr(bitShiftLeft(toUInt64(1), toUInt64(c))) AS mask, if(min(f) = 15 AND max(f) = 18, 1, 0) AS both_ FROM (${vals}) GROUP BY k) GROUP BY mask`
      : `SELECT mask, sum(both_) AS both, count(*) AS records FROM (SELECT k, bit_or(CAST(1 AS UBIGINT) << CAST(c AS UBIGINT)) AS mask, CASE WHEN min(f) = 15 AND max(f) = 18 THEN 1 ELSE 0 END AS both_ FROM (${vals}) GROUP BY k) GROUP BY mask`;
    const rows = await engine.query<{ mask: number | bigint; both: number | bigint }>(grouped);
    const members = (mask: bigint) => cols.map((_, i) => i).filter((i) => (mask >> BigInt(i)) & 1n);
    for (const r of rows) {
      const m = members(BigInt(r.mask));
      for (const i of m.slice(1)) parent[find(i)] = find(m[0]);
    }
    for (const r of rows) {
      if (!Number(r.both)) continue;
      const root = find(members(BigInt(r.mask))[0]);
      mixed.add(root);
      reconciledByRoot.set(root, (reconciledByRoot.get(root) ?? 0) + Number(r.both));
    }
  }
  for (const c of explicit) mixed.add(find(cols.indexOf(c)));
  const chosen = cols.filter((_, i) => mixed.has(find(i)));
  let reconciled = 0;
  for (const [root, n] of reconciledByRoot) if (mixed.has(root)) reconciled += n;
  return { cols: chosen, reconciled };
}

/**
 * The run's warning line for a kind of id written both ways (none when no record is): how many
 * records, in which sources each form, and which sources' 15-character ids are read in 18.
 */
export function salesforceIdsLine(r: SalesforceIdsRead): string | undefined {
  if (!r.reconciled) return undefined;
  const names = (cs: readonly ReadColumn[]) => [...new Set(cs.map((c) => c.source))].join(', ');
  const short = r.columns.filter((c) => c.ids15 > 0);
  const long = r.columns.filter((c) => c.ids18 > 0);
  const read = short.map((c) => `${c.source}.${c.column} (${c.ids15})`).join(', ');
  const n = r.reconciled;
  return `Salesforce ids: ${n} ${r.key} id${n === 1 ? ' is' : 's are'} written in 15 characters in ${names(short)} and in 18 in ${names(long)}, and joined as one record${n === 1 ? '' : ' each'}; the 15-character ids of ${read} are read in their 18-character form (id_format: as_is on a source keeps its ids as written)`;
}
