import {
  attribute,
  attributeAsync,
  MODEL_NAMES,
  type AttributionResult,
  type ModelName,
  type PathColumns,
  type PathRecord,
} from '../../analyses/attribution/index.ts';
import { directNameSet } from '../../analyses/attribution/direct-channels.ts';
import {
  buildJourneys,
  lastTouchAtOrBefore,
  type OpportunityJourney,
  type Touch,
} from '../../analyses/co-marketing/index.ts';
import { slicedPause } from '../../data/cancellation.ts';
import type { Engine } from '../../data/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import {
  loadGroupedClickHouse,
  loadJourneysClickHouse,
  type GroupedDimension,
  type JourneyTotalsRow,
} from './clickhouse-journeys.ts';
import type { DimensionName } from './inputs.ts';
import { partnerIdsOf, splitPartnerLists, splitSourcedByPartner } from './partner-lists.ts';
import type { TouchNotes } from './touch-notes.ts';
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
  /** What normalization did to the touches that a user should see (set by the attribute stage). */
  touchNotes?: TouchNotes;
}

const DATA_DRIVEN = new Set<ModelName>(['markov', 'shapley', 'fractribution']);
/**
 * Models whose credit depends on the path alone: not on touch times (time-decay) or funnel roles
 * (w-shaped, full-path), nor on the touches' channels outside the channel dimension
 * (last-non-direct, `creditedTouches`). Without a bootstrap (which resamples journeys), their
 * journeys can be grouped by path on the server.
 */
const PATH_ONLY = new Set<ModelName>([
  'first-touch',
  'last-touch',
  'linear',
  'position-based',
  'j-shaped',
  'inverse-j',
  'custom',
  'markov',
  'shapley',
  'fractribution',
]);

type NullPath = { channel: string; partner: string; asset: string; region: string };

/** Journeys of the opportunities in scope, and the touch paths of accounts that did not convert. */
async function loadJourneys(
  engine: Engine,
  scope: ScopeParams,
): Promise<{ journeys: OpportunityJourney[]; nullPaths: NullPath[][] }> {
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
  const nullRows = await engine.query<NullPath & { acct: string }>(nullPathRowsSql(scope));
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
  const nullPaths = new Map<string, NullPath[]>();
  for (const r of nullRows) {
    const list = nullPaths.get(r.acct);
    if (list) list.push(r);
    else nullPaths.set(r.acct, [r]);
  }
  return { journeys, nullPaths: [...nullPaths.values()] };
}

/** Builds journeys in the engine, then runs the chosen model (or every model) for every dimension. */
export async function attributeCampaign(
  engine: Engine,
  ws: WorkspaceConfig,
  scope: ScopeParams,
  model: ModelName | 'compare',
  dimensions: DimensionName[],
  progress: (m: string) => void,
): Promise<AttributionOutput> {
  if (
    engine.dialect === 'clickhouse' &&
    model !== 'compare' &&
    PATH_ONLY.has(model) &&
    (DATA_DRIVEN.has(model) ? ws.attribution.bootstrap : 0) === 0
  ) {
    // the journeys grouped by path on the server: same credit, no row per opportunity here
    progress('building paths');
    const grouped = await loadGroupedClickHouse(engine, scope, dimensions);
    progress(`attributing with ${model}`);
    return attributeGrouped(grouped, model, dimensions, ws);
  }
  progress('building journeys');
  const { journeys, nullPaths } =
    engine.dialect === 'clickhouse'
      ? await loadJourneysClickHouse(engine, scope)
      : await loadJourneys(engine, scope);
  const configured = ws.attribution.model === 'compare' ? 'linear' : (ws.attribution.model as ModelName);
  const primary: ModelName = model === 'compare' ? configured : model;
  progress(`attributing with ${primary}`);
  const output = await attributeJourneys(journeys, nullPaths, primary, dimensions, ws);
  if (model !== 'compare') return output;
  output.comparison = {};
  for (const m of MODEL_NAMES) {
    if (m === 'custom' && !ws.attribution.custom_weights) continue;
    progress(`comparing: ${m}`);
    const r = await attributeJourneys(journeys, nullPaths, m, dimensions, ws, {
      bootstrap: 0,
      revenue: false,
    });
    output.comparison[m] = Object.fromEntries(
      Object.entries(r.byDimension).map(([d, lines]) => [
        d,
        Object.fromEntries((lines ?? []).map((l) => [l.key, l.pipeline])),
      ]),
    );
  }
  return output;
}

