import { literal } from '../../../data/sql-text.ts';
import { exactSum, exactSumProduct } from '../../shared/exact-sum.ts';
import { inList } from './dialect-sql.ts';
import { dailyKpiCh, rulePerformanceCh } from './joins-clickhouse.ts';
import { convertedExpr, decisionsIn, engagedExpr, initiativeWhere, type Scope } from './scope-sql.ts';

/**
 * The aggregation queries. The canonical `decisions` (a view over the sources) are read twice:
 * once grouped into the low-cardinality facts (`mp_decision_groups`: counts by initiative, rule,
 * variant, reason, source and day, with the dictionaries of the segment columns), once into the
 * slim `mp_decisions` (the window's decisions, a 1-in-N sample of users' history for the daily KPIs
 * and the experiments' exposures: a 64-bit user key, the time, every text column as a small
 * integer code); the outcomes are read once into `mp_outcomes`. What comes back is one row per
 * segment × variant, per day, or per source.
 */

/** The text columns of the decisions kept in `mp_decisions`, each as a small integer code. */
export const CODED_COLUMNS = [
  'rule_id',
  'variant',
  'profile',
  'channel',
  'cohort',
  'reason',
  'error_code',
  'consent_state',
] as const;
export type CodedColumn = (typeof CODED_COLUMNS)[number];

/** Coded columns the facts group by (their dictionary comes with the facts). */
const FACT_COLUMNS = ['rule_id', 'variant', 'reason', 'error_code'] as const;
/** Coded columns only the window's decisions need (their dictionary: one grouping set each). */
export const SEGMENT_COLUMNS = ['profile', 'channel', 'cohort', 'consent_state'] as const;

/**
 * Where the decisions are read from: the canonical view `decisions` (text columns, the user as
 * text), or the narrow table normalize wrote in its check pass (DuckDB only): the user as its 64-bit
 * hash, text columns as dense integer codes with their dictionaries (code i = `codes[column][i]`).
 */
export interface DecisionsFrom {
  table: string;
  /** The user's 64-bit key (the same as `hashKey('user_id')` of the outcomes and consent records). */
  userKey: string;
  /** Coded columns and their dictionaries; a column not listed is text. */
  codes: Readonly<Partial<Record<string, readonly string[]>>>;
}

/** The canonical view of the decisions. */
export const canonicalDecisions = (s: Scope): DecisionsFrom => ({
  table: s.q.source('decisions'),
  userKey: s.q.hashKey('user_id'),
  codes: {},
});

/** `column IN (values)` on text, or on the values' codes of a coded column (values it never has match nothing). */
export function matchValues(
  s: Scope,
  from: DecisionsFrom,
  column: string,
  values: readonly string[],
): string {
  const dict = from.codes[column];
  if (!dict) return inList(s.q, column, values);
  const at = new Map(dict.map((v, i) => [v, i]));
  const codes = values.map((v) => at.get(v)).filter((i): i is number => i !== undefined);
  return codes.length ? `${column} IN (${codes.join(', ')})` : '1 = 0';
}

/** The text of a coded column's code `expr` (a list lookup; NULL stays NULL), or `expr` when it is text. */
export function decodeValue(from: DecisionsFrom, column: string, expr: string): string {
  const dict = from.codes[column];
  return dict
    ? `(${dict.length ? `[${dict.map((v) => literal(v)).join(', ')}]` : 'CAST([] AS VARCHAR[])'})[${expr} + 1]`
    : expr;
}

/**
 * One pass over every decision, two kinds of groups: the facts (rows with a `day`: decisions by
 * initiative, source, rule, variant, reason, error code and day, with flags for the window, the
 * history, the window's end and the stale-rule `cutoff`; first and last decision; rows with a
 * logged consent state), and the values of the segment columns in any window (rows without a day,
 * one grouping set per column).
 */
export function decisionGroupsSql(
  s: Scope,
  cutoff: string,
  from: DecisionsFrom = canonicalDecisions(s),
): string {
  if (s.q.name === 'duckdb') return decisionGroupsDuckDb(s, cutoff, from);
  const ts = (iso: string) => s.q.ts(iso);
  const inWindow = `decided_at >= ${ts(s.start)} AND decided_at < ${ts(s.end)}`;
  const segments = SEGMENT_COLUMNS.map((c) => s.q.ident(`seg_${c}`));
  const facts = [
    'initiative',
    '_source',
    ...FACT_COLUMNS,
    'day',
    'in_window',
    'in_history',
    'before_end',
    'after_cutoff',
  ];
  const inner = `SELECT initiative, _source, ${FACT_COLUMNS.join(', ')}, ${s.q.day('decided_at')} AS day,
      CASE WHEN ${inWindow} THEN 1 ELSE 0 END AS in_window,
      CASE WHEN decided_at >= ${ts(s.historyStart)} AND decided_at < ${ts(s.end)} THEN 1 ELSE 0 END AS in_history,
      CASE WHEN decided_at < ${ts(s.end)} THEN 1 ELSE 0 END AS before_end,
      CASE WHEN decided_at > ${ts(cutoff)} THEN 1 ELSE 0 END AS after_cutoff,
      ${SEGMENT_COLUMNS.map((c, i) => `CASE WHEN ${inWindow} THEN ${s.q.ident(c)} END AS ${segments[i]}`).join(', ')},
      decided_at, consent_state
    FROM ${from.table}`;
  const grouped = s.q.groupingSets(
    inner,
    [...facts, ...segments],
    `count(*) AS n, min(decided_at) AS first_at, max(decided_at) AS last_at,
     count(consent_state) AS with_consent_state`,
    [facts, ...segments.map((x) => [x])],
  );
  if (!Object.keys(from.codes).length) return s.q.createTable('mp_decision_groups', grouped);
  // coded columns back to text (a few thousand groups)
  const column = (k: string) => (k.startsWith('"seg_') ? k.slice(5, -1) : k);
  return s.q.createTable(
    'mp_decision_groups',
    `SELECT ${[...facts, ...segments].map((k) => `${decodeValue(from, column(k), k)} AS ${k}`).join(', ')},
       n, first_at, last_at, with_consent_state
     FROM (${grouped}) c`,
  );
}

