import type { TierThreshold } from '../../analyses/loyalty/index.ts';
import { quoteIdent, type Engine } from '../../data/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { KitRun } from '../kit/index.ts';
import type { MonitorLoyaltyContext } from './inputs.ts';
import { trimCh } from '../../data/normalize/parse-clickhouse.ts';
import { makeTables, relationOf } from './run-tables.ts';
import {
  amountDigitsOf,
  memberSummaryCh,
  memberSummarySql,
  type MemberSummaryParams,
} from './sql/member-summary-sql.ts';
import {
  memberExpiryCh,
  pointsLotsCh,
  pointsLotsSql,
  pointTotalsSql,
  valuationOf,
} from './sql/points-lots-sql.ts';
import { finishNarrowOrders, orderStatusOf, type OrderStatus } from './sql/order-status-sql.ts';
import type { NarrowResult } from '../../data/entities/index.ts';
import { editDistance } from '../../analyses/text/index.ts';
import { inputError } from '../../errors/index.ts';
import { plural } from '../../report/index.ts';

/** Tier rules as the command applies them (from the tier_rules source, or the members' tiers alone). */
export interface TierSetup {
  /** Display names, lowest tier first. */
  names: string[];
  /** Thresholds per tier (empty when no tier rules were given: no upgrade/downgrade segments). */
  thresholds: TierThreshold[];
  measure: 'spend' | 'points';
  period: 'calendar' | 'anniversary';
  months: number;
  downgradePolicy: 'end_of_period' | 'never';
  /** Member tiers not in the rules (appended after them). */
  unknown: string[];
}

/**
 * A tier members hold that no tier rule describes: the command ranks it above the rules (tier mix,
 * migration matrix) and leaves its members out of the upgrade and downgrade segments.
 */
export interface UnknownTier {
  /** The tier as the members source spells it (trimmed). */
  tier: string;
  /** Members enrolled before the end of the window who hold it. */
  members: number;
  /**
   * Their points at the end of the window as the liability counts them (and the KPI tables): what
   * they can still redeem (FIFO lots, none past expiry) plus pending points.
   */
  outstanding_points: number;
  /** A tier of the rules it probably means (same letters but for case, spaces, - and _, or one or two typos), else null. */
  suggestion: string | null;
  /** What to do next, naming the sources to fix. */
  hint: string;
}

/** What the data pull hands to the diagnostics. */
export interface MembersOutput {
  tiers: TierSetup;
  members: number;
  purchasers: number;
  /** Distinct values of each dimension (codes are positions in these lists). */
  values: { region: string[]; channel: string[]; cohort: string[] };
  cheapestRewardPoints: number | null;
  rewards: number;
  /** Rows the summaries could not use, by reason (ledger rows of unknown members, …). */
  orphans: { ledger_rows: number; member_orders_without_member: number };
  /**
   * The orders read (every date) by what they are to the command: counted (net of partial
   * refunds, those refunded summed), or not counted (cancelled or voided, refunded whole, not paid
   * yet); `warning` says so of `partially_refunded` orders with no refunded amount (null when none).
   */
  orders: OrderStatus & { warning: string | null };
  /** Member tiers no tier rule describes, with their members and points (empty when every tier is known). */
  unknown_tiers: UnknownTier[];
  /**
   * Ids that differ only by letter case (ids are matched exactly): members' ids (`M1` and `m1`,
   * two members), and orders whose customer id is a member's but for case (not the member's).
   */
  id_case: IdCase;
}

/** Case-only id differences: how many, and up to ten examples each. */
export interface IdCase {
  member_groups: number;
  members: string[];
  orders: number;
  order_customers: string[];
  /** Ledger rows of no member's id that is a member's but for case (counted in `orphans.ledger_rows`). */
  ledger_rows: number;
  ledger_members: string[];
  /** The warnings said for them (empty when there are none). */
  warnings: string[];
}

const CASE_EXAMPLES = 10;