/**
 * The touches of a journey a dimension's path holds. last-non-direct credits the last touch whose
 * channel is not direct (`direct`, its channel names): outside the channel dimension the path's
 * values carry no channel, so there the direct touches are left out of the path (all kept when
 * every touch is direct: the last one takes the credit), and every dimension credits one touch.
 */
function creditedTouches(touches: Touch[], dim: DimensionName, direct: ReadonlySet<string> | null): Touch[] {
  if (!direct || dim === 'channel') return touches;
  const kept = touches.filter((t) => !direct.has(t.channel.toLowerCase()));
  return kept.length ? kept : touches;
}

function pathsFor(
  journeys: OpportunityJourney[],
  nulls: { [k: string]: string }[][],
  dim: DimensionName,
  measure: 'pipeline' | 'revenue',
  direct: ReadonlySet<string> | null,
): PathRecord[] {
  const out: PathRecord[] = [];
  for (const j of journeys) {
    if (!j.touches.length) continue;
    // A deal registration or partner referral makes the deal partner-sourced: it takes precedence,
    // credited to that partner outside the model (`sourcedCredit`), so no model sees it.
    if (dim === 'partner' && j.sourced_by) continue;
    const converted = measure === 'pipeline' ? true : j.won;
    const value = measure === 'pipeline' ? j.pipeline : j.revenue;
    const touches = creditedTouches(j.touches, dim, direct);
    out.push({
      path: touches.map((t) => t[dim]),
      conversions: converted ? 1 : 0,
      value: converted ? value : 0,
      nulls: converted ? 0 : 1,
      timestamps: touches.map((t) => t.ts),
      convertedAt: j.created_ts,
      roles: { lead: lastTouchAtOrBefore(touches, j.lead_ts), opportunity: touches.length - 1 },
    });
  }
  for (const n of nulls) out.push({ path: n.map((t) => t[dim]), conversions: 0, value: 0, nulls: 1 });
  return out;
}

/**
 * A partner-sourced deal's full credit, by the partner (or list of partners) that sourced it:
 * pipeline and one opportunity, and its revenue and one won deal when it is won.
 */
type SourcedCredit = Map<string, { pipeline: number; revenue: number; opportunities: number; won: number }>;

function sourcedCredit(journeys: OpportunityJourney[]): SourcedCredit {
  const out: SourcedCredit = new Map();
  for (const j of journeys) {
    if (!j.touches.length || !j.sourced_by) continue;
    const c = out.get(j.sourced_by) ?? { pipeline: 0, revenue: 0, opportunities: 0, won: 0 };
    c.pipeline += j.pipeline;
    c.opportunities += 1;
    if (j.won) {
      c.revenue += j.revenue;
      c.won += 1;
    }
    out.set(j.sourced_by, c);
  }
  return out;
}

/**
 * Adds the sourced deals' credit to the partner lines the model gave the influenced deals. Sourced
 * credit is not estimated: a line's bootstrap interval (the model's, over the influenced deals) moves
 * by the amount added, as its credit does.
 */