/**
 * `mp_decision_groups` on DuckDB, the same rows as the GROUPING SETS form (but for the segment sets'
 * all-NULL group, which no query reads) from two aggregates: the facts grouped by the six columns,
 * the day and the four time flags packed into one small integer (one key instead of four); and the
 * segment columns' values over the window's decisions alone (GROUPING SETS of the four). Grouping
 * the facts and the segments in one GROUPING SETS probed every decision into five sets, a CASE per
 * segment column deciding the key (at 10M decisions, 2.7–3.8 s CPU against 2.2–2.7 s for this).
 */
function decisionGroupsDuckDb(s: Scope, cutoff: string, from: DecisionsFrom): string {
  const ts = (iso: string) => s.q.ts(iso);
  const inWindow = `decided_at >= ${ts(s.start)} AND decided_at < ${ts(s.end)}`;
  const flags: [string, string][] = [
    ['in_window', inWindow],
    ['in_history', `decided_at >= ${ts(s.historyStart)} AND decided_at < ${ts(s.end)}`],
    ['before_end', `decided_at < ${ts(s.end)}`],
    ['after_cutoff', `decided_at > ${ts(cutoff)}`],
  ];
  const bit = (i: number) => 1 << (flags.length - 1 - i);
  const packed = `CAST(${flags.map(([, when], i) => `CASE WHEN ${when} THEN ${bit(i)} ELSE 0 END`).join(' + ')} AS UTINYINT)`;
  const keys = ['initiative', '_source', ...FACT_COLUMNS];
  const none = (k: string) => `CAST(NULL AS VARCHAR) AS ${k}`;
  const segments = SEGMENT_COLUMNS.map((c) => s.q.ident(`seg_${c}`));
  const facts = `SELECT ${keys.map((k) => `${decodeValue(from, k, k)} AS ${k}`).join(', ')}, day,
      ${flags.map(([name], i) => `CAST((f & ${bit(i)}) <> 0 AS INTEGER) AS ${name}`).join(', ')},
      ${segments.map(none).join(', ')}, n, first_at, last_at, with_consent_state
    FROM (${groupedFacts(keys, s.q.day('decided_at'), packed, from)}) x`;
  const values = `SELECT ${keys.map(none).join(', ')}, NULL AS day, ${flags.map(([name]) => `NULL AS ${name}`).join(', ')},
      ${SEGMENT_COLUMNS.map((c, i) => `${decodeValue(from, c, s.q.ident(c))} AS ${segments[i]}`).join(', ')},
      count(*) AS n, NULL AS first_at, NULL AS last_at, NULL AS with_consent_state
    FROM ${from.table} WHERE ${inWindow}
    GROUP BY GROUPING SETS (${SEGMENT_COLUMNS.map((c) => `(${s.q.ident(c)})`).join(', ')})`;
  return s.q.createTable('mp_decision_groups', `${facts}\nUNION ALL\n${values}`);
}

/**
 * The decisions counted by `keys`, the day (`day`) and the packed time flags (`flags`, as `f`)
 * (DuckDB). Text keys are grouped on one 64-bit hash of all six, each read back with `any_value`
 * (every row of a group holds the same values): hashing and comparing six strings per group probe
 * cost more (at 50M decisions, 6.4-7.5 s CPU against 8.1-8.3 s, the same 2,315 groups). Two
 * distinct combinations of the few hundred a programme has would share a hash with odds near
 * 10^-15. Coded keys (small integers) are grouped as they are.
 */
function groupedFacts(keys: readonly string[], day: string, flags: string, from: DecisionsFrom): string {
  const dayAndFlags = `${day} AS day, ${flags} AS f`;
  const measures = `count(*) AS n, min(decided_at) AS first_at, max(decided_at) AS last_at,
            count(consent_state) AS with_consent_state`;
  if (Object.keys(from.codes).length)
    return `SELECT ${keys.join(', ')}, ${dayAndFlags}, ${measures}
          FROM ${from.table} GROUP BY ${keys.join(', ')}, day, f`;
  return `SELECT ${keys.map((k) => `any_value(${k}) AS ${k}`).join(', ')}, day, f, ${measures}
          FROM (SELECT *, hash(${keys.join(', ')}) AS combo, ${dayAndFlags} FROM ${from.table})
          GROUP BY combo, day, f`;
}