/**
 * The ids of `column` in `table` that another id of it equals but for letter case: how many such
 * groups, and up to ten of them spelled out (`M1 / m1`).
 */
async function caseGroups(
  engine: Engine,
  table: string,
  column: string,
): Promise<{ groups: number; examples: string[] }> {
  const ch = engine.dialect === 'clickhouse';
  const lc = ch ? 'lowerUTF8' : 'lower';
  const c = quoteIdent(column, engine.dialect);
  // more than one spelling of a lower-cased id: min <> max (two plain aggregates; a distinct count
  // or a string_agg per id cost ~3 s over 1M members)
  const collide = `FROM ${table} WHERE ${ch ? `isNotNull(${c})` : `${c} IS NOT NULL`} GROUP BY ${lc}(${c}) HAVING min(${c}) ${ch ? '!=' : '<>'} max(${c})`;
  const [count] = await engine.query<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT ${lc}(${c}) AS k ${collide}) t`,
  );
  const groups = Number(count?.n ?? 0);
  // the examples: only when some id collides, and spelled out for those ids alone
  const examples = groups
    ? await engine.query<{ ids: string }>(
        `SELECT ${
          ch
            ? `arrayStringConcat(arraySort(groupUniqArray(${c})), ' / ')`
            : `string_agg(DISTINCT ${c}, ' / ' ORDER BY ${c})`
        } AS ids FROM ${table}
         WHERE ${lc}(${c}) IN (SELECT ${lc}(${c}) AS k ${collide})
         GROUP BY ${lc}(${c}) ORDER BY ids LIMIT ${CASE_EXAMPLES}`,
      )
    : [];
  return { groups, examples: examples.map((g) => String(g.ids)) };
}

/**
 * Rows of `table` whose id `column` is no member's but a member's id for letter case: how many
 * rows, how many distinct ids, and up to ten of those ids.
 */
async function memberButForCase(
  engine: Engine,
  table: string,
  column: string,
  where: string,
): Promise<{ rows: number; distinct: number; ids: string[] }> {
  const ch = engine.dialect === 'clickhouse';
  const lc = ch ? 'lowerUTF8' : 'lower';
  const c = quoteIdent(column, engine.dialect);
  const rel = relationOf(engine);
  const member = `(SELECT member_id FROM ${rel('lm_member_base')} WHERE ${ch ? 'isNotNull(member_id)' : 'member_id IS NOT NULL'})`;
  const [found] = await engine.query<{ n: number; d: number; ids: string | null }>(
    `SELECT count(*) AS n, ${ch ? `uniqExact(${c})` : `count(DISTINCT ${c})`} AS d, ${
      ch
        ? `arrayStringConcat(arraySlice(arraySort(groupUniqArray(${c})), 1, ${CASE_EXAMPLES}), ', ')`
        : `array_to_string(list_slice(list(DISTINCT ${c} ORDER BY ${c}), 1, ${CASE_EXAMPLES}), ', ')`
    } AS ids
     FROM ${table}
     WHERE ${where} AND ${lc}(${c}) IN (SELECT ${lc}(member_id) FROM ${member})`,
  );
  return {
    rows: Number(found?.n ?? 0),
    distinct: Number(found?.d ?? 0),
    ids: found?.ids ? String(found.ids).split(', ') : [],
  };
}

/** Every member id as written (members enrolled after the end included: they have no `mi`). */
function exactMemberIds(engine: Engine): string {
  const ch = engine.dialect === 'clickhouse';
  return `SELECT member_id FROM ${relationOf(engine)('lm_member_base')} WHERE ${ch ? 'isNotNull(member_id)' : 'member_id IS NOT NULL'}`;
}

const more = (shown: number, total: number, sep: string) => (total > shown ? `${sep}…` : '');

/**
 * Member ids that differ only by case, and non-member orders whose customer id is a member's but
 * for case; the same of experiment assignments' unit ids (said in the warnings).
 */
async function idCase(engine: Engine): Promise<IdCase> {
  const ch = engine.dialect === 'clickhouse';
  const rel = relationOf(engine);
  const members = await caseGroups(engine, rel('lm_member_base'), 'member_id');
  // non-member orders (mi NULL) whose customer id is no member id as written: an order of a member
  // who enrolled after the end has no mi either, but its id is that member's exactly
  const orders = await memberButForCase(
    engine,
    rel('lm_orders'),
    'customer_id',
    `${ch ? 'isNull(mi)' : 'mi IS NULL'} AND customer_id NOT IN (${exactMemberIds(engine)})`,
  );
  // ledger rows of no member (`orphan_id`, their id) whose id is a member's but for case
  const ledger = await memberButForCase(
    engine,
    rel('lm_ledger'),
    'orphan_id',
    ch ? 'isNotNull(orphan_id)' : 'orphan_id IS NOT NULL',
  );
  const out: IdCase = {
    member_groups: members.groups,
    members: members.examples,
    orders: orders.rows,
    order_customers: orders.ids,
    ledger_rows: ledger.rows,
    ledger_members: ledger.ids,
    warnings: [],
  };
  if (out.member_groups)
    out.warnings.push(
      `${out.member_groups} member id${out.member_groups === 1 ? '' : 's'} differ${out.member_groups === 1 ? 's' : ''} from another only by letter case (${out.members.join('; ')}${out.member_groups > out.members.length ? '; …' : ''}): ids are matched exactly, so each is a member of its own; if they are one member, write the id the same way in sources.members`,
    );
  if (out.orders)
    out.warnings.push(
      `${out.orders} order${out.orders === 1 ? '' : 's'} of customer ids that are member ids but for letter case (${out.order_customers.join(', ')}${more(out.order_customers.length, orders.distinct, ', ')}) count as non-member orders: ids are matched exactly; write the member id as sources.members has it`,
    );
  if (out.ledger_rows)
    out.warnings.push(
      `${plural(out.ledger_rows, 'ledger row')} of ids that are member ids but for letter case (${out.ledger_members.join(', ')}${more(out.ledger_members.length, ledger.distinct, ', ')}) belong to no member: counted with the ledger rows of unknown members and left out of the members' points; ids are matched exactly: write the member id as sources.members has it in the ledger`,
    );
  out.warnings.push(...(await unitIdCase(engine)));
  return out;
}

