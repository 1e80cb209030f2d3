import { funnelDropoff, worstAgainstOverall, type FunnelDropoff } from '../../analyses/co-marketing/index.ts';
import type { Engine } from '../../data/index.ts';
import type { CampaignConfig } from '../../workspace/index.ts';
import type { AttributionOutput } from './attribute-stage.ts';
import { insightRowsClickHouse } from './clickhouse-journeys.ts';
import { funnelSql, personasSql, segmentsSql, type ScopeParams } from './sql/journeys-sql.ts';
import { moneyShort, percentText } from '../../report/index.ts';

export interface Insights {
  top_assets: {
    asset: string;
    name: string;
    partner: string | null;
    pipeline: number;
    revenue: number;
    touches: number;
    pipeline_per_touch: number;
    share: number;
  }[];
  segments: {
    segment: string;
    opportunities: number;
    pipeline: number;
    revenue: number;
    won: number;
    closed: number;
    win_rate: number | null;
  }[];
  personas: { persona: string; opportunities: number; pipeline: number; won: number }[];
  dropoff: { by_partner: FunnelDropoff[]; by_channel: FunnelDropoff[] };
  unassigned: {
    touches: number;
    total_touches: number;
    top: { source: string; medium: string; touches: number }[];
  };
  /** Plain-language findings, each citing its numbers. */
  statements: string[];
}

/** 'USD 8.44' below 1,000 (the currency's decimals), 'USD 20,709' from 1,000 up. */
const money = (x: number, cur: string) => `${cur} ${moneyShort(x, cur)}`;
const pct = (x: number) => percentText(x);

export async function computeInsights(
  engine: Engine,
  scope: ScopeParams,
  campaign: CampaignConfig,
  attribution: AttributionOutput,
  assetCredit: AttributionOutput['byDimension']['asset'],
  currency: string,
  proposalRank: number,
): Promise<Insights> {
  const top_assets = topAssets(campaign, attribution, assetCredit);
  const rows = await insightRows(engine, scope, proposalRank);
  const segments = rows.segments.map(segmentOf);
  const personas = rows.personas.map((r) => ({
    persona: String(r.persona),
    opportunities: Number(r.opportunities),
    pipeline: Number(r.pipeline),
    won: Number(r.won),
  }));
  const by_partner = funnelOf(rows.funnel.partner);
  const by_channel = funnelOf(rows.funnel.channel);
  const un = rows.unassigned;
  const tot = rows.totals;
  const dropoff = { by_partner, by_channel };
  return {
    top_assets,
    segments,
    personas,
    dropoff,
    unassigned: {
      touches: Number(tot?.u ?? 0),
      total_touches: Number(tot?.n ?? 0),
      top: un.map((r) => ({ ...r, touches: Number(r.touches) })),
    },
    statements: insightStatements({ top_assets, segments, personas, dropoff }, attribution, currency),
  };
}

/** Asset credit with the campaign's names and partners, pipeline per touch and share, largest first. */
function topAssets(
  campaign: CampaignConfig,
  attribution: AttributionOutput,
  assetCredit: AttributionOutput['byDimension']['asset'],
): Insights['top_assets'] {
  const names = new Map(campaign.assets.map((a) => [a.id.toLowerCase(), a]));
  const totalPipe = attribution.attributed.pipeline || 1;
  return (assetCredit ?? [])
    .map((a) => ({
      asset: a.key,
      name: names.get(a.key)?.name ?? a.key,
      partner: names.get(a.key)?.partner ?? null,
      pipeline: a.pipeline,
      revenue: a.revenue,
      touches: a.touches,
      pipeline_per_touch: a.touches ? a.pipeline / a.touches : 0,
      share: a.pipeline / totalPipe,
    }))
    .sort((a, b) => b.pipeline - a.pipeline || a.asset.localeCompare(b.asset));
}

type InsightRows = Awaited<ReturnType<typeof insightRowsClickHouse>>;

