import type { Engine, Row } from '../../data/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { ReferralsConfig } from '../../workspace/index.ts';
import type { ReferralsContext } from './inputs.ts';
import { minorDigits, num, numOrNull } from './query-numbers.ts';
import { narrowRelation } from '../../data/entities/normalize-clickhouse.ts';
import { CLICKS_TABLE, deriveStatements } from './sql/derive-sql.ts';
import { commandEngine, nameRelation } from './sql/run-tables.ts';
import { shareToClickSql } from './sql/funnel-sql.ts';
import { tsLit } from './sql/sql-fns.ts';

/** What the refresh built, and the rows it could not tie to an advocate. */
export interface RefreshOutput {
  /** Derived table → rows. */
  tables: Record<string, number>;
  /** Rows of the read range no advocate could be found for (unknown advocate id or referral code). */
  unresolved: { referrals: number; clicks: number; shares: number };
  /** Median seconds from share to click in the window (the diagnostics' first stage duration). */
  shareToClick: { median_seconds: number | null; pairs: number };
}

/** Clicks above which the share → click median is taken over a hash sample of about a million. */
const CLICK_SAMPLE = 1_000_000;

async function count(engine: Engine, sql: string): Promise<number> {
  const [r] = await engine.query<Row>(sql);
  return num(r?.n);
}

/**
 * The share → click median, then the clicks' narrow table dropped: read right after the clicks by
 * day, so that the later tables of the refresh reuse its memory (at 10M clicks the narrow table
 * is about 600 MB). A pair per click: above a million clicks in the window (the funnel's count,
 * the clicks of a segment), a hash sample of about a million.
 */
async function shareToClickMedian(
  engine: Engine,
  c: ReferralsContext,
): Promise<RefreshOutput['shareToClick']> {
  const clicks = await count(
    engine,
    `SELECT COALESCE(sum(clicks), 0) AS n FROM ref_click_days
     WHERE d >= 0 AND d < ${c.window.days} AND seg IN (SELECT seg FROM ref_segments)`,
  );
  const samplePct = clicks > CLICK_SAMPLE ? Math.max(1, Math.ceil((CLICK_SAMPLE / clicks) * 100)) : 100;
  const [s2c] = await engine.query<Row>(
    shareToClickSql(c.window.start, c.window.end, samplePct, engine.dialect),
  );
  await engine.exec(`DROP TABLE IF EXISTS ${CLICKS_TABLE}`);
  return { median_seconds: numOrNull(s2c?.median_seconds), pairs: num(s2c?.pairs) };
}

/**
 * Data refresh: the derived tables every later stage reads (referrals resolved to advocates with
 * their qualifying conversion and rewards; daily aggregates of shares, clicks and payouts by
 * dimension; new customers), and the rows that resolve to no advocate, noted in the plan.
 */
export async function refreshTables(
  ctx: StageContext,
  raw: Engine,
  c: ReferralsContext,
  cfg: ReferralsConfig,
  currency: string,
): Promise<RefreshOutput> {
  const engine = commandEngine(raw);
  const d = engine.dialect;
  // on ClickHouse, the clicks' narrow table is normalize's view of the run (hashes are cityHash64 there)
  if (d === 'clickhouse') nameRelation(raw, CLICKS_TABLE, narrowRelation(raw, 'clicks'));
  // Nothing this command builds depends on row order (every read that needs one orders it), and
  // without the guarantee DuckDB writes the derived tables in parallel and buffers less.
  if (engine.dialect === 'duckdb') await engine.exec('SET preserve_insertion_order = false');
  const tables: Record<string, number> = {};
  let shareToClick: RefreshOutput['shareToClick'] = { median_seconds: null, pairs: 0 };
  for (const s of deriveStatements({
    end: c.window.end,
    from: c.from,
    revenueStages: cfg.revenue_stages,
    lostStages: cfg.lost_stages,
    minorDigits: minorDigits(currency),
    dialect: d,
  })) {
    ctx.progress(`building ${s.table}`);
    await engine.exec(s.sql);
    tables[s.table] = await count(engine, `SELECT count(*) AS n FROM ${s.table}`);
    // the clicks by day are the last table read from the clicks' narrow table (the run's largest)
    if (s.table === 'ref_click_days') shareToClick = await shareToClickMedian(engine, c);
  }
  const range = (col: string) => `${col} >= ${tsLit(c.from, d)} AND ${col} < ${tsLit(c.window.end, d)}`;
  // counted from the refresh's own copies (the entities' views are not read again)
  const unresolved = {
    referrals: tables.ref_referrals - tables.ref_ref,
    clicks: await count(engine, 'SELECT COALESCE(sum(clicks), 0) AS n FROM ref_click_days WHERE seg IS NULL'),
    shares:
      (await count(engine, `SELECT count(*) AS n FROM ref_shares WHERE ${range('shared_at')}`)) -
      (await count(engine, 'SELECT COALESCE(sum(shares), 0) AS n FROM ref_share_agg')),
  };
  for (const [what, n] of Object.entries(unresolved))
    if (n > 0)
      ctx.note(
        `${n} ${what} resolve to no advocate (unknown advocate id or referral code): left out of the funnel`,
      );
  return {
    tables,
    unresolved,
    shareToClick,
  };
}