/** The facts rows of `mp_decision_groups`, with the initiative's scope as a flag. */
export const decisionFactsSql = (s: Scope): string =>
  s.q.createTable(
    'mp_decision_facts',
    `SELECT CASE WHEN ${initiativeWhere(s)} THEN 1 ELSE 0 END AS in_scope, _source, ${FACT_COLUMNS.join(', ')},
       day, in_window, in_history, before_end, after_cutoff, n, first_at, last_at
     FROM ${s.q.table('mp_decision_groups')} WHERE day IS NOT NULL`,
  );

/**
 * Rows, first and last decision per initiative and source (and the last before the window's end: a
 * run for a past as-of judges freshness on what was there then), and rows with a logged consent state.
 * The groups' last time before the end is named in a subquery: ClickHouse reads a column of the
 * name of a select alias (`last_at`) as the alias, an aggregate inside the aggregate.
 */
export const initiativeSourcesSql = (s: Scope): string =>
  `SELECT initiative, _source, sum(n) AS decisions, ${s.q.isoTime('min(first_at)')} AS first_at,
     ${s.q.isoTime('max(last_at)')} AS last_at, ${s.q.isoTime('max(end_last_at)')} AS last_at_end,
     sum(with_consent_state) AS with_consent_state
   FROM (SELECT initiative, _source, n, first_at, last_at, with_consent_state,
           CASE WHEN before_end = 1 THEN last_at END AS end_last_at
         FROM ${s.q.table('mp_decision_groups')} WHERE day IS NOT NULL) g
   GROUP BY initiative, _source`;

/** The distinct values of the coded columns (facts columns over every decision, segments in the window). */
export const dictionarySql = (s: Scope): string =>
  [
    ...FACT_COLUMNS.map(
      (c) =>
        `SELECT ${s.q.lit(c)} AS "column", ${s.q.ident(c)} AS value FROM ${s.q.table('mp_decision_groups')} WHERE day IS NOT NULL AND ${s.q.ident(c)} IS NOT NULL GROUP BY ${s.q.ident(c)}`,
    ),
    ...SEGMENT_COLUMNS.map(
      (c) =>
        `SELECT ${s.q.lit(c)} AS "column", ${s.q.ident(`seg_${c}`)} AS value FROM ${s.q.table('mp_decision_groups')} WHERE day IS NULL AND ${s.q.ident(`seg_${c}`)} IS NOT NULL`,
    ),
  ].join('\nUNION ALL\n');

/** What `mp_decisions` keeps: each experiment's exposures (see `experiment-sql.ts`). */
export interface ExposureFilter {
  rule: string;
  variants: readonly string[];
  start: string;
  stop: string;
}

/**
 * The slim decisions: the initiative's in the window (`in_window` = 1), those of the users whose
 * key is in a 1-in-`sampleEvery` sample over the history and the window (`in_sample` = 1, the daily
 * KPIs) and the experiments' exposures, with the user as a 64-bit key and every text column coded through its dictionary
 * (`dict[c]`, null = kept as text); the segment columns only in the window.
 */
export function slimDecisionsSql(
  s: Scope,
  dict: Readonly<Record<CodedColumn, readonly string[] | null>>,
  exposures: readonly ExposureFilter[],
  sampleEvery: number,
  from: DecisionsFrom = canonicalDecisions(s),
): string[] {
  const coded = Object.keys(from.codes).length > 0;
  const between = (a: string, b: string) =>
    `${s.initiatives && coded ? matchValues(s, from, 'initiative', s.initiatives) : initiativeWhere(s)} AND decided_at >= ${s.q.ts(a)} AND decided_at < ${s.q.ts(b)}`;
  const inWindow = coded ? between(s.start, s.end) : decisionsIn(s, s.start, s.end);
  const key = from.userKey;
  const inSample = `${coded ? between(s.historyStart, s.end) : decisionsIn(s, s.historyStart, s.end)} AND ${s.q.sample(key, sampleEvery)}`;
  const exposed = exposures.map(
    (e) =>
      `(${matchValues(s, from, 'rule_id', [e.rule])} AND decided_at >= ${s.q.ts(e.start)} AND decided_at < ${s.q.ts(e.stop)} AND ${matchValues(s, from, 'variant', e.variants)})`,
  );
  // the times every kept row lies within, as a plain range the scan can filter on before the rest
  const span = [s.historyStart, s.start, ...exposures.map((e) => e.start)].reduce(
    (r, lo) => (Date.parse(lo) < Date.parse(r.lo) ? { ...r, lo } : r),
    [s.end, ...exposures.map((e) => e.stop)].reduce(
      (r, hi) => (Date.parse(hi) > Date.parse(r.hi) ? { ...r, hi } : r),
      { lo: s.start, hi: s.end },
    ),
  );
  const code = (c: CodedColumn) => s.q.lowCard(decodeValue(from, c, s.q.ident(c)), dict[c]);
  const windowOnly = (c: CodedColumn) =>
    (SEGMENT_COLUMNS as readonly string[]).includes(c) || c === 'reason' || c === 'error_code';
  return s.q.createLargeTable(
    'mp_decisions',
    `SELECT ${key} AS user_key, decided_at, CASE WHEN ${inWindow} THEN 1 ELSE 0 END AS in_window,
       CASE WHEN ${inSample} THEN 1 ELSE 0 END AS in_sample,
       ${CODED_COLUMNS.map(
         (c) => `${windowOnly(c) ? `CASE WHEN ${inWindow} THEN ${code(c)} END` : code(c)} AS ${s.q.ident(c)}`,
       ).join(', ')}
     FROM ${from.table}
     WHERE decided_at >= ${s.q.ts(span.lo)} AND decided_at < ${s.q.ts(span.hi)}
       AND ((${inWindow}) OR (${inSample})${exposed.map((x) => ` OR ${x}`).join('')})`,
  );
}