/** The insight tables from the engine: DuckDB's tables of the run, or ClickHouse's relations. */
async function insightRows(engine: Engine, scope: ScopeParams, proposalRank: number): Promise<InsightRows> {
  if (engine.dialect === 'clickhouse') return insightRowsClickHouse(engine, scope, proposalRank);
  const [totals] = await engine.query<{ n: number; u: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE channel = 'unassigned') AS u FROM ctouch`,
  );
  return {
    segments: await engine.query(segmentsSql()),
    personas: await engine.query(personasSql()),
    funnel: {
      partner: await engine.query(funnelSql(scope, 'partner', proposalRank)),
      channel: await engine.query(funnelSql(scope, 'channel', proposalRank)),
    },
    unassigned: await engine.query<{ source: string; medium: string; touches: number }>(
      `SELECT COALESCE(utm_source, '') AS source, COALESCE(utm_medium, '') AS medium, count(*) AS touches FROM ctouch WHERE channel = 'unassigned' GROUP BY ALL ORDER BY touches DESC, source, medium LIMIT 10`,
    ),
    totals: totals ?? { n: 0, u: 0 },
  };
}

function segmentOf(r: Record<string, unknown>): Insights['segments'][number] {
  const closed = Number(r.closed);
  return {
    segment: String(r.segment),
    opportunities: Number(r.opportunities),
    pipeline: Number(r.pipeline),
    revenue: Number(r.revenue),
    won: Number(r.won),
    closed,
    win_rate: closed > 0 ? Number(r.won) / closed : null,
  };
}

function funnelOf(rows: Record<string, unknown>[]): FunnelDropoff[] {
  return funnelDropoff(
    rows.map((r) => ({
      value: String(r.v),
      touched_accounts: Number(r.touched_accounts),
      opportunities: Number(r.opportunities),
      reached_proposal: Number(r.reached_proposal),
      won: Number(r.won),
    })),
  );
}

/** The plain-language findings, in a fixed order, each skipped when its data is missing. */
function insightStatements(
  found: Pick<Insights, 'top_assets' | 'segments' | 'personas' | 'dropoff'>,
  attribution: AttributionOutput,
  currency: string,
): string[] {
  const { top_assets, segments, personas } = found;
  const statements: string[] = [];
  const a0 = top_assets.find((a) => a.asset !== '(none)');
  if (a0)
    statements.push(
      `Top asset: "${a0.name}" earned ${money(a0.pipeline, currency)} of attributed pipeline (${pct(a0.share)}) from ${a0.touches} touches.`,
    );
  const byPpt = top_assets
    .filter((a) => a.touches >= 20 && a.asset !== '(none)')
    .sort((a, b) => b.pipeline_per_touch - a.pipeline_per_touch)[0];
  if (byPpt && byPpt !== a0)
    statements.push(
      `Most efficient asset: "${byPpt.name}" at ${money(byPpt.pipeline_per_touch, currency)} of pipeline per touch.`,
    );
  const s0 = segments[0];
  if (s0)
    statements.push(
      `Largest segment: ${s0.segment} with ${s0.opportunities} opportunities and ${money(s0.pipeline, currency)} of pipeline${s0.win_rate !== null ? `, win rate ${pct(s0.win_rate)} of ${s0.closed} closed` : ''}.`,
    );
  const bestWin = segments
    .filter((s) => s.closed >= 5 && s.win_rate !== null)
    .sort((a, b) => b.win_rate! - a.win_rate!)[0];
  if (bestWin && bestWin !== s0)
    statements.push(
      `Highest win rate: ${bestWin.segment} at ${pct(bestWin.win_rate!)} (${bestWin.won} of ${bestWin.closed} closed).`,
    );
  const p0 = personas[0];
  if (p0)
    statements.push(
      `Persona most present on journeys: ${p0.persona}, on ${p0.opportunities} opportunities (${money(p0.pipeline, currency)}).`,
    );
  for (const [label, rows] of [
    ['partner', found.dropoff.by_partner],
    ['channel', found.dropoff.by_channel],
  ] as const) {
    const w = worstAgainstOverall(rows);
    if (w)
      statements.push(
        `Biggest drop-off by ${label}: ${w.row.value} converts ${pct(w.step.rate!)} from ${w.step.from.replace(/_/g, ' ')} to ${w.step.to.replace(/_/g, ' ')}, against ${pct(w.overall)} across all ${label}s.`,
      );
  }
  const c = attribution.classification;
  statements.push(
    `Partner-sourced pipeline: ${money(c.sourced.pipeline, currency)} (${c.sourced.opportunities} opportunities); partner-influenced or house: ${money(c.influenced.pipeline, currency)}; unattributed: ${money(c.unattributed.pipeline, currency)}.`,
  );
  return statements;
}
