import {
  attribute,
  MODEL_NAMES,
  type AttributionResult,
  type ModelName,
  type PathRecord,
} from '../../analyses/attribution/index.ts';
import {
  buildJourneys,
  lastTouchAtOrBefore,
  type OpportunityJourney,
  type Touch,
} from '../../analyses/co-marketing/index.ts';
import type { Engine } from '../../data/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import type { DimensionName } from './inputs.ts';
import {
  campaignTouchesSql,
  journeyRowsSql,
  journeyTouchesSql,
  leadCreatedSql,
  nullPathRowsSql,
  scopeRowsSql,
  scopeSql,
  sourcedSql,
  type ScopeParams,
} from './sql/journeys-sql.ts';

export interface CreditLine {
  key: string;
  pipeline: number;
  revenue: number;
  /** fractional opportunities credited */
  opportunities: number;
  /** fractional closed-won deals credited */
  won: number;
  touches: number;
  pipeline_ci?: [number, number];
  revenue_ci?: [number, number];
}

export interface AttributionOutput {
  model: ModelName;
  totals: { opportunities: number; pipeline: number; revenue: number; won: number };
  attributed: { opportunities: number; pipeline: number; revenue: number };
  unattributed: { opportunities: number; pipeline: number; revenue: number };
  byDimension: Partial<Record<DimensionName, CreditLine[]>>;
  classification: {
    sourced: {
      opportunities: number;
      pipeline: number;
      revenue: number;
      by_partner: Record<string, { opportunities: number; pipeline: number; revenue: number }>;
    };
    influenced: { opportunities: number; pipeline: number; revenue: number };
    unattributed: { opportunities: number; pipeline: number; revenue: number };
  };
  /** model → dimension → key → pipeline credit, with --attribution-model compare */
  comparison?: Record<string, Partial<Record<DimensionName, Record<string, number>>>>;
  markov?: AttributionResult['markov'];
  journeys: number;
  nullJourneys: number;
  touchesInJourneys: number;
}

const DATA_DRIVEN = new Set<ModelName>(['markov', 'shapley', 'fractribution']);

/** Builds journeys in the engine, then runs the chosen model for every dimension. */
export async function attributeCampaign(
  engine: Engine,
  ws: WorkspaceConfig,
  scope: ScopeParams,
  model: ModelName | 'compare',
  dimensions: DimensionName[],
  progress: (m: string) => void,
): Promise<{ output: AttributionOutput; journeys: OpportunityJourney[] }> {
  progress('building journeys');
  await engine.exec(campaignTouchesSql(scope));
  await engine.exec(scopeSql(scope));
  await engine.exec(journeyTouchesSql(scope));
  const opps = await engine.query<{
    opportunity_id: string;
    created_ts: number;
    pipeline: number;
    revenue: number;
    won: boolean;
    region: string;
    segment: string;
  }>(scopeRowsSql());
  const rows = (await engine.query(journeyRowsSql())) as unknown as (Touch & { opportunity_id: string })[];
  const sourced = new Map(
    (await engine.query<{ opportunity_id: string; sourced_by: string }>(sourcedSql(scope))).map((r) => [
      r.opportunity_id,
      r.sourced_by,
    ]),
  );
  const lead = new Map(
    (await engine.query<{ opportunity_id: string; lead_ts: number }>(leadCreatedSql())).map((r) => [
      r.opportunity_id,
      Number(r.lead_ts),
    ]),
  );
  const nullRows = await engine.query<{
    acct: string;
    channel: string;
    partner: string;
    asset: string;
    region: string;
  }>(nullPathRowsSql(scope));
  const journeys = buildJourneys(
    opps.map((o) => ({
      ...o,
      created_ts: Number(o.created_ts),
      pipeline: Number(o.pipeline),
      revenue: Number(o.revenue),
    })),
    rows.map((r) => ({ ...r, ts: Number(r.ts) })),
    sourced,
    lead,
  );
  const nullPaths = new Map<string, { channel: string; partner: string; asset: string; region: string }[]>();
  for (const r of nullRows) {
    const list = nullPaths.get(r.acct) ?? [];
    list.push(r);
    nullPaths.set(r.acct, list);
  }
  const primary: ModelName =
    model === 'compare'
      ? ws.attribution.model === 'compare'
        ? 'linear'
        : (ws.attribution.model as ModelName)
      : model;
  progress(`attributing with ${primary}`);
  const output = attributeJourneys(journeys, [...nullPaths.values()], primary, dimensions, ws);
  if (model === 'compare') {
    output.comparison = {};
    for (const m of MODEL_NAMES) {
      if (m === 'custom') continue;
      progress(`comparing: ${m}`);
      const r = attributeJourneys(journeys, [...nullPaths.values()], m, dimensions, ws, {
        bootstrap: 0,
        revenue: false,
      });
      output.comparison[m] = Object.fromEntries(
        Object.entries(r.byDimension).map(([d, lines]) => [
          d,
          Object.fromEntries(lines!.map((l) => [l.key, l.pipeline])),
        ]),
      );
    }
  }
  return { output, journeys };
}

