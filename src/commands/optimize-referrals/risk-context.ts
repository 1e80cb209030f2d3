import {
  flagVelocity,
  type AdvocateActivityRow,
  type FraudContext,
  type VelocityReview,
} from '../../analyses/fraud/index.ts';
import { literal, type Engine, type Row } from '../../data/index.ts';
import type { ReferralsConfig } from '../../workspace/index.ts';
import { classifyDomain, fraudLists, type FraudLists } from './fraud-lists.ts';
import { insertRows } from './insert-rows.ts';
import { num } from './query-numbers.ts';
import { reviewRings, type RingResult } from './ring-graph.ts';
import { createTableAs } from './sql/sql-fns.ts';
import {
  couponHitsSql,
  emailDomainsSql,
  nodeActivitySql,
  friendRewardsSql,
  pairSharedSql,
  clickDiffSql,
  clickMaybeSqlCh,
  clickTextSql,
  ringEdgesSql,
  sharedIdentifiersSql,
  velocitySql,
  type RiskParams,
} from './sql/risk-sql.ts';

/** Everything the scorer looks up, computed in the engine and by the advocate- and graph-level passes. */
export interface RiskContext {
  lists: FraudLists;
  velocity: VelocityReview;
  rings: RingResult;
  /** Email domains seen, and how many are disposable or webmail. */
  domains: { seen: number; disposable: number; public: number };
  sharedIdentifiers: number;
  context: FraudContext;
}

/** ClickHouse: click rows whose text is fetched by row number (filter down to the source) up to this many; more by a semi-join. */
const FETCH_BY_ROW = 20_000;

/**
 * The text of the named clicks whose session may differ from the sign-up's (`ref_click_text`):
 * on DuckDB one pass over the clicks' view that compares the named clicks' session hashes
 * (`clickTextSql`); on ClickHouse the rows `ref_click_maybe` names from the hashes per identifier
 * of the narrow table, fetched by row number. Matched back by click id (unique among the accepted
 * clicks), so a row number that names rows in several files of a source is harmless.
 */
async function clickTexts(engine: Engine, p: RiskParams): Promise<void> {
  if (engine.dialect !== 'clickhouse') return engine.exec(clickTextSql(p));
  await engine.exec(clickMaybeSqlCh());
  const rows = await engine.query<Row>(
    `SELECT _source, _row FROM ref_click_maybe ORDER BY _source, _row LIMIT ${FETCH_BY_ROW + 1}`,
  );
  return clickTextsCh(engine, rows);
}

/** The row numbers of `rows` grouped by their source (the clicks to fetch by row number). */
function rowsBySource(rows: Row[]): Map<string, number[]> {
  const bySource = new Map<string, number[]>();
  for (const r of rows) {
    const list = bySource.get(String(r._source)) ?? [];
    list.push(num(r._row));
    bySource.set(String(r._source), list);
  }
  return bySource;
}

/** `clickTexts` on ClickHouse: the same rows, read from the clicks' canonical view of the run. */
async function clickTextsCh(engine: Engine, rows: Row[]): Promise<void> {
  let where: string;
  if (rows.length === 0) where = '0';
  else if (rows.length <= FETCH_BY_ROW) {
    where = [...rowsBySource(rows)]
      .map(([src, list]) => `(_source = ${literal(src, 'clickhouse')} AND _row IN (${list.join(', ')}))`)
      .join(' OR ');
  } else where = '(_source, _row) IN (SELECT _source, _row FROM ref_click_maybe)';
  await engine.exec(
    createTableAs(
      'ref_click_text',
      `SELECT click_id, ip, user_agent, device_id, cookie_id FROM clicks WHERE ${where}`,
      'clickhouse',
    ),
  );
}

/** Identifier tables, shared identifiers and what each scored referral's two sides share. */
async function identifierTables(engine: Engine, p: RiskParams): Promise<number> {
  for (const s of sharedIdentifiersSql(p)) await engine.exec(s);
  // the passes' scratch tables are not read again: give their memory back before scoring
  for (const t of ['ref_shared_keys', 'ref_sid_all']) await engine.exec(`DROP TABLE IF EXISTS ${t}`);
  await engine.exec(pairSharedSql(p));
  const [{ n }] = await engine.query<Row>('SELECT count(*) AS n FROM ref_shared_ids');
  return num(n);
}