/**
 * `idCase`, its warnings noted on the stage; then the ledger's orphan ids, read for that alone, are
 * dropped (DuckDB: their memory goes to the next stages).
 */
async function idCaseNoted(ctx: StageContext, engine: Engine): Promise<IdCase> {
  const id_case = await idCase(engine);
  if (engine.dialect !== 'clickhouse') await engine.exec('ALTER TABLE lm_ledger DROP COLUMN orphan_id');
  for (const w of id_case.warnings) ctx.note(w);
  return id_case;
}

/**
 * Experiment units (the shared assignments entity, ids kept as written and matched exactly): unit
 * ids that differ from another only by case, and units whose id is a member's but for case (they
 * are not that member). Nothing to say, and no query of the members, without assignments.
 */
async function unitIdCase(engine: Engine): Promise<string[]> {
  const table = relationOf(engine)('assignments');
  const [any] = await engine.query<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM ${table} LIMIT 1) t`,
  );
  if (!Number(any?.n ?? 0)) return [];
  const out: string[] = [];
  const units = await caseGroups(engine, table, 'unit_id');
  if (units.groups)
    out.push(
      `${plural(units.groups, 'experiment unit id')} ${units.groups === 1 ? 'differs' : 'differ'} from another only by letter case (${units.examples.join('; ')}${more(units.examples.length, units.groups, '; ')}): ids are matched exactly, so each is a unit of its own; if they are one member, write the id the same way in sources.assignments`,
    );
  const near = await memberButForCase(engine, table, 'unit_id', `unit_id NOT IN (${exactMemberIds(engine)})`);
  if (near.rows)
    out.push(
      `${plural(near.rows, 'experiment assignment')} of unit ids that are member ids but for letter case (${near.ids.join(', ')}${more(near.ids.length, near.rows, ', ')}) are not those members' (their orders are looked up by customer id): ids are matched exactly; write the member id as sources.members has it in sources.assignments`,
    );
  return out;
}