function pathsFor(
  journeys: OpportunityJourney[],
  nulls: { [k: string]: string }[][],
  dim: DimensionName,
  measure: 'pipeline' | 'revenue',
): PathRecord[] {
  const out: PathRecord[] = [];
  for (const j of journeys) {
    if (!j.touches.length) continue;
    const converted = measure === 'pipeline' ? true : j.won;
    const value = measure === 'pipeline' ? j.pipeline : j.revenue;
    // A deal registration or partner referral makes the deal partner-sourced: it takes precedence.
    if (dim === 'partner' && j.sourced_by) {
      out.push({
        path: [j.sourced_by],
        conversions: converted ? 1 : 0,
        value: converted ? value : 0,
        nulls: converted ? 0 : 1,
      });
      continue;
    }
    out.push({
      path: j.touches.map((t) => t[dim]),
      conversions: converted ? 1 : 0,
      value: converted ? value : 0,
      nulls: converted ? 0 : 1,
      timestamps: j.touches.map((t) => t.ts),
      convertedAt: j.created_ts,
      roles: { lead: lastTouchAtOrBefore(j.touches, j.lead_ts), opportunity: j.touches.length - 1 },
    });
  }
  for (const n of nulls) out.push({ path: n.map((t) => t[dim]), conversions: 0, value: 0, nulls: 1 });
  return out;
}

export function attributeJourneys(
  journeys: OpportunityJourney[],
  nulls: { [k: string]: string }[][],
  model: ModelName,
  dimensions: DimensionName[],
  ws: WorkspaceConfig,
  opts: { bootstrap?: number; revenue?: boolean } = {},
): AttributionOutput {
  const sum = (xs: OpportunityJourney[], f: (j: OpportunityJourney) => number) =>
    xs.reduce((s, j) => s + f(j), 0);
  const touched = journeys.filter((j) => j.touches.length > 0);
  const untouched = journeys.filter((j) => j.touches.length === 0);
  const sourcedJ = touched.filter((j) => j.sourced_by);
  const influencedJ = touched.filter((j) => !j.sourced_by);
  const bySourcer: Record<string, { opportunities: number; pipeline: number; revenue: number }> = {};
  for (const j of sourcedJ) {
    const b = (bySourcer[j.sourced_by!] ??= { opportunities: 0, pipeline: 0, revenue: 0 });
    b.opportunities++;
    b.pipeline += j.pipeline;
    b.revenue += j.revenue;
  }
  const bootstrap = opts.bootstrap ?? (DATA_DRIVEN.has(model) ? ws.attribution.bootstrap : 0);
  const options = {
    halfLifeDays: ws.attribution.half_life_days,
    directChannels: [ws.channels.direct],
    bootstrap,
    seed: ws.attribution.seed,
  };
  const byDimension: AttributionOutput['byDimension'] = {};
  let markov: AttributionResult['markov'];
  for (const dim of dimensions) {
    const pipe = attribute(pathsFor(journeys, nulls, dim, 'pipeline'), model, options);
    const rev =
      opts.revenue === false
        ? undefined
        : attribute(pathsFor(journeys, nulls, dim, 'revenue'), model, options);
    if (dim === 'channel') markov = pipe.markov;
    const touches = new Map<string, number>();
    for (const j of touched) for (const t of j.touches) touches.set(t[dim], (touches.get(t[dim]) ?? 0) + 1);
    const keys = new Set([
      ...pipe.channels.map((c) => c.channel),
      ...(rev?.channels.map((c) => c.channel) ?? []),
      ...touches.keys(),
    ]);
    byDimension[dim] = [...keys]
      .map((key) => {
        const p = pipe.channels.find((c) => c.channel === key);
        const r = rev?.channels.find((c) => c.channel === key);
        const line: CreditLine = {
          key,
          pipeline: p?.value ?? 0,
          revenue: r?.value ?? 0,
          opportunities: p?.conversions ?? 0,
          won: r?.conversions ?? 0,
          touches: touches.get(key) ?? 0,
        };
        if (p?.valueCI) line.pipeline_ci = p.valueCI;
        if (r?.valueCI) line.revenue_ci = r.valueCI;
        return line;
      })
      .filter((l) => l.pipeline !== 0 || l.revenue !== 0 || l.touches !== 0)
      .sort((a, b) => b.pipeline - a.pipeline || a.key.localeCompare(b.key));
  }
  const triple = (xs: OpportunityJourney[]) => ({
    opportunities: xs.length,
    pipeline: sum(xs, (j) => j.pipeline),
    revenue: sum(xs, (j) => j.revenue),
  });
  return {
    model,
    totals: { ...triple(journeys), won: journeys.filter((j) => j.won).length },
    attributed: triple(touched),
    unattributed: triple(untouched),
    byDimension,
    classification: {
      sourced: { ...triple(sourcedJ), by_partner: bySourcer },
      influenced: triple(influencedJ),
      unattributed: triple(untouched),
    },
    markov,
    journeys: journeys.length,
    nullJourneys: nulls.length,
    touchesInJourneys: sum(touched, (j) => j.touches.length),
  };
}