/**
 * The slim outcomes: user key, time, engagement and conversion flags, event, value, source. From
 * the canonical view, a table; from normalize's narrow table (`from`, the event coded), a view over
 * it (no second copy; the event is decoded only where a query names it).
 */
export function slimOutcomesSql(s: Scope, from?: DecisionsFrom): string[] {
  if (!from)
    return s.q.createLargeTable(
      'mp_outcomes',
      `SELECT ${s.q.hashKey('user_id')} AS user_key, occurred_at, ${engagedExpr(s)} AS engaged,
         ${convertedExpr(s)} AS converted, event, value, _source
       FROM ${s.q.source('outcomes')}`,
    );
  const flag = (events: readonly string[]) =>
    `CASE WHEN ${matchValues(s, from, 'event', events)} THEN 1 ELSE 0 END`;
  return [
    `CREATE OR REPLACE TEMP VIEW mp_outcomes AS SELECT ${from.userKey} AS user_key, occurred_at,
       ${flag(s.engagement)} AS engaged, ${flag(s.conversion)} AS converted,
       ${decodeValue(from, 'event', 'event')} AS event, value, _source
     FROM ${from.table}`,
  ];
}

/** The facts of the initiative's window. */
const factsInWindow = 'in_scope = 1 AND in_window = 1';

/**
 * Raw evaluation reasons of the window (to classify once, in TypeScript); a decision logged without
 * one is a NULL reason (`s.q.text`: ClickHouse 18.16 cannot CAST a NULL to String).
 */
export const windowReasonsSql = (s: Scope): string =>
  `SELECT ${s.q.text('reason')} AS reason, sum(n) AS n FROM ${s.q.table('mp_decision_facts')} WHERE ${factsInWindow} GROUP BY reason`;

/** Variants served in the window (their spellings in the data). */
export const windowVariantsSql = (s: Scope): string =>
  `SELECT CAST(variant AS VARCHAR) AS variant FROM ${s.q.table('mp_decision_facts')} WHERE ${factsInWindow} GROUP BY variant`;

/** The columns `mp_rule_users` takes from each user and rule's first decision in the window. */
const FIRST_COLUMNS = ['variant', 'profile', 'channel', 'cohort'] as const;

/**
 * The dictionaries of `FIRST_COLUMNS` in `mp_decisions` (`DecisionDict.columns`): with all four
 * and the rule coded (DuckDB), `mp_rule_users`, `mp_rule_perf` and `mp_users` carry them as their
 * codes (USMALLINT, decoded by `performanceSql`); `mp_users` packs the rule's code too (`rule_id`).
 */
export type FirstCodes = Readonly<Record<(typeof FIRST_COLUMNS)[number] | 'rule_id', readonly string[]>>;

/** The dictionaries as `FirstCodes` when the engine is DuckDB and the four columns and the rule are coded. */
export function firstCodesOf(
  s: Scope,
  dict: Readonly<Partial<Record<string, readonly string[] | null>>>,
): FirstCodes | undefined {
  if (s.q.name !== 'duckdb') return undefined;
  const [variant, profile, channel, cohort] = FIRST_COLUMNS.map((c) => dict[c]);
  const rules = dict.rule_id;
  return variant && profile && channel && cohort && rules?.length
    ? { variant, profile, channel, cohort, rule_id: rules }
    : undefined;
}

/** A code of the packed key that stands for NULL (codes are below `MAX_CODES`, 10,000). */
const NO_CODE = 65_535;

/** Bits that hold every value from 0 to `max` (at least one). */
const bitsFor = (max: bigint): number => (max > 0n ? max.toString(2).length : 1);

/** An instant as microseconds since the epoch (what `epoch_us` gives). */
const epochUs = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

/**
 * Fields of a packed UBIGINT key, most significant first: the microseconds since `start` of a time
 * in [start, end) above codes of `bits` bits each, whose largest value stands for NULL (so NULL
 * sorts last). Null when they do not fit in 64 bits (the HUGEINT forms are used then).
 */
function packing(
  s: Scope,
  bits: readonly number[],
): { start: bigint; shifts: number[]; codes: number } | null {
  const start = epochUs(s.start);
  const codes = bits.reduce((a, b) => a + b, 0);
  if (bitsFor(epochUs(s.end) - start - 1n) + codes > 64) return null;
  const shifts = bits.map((_, i) => bits.slice(i + 1).reduce((a, b) => a + b, 0));
  return { start, shifts, codes };
}

/** Bits of a code field of a dictionary of `size` values and NULL. */
const codeBits = (size: number): number => bitsFor(BigInt(size));