type Run = KitRun<MonitorLoyaltyContext>;

type RuleRow = {
  tier: string;
  rank: number;
  qualify: number;
  retain: number | null;
  measure: string | null;
  qualification_months: number | null;
  qualification_period: string | null;
  downgrade_policy: string | null;
};

/**
 * Refuses tier rules where two tiers share a rank: the rank orders the tiers (the tier mix, the
 * migration matrix, upgrades and downgrades), so a tie would be broken silently. `where` names the
 * tier_rules source(s).
 */
export function checkTierRanks(
  rules: readonly Pick<RuleRow, 'tier' | 'rank' | 'qualify'>[],
  where: string,
): void {
  const byRank = new Map<number, string[]>();
  for (const r of rules) {
    const tiers = byRank.get(Number(r.rank)) ?? [];
    const name = r.tier.trim();
    if (!tiers.some((t) => t.toLowerCase() === name.toLowerCase())) tiers.push(name);
    byRank.set(Number(r.rank), tiers);
  }
  const shared = [...byRank].filter(([, tiers]) => tiers.length > 1).sort(([a], [b]) => a - b);
  if (!shared.length) return checkQualifyOrder(rules, where);
  const names = (t: string[]) => `${t.slice(0, -1).join(', ')} and ${t[t.length - 1]}`;
  const list = shared.map(([rank, tiers]) => `${names(tiers)} share rank ${rank}`).join('; ');
  throw inputError(
    `tier rules: ${list}`,
    where,
    'give each tier a rank of its own (0 = the lowest tier, higher ranks for higher tiers)',
  );
}

/**
 * Refuses tier rules whose qualify thresholds fall as the rank rises (a higher tier qualifying below
 * the one under it): the upgrade and downgrade segments need them ordered, and failed late on them.
 */
function checkQualifyOrder(
  rules: readonly Pick<RuleRow, 'tier' | 'rank' | 'qualify'>[],
  where: string,
): void {
  const sorted = [...rules].sort((a, b) => Number(a.rank) - Number(b.rank));
  const i = sorted.findIndex((r, k) => k > 0 && Number(r.qualify) < Number(sorted[k - 1].qualify));
  if (i < 0) return;
  const [lo, hi] = [sorted[i - 1], sorted[i]];
  throw inputError(
    `tier rules: ${hi.tier.trim()} (rank ${hi.rank}) qualifies at ${hi.qualify}, below ${lo.tier.trim()} (rank ${lo.rank}) at ${lo.qualify}`,
    where,
    'a higher rank needs a qualify threshold at least that of the ranks below it: fix the rank or the threshold',
  );
}

