import type { Action, ContributionRow } from '../../analyses/co-marketing/index.ts';
import type { AttributionOutput, CreditLine } from './attribute-stage.ts';
import type { TrackSourceInputs, ResolvedWindow } from './inputs.ts';
import type { Insights } from './insights-stage.ts';
import type { SourceAccounting } from './normalize-stage.ts';

export const RESULT_SCHEMA_ID = 'gtm.track-source.result/v1';

export interface OwnedAction extends Action {
  owner: {
    role: string;
    person: string | null;
    fallback_used: { from: string; to: string; reason: string } | null;
  };
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
  confidence: { value: number; threshold: number; matched_pipeline: number; unmatched_pipeline: number };
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
  row_accounting: SourceAccounting[];
  rejects: { rows: number; file: string | null; top_reasons: { reason: string; rows: number }[] };
  duplicates: { source: string; kept_source: string; rows: number }[];
  alerts: unknown[];
  escalations: unknown[];
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
}