/**
 * One row per user and rule with a decision in the window: the first decision's time and variant,
 * whether any decision served a holdout variant (`holdout`) or a variant for a matched reason
 * (`matched`: the raw reasons that map to matched, no error code), and the segments of the first
 * decision (variant and segments from one row: one aggregate, not one per column). `mp_rule_perf`
 * adds the outcomes, and `mp_users` is built from that.
 *
 * With `codes` (DuckDB, the four columns coded) the first decision's time and four codes come from
 * one `min` of an integer: the time above the four codes. As a UBIGINT when it fits — the
 * microseconds since the window's start (every row is in the window) above codes of as many bits
 * as their dictionaries need, the time then read back from the key (50M decisions, alternating
 * at load 9–10: 6.34/6.54/5.65 → 3.81/4.56/5.47 s CPU) — else as a HUGEINT, the time in
 * microseconds above four 16-bit codes, beside a `min` of the time (10M: an `arg_min` of a struct
 * 1.04–1.10 s → 0.55–0.65 s).
 * Decisions of a user and rule at the same instant resolve to the smallest codes (variant first),
 * where `arg_min` took whichever row came first.
 */
export function ruleUsersTableSql(
  s: Scope,
  holdouts: readonly string[],
  matchedReasons: readonly string[],
  codes?: FirstCodes,
): string[] {
  const flags: [string, string][] = [
    [`max(CASE WHEN ${inList(s.q, 'variant', holdouts)} THEN 1 ELSE 0 END)`, 'holdout'],
    [
      `max(CASE WHEN error_code IS NULL AND ${inList(s.q, 'reason', matchedReasons)} THEN 1 ELSE 0 END)`,
      'matched',
    ],
  ];
  const from = `FROM ${s.q.table('mp_decisions')} WHERE in_window = 1 GROUP BY user_key, rule_id`;
  const fit =
    codes &&
    packing(
      s,
      FIRST_COLUMNS.map((c) => codeBits(codes[c].length)),
    );
  if (codes && fit) {
    const none = (c: (typeof FIRST_COLUMNS)[number]) => 2 ** codeBits(codes[c].length) - 1;
    const packed = FIRST_COLUMNS.map(
      (c, i) =>
        `(CAST(${codes[c].length ? `COALESCE(enum_code(${c}), ${none(c)})` : none(c)} AS UBIGINT) << ${fit.shifts[i]})`,
    ).join(' + ');
    return s.q.createLargeTable(
      'mp_rule_users',
      `SELECT user_key, rule_id, make_timestamp(${fit.start} + CAST(k >> ${fit.codes} AS BIGINT)) AS first_at,
         ${FIRST_COLUMNS.map((c, i) => `CAST(NULLIF((k >> ${fit.shifts[i]}) & ${none(c)}, ${none(c)}) AS USMALLINT) AS ${c}`).join(', ')},
         ${flags.map(([, name]) => name).join(', ')}
       FROM (SELECT user_key, rule_id,
               min((CAST(epoch_us(decided_at) - ${fit.start} AS UBIGINT) << ${fit.codes}) + ${packed}) AS k,
               ${flags.map(([e, name]) => `${e} AS ${name}`).join(', ')}
             ${from}) f`,
    );
  }
  if (codes) {
    const shift = (i: number) => 16 * (FIRST_COLUMNS.length - 1 - i);
    const packed = FIRST_COLUMNS.map(
      (c, i) =>
        `(CAST(${codes[c].length ? `COALESCE(enum_code(${c}), ${NO_CODE})` : NO_CODE} AS UBIGINT) << ${shift(i)})`,
    ).join(' + ');
    const high = (t: string) => `CAST(epoch_us(${t}) AS HUGEINT) * ${2n ** 64n}`;
    return s.q.createLargeTable(
      'mp_rule_users',
      `SELECT user_key, rule_id, first_at,
         ${FIRST_COLUMNS.map((c, i) => `CAST(NULLIF((first_codes >> ${shift(i)}) & ${NO_CODE}, ${NO_CODE}) AS USMALLINT) AS ${c}`).join(', ')},
         ${flags.map(([, name]) => name).join(', ')}
       FROM (SELECT user_key, rule_id, min(decided_at) AS first_at,
               CAST(min(${high('decided_at')} + ${packed}) - ${high('min(decided_at)')} AS UBIGINT) AS first_codes,
               ${flags.map(([e, name]) => `${e} AS ${name}`).join(', ')}
             ${from}) f`,
    );
  }
  const first = (c: string) =>
    s.q.argMinField(
      FIRST_COLUMNS.map((x) => [x, x] as const),
      'decided_at',
      c,
    );
  return s.q.createLargeTable(
    'mp_rule_users',
    s.q.selectAs(
      [
        ['user_key', 'user_key'],
        ['rule_id', 'rule_id'],
        ['min(decided_at)', 'first_at'],
        [first('variant'), 'variant'],
        ...flags,
        [first('profile'), 'profile'],
        [first('channel'), 'channel'],
        [first('cohort'), 'cohort'],
      ],
      from,
    ),
  );
}

/**
 * Per (user, key) outcomes between `first_at` and `attributionDays` later, within the window. Every
 * `first_at` is in the window, so the outcomes before its start are left out before the join too
 * (the same rows; the join's one side is then the window's outcomes: at 10M decisions 0.84–1.15 s
 * CPU → 0.39–0.68 s for `mp_rule_perf`).
 */