function withSourcedCredit(lines: CreditLine[], sourced: SourcedCredit): CreditLine[] {
  if (!sourced.size) return lines;
  const byKey = new Map(lines.map((l) => [l.key, { ...l }]));
  for (const [key, c] of sourced) {
    const l = byKey.get(key) ?? { key, pipeline: 0, revenue: 0, opportunities: 0, won: 0, touches: 0 };
    l.pipeline += c.pipeline;
    l.revenue += c.revenue;
    l.opportunities += c.opportunities;
    l.won += c.won;
    if (l.pipeline_ci) l.pipeline_ci = [l.pipeline_ci[0] + c.pipeline, l.pipeline_ci[1] + c.pipeline];
    if (l.revenue_ci) l.revenue_ci = [l.revenue_ci[0] + c.revenue, l.revenue_ci[1] + c.revenue];
    byKey.set(key, l);
  }
  return [...byKey.values()].sort((a, b) => b.pipeline - a.pipeline || a.key.localeCompare(b.key));
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The Markov details with removal effects by channel name and transitions by state names: the
 * chain's own order is that of first appearance, which differs between the journeys (DuckDB, or
 * read from ClickHouse) and the paths ClickHouse groups, so result.json would differ by engine.
 */
function inNameOrder(m: AttributionResult['markov']): AttributionResult['markov'] {
  if (!m) return m;
  return {
    ...m,
    removalEffects: [...m.removalEffects].sort((a, b) => byCodePoint(a.channel, b.channel)),
    transitions: [...m.transitions].sort((a, b) => byCodePoint(a.from, b.from) || byCodePoint(a.to, b.to)),
  };
}

