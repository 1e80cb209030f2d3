/** One opportunity and the touches of its account within the lookback, in time order. */
export interface Touch {
  ts: number;
  channel: string;
  partner: string;
  asset: string;
  region: string;
  touch_type: string | null;
}

export interface OpportunityJourney {
  opportunity_id: string;
  created_ts: number;
  pipeline: number;
  revenue: number;
  won: boolean;
  region: string;
  segment: string;
  /** Partner whose deal registration or referral preceded creation; it takes precedence. */
  sourced_by: string | null;
  lead_ts: number | null;
  touches: Touch[];
}

export type Dimension = 'partner' | 'channel' | 'asset' | 'region';

/**
 * Groups touch rows (sorted by opportunity, then time) onto their opportunities.
 * @example buildJourneys(opps, rows, new Map(), new Map())
 */
export function buildJourneys(
  opps: Omit<OpportunityJourney, 'touches' | 'sourced_by' | 'lead_ts'>[],
  touchRows: (Touch & { opportunity_id: string })[],
  sourcedBy: Map<string, string>,
  leadTs: Map<string, number>,
): OpportunityJourney[] {
  const byId = new Map<string, OpportunityJourney>();
  const out = opps.map((o) => {
    const j: OpportunityJourney = {
      ...o,
      sourced_by: sourcedBy.get(o.opportunity_id) ?? null,
      lead_ts: leadTs.get(o.opportunity_id) ?? null,
      touches: [],
    };
    byId.set(o.opportunity_id, j);
    return j;
  });
  for (const r of touchRows) {
    const j = byId.get(r.opportunity_id);
    if (j)
      j.touches.push({
        ts: r.ts,
        channel: r.channel,
        partner: r.partner,
        asset: r.asset,
        region: r.region,
        touch_type: r.touch_type,
      });
  }
  return out;
}

/** Index of the last touch at or before `ts`, or undefined. */
export function lastTouchAtOrBefore(touches: Touch[], ts: number | null): number | undefined {
  if (ts === null) return undefined;
  let idx: number | undefined;
  for (let i = 0; i < touches.length; i++) if (touches[i].ts <= ts) idx = i;
  return idx;
}