function outcomesAfter(s: Scope, table: string, keys: string[]): string {
  return `SELECT ${keys.map((k) => `y.${k} AS ${k}`).join(', ')}, max(x.engaged) AS engaged,
      max(x.converted) AS converted, ${exactSum('COALESCE(x.value, 0)', s.q.name)} AS revenue
    FROM ${s.q.table('mp_outcomes')} x JOIN ${s.q.table(table)} y ON x.user_key = y.user_key
    WHERE x.occurred_at >= y.first_at AND x.occurred_at < ${s.q.addDays('y.first_at', Math.round(s.attributionDays))}
      AND x.occurred_at >= ${s.q.ts(s.start)} AND x.occurred_at < ${s.q.ts(s.end)}
    GROUP BY ${keys.map((k) => `y.${k}`).join(', ')}`;
}

/**
 * Each user and rule of `mp_rule_users` with its outcomes from the first decision of the rule to
 * `attributionDays` later (and before the window ends): engaged (0/1), converted (0/1), revenue
 * (sum of values, reporting currency). The outcomes are joined once, here: a user's own window
 * starts at the first decision of any rule, which is the first decision of one of its rules, so
 * `mp_users` takes the user's outcomes from that rule's row.
 */
export function rulePerformanceTableSql(s: Scope): string[] {
  if (s.q.name === 'clickhouse') return s.q.createLargeTable('mp_rule_perf', rulePerformanceCh(s));
  return s.q.createLargeTable(
    'mp_rule_perf',
    `SELECT u.user_key AS user_key, u.rule_id AS rule_id, u.first_at AS first_at, u.variant AS variant,
       u.holdout AS holdout, u.matched AS matched, u.profile AS profile, u.channel AS channel, u.cohort AS cohort,
       COALESCE(o.engaged, 0) AS engaged, COALESCE(o.converted, 0) AS converted, COALESCE(o.revenue, 0) AS revenue
     FROM ${s.q.table('mp_rule_users')} u LEFT JOIN (${outcomesAfter(s, 'mp_rule_users', ['user_key', 'rule_id'])}) o
       ON o.user_key = u.user_key AND o.rule_id = u.rule_id`,
  );
}

/**
 * The arm of users served a holdout variant (any of `personalization.holdout_variants`, whatever it
 * is called) in the arm rows (`all` and each dimension) of `performanceSql`.
 */
export const HOLDOUT_ARM = 'holdout';

/**
 * One row per user with a decision in the window: the first decision's time and segments, the
 * user's arm — `holdout` when any decision served a holdout variant, `personalized` when one served
 * a variant for a matched reason, else `default` (only defaults, fallbacks or errors were served) —
 * and the outcomes after the first decision (those of the rule whose first decision it is: the same
 * attribution window; rules tied on it have the same outcomes).
 */
export function usersTableSql(s: Scope, codes?: FirstCodes): string[] {
  const arm = `CASE WHEN max(holdout) = 1 THEN ${s.q.lit(HOLDOUT_ARM)} WHEN max(matched) = 1 THEN 'personalized' ELSE 'default' END`;
  if (codes) return usersPackedSql(s, arm, codes);
  const first = (c: string) =>
    s.q.argMinField(
      ['profile', 'channel', 'cohort', 'engaged', 'converted', 'revenue'].map((x) => [x, x] as const),
      'first_at',
      c,
    );
  return s.q.createLargeTable(
    'mp_users',
    s.q.selectAs(
      [
        ['user_key', 'user_key'],
        ['min(first_at)', 'first_at'],
        [arm, 'variant'],
        ...['profile', 'channel', 'cohort', 'engaged', 'converted', 'revenue'].map(
          (c) => [first(c), c] as const,
        ),
      ],
      `FROM ${s.q.table('mp_rule_perf')} GROUP BY user_key`,
    ),
  );
}

/**
 * `mp_users` over the coded `mp_rule_perf` (see `ruleUsersTableSql`): the user's first rule row is
 * the smallest key of its first decision's time above the rule's code, the row's profile, channel
 * and cohort codes and its engaged and converted flags, so one integer `min` gives all five, and
 * the revenue is the `arg_min` by that key (one row per user and rule: the key is unique within a
 * user). Rules tied on the first instant resolve to the smallest rule code. The key is a UBIGINT
 * when it fits (the microseconds since the window's start above codes of as many bits as their
 * dictionaries need; the time read back from it; 50M decisions, alternating at load 9–10: 3.69/3.04/2.80
 * → 2.98/2.78/2.96 s CPU) — else
 * a HUGEINT (microseconds above 14-bit codes; 10M decisions, alternating at load 9–10: an `arg_min`
 * of a six-field struct 0.47–0.57 s CPU → 0.36–0.40 s).
 */
function usersPackedSql(s: Scope, arm: string, codes: FirstCodes): string[] {
  const segments = ['profile', 'channel', 'cohort'] as const;
  const bits = [codeBits(codes.rule_id.length), ...segments.map((c) => codeBits(codes[c].length)), 2];
  const fit = packing(s, bits);
  if (!fit) return usersHugeSql(s, arm);
  const none = (i: number) => 2 ** bits[i] - 1;
  const fields = ['enum_code(rule_id)', ...segments].map(
    (c, i) => `(CAST(COALESCE(${c}, ${none(i)}) AS UBIGINT) << ${fit.shifts[i]})`,
  );
  const key = `(CAST(epoch_us(first_at) - ${fit.start} AS UBIGINT) << ${fit.codes}) + ${fields.join(' + ')}
    + CAST(engaged * 2 + converted AS UBIGINT)`;
  const code = (i: number) =>
    `CAST(NULLIF((k >> ${fit.shifts[i + 1]}) & ${none(i + 1)}, ${none(i + 1)}) AS USMALLINT)`;
  return s.q.createLargeTable(
    'mp_users',
    `SELECT user_key, make_timestamp(${fit.start} + CAST(k >> ${fit.codes} AS BIGINT)) AS first_at, variant,
       ${segments.map((c, i) => `${code(i)} AS ${c}`).join(', ')},
       CAST((k >> 1) & 1 AS INTEGER) AS engaged, CAST(k & 1 AS INTEGER) AS converted, revenue
     FROM (SELECT user_key, ${arm} AS variant, min(${key}) AS k, arg_min(revenue, ${key}) AS revenue
           FROM ${s.q.table('mp_rule_perf')} GROUP BY user_key) u`,
  );
}

