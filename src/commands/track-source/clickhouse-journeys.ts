/**
 * track-source on ClickHouse: journeys and insight tables computed on the server from the
 * canonical entities normalized there; gtm receives one row per opportunity in scope and per
 * non-converting account (touches as arrays of integer codes) and the small insight tables.
 */
import type { OpportunityJourney, Touch } from '../../analyses/co-marketing/index.ts';
import { isClickHouseEngine, type Engine } from '../../data/index.ts';
import { canonicalRelation, runView } from '../../data/entities/normalize-clickhouse.ts';
import {
  campaignTouchesCh,
  dictionariesCh,
  funnelCh,
  groupedNullLinesCh,
  groupedPathLinesCh,
  journeyLinesCh,
  journeyTotalsCh,
  journeyTouchesCh,
  nullPathLinesCh,
  nullTouchesCh,
  personasCh,
  scopeCh,
  segmentsCh,
  touchCountsCh,
  unassignedCh,
  type CanonicalRelations,
  type Dictionaries,
  type PathDimension,
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

/** A field of a `TabSeparated` line: ClickHouse's escapes undone, `\\N` as null. */
function tsvField(text: string): string | null {
  if (text === '\\N') return null;
  if (!text.includes('\\')) return text;
  return text.replace(/\\(.)/g, (_, c: string) => TSV_ESCAPES[c] ?? c);
}
const TSV_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', '0': '\0' };
/** A list of integer codes written as `1,2,3` (empty text: no element). */
const codes = (text: string) => (text === '' ? [] : text.split(',').map(Number));
const numberOrNull = (text: string) => (text === '\\N' ? null : Number(text));

/**
 * `loadJourneys` on ClickHouse: the same journeys and null paths as the DuckDB queries give.
 *
 * What comes back is read as it streams (`TabSeparated` lines, the touches as lists of integer
 * codes), never held whole as JSON: one opportunity per line, each touch an object with its time
 * and the dictionary's strings (shared, not copied), and each non-converting account's path as
 * references to one shared object per distinct (channel, partner, asset, region) — so gtm's memory
 * follows the opportunities in scope and their touches, and the null paths cost a pointer a touch.
 */
export async function loadJourneysClickHouse(
  engine: Engine,
  p: ScopeParams,
): Promise<{ journeys: OpportunityJourney[]; nullPaths: NullPath[][] }> {
  if (!isClickHouseEngine(engine)) throw new Error('loadJourneysClickHouse needs the ClickHouse engine');
  const s = await clickHouseScope(engine, p);
  const dict = await dictionaries(engine, s);
  const text = (d: string[], c: number) => d[c - 1];
  const journeys: OpportunityJourney[] = [];
  // one line per opportunity, in opportunity order: its fields as the scope has them (the
  // attribution reads created_ts, pipeline, revenue, won, region, segment), its touches in time order
  await engine.queryLines(journeyLinesCh(p, s.scope, s.jtouch, dict), (line) => {
    const f = line.split('\t');
    const ts = codes(f[13]);
    const [channel, partner, asset, touchType, region] = [f[14], f[15], f[16], f[17], f[18]].map(codes);
    const touches: Touch[] = ts.map((t, i) => ({
      ts: t,
      channel: text(dict.channel, channel[i]),
      partner: text(dict.partner, partner[i]),
      asset: text(dict.asset, asset[i]),
      region: text(dict.region, region[i]),
      touch_type: touchType[i] > dict.touch_type.length ? null : text(dict.touch_type, touchType[i]),
    }));
    const o = {
      opportunity_id: tsvField(f[0]) as string,
      account_id: tsvField(f[1]),
      created_ts: Number(f[2]),
      stage: tsvField(f[3]),
      currency: tsvField(f[4]),
      amount: numberOrNull(f[5]),
      region: tsvField(f[6]) as string,
      segment: tsvField(f[7]) as string,
      pipeline: Number(numberOrNull(f[8])),
      revenue: Number(numberOrNull(f[9])),
      won: f[10] === '1',
      tagged: f[11] === '1',
      max_stage_rank: Number(f[12]),
    };
    journeys.push({ ...o, sourced_by: tsvField(f[19]), lead_ts: numberOrNull(f[20]), touches });
  });
  // the null paths: one shared object per distinct combination of codes
  const shared = new Map<string, NullPath>();
  const nullPaths: NullPath[][] = [];
  await engine.queryLines(nullPathLinesCh(s.nulls, dict), (line) => {
    const [channel, partner, asset, region] = line.split('\t').map(codes);
    nullPaths.push(
      channel.map((c, i) => {
        const key = `${c},${partner[i]},${asset[i]},${region[i]}`;
        let t = shared.get(key);
        if (!t) {
          t = {
            channel: text(dict.channel, c),
            partner: text(dict.partner, partner[i]),
            asset: text(dict.asset, asset[i]),
            region: text(dict.region, region[i]),
          };
          shared.set(key, t);
        }
        return t;
      }),
    );
  });
  return { journeys, nullPaths };
}

/** The distinct paths of one dimension, as columns: codes index `values` (0-based). */
export interface GroupedPaths {
  /** `rows + 1` offsets into `codes` */
  offsets: Int32Array;
  codes: Int32Array;
  rows: number;
}

/** One dimension's journeys and null paths grouped by path on the server, and its touch counts. */
export interface GroupedDimension {
  values: string[];
  /** per distinct path of the opportunities with touches: their count, pipeline, won count, revenue */
  journeys: GroupedPaths & {
    n: Float64Array;
    pipeline: Float64Array;
    won: Float64Array;
    revenue: Float64Array;
  };
  /** per distinct null path: the accounts that walked it */
  nulls: GroupedPaths & { n: Float64Array };
  /** touches per value on the journeys of the opportunities in scope */
  touches: Map<string, number>;
}

/** The opportunities in scope summed by touched (0/1) and sourcing partner ('' for none). */
export interface JourneyTotalsRow {
  touched: boolean;
  sourced: string;
  n: number;
  pipeline: number;
  revenue: number;
  won: number;
  touches: number;
}

/** Reads `path<TAB>numbers…` lines into path columns (codes made 0-based) and number columns. */
class GroupedLines {
  private offsets: number[] = [0];
  private codes: number[] = [];
  readonly numbers: number[][];

  constructor(fields: number) {
    this.numbers = Array.from({ length: fields }, () => []);
  }

  line(text: string): void {
    const f = text.split('\t');
    for (const c of codes(f[0])) this.codes.push(c - 1);
    this.offsets.push(this.codes.length);
    for (let i = 0; i < this.numbers.length; i++) this.numbers[i].push(Number(numberOrNull(f[i + 1]) ?? 0));
  }

  paths(): GroupedPaths {
    return {
      offsets: Int32Array.from(this.offsets),
      codes: Int32Array.from(this.codes),
      rows: this.offsets.length - 1,
    };
  }
}

/**
 * `loadJourneysClickHouse` for models whose credit depends on the path alone (no times, no
 * funnel roles, no bootstrap): each dimension's journeys come back grouped by distinct path with
 * their summed pipeline and revenue, its null paths grouped the same way, and the opportunities'
 * totals as a dozen rows — no row per opportunity or per account, so gtm's memory follows the
 * distinct paths of a dimension, not the opportunities in scope.
 */
export async function loadGroupedClickHouse(
  engine: Engine,
  p: ScopeParams,
  dimensions: readonly PathDimension[],
): Promise<{
  dims: Partial<Record<PathDimension, GroupedDimension>>;
  totals: JourneyTotalsRow[];
  nullJourneys: number;
}> {
  if (!isClickHouseEngine(engine)) throw new Error('loadGroupedClickHouse needs the ClickHouse engine');
  const s = await clickHouseScope(engine, p);
  const dict = await dictionaries(engine, s);
  const dims: Partial<Record<PathDimension, GroupedDimension>> = {};
  let nullJourneys = 0;
  for (const dim of dimensions) {
    const j = new GroupedLines(4);
    await engine.queryLines(groupedPathLinesCh(p, s.scope, s.jtouch, dict, dim), (l) => j.line(l));
    const nl = new GroupedLines(1);
    await engine.queryLines(groupedNullLinesCh(s.nulls, dict, dim), (l) => nl.line(l));
    const [n, pipeline, won, revenue] = j.numbers.map((x) => Float64Array.from(x));
    const nullN = Float64Array.from(nl.numbers[0]);
    nullJourneys = nullN.reduce((a, b) => a + b, 0);
    const touches = new Map<string, number>();
    for (const r of await engine.query<{ key: string; touches: number }>(touchCountsCh(s.jtouch, dim)))
      touches.set(String(r.key), Number(r.touches));
    dims[dim] = {
      values: dict[dim],
      journeys: { ...j.paths(), n, pipeline, won, revenue },
      nulls: { ...nl.paths(), n: nullN },
      touches,
    };
  }
  const totals = (
    await engine.query<Record<string, unknown>>(journeyTotalsCh(p, s.scope, s.jtouch, dict))
  ).map((r) => ({
    touched: Number(r.touched) === 1,
    sourced: String(r.sourced ?? ''),
    n: Number(r.n),
    pipeline: Number(r.pipeline),
    revenue: Number(r.revenue),
    won: Number(r.won),
    touches: Number(r.touches),
  }));
  return { dims, totals, nullJourneys };
}

/** The dictionaries of the run's journey and null-path touches, each in byte order. */
async function dictionaries(engine: Engine, s: ClickHouseScope): Promise<Dictionaries> {
  const [raw] = await engine.query<Record<keyof Dictionaries, string[]>>(dictionariesCh(s.jtouch, s.nulls));
  return {
    channel: [...(raw?.channel ?? [])].sort(byteOrder),
    partner: [...(raw?.partner ?? [])].sort(byteOrder),
    asset: [...(raw?.asset ?? [])].sort(byteOrder),
    region: [...(raw?.region ?? [])].sort(byteOrder),
    touch_type: [...(raw?.touch_type ?? [])].sort(byteOrder),
  };
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
