/**
 * track-source on ClickHouse: journeys and insight tables computed on the server from the
 * canonical entities normalized there; gtm receives one row per opportunity in scope and per
 * non-converting account (touches as arrays of integer codes) and the small insight tables.
 */
import { buildJourneys, type OpportunityJourney, type Touch } from '../../analyses/co-marketing/index.ts';
import type { Engine } from '../../data/index.ts';
import { canonicalRelation, runView } from '../../data/entities/normalize-clickhouse.ts';
import {
  campaignTouchesCh,
  dictionariesCh,
  funnelCh,
  journeysCh,
  journeyTouchesCh,
  nullPathsCh,
  nullTouchesCh,
  personasCh,
  scopeCh,
  segmentsCh,
  unassignedCh,
  type CanonicalRelations,
  type Dictionaries,
} from './sql/journeys-clickhouse.ts';
import type { ScopeParams } from './sql/journeys-sql.ts';

/** The relations of one run: campaign touches, scope, journey touches and null-path touches, as SQL. */
export interface ClickHouseScope {
  entities: CanonicalRelations;
  ctouch: string;
  scope: string;
  jtouch: string;
  nulls: string;
}

/** The run's relations as views on the server (made once, read by the journey and insight queries). */
const SCOPES = new WeakMap<Engine, Promise<ClickHouseScope>>();

export function clickHouseScope(engine: Engine, p: ScopeParams): Promise<ClickHouseScope> {
  let made = SCOPES.get(engine);
  if (!made) {
    made = makeScope(engine, p);
    SCOPES.set(engine, made);
  }
  return made;
}

async function makeScope(engine: Engine, p: ScopeParams): Promise<ClickHouseScope> {
  const entities: CanonicalRelations = {
    touchpoints: canonicalRelation(engine, 'touchpoints'),
    people: canonicalRelation(engine, 'people'),
    opportunities: canonicalRelation(engine, 'opportunities'),
    stage_history: canonicalRelation(engine, 'stage_history'),
  };
  // the campaign's touches, the opportunities in scope and their journeys' touches are read by
  // every journey and insight query: written once to tables of this run on the server, so the
  // sources are normalized once more for them, not once per query
  const view = (name: string, rel: string) =>
    runView(engine, name, rel.replace(/^\(([\s\S]*)\)$/, '$1'), { materialize: true });
  const ctouch = await view('ctouch', campaignTouchesCh(p, entities));
  const scope = await view('scope', scopeCh(p, entities, ctouch));
  return {
    entities,
    ctouch,
    scope,
    jtouch: await view('jtouch', journeyTouchesCh(p, entities, ctouch, scope)),
    nulls: await view('nulls', nullTouchesCh(p, ctouch, scope)),
  };
}

/** Byte order of UTF-8 text (DuckDB's and ClickHouse's string order), for the dictionaries. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

type NullPath = { channel: string; partner: string; asset: string; region: string };

/** `loadJourneys` on ClickHouse: the same journeys and null paths as the DuckDB queries give. */
export async function loadJourneysClickHouse(
  engine: Engine,
  p: ScopeParams,
): Promise<{ journeys: OpportunityJourney[]; nullPaths: NullPath[][] }> {
  const s = await clickHouseScope(engine, p);
  const [raw] = await engine.query<Record<keyof Dictionaries, string[]>>(dictionariesCh(s.jtouch, s.nulls));
  const dict: Dictionaries = {
    channel: [...(raw?.channel ?? [])].sort(byteOrder),
    partner: [...(raw?.partner ?? [])].sort(byteOrder),
    asset: [...(raw?.asset ?? [])].sort(byteOrder),
    region: [...(raw?.region ?? [])].sort(byteOrder),
    touch_type: [...(raw?.touch_type ?? [])].sort(byteOrder),
  };
  const text = (d: string[], c: number) => d[c - 1];
  const rows = await engine.query<{
    opportunity_id: string;
    created_ts: number;
    pipeline: number | null;
    revenue: number | null;
    won: number;
    tagged: number;
    region: string;
    segment: string;
    ts: number[];
    channel: number[];
    partner: number[];
    asset: number[];
    touch_type: number[];
    region_code: number[];
    sourced_by: string | null;
    lead_ts: number | null;
  }>(journeysCh(p, s.scope, s.jtouch, dict));
  const touches: (Touch & { opportunity_id: string })[] = [];
  const sourced = new Map<string, string>();
  const lead = new Map<string, number>();
  const opps = rows.map((r) => {
    r.ts.forEach((ts, i) =>
      touches.push({
        opportunity_id: r.opportunity_id,
        ts: Number(ts),
        channel: text(dict.channel, r.channel[i]),
        partner: text(dict.partner, r.partner[i]),
        asset: text(dict.asset, r.asset[i]),
        region: text(dict.region, r.region_code[i]),
        touch_type: r.touch_type[i] > dict.touch_type.length ? null : text(dict.touch_type, r.touch_type[i]),
      }),
    );
    if (r.sourced_by !== null) sourced.set(r.opportunity_id, r.sourced_by);
    if (r.lead_ts !== null) lead.set(r.opportunity_id, Number(r.lead_ts));
    const {
      ts: _ts,
      channel: _c,
      partner: _p,
      asset: _a,
      touch_type: _t,
      region_code: _r,
      sourced_by: _s,
      lead_ts: _l,
      ...o
    } = r;
    return {
      ...o,
      created_ts: Number(r.created_ts),
      pipeline: Number(r.pipeline),
      revenue: Number(r.revenue),
      won: Boolean(r.won),
      tagged: Boolean(r.tagged),
    };
  });
  const journeys = buildJourneys(opps, touches, sourced, lead);
  const nullRows = await engine.query<{
    acct: string;
    channel: number[];
    partner: number[];
    asset: number[];
    region: number[];
  }>(nullPathsCh(s.nulls, dict));
  const nullPaths = nullRows.map((r) =>
    r.channel.map((c, i) => ({
      channel: text(dict.channel, c),
      partner: text(dict.partner, r.partner[i]),
      asset: text(dict.asset, r.asset[i]),
      region: text(dict.region, r.region[i]),
    })),
  );
  return { journeys, nullPaths };
}

/** The insight tables of `computeInsights` on ClickHouse, as rows the DuckDB queries return. */
export async function insightRowsClickHouse(
  engine: Engine,
  p: ScopeParams,
  proposalRank: number,
): Promise<{
  segments: Record<string, unknown>[];
  personas: Record<string, unknown>[];
  funnel: { partner: Record<string, unknown>[]; channel: Record<string, unknown>[] };
  unassigned: { source: string; medium: string; touches: number }[];
  totals: { n: number; u: number };
}> {
  const s = await clickHouseScope(engine, p);
  const un = unassignedCh(s.ctouch);
  const [totals] = await engine.query<{ n: number; u: number }>(un.totals);
  return {
    segments: await engine.query(segmentsCh(s.scope)),
    personas: await engine.query(personasCh(s.jtouch, s.scope, s.entities.people)),
    funnel: {
      partner: await engine.query(funnelCh(p, 'partner', proposalRank, s.ctouch, s.jtouch, s.scope)),
      channel: await engine.query(funnelCh(p, 'channel', proposalRank, s.ctouch, s.jtouch, s.scope)),
    },
    unassigned: await engine.query<{ source: string; medium: string; touches: number }>(un.top),
    totals: totals ?? { n: 0, u: 0 },
  };
}