/** Distinct email domains judged against the lists once; the verdicts of listed ones go back as a table. */
async function domainFlags(engine: Engine, lists: FraudLists): Promise<RiskContext['domains']> {
  const rows: [string, boolean, boolean, string | null][] = [];
  let seen = 0;
  for (const r of await engine.query<Row>(emailDomainsSql())) {
    seen++;
    const domain = String(r.domain);
    const v = classifyDomain(domain, lists);
    if (v.disposable || v.public) rows.push([domain, v.disposable !== null, v.public, v.disposable]);
  }
  await insertRows(
    engine,
    'ref_domain_flags',
    [
      ['domain', 'VARCHAR'],
      ['disposable', 'BOOLEAN'],
      ['public', 'BOOLEAN'],
      ['listed', 'VARCHAR'],
    ],
    rows,
  );
  return { seen, disposable: rows.filter((r) => r[1]).length, public: rows.filter((r) => r[2]).length };
}

/**
 * Velocity per advocate account, judged within its kind (a partner's busy day is a customer's
 * outlier); flagged accounts go back as a table. The review handed to the scorer merges the
 * kinds' findings; its norms are the customers' (the largest group).
 */
async function velocityReview(
  engine: Engine,
  p: RiskParams,
  cfg: ReferralsConfig['fraud'],
): Promise<VelocityReview> {
  const byKind = new Map<string, AdvocateActivityRow[]>();
  for (const r of await engine.query<Row>(velocitySql(p))) {
    const kind = String(r.kind ?? 'customer');
    const rows = byKind.get(kind) ?? [];
    rows.push({
      advocateId: String(r.acct) || '(advocates without referred conversions)',
      conversions: num(r.conversions),
      activeDays: num(r.active_days),
      peakDayConversions: num(r.peak_day),
      peakWeekConversions: num(r.peak_week),
    });
    byKind.set(kind, rows);
  }
  const options = {
    method: cfg.velocity.method,
    k: cfg.velocity.k,
    alpha: cfg.velocity.alpha,
    minPeakDay: cfg.velocity.min_peak_day,
    minPeakWeek: cfg.velocity.min_peak_week,
  };
  const reviews = [...byKind].map(([kind, rows]) => ({ kind, review: flagVelocity(rows, options) }));
  const main =
    (reviews.find((x) => x.kind === 'customer') ?? reviews[0])?.review ?? flagVelocity([], options);
  const flagged = new Map(reviews.flatMap((x) => [...x.review.flagged]));
  await insertRows(
    engine,
    'ref_velocity',
    [['acct', 'VARCHAR']],
    [...flagged.keys()].map((a) => [a]),
  );
  return { ...main, flagged, tested: reviews.reduce((s, x) => s + x.review.tested, 0) };
}

/**
 * The run-level passes before scoring: identifiers and what is shared, list verdicts of email
 * domains and coupon sites, velocity per advocate, and fraud rings; each leaves a small table the
 * candidate query joins.
 */
export async function buildRiskContext(
  engine: Engine,
  p: RiskParams,
  cfg: ReferralsConfig['fraud'],
  progress: (m: string) => void,
): Promise<RiskContext> {
  const lists = fraudLists(cfg);
  progress('identities');
  await clickTexts(engine, p);
  await engine.exec(clickDiffSql(p));
  const domains = await domainFlags(engine, lists);
  progress('shared identifiers');
  const sharedIdentifiers = await identifierTables(engine, p);
  await insertRows(
    engine,
    'ref_coupon_domains',
    [['domain', 'VARCHAR']],
    [...lists.coupons].map((d) => [d]),
  );
  await engine.exec(couponHitsSql(p));
  progress('velocity');
  const velocity = await velocityReview(engine, p, cfg);
  progress('rings');
  await engine.exec(ringEdgesSql(p));
  const rings = await reviewRings(
    engine,
    'SELECT hub, acct, kind, value FROM ref_edges ORDER BY kind, value, acct',
    nodeActivitySql(p),
    friendRewardsSql(p),
    {
      minMembers: cfg.ring.min_members,
      maxMembers: cfg.ring.max_members,
      maxRetainedShare: cfg.ring.max_retained_share,
      minRefundRate: cfg.ring.min_refund_rate,
    },
  );
  const members: [string, number][] = [];
  for (const ring of rings.review.rings)
    for (const acct of ring.accountIds ?? []) members.push([acct, ring.ring]);
  await insertRows(
    engine,
    'ref_ring_accts',
    [
      ['acct', 'VARCHAR'],
      ['ring', 'INTEGER'],
    ],
    members,
  );
  return {
    lists,
    velocity,
    rings,
    domains,
    sharedIdentifiers,
    context: {
      disposableDomains: lists.disposable,
      couponDomains: lists.coupons,
      velocity,
      rings: rings.review,
    },
  };
}
