import type { Action, ContributionRow } from '../../analyses/co-marketing/index.ts';
import type { RowAccounting } from '../../contracts/index.ts';
import { topReasons } from '../../data/index.ts';
import type { AlertRecord, EscalationRecord } from '../../orchestrator/index.ts';
import type { Closing, KitRun, SnapshotInfo, OwnerRef } from '../kit/index.ts';
import type { AttributionOutput, CreditLine } from './attribute-stage.ts';
import type { ResolvedWindow, TrackSourceContext, TrackSourceInputs } from './inputs.ts';
import type { Insights } from './insights-stage.ts';
import type { TouchNotes } from './touch-notes.ts';
import { confidenceOf, noConfidenceReason, partnerName, type TrackSourceOutputs } from './plan.ts';

export const RESULT_SCHEMA_ID = 'gtm.track-source.result/v1';

export interface OwnedAction extends Action {
  owner: OwnerRef;
}

/** The machine contract of `track-source` (documented by `track-source.result.schema.json`). */
export interface TrackSourceResult {
  schema: typeof RESULT_SCHEMA_ID;
  run_id: string;
  plan_path: string;
  reports_dir: string;
  as_of: string;
  inputs: TrackSourceInputs;
  campaign: {
    id: string;
    name: string;
    partners: string[];
    start: string;
    end: string;
    elapsed_share: number;
    window_share: number;
  };
  window: ResolvedWindow;
  currency: string;
  model: { name: string; half_life_days: number; bootstrap: number; seed: number; lookback_days: number };
  totals: AttributionOutput['totals'] & { attributed_pipeline: number; attributed_revenue: number };
  /** `value` null (n/a) when there is no pipeline to match, `reason` saying so. */
  confidence: {
    value: number | null;
    reason: string | null;
    threshold: number;
    matched_pipeline: number;
    unmatched_pipeline: number;
  };
  by_partner: (CreditLine & {
    name: string;
    tier: string | null;
    sourced_pipeline: number;
    sourced_revenue: number;
    sourced_opportunities: number;
  })[];
  by_channel: CreditLine[];
  by_asset?: CreditLine[];
  by_region?: CreditLine[];
  unattributed: AttributionOutput['unattributed'];
  partner_classification: AttributionOutput['classification'];
  contribution: ContributionRow[];
  insights: Insights;
  actions: OwnedAction[];
  row_accounting: (RowAccounting & { entity: string })[];
  rejects: { rows: number; file: string | null; top_reasons: { reason: string; rows: number }[] };
  duplicates: { source: string; kept_source: string; rows: number }[];
  alerts: AlertRecord[];
  escalations: EscalationRecord[];
  comparison?: {
    dimension: string;
    key: string;
    per_model: Record<string, number>;
    min: number;
    max: number;
    spread: number;
  }[];
  markov?: AttributionOutput['markov'];
  journeys: { opportunities: number; non_converting: number; touches: number };
  /** What normalization did to the accepted touches: URL-decoded UTM values, partner lists, unknown partners. */
  normalization: TouchNotes;
  /** dashboard.png and the narrow dashboard-narrow.png, when Chromium rendered them. */
  snapshot?: SnapshotInfo;
}

type Run = KitRun<TrackSourceContext>;

/** Each partner's credit, with its name, tier and what it sourced. */
function partnerLines(run: Run, a: AttributionOutput): TrackSourceResult['by_partner'] {
  return (a.byDimension.partner ?? []).map((l) => {
    const s = a.classification.sourced.by_partner[l.key];
    return {
      ...l,
      name: partnerName(run, l.key),
      tier: run.ws.partners.find((p) => p.id === l.key)?.tier ?? null,
      sourced_pipeline: s?.pipeline ?? 0,
      sourced_revenue: s?.revenue ?? 0,
      sourced_opportunities: s?.opportunities ?? 0,
    };
  });
}

/** With `--attribution-model compare`: each key's pipeline credit under every model, and the spread. */
function comparisonOf(a: AttributionOutput): TrackSourceResult['comparison'] {
  if (!a.comparison) return undefined;
  const out: NonNullable<TrackSourceResult['comparison']> = [];
  for (const dim of Object.keys(a.byDimension) as (keyof AttributionOutput['byDimension'])[]) {
    const keys = new Set(Object.values(a.comparison).flatMap((m) => Object.keys(m[dim] ?? {})));
    for (const key of [...keys].sort()) {
      const per_model = Object.fromEntries(
        Object.entries(a.comparison).map(([m, d]) => [m, d[dim]?.[key] ?? 0]),
      );
      const vals = Object.values(per_model);
      const min = Math.min(...vals);
      const max = Math.max(...vals);
      out.push({ dimension: dim, key, per_model, min, max, spread: max - min });
    }
  }
  return out;
}

/** The result of a run, assembled once every stage has finished. */
export function buildTrackSourceResult(run: Run, o: TrackSourceOutputs, closing: Closing): TrackSourceResult {
  const { inputs, campaign, window } = run.inputs;
  const a = o.attribute;
  const n = o.normalize;
  const comparison = comparisonOf(a);
  return {
    schema: RESULT_SCHEMA_ID,
    run_id: run.runId,
    plan_path: closing.plan_path,
    reports_dir: run.rel(run.reportsDir),
    as_of: inputs.as_of,
    inputs,
    campaign: {
      id: campaign.id,
      name: campaign.name,
      partners: campaign.partners,
      start: campaign.start,
      end: campaign.end,
      elapsed_share: run.inputs.elapsedShare,
      window_share: run.inputs.windowShare,
    },
    window,
    currency: run.ws.currency.reporting,
    model: {
      name: a.model,
      half_life_days: run.ws.attribution.half_life_days,
      bootstrap: ['markov', 'shapley', 'fractribution'].includes(a.model) ? run.ws.attribution.bootstrap : 0,
      seed: run.ws.attribution.seed,
      lookback_days: campaign.lookback_days,
    },
    totals: {
      ...a.totals,
      attributed_pipeline: a.attributed.pipeline,
      attributed_revenue: a.attributed.revenue,
    },
    confidence: {
      value: confidenceOf(a),
      reason: noConfidenceReason(a),
      threshold: inputs.alert_threshold,
      matched_pipeline: a.attributed.pipeline,
      unmatched_pipeline: a.unattributed.pipeline,
    },
    by_partner: partnerLines(run, a),
    by_channel: a.byDimension.channel ?? [],
    ...(a.byDimension.asset && inputs.dimensions.includes('asset') ? { by_asset: a.byDimension.asset } : {}),
    ...(a.byDimension.region ? { by_region: a.byDimension.region } : {}),
    unattributed: a.unattributed,
    partner_classification: a.classification,
    contribution: o.contribution,
    insights: o.insights,
    actions: o.actions,
    row_accounting: n.accounting,
    rejects: {
      rows: n.rejects.length,
      file: n.rejects.length ? run.rel(`${run.reportsDir}/rejects.csv`) : null,
      top_reasons: topReasons(n.rejects.map((r) => r.reason)).slice(0, 5),
    },
    duplicates: n.duplicates,
    alerts: closing.alerts,
    escalations: closing.escalations,
    ...(comparison ? { comparison } : {}),
    ...(a.markov ? { markov: a.markov } : {}),
    journeys: { opportunities: a.journeys, non_converting: a.nullJourneys, touches: a.touchesInJourneys },
    normalization: a.touchNotes ?? {
      url_decoded: {},
      url_undecodable: {},
      partner_lists: [],
      unknown_partners: [],
    },
  };
}