/** `mp_users` by a HUGEINT key, when the UBIGINT one does not fit (see `usersPackedSql`). */
function usersHugeSql(s: Scope, arm: string): string[] {
  const none = 16_383;
  const field = (c: string, shift: number) => `(CAST(COALESCE(${c}, ${none}) AS UBIGINT) << ${shift})`;
  const key = `CAST(epoch_us(first_at) AS HUGEINT) * ${2n ** 64n} + ${field('enum_code(rule_id)', 50)}
    + ${field('profile', 36)} + ${field('channel', 22)} + ${field('cohort', 8)} + CAST(engaged * 2 + converted AS UBIGINT)`;
  const code = (shift: number) => `CAST(NULLIF((c >> ${shift}) & ${none}, ${none}) AS USMALLINT)`;
  return s.q.createLargeTable(
    'mp_users',
    `SELECT user_key, first_at, variant, ${code(36)} AS profile, ${code(22)} AS channel, ${code(8)} AS cohort,
       CAST((c >> 1) & 1 AS INTEGER) AS engaged, CAST(c & 1 AS INTEGER) AS converted, revenue
     FROM (SELECT user_key, min(first_at) AS first_at, ${arm} AS variant,
             CAST(min(${key}) - CAST(epoch_us(min(first_at)) AS HUGEINT) * ${2n ** 64n} AS UBIGINT) AS c,
             arg_min(revenue, ${key}) AS revenue
           FROM ${s.q.table('mp_rule_perf')} GROUP BY user_key) u`,
  );
}

/**
 * Users, engaged users, converters and per-user revenue sums: the arms (holdout / personalized /
 * default) overall (`all`) and by each dimension, and each rule's variants (`rule`, segment = rule).
 */
export function performanceSql(s: Scope, dimensions: readonly string[], codes?: FirstCodes): string {
  const part = (order: number, table: string, dimension: string, segment: string, variant: string) =>
    `SELECT ${order} AS part, ${s.q.lit(dimension)} AS dimension, ${segment} AS segment, ${variant} AS variant,
       count(*) AS users, sum(engaged) AS "engagedUsers", sum(converted) AS converters, ${exactSum('revenue', s.q.name)} AS "revenueSum",
       ${exactSumProduct('revenue', 'revenue', s.q.name)} AS "revenueSumSquares"
     FROM ${s.q.table(table)} GROUP BY part, dimension, segment, variant`;
  // the first decision's columns as text: codes through their dictionaries (see `ruleUsersTableSql`)
  const text = (c: string) =>
    codes && c in codes
      ? decodeValue({ table: '', userKey: '', codes }, c, s.q.ident(c))
      : s.q.text(s.q.ident(c));
  const segment = (d: string) => `COALESCE(${text(d)}, '(none)')`;
  // in a fixed order (dimension as asked, then segment and variant), so reports do not depend on
  // the engine's hash order
  return s.q.orderedUnion(
    [
      part(0, 'mp_users', 'all', `'all'`, 'variant'),
      ...dimensions.map((d, i) => part(i + 1, 'mp_users', d, segment(d), 'variant')),
      part(dimensions.length + 1, 'mp_rule_perf', 'rule', s.q.text('rule_id'), text('variant')),
    ],
    'part, segment, variant',
  );
}

/**
 * Daily KPIs of the initiative over history and window: users with a decision that day, and how
 * many of them engaged / converted that same day, and their revenue that day (its sum and the sum of
 * the users' squared revenues, for the standard error of the day's revenue per user). With `sampleEvery`
 * > 1, on the users whose key is in a 1-in-N sample (the same users every day and in both tables;
 * `mp_decisions` keeps the sample's decisions, `sampleEvery` must be the same), so a 50M-row
 * history costs a few million rows kept in the slim table instead of a 40M-group aggregate; rates
 * are unbiased, counts are 1/N of the total.
 */
export function dailyKpiSql(s: Scope, sampleEvery = 1): string {
  if (s.q.name === 'clickhouse') return dailyKpiCh(s, sampleEvery);
  const day = (c: string) => s.q.day(c);
  return `SELECT d.day AS day, count(*) AS users, sum(COALESCE(o.engaged, 0)) AS engaged,
      sum(COALESCE(o.converted, 0)) AS converters, ${exactSum('COALESCE(o.revenue, 0)')} AS revenue,
      ${exactSumProduct('COALESCE(o.revenue, 0)')} AS revenue_sum_squares
    FROM (SELECT ${day('decided_at')} AS day, user_key FROM ${s.q.table('mp_decisions')} WHERE in_sample = 1 GROUP BY day, user_key) d
    LEFT JOIN (SELECT ${day('occurred_at')} AS day, user_key, max(engaged) AS engaged,
          max(converted) AS converted, ${exactSum('COALESCE(value, 0)')} AS revenue FROM ${s.q.table('mp_outcomes')}
          WHERE occurred_at >= ${s.q.ts(s.historyStart)} AND occurred_at < ${s.q.ts(s.end)}
            AND ${s.q.sample('user_key', sampleEvery)}
          GROUP BY day, user_key) o
      ON o.user_key = d.user_key AND o.day = d.day
    GROUP BY d.day ORDER BY d.day`;
}