/** One dimension's credit lines: the model's pipeline (and revenue) credit, and touch counts. */
function creditLines(
  pipe: AttributionResult,
  rev: AttributionResult | undefined,
  touches: Map<string, number>,
): CreditLine[] {
  const pBy = new Map(pipe.channels.map((c) => [c.channel, c]));
  const rBy = new Map((rev?.channels ?? []).map((c) => [c.channel, c]));
  const keys = new Set([...pBy.keys(), ...rBy.keys(), ...touches.keys()]);
  return [...keys]
    .map((key) => {
      const p = pBy.get(key);
      const r = rBy.get(key);
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

const sumOf = (xs: OpportunityJourney[], f: (j: OpportunityJourney) => number) =>
  xs.reduce((s, j) => s + f(j), 0);
const triple = (xs: OpportunityJourney[]) => ({
  opportunities: xs.length,
  pipeline: sumOf(xs, (j) => j.pipeline),
  revenue: sumOf(xs, (j) => j.revenue),
});

/** Sourced (a registration before creation), influenced (touched otherwise) and unattributed deals. */
function classify(
  journeys: OpportunityJourney[],
  partnerIds: ReadonlySet<string>,
): AttributionOutput['classification'] {
  const bySourcer: Record<string, { opportunities: number; pipeline: number; revenue: number }> = {};
  const sourced = journeys.filter((j) => j.touches.length > 0 && j.sourced_by);
  for (const j of sourced) {
    const b = (bySourcer[j.sourced_by as string] ??= { opportunities: 0, pipeline: 0, revenue: 0 });
    b.opportunities++;
    b.pipeline += j.pipeline;
    b.revenue += j.revenue;
  }
  return {
    sourced: { ...triple(sourced), by_partner: splitSourcedByPartner(bySourcer, partnerIds) },
    influenced: triple(journeys.filter((j) => j.touches.length > 0 && !j.sourced_by)),
    unattributed: triple(journeys.filter((j) => j.touches.length === 0)),
  };
}

/**
 * Runs one model over the journeys for every dimension (pipeline, and revenue unless turned off).
 * A data-driven model's bootstrap (`attribution.bootstrap` resamples, twice a dimension) gives the
 * event loop a turn every 50 ms and stops there when the run was cancelled (`slicedPause`): under
 * `gtm mcp` the server goes on answering and a cancel is read within a slice.
 */
export async function attributeJourneys(
  journeys: OpportunityJourney[],
  nulls: { [k: string]: string }[][],
  model: ModelName,
  dimensions: DimensionName[],
  ws: WorkspaceConfig,
  opts: { bootstrap?: number; revenue?: boolean } = {},
): Promise<AttributionOutput> {
  const pause = slicedPause(50);
  const touched = journeys.filter((j) => j.touches.length > 0);
  const untouched = journeys.filter((j) => j.touches.length === 0);
  const partnerIds = partnerIdsOf(ws);
  const options = {
    halfLifeDays: ws.attribution.half_life_days,
    directChannels: [ws.channels.direct],
    bootstrap: opts.bootstrap ?? (DATA_DRIVEN.has(model) ? ws.attribution.bootstrap : 0),
    seed: ws.attribution.seed,
    customWeights: ws.attribution.custom_weights,
  };
  const byDimension: AttributionOutput['byDimension'] = {};
  let markov: AttributionResult['markov'];
  const direct = model === 'last-non-direct' ? directNameSet(options.directChannels) : null;
  const sourced = sourcedCredit(journeys);
  for (const dim of dimensions) {
    const pipe = await attributeAsync(
      pathsFor(journeys, nulls, dim, 'pipeline', direct),
      model,
      options,
      pause,
    );
    const rev =
      opts.revenue === false
        ? undefined
        : await attributeAsync(pathsFor(journeys, nulls, dim, 'revenue', direct), model, options, pause);
    if (dim === 'channel') markov = inNameOrder(pipe.markov);
    const touches = new Map<string, number>();
    for (const j of touched) for (const t of j.touches) touches.set(t[dim], (touches.get(t[dim]) ?? 0) + 1);
    const lines = creditLines(pipe, rev, touches);
    byDimension[dim] =
      dim === 'partner' ? splitPartnerLists(withSourcedCredit(lines, sourced), partnerIds) : lines;
  }
  return {
    model,
    totals: { ...triple(journeys), won: journeys.filter((j) => j.won).length },
    attributed: triple(touched),
    unattributed: triple(untouched),
    byDimension,
    classification: classify(journeys, partnerIds),
    markov,
    journeys: journeys.length,
    nullJourneys: nulls.length,
    touchesInJourneys: sumOf(touched, (j) => j.touches.length),
  };
}

/**
 * One dimension's path columns for a measure, from the journeys grouped by path: pipeline counts
 * every opportunity as converted with its pipeline; revenue counts the won ones with their revenue
 * and the others as nulls; the non-converting accounts' paths are nulls in both (as `pathsFor`).
 */
function groupedColumns(g: GroupedDimension, measure: 'pipeline' | 'revenue'): PathColumns {
  const j = g.journeys;
  const nl = g.nulls;
  const rows = j.rows + nl.rows;
  const offsets = new Int32Array(rows + 1);
  offsets.set(j.offsets);
  const base = j.offsets[j.rows];
  for (let r = 1; r <= nl.rows; r++) offsets[j.rows + r] = base + nl.offsets[r];
  const codes = new Int32Array(base + nl.codes.length);
  codes.set(j.codes);
  codes.set(nl.codes, base);
  const conversions = new Float64Array(rows);
  const value = new Float64Array(rows);
  const nulls = new Float64Array(rows);
  for (let r = 0; r < j.rows; r++) {
    conversions[r] = measure === 'pipeline' ? j.n[r] : j.won[r];
    value[r] = measure === 'pipeline' ? j.pipeline[r] : j.revenue[r];
    nulls[r] = measure === 'pipeline' ? 0 : j.n[r] - j.won[r];
  }
  nulls.set(nl.n, j.rows);
  // a journey path and a null path may be the same: not distinct
  return { channels: g.values, rows, offsets, codes, conversions, value, nulls };
}

/**
 * The partner paths without the partner-sourced deals: the server gives a sourced deal the path of
 * its sourcing partner alone, so its count, pipeline, won deals and revenue come off that one-state
 * path (which may also hold influenced deals touched by that partner alone); they are credited
 * outside the model, as `attributeJourneys` does.
 */
function withoutSourcedPaths(d: GroupedDimension, sourced: JourneyTotalsRow[]): GroupedDimension {
  if (!sourced.length) return d;
  const j = d.journeys;
  const n = Float64Array.from(j.n);
  const pipeline = Float64Array.from(j.pipeline);
  const won = Float64Array.from(j.won);
  const revenue = Float64Array.from(j.revenue);
  for (const s of sourced) {
    const code = d.values.indexOf(s.sourced);
    let row = -1;
    for (let r = 0; r < j.rows && row < 0; r++)
      if (j.offsets[r + 1] - j.offsets[r] === 1 && j.codes[j.offsets[r]] === code) row = r;
    if (row < 0) throw new Error(`no one-partner path for the deals sourced by ${s.sourced}`);
    n[row] -= s.n;
    pipeline[row] -= s.pipeline;
    won[row] -= s.won;
    revenue[row] -= s.revenue;
  }
  return { ...d, journeys: { ...j, n, pipeline, won, revenue } };
}

/** `attributeJourneys` over journeys grouped by path on the server (path-only models, no bootstrap). */
function attributeGrouped(
  g: {
    dims: Partial<Record<DimensionName, GroupedDimension>>;
    totals: JourneyTotalsRow[];
    nullJourneys: number;
  },
  model: ModelName,
  dimensions: DimensionName[],
  ws: WorkspaceConfig,
): AttributionOutput {
  const partnerIds = partnerIdsOf(ws);
  const options = {
    halfLifeDays: ws.attribution.half_life_days,
    directChannels: [ws.channels.direct],
    bootstrap: 0,
    seed: ws.attribution.seed,
    customWeights: ws.attribution.custom_weights,
  };
  const byDimension: AttributionOutput['byDimension'] = {};
  let markov: AttributionResult['markov'];
  const sourcedRows = g.totals.filter((r) => r.touched && r.sourced !== '');
  const sourcedCredits: SourcedCredit = new Map(
    sourcedRows.map((r) => [
      r.sourced,
      { pipeline: r.pipeline, revenue: r.revenue, opportunities: r.n, won: r.won },
    ]),
  );
  for (const dim of dimensions) {
    const grouped = g.dims[dim] as GroupedDimension;
    const d = dim === 'partner' ? withoutSourcedPaths(grouped, sourcedRows) : grouped;
    const pipe = attribute(groupedColumns(d, 'pipeline'), model, options);
    const rev = attribute(groupedColumns(d, 'revenue'), model, options);
    if (dim === 'channel') markov = inNameOrder(pipe.markov);
    const lines = creditLines(pipe, rev, d.touches);
    byDimension[dim] =
      dim === 'partner' ? splitPartnerLists(withSourcedCredit(lines, sourcedCredits), partnerIds) : lines;
  }
  const sum = (rows: JourneyTotalsRow[]) => ({
    opportunities: rows.reduce((a, r) => a + r.n, 0),
    pipeline: rows.reduce((a, r) => a + r.pipeline, 0),
    revenue: rows.reduce((a, r) => a + r.revenue, 0),
  });
  const touched = g.totals.filter((r) => r.touched);
  const sourced = touched.filter((r) => r.sourced !== '');
  const by_partner: AttributionOutput['classification']['sourced']['by_partner'] = {};
  for (const r of sourced)
    by_partner[r.sourced] = { opportunities: r.n, pipeline: r.pipeline, revenue: r.revenue };
  const untouched = sum(g.totals.filter((r) => !r.touched));
  return {
    model,
    totals: { ...sum(g.totals), won: g.totals.reduce((a, r) => a + r.won, 0) },
    attributed: sum(touched),
    unattributed: untouched,
    byDimension,
    classification: {
      sourced: { ...sum(sourced), by_partner: splitSourcedByPartner(by_partner, partnerIds) },
      influenced: sum(touched.filter((r) => r.sourced === '')),
      unattributed: untouched,
    },
    markov,
    journeys: g.totals.reduce((a, r) => a + r.n, 0),
    nullJourneys: g.nullJourneys,
    touchesInJourneys: touched.reduce((a, r) => a + r.touches, 0),
  };
}