/** Tier setup from the tier_rules rows and the tiers members hold. */
export function tierSetupOf(rules: RuleRow[], memberTiers: string[]): TierSetup {
  const sorted = [...rules].sort((a, b) => Number(a.rank) - Number(b.rank) || a.qualify - b.qualify);
  const known = new Set(sorted.map((r) => r.tier.trim().toLowerCase()));
  // one entry per tier as the summaries match it (trimmed, lower case): "Platnum" and "platnum" are
  // one tier (the first spelling in sort order names it); an empty tier counts as the lowest
  const seen = new Set<string>();
  const unknown = memberTiers
    .map((t) => t.trim())
    .sort()
    .filter((t) => {
      const key = t.toLowerCase();
      if (!t || known.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const first = <K extends keyof RuleRow>(k: K) => sorted.find((r) => r[k] !== null)?.[k] ?? null;
  return {
    names: [...sorted.map((r) => r.tier.trim()), ...unknown],
    thresholds: sorted.map((r) => ({
      name: r.tier.trim(),
      qualify: Number(r.qualify),
      ...(r.retain !== null ? { retain: Number(r.retain) } : {}),
    })),
    measure: first('measure') === 'points' ? 'points' : 'spend',
    period: first('qualification_period') === 'anniversary' ? 'anniversary' : 'calendar',
    months: Number(first('qualification_months') ?? 12),
    downgradePolicy: first('downgrade_policy') === 'never' ? 'never' : 'end_of_period',
    unknown: sorted.length ? unknown : [],
  };
}

/** A tier name without case, spaces, hyphens and underscores ("Gold Plus", "gold_plus" → "goldplus"). */
const tierKey = (t: string) => t.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * The tier of the rules an unknown tier probably means: the one with the same letters but for case,
 * spaces, hyphens and underscores, else the closest within two edits (one for names of up to four
 * letters: "Platnum" → "Platinum", "Silvre" → "Silver", "Gld" → "Gold"); ties go to the lower tier.
 * Null when none is that close.
 */
export function suggestTier(unknown: string, known: readonly string[]): string | null {
  const key = tierKey(unknown);
  const same = known.find((k) => tierKey(k) === key);
  if (same !== undefined) return same;
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key, tierKey(k));
    if (d < bestD) [best, bestD] = [k, d];
  }
  const allowed = Math.max(key.length, tierKey(best ?? '').length) <= 4 ? 1 : 2;
  return best !== null && bestD <= allowed ? best : null;
}

/** First day of the calendar qualification period holding the as-of day. */
export function calendarPeriodStart(asOfDay: string, months: number): string {
  const d = new Date(`${asOfDay}T00:00:00Z`);
  const monthIndex = d.getUTCMonth();
  const start = Math.floor(monthIndex / Math.min(12, months)) * Math.min(12, months);
  return new Date(Date.UTC(d.getUTCFullYear(), start, 1)).toISOString().slice(0, 10);
}

async function distinctValues(engine: Engine, column: string): Promise<string[]> {
  const rows = await engine.query<{ v: string }>(
    engine.dialect === 'clickhouse'
      ? `SELECT DISTINCT ${column} AS v FROM ${relationOf(engine)('lm_member_base')} WHERE isNotNull(mi) ORDER BY v`
      : `SELECT DISTINCT ${column} AS v FROM lm_member_base WHERE mi IS NOT NULL ORDER BY 1`,
  );
  return rows.map((r) => String(r.v));
}

/**
 * Engine settings for the command's statements: the DuckDB block allocator keeps the memory of
 * dropped tables and finished operators for the next statement (on a VM a page first touched costs
 * more than the work done on it), and tables are built without keeping insertion order (every
 * reader orders or groups). Skipped on engines without the settings.
 */
async function tuneEngine(engine: Engine): Promise<void> {
  if (engine.dialect !== 'duckdb') return;
  await engine.exec('SET preserve_insertion_order = false');
  const [limit] = await engine.query<{ v: string }>("SELECT current_setting('memory_limit') AS v");
  // half the memory limit stays allocated once used (never more than 2 GiB)
  await engine.exec(`SET block_allocator_memory = '${blockMemoryMb(String(limit?.v ?? ''))}MB'`);
}

const UNIT_MB: Record<string, number> = {
  KiB: 1 / 1024,
  MiB: 1,
  GiB: 1024,
  TiB: 1024 * 1024,
  KB: 1e-3,
  MB: 1,
  GB: 1e3,
  TB: 1e6,
};

/** Half of DuckDB's memory limit as it prints it ("2.7 GiB"), at most 2048 MB (256 MB when unreadable). */
export function blockMemoryMb(limit: string): number {
  const m = /^([\d.]+)\s*([KMGT]i?B)$/.exec(limit.trim());
  const mb = m && UNIT_MB[m[2]] !== undefined ? Number(m[1]) * UNIT_MB[m[2]] : 512;
  return Math.max(64, Math.min(2048, Math.floor(mb / 2)));
}

/**
 * The data pull: tier rules and rewards, then one summary row per member (`lm_members`, see
 * `memberSummarySql`) in the engine. Returns the setup and counts; the rows stay in the engine.
 */
export async function pullMembers(
  ctx: StageContext,
  run: Run,
  narrow?: Readonly<Record<string, NarrowResult>>,
): Promise<MembersOutput> {
  const engine = await run.engine();
  const ch = engine.dialect === 'clickhouse';
  const ledgerNarrow = narrow?.ledger;
  // DuckDB: normalize wrote lm_ledger and lm_orders themselves (narrowTablesSpec)
  const narrowTables = !ch && ledgerNarrow?.table === 'lm_ledger' && narrow?.orders?.table === 'lm_orders';
  const ledgerTable = narrowTables ? undefined : ledgerNarrow?.table;
  const rel = relationOf(engine);
  const rules = await engine.query<RuleRow>(
    `SELECT tier, "rank", "qualify", "retain", measure, qualification_months, qualification_period, downgrade_policy FROM ${rel('tier_rules')}`,
  );
  const memberTiers = (
    await engine.query<{ t: string }>(
      ch
        ? `SELECT DISTINCT ${trimCh('assumeNotNull(tier)')} AS t FROM ${rel('members')} WHERE isNotNull(tier)`
        : `SELECT DISTINCT trim(tier) AS t FROM members WHERE tier IS NOT NULL`,
    )
  ).map((r) => r.t);
  // materialised tables are not reused across statements in insertion order; DuckDB's block memory
  // is kept between statements instead of being returned to the system and faulted in again
  await tuneEngine(engine);
  checkTierRanks(rules, sourcesOf(run, 'tier_rules'));
  const tiers = tierSetupOf(rules, memberTiers);
  // the orders that count, net of their refunds (normalize wrote every accepted order)
  if (narrowTables) await finishNarrowOrders(engine);
  const { window, previous } = run.inputs;
  ctx.progress('summarising members, orders and points');
  const params: MemberSummaryParams = {
    start: window.start,
    end: window.end,
    prevStart: previous.start,
    tiers: tiers.names.map((t) => t.toLowerCase()),
    qualification: { period: tiers.period, months: tiers.months, measure: tiers.measure },
    calendarStart: calendarPeriodStart(run.asOfDay, tiers.months),
    rfmDays: run.inputs.config.models.rfm_days,
    expireMonths: run.inputs.config.points_expire_months,
    pendingDays: run.inputs.config.pending_confirmation_days,
    ledgerTable,
    ledgerNarrow: ch ? undefined : ledgerNarrow,
    narrowTables,
    amountDigits: narrowTables ? await amountDigitsOf(engine) : 38,
  };
  await buildSummaries(engine, run, params, tiers.period);
  // lm_ledger holds what the command reads of it (on ClickHouse the narrow table is a view of the run)
  if (ledgerTable && !ch)
    await engine.exec(`DROP TABLE IF EXISTS ${quoteIdent(ledgerTable, engine.dialect)}`);
  const counts = await summaryCounts(engine);
  const unknown_tiers = await unknownTiersNoted(ctx, engine, run, tiers);
  const id_case = await idCaseNoted(ctx, engine);
  const orders = await orderStatusOf(engine, rel, narrowTables);
  const warning = orders.refund_unknown ? refundUnknownWarning(orders.refund_unknown, run) : null;
  if (warning) ctx.note(warning);
  return {
    tiers,
    members: Number(counts.members),
    purchasers: Number(counts.purchasers),
    values: {
      region: await distinctValues(engine, 'region'),
      channel: await distinctValues(engine, 'channel'),
      cohort: await distinctValues(engine, 'cohort'),
    },
    cheapestRewardPoints: counts.cheapest === null ? null : Number(counts.cheapest),
    rewards: Number(counts.rewards),
    orphans: {
      ledger_rows: Number(counts.orphan_ledger),
      member_orders_without_member: Number(counts.orphan_orders),
    },
    orders: { ...orders, warning },
    unknown_tiers,
    id_case,
  };
}

/** Member tiers no tier rule names: a plan note, and an alert when the tiers have thresholds. */
async function unknownTiersNoted(
  ctx: StageContext,
  engine: Engine,
  run: Run,
  tiers: TierSetup,
): Promise<UnknownTier[]> {
  const unknown = await unknownTiers(engine, run, tiers);
  if (unknown.length)
    ctx.note(
      `member tiers not in tier_rules, ranked above the rules: ${unknown
        .map(
          (u) => `${u.tier} (${u.members} members${u.suggestion ? `; did you mean ${u.suggestion}?` : ''})`,
        )
        .join(', ')}`,
    );
  if (tiers.thresholds.length) alertUnknownTiers(ctx, run, unknown);
  return unknown;
}

/**
 * The warning of orders `partially_refunded` with no refunded amount: counted whole, the refund
 * not known (a status mapped without the refunded amount, or a cell left empty).
 */
function refundUnknownWarning(orders: number, run: Run): string {
  const one = orders === 1;
  return `${plural(orders, 'order')} ${one ? 'is' : 'are'} partially_refunded with no refunded_amount, so counted whole: revenue, AOV, the spend that qualifies for a tier and the models read ${one ? 'it' : 'them'} gross; map the amount refunded (Shopify: Refunded Amount) as refunded_amount in ${sourcesOf(run, 'orders')}`;
}

/** The workspace sources of an entity, as "name (path)" for a hint. */
function sourcesOf(run: Run, entity: string): string {
  const named = run.ws.sources
    .filter((s) => s.entity === entity)
    .map((s) => `sources.${s.name}${s.kind === 'file' ? ` (${s.path})` : ''}`);
  return named.length ? named.join(', ') : `the ${entity} source`;
}

/**
 * Members and outstanding points of each tier no tier rule describes (one pass over the member
 * summary, only when there is such a tier), each with the known tier it probably means and the fix.
 */
async function unknownTiers(engine: Engine, run: Run, tiers: TierSetup): Promise<UnknownTier[]> {
  if (!tiers.unknown.length) return [];
  const ruled = tiers.thresholds.length;
  const rows = await engine.query<{ t: number; members: number; points: number }>(
    engine.dialect === 'clickhouse'
      ? `SELECT tier_idx AS t, count() AS members, sum(active) + sum(pending) AS points
         FROM ${relationOf(engine)('lm_members')} WHERE tier_idx >= ${ruled} GROUP BY tier_idx`
      : // the member base and the point totals alone (lm_member_window would join the orders and flows too)
        `SELECT b.tier_idx AS t, count(*) AS members,
                COALESCE(sum(pt.active + pt.pending), 0) AS points
         FROM lm_member_base b LEFT JOIN lm_member_points pt ON pt.mi = b.mi
         WHERE b.mi IS NOT NULL AND b.tier_idx >= ${ruled} GROUP BY b.tier_idx`,
  );
  const byIndex = new Map(rows.map((r) => [Number(r.t), r]));
  const known = tiers.thresholds.map((t) => t.name);
  const memberSources = sourcesOf(run, 'members');
  const ruleSources = sourcesOf(run, 'tier_rules');
  return tiers.unknown.map((tier, j) => {
    const r = byIndex.get(ruled + j);
    const suggestion = suggestTier(tier, known);
    return {
      tier,
      members: Number(r?.members ?? 0),
      outstanding_points: Number(r?.points ?? 0),
      suggestion,
      hint: suggestion
        ? `if it means ${suggestion}, correct the tier values in ${memberSources}; if it is a tier of its own, add a row for it to ${ruleSources}`
        : `add a row for it to ${ruleSources}, or correct the tier values in ${memberSources}`,
    };
  });
}

/**
 * Data-quality alert: members in tiers no rule describes (0 when every tier is known). A warning: it
 * is listed with the other alerts and in the report, and never escalates (a data fix is not a
 * programme emergency however long it waits).
 */
function alertUnknownTiers(ctx: StageContext, run: Run, unknown: readonly UnknownTier[]): void {
  ctx.alert({
    id: 'unknown_member_tiers',
    metric: `members in a tier no tier rule describes${unknown.length ? ` (${unknown.map((u) => u.tier).join(', ')})` : ''}`,
    value: unknown.reduce((n, u) => n + u.members, 0),
    threshold: 0,
    direction: 'above',
    unit: 'count',
    owner_role: run.inputs.config.owners.insights,
    escalate_from: Number.POSITIVE_INFINITY,
  });
}

/**
 * The member summaries in the engine: on ClickHouse its own statements; on DuckDB the FIFO lots
 * are built here, and the point totals per member come from them (on ClickHouse from the ledger,
 * the lots in the liability stage).
 */
async function buildSummaries(
  engine: Engine,
  run: Run,
  params: MemberSummaryParams,
  period: TierSetup['period'],
): Promise<void> {
  if (engine.dialect === 'clickhouse')
    return makeTables(
      engine,
      memberSummaryCh(params, [
        ...pointsLotsCh({ end: params.end, inactivityMonths: inactivityMonths(run) }),
        memberExpiryCh(params.end, run.inputs.config.segments.expiring_days),
      ]),
    );
  const points = [
    ...pointsLotsSql({
      start: params.start,
      end: params.end,
      valuation: valuationOf(params.end).valuation,
      inactivityMonths: inactivityMonths(run),
    }),
    ...pointTotalsSql({
      end: params.end,
      horizonDays: run.inputs.config.segments.expiring_days,
      qualifyingFrom: period === 'calendar' ? params.calendarStart : null,
    }),
  ];
  for (const statement of memberSummarySql(params, points)) await engine.exec(statement);
}

/** Months of inactivity after which points expire, or undefined under the lot-age policy. */
function inactivityMonths(run: Run): number | undefined {
  const e = run.inputs.config.points_expiry;
  return e.policy === 'inactivity' && e.months > 0 ? e.months : undefined;
}

/** Members, purchasers, the rewards' count and cheapest points, and the rows without a member. */
async function summaryCounts(engine: Engine): Promise<Record<string, number>> {
  const ch = engine.dialect === 'clickhouse';
  const rel = relationOf(engine);
  const [counts] = await engine.query<Record<string, number>>(
    ch
      ? `SELECT (SELECT count(mi) FROM ${rel('lm_member_base')}) AS members, (SELECT count() FROM ${rel('lm_purchases')}) AS purchasers,
            (SELECT if(countIf(points > 0) > 0, minIf(points, points > 0), NULL) FROM ${rel('rewards')}) AS cheapest,
            (SELECT count() FROM ${rel('rewards')}) AS rewards,
            (SELECT countIf(isNull(mi)) FROM ${rel('lm_ledger')}) AS orphan_ledger,
            (SELECT countIf(ifNull(is_member, 0) = 1 AND isNull(mi)) FROM ${rel('lm_orders')}) AS orphan_orders`
      : `SELECT (SELECT count(mi) FROM lm_member_base) AS members, (SELECT count(*) FROM lm_purchases) AS purchasers,
            (SELECT min(points) FROM rewards WHERE points > 0) AS cheapest, (SELECT count(*) FROM rewards) AS rewards,
            (SELECT count(*) FROM lm_ledger WHERE mi IS NULL) AS orphan_ledger,
            (SELECT count(*) FROM lm_orders WHERE is_member AND mi IS NULL) AS orphan_orders`,
  );
  return counts;
}