/** Rows per source and day: the initiative's decisions, and all outcomes. */
export function dailyVolumeSql(s: Scope): string {
  const hist = s.q.ts(s.historyStart);
  const end = s.q.ts(s.end);
  return s.q.orderedUnion(
    [
      `SELECT 'decisions' AS entity, ${s.q.text('_source')} AS source, day, sum(n) AS n
      FROM ${s.q.table('mp_decision_facts')} WHERE in_scope = 1 AND in_history = 1 GROUP BY entity, source, day`,
      `SELECT 'outcomes' AS entity, _source AS source, ${s.q.day('occurred_at')} AS day, count(*) AS n
      FROM ${s.q.table('mp_outcomes')} WHERE occurred_at >= ${hist} AND occurred_at < ${end} GROUP BY entity, source, day`,
    ],
    'entity, source, day',
  );
}

/**
 * The latest timestamp of every source of outcomes, consent records (both read once into their slim
 * tables) and rule changes, of all its rows and of those before the window's end (freshness; the
 * decisions' come from their dictionary pass).
 */
export function latestSql(s: Scope): string {
  const part = (entity: string, table: string, column: string) =>
    `SELECT ${s.q.lit(entity)} AS entity, _source AS source, ${s.q.isoTime(`max(${column})`)} AS latest,
       ${s.q.isoTime(`max(CASE WHEN ${column} < ${s.q.ts(s.end)} THEN ${column} END)`)} AS latest_at_end, count(*) AS n
     FROM ${table} GROUP BY entity, source`;
  return [
    part('outcomes', s.q.table('mp_outcomes'), 'occurred_at'),
    part('consent_records', s.q.table('mp_consent'), 'recorded_at'),
    part('rule_changes', s.q.source('rule_changes'), 'changed_at'),
  ].join('\nUNION ALL\n');
}

/**
 * Where each KPI's data stops (engagement, conversion and revenue outcomes before the window's end):
 * the earliest of the latest outcomes of the sources that still fed it inside the window, so a
 * source that stopped (an EU store export two days late) holds the KPI's complete days back to its
 * own instead of leaving them short of its outcomes; a source whose last such outcome is before the
 * window (an archive of an old system) does not; with no source inside the window, the latest of all.
 * With them, the outcome rows in the window, all and of each kind (engagement, conversion, with a
 * value): what the performance rows can see (a kind without any there is unmeasured, not 0).
 */
export function kpiLatestSql(s: Scope): string {
  const last = (when: string) => `max(CASE WHEN ${when} THEN occurred_at END)`;
  const held = (c: string) =>
    s.q.isoTime(`COALESCE(min(CASE WHEN ${c} >= ${s.q.ts(s.start)} THEN ${c} END), max(${c}))`);
  const inWindow = (when: string) =>
    `sum(CASE WHEN occurred_at >= ${s.q.ts(s.start)} AND ${when} THEN 1 ELSE 0 END)`;
  const total = (c: string) => `COALESCE(sum(${c}), 0) AS ${c}`;
  return `SELECT ${held('e_at')} AS engagement, ${held('c_at')} AS conversion, ${held('r_at')} AS revenue,
      ${['window_outcomes', 'window_engagement', 'window_conversion', 'window_revenue'].map(total).join(', ')}
    FROM (SELECT _source, ${last('engaged = 1')} AS e_at, ${last('converted = 1')} AS c_at,
            ${last('value IS NOT NULL')} AS r_at, ${inWindow('1 = 1')} AS window_outcomes,
            ${inWindow('engaged = 1')} AS window_engagement, ${inWindow('converted = 1')} AS window_conversion,
            ${inWindow('value IS NOT NULL')} AS window_revenue
          FROM ${s.q.table('mp_outcomes')} WHERE occurred_at < ${s.q.ts(s.end)} GROUP BY _source) x`;
}

/** Decisions and rules of the initiative in the window (users come from `mp_users`). */
export const decisionTotalsSql = (s: Scope): string =>
  `SELECT COALESCE(sum(n), 0) AS decisions, count(DISTINCT rule_id) AS rules
   FROM ${s.q.table('mp_decision_facts')} WHERE ${factsInWindow}`;

/** Rules that served the initiative at any time (governance looks at their whole history). */
export const initiativeRulesSql = (s: Scope): string =>
  `SELECT ${s.q.text('rule_id')} AS rule, sum(n) AS n FROM ${s.q.table('mp_decision_facts')} WHERE in_scope = 1
   GROUP BY rule ORDER BY rule`;

/** The rules that any initiative's decisions name (a configured rule outside them belongs to no initiative). */
export const servedRulesSql = (s: Scope): string =>
  `SELECT DISTINCT ${s.q.text('rule_id')} AS rule FROM ${s.q.table('mp_decision_facts')} ORDER BY rule`;
