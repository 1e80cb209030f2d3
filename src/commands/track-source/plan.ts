import {
  contributionVsTarget,
  recommendActions,
  type ContributionRow,
} from '../../analyses/co-marketing/index.ts';
import { topReasons } from '../../data/index.ts';
import { reconcile } from '../../orchestrator/index.ts';
import type { CommandPlan, KitRun, SourceOutputs } from '../kit/index.ts';
import { stageOf } from '../kit/index.ts';
import { attributeCampaign, type AttributionOutput } from './attribute-stage.ts';
import type { TrackSourceContext } from './inputs.ts';
import { computeInsights, type Insights } from './insights-stage.ts';
import { reconcileChecks } from './reconcile-checks.ts';
import { touchNoteLines, touchNotes } from './touch-notes.ts';
import type { OwnedAction } from './result.ts';

/** What each stage of track-source hands to the next. */
export interface TrackSourceOutputs extends SourceOutputs {
  attribute: AttributionOutput;
  insights: Insights;
  contribution: ContributionRow[];
  reconcile: { checks: number };
  actions: OwnedAction[];
}

type Run = KitRun<TrackSourceContext>;
const stage = stageOf<TrackSourceOutputs>();

/** Partner display name: the configured name, or `House (no partner)` for touches of no partner. */
export const partnerName = (run: Run, id: string): string =>
  run.ws.partners.find((p) => p.id === id)?.name ?? (id === 'house' ? 'House (no partner)' : id);

/** Share of pipeline with at least one matched touch. */
export const confidenceOf = (a: AttributionOutput): number | null =>
  a.totals.pipeline > 0 ? a.attributed.pipeline / a.totals.pipeline : null;

/** Why there is no attribution confidence (`confidenceOf` null): no pipeline to match. */
export const noConfidenceReason = (a: AttributionOutput): string | null =>
  a.totals.pipeline > 0
    ? null
    : a.totals.opportunities > 0
      ? `no pipeline to match: ${a.totals.opportunities === 1 ? 'the opportunity in scope has' : `the ${a.totals.opportunities} opportunities in scope have`} no amount`
      : 'no pipeline to match: no opportunity in scope';

const attribute = (run: Run) =>
  stage({
    id: 'attribute',
    name: 'Attribute pipeline and revenue',
    owner: 'co_marketing_analytics_lead',
    purpose: `Allocate pipeline and revenue across ${run.inputs.inputs.dimensions.join(', ')} with ${run.inputs.inputs.attribution_model}`,
    needs: ['normalize'],
    run: async (ctx) => {
      // assets are always attributed (insights need them), even when not asked for as a breakdown
      const dims = [...new Set([...run.inputs.inputs.dimensions, 'asset' as const])];
      const engine = await run.engine();
      const out = await attributeCampaign(
        engine,
        run.ws,
        run.inputs.scope,
        run.inputs.inputs.attribution_model,
        dims,
        ctx.progress,
      );
      // URL-decoded UTM values, partner lists and unknown partners, said in the plan and the report
      out.touchNotes = await touchNotes(engine, run.inputs.scope.partnerIds);
      for (const line of touchNoteLines(out.touchNotes))
        ctx.note(`${line.text}${line.detail ? `: ${line.detail}` : ''}`);
      return out;
    },
  });

const insights = (run: Run) =>
  stage({
    id: 'insights',
    name: 'Generate insights',
    owner: 'co_marketing_analytics_lead',
    purpose: 'Top assets, audience segments, funnel drop-off by partner and channel',
    needs: ['attribute'],
    run: async (_ctx, { attribute: a }) =>
      computeInsights(
        await run.engine(),
        run.inputs.scope,
        run.inputs.campaign,
        a,
        a.byDimension.asset,
        run.ws.currency.reporting,
        run.inputs.stageRanks.proposal ?? Math.ceil(run.ws.funnel.stages.length / 2),
      ),
  });

const contribution = (run: Run) =>
  stage({
    id: 'contribution',
    name: 'Contribution vs targets',
    owner: 'revops_finance',
    purpose: 'Pipeline and revenue contribution per partner against targets, and attribution confidence',
    needs: ['attribute'],
    run: async (ctx, { attribute: a }) => {
      const partners = a.byDimension.partner ?? [];
      const ids = [...new Set([...run.inputs.campaign.partners, ...partners.map((p) => p.key)])].filter(
        (k) => k !== 'house',
      );
      const rows = contributionVsTarget(
        ids.map((id) => {
          const line = partners.find((p) => p.key === id);
          return {
            partner: id,
            partner_name: partnerName(run, id),
            pipeline: line?.pipeline ?? 0,
            revenue: line?.revenue ?? 0,
          };
        }),
        run.inputs.campaign.targets,
        run.inputs.windowShare,
      );
      // no pipeline: nothing to match, so no share to check (not a 100 % pass)
      const confidence = confidenceOf(a);
      if (confidence !== null)
        ctx.alert({
          id: 'attribution_confidence',
          metric: 'share of pipeline with at least one matched touch',
          value: confidence,
          threshold: run.inputs.inputs.alert_threshold,
          direction: 'below',
          owner_role: 'co_marketing_analytics_lead',
        });
      return rows;
    },
  });

const reconcileGate = () =>
  stage({
    id: 'reconcile',
    name: 'Reconcile attribution (merge gate)',
    owner: 'revops_finance',
    purpose:
      'Attributed credit plus unattributed equals pipeline and revenue in scope for every dimension; contribution equals partner credit',
    needs: ['attribute', 'contribution', 'insights'],
    kind: 'merge-gate',
    run: async (_ctx, { attribute: a, contribution: c }) => {
      const checks = reconcileChecks(a, c);
      reconcile(checks, 'reconcile');
      return { checks: checks.length };
    },
  });

const actions = (run: Run) =>
  stage({
    id: 'actions',
    name: 'Recommend optimizations',
    owner: 'co_marketing_analytics_lead',
    purpose: 'Rule-based asset and channel adjustments with evidence and owners',
    needs: ['attribute', 'insights', 'contribution', 'normalize', 'reconcile'],
    run: async (_ctx, { attribute: a, insights: i, contribution: c, normalize: n }) => {
      const names = new Map(run.inputs.campaign.assets.map((x) => [x.id.toLowerCase(), x.name]));
      const list = recommendActions({
        contribution: c,
        assets: i.top_assets.map((x) => ({
          key: x.asset,
          partner: x.partner,
          label: names.get(x.asset) ?? x.asset,
          pipeline: x.pipeline,
          revenue: x.revenue,
          touches: x.touches,
        })),
        channels: (a.byDimension.channel ?? []).map((x) => ({
          key: x.key,
          label: x.key.replace(/_/g, ' '),
          pipeline: x.pipeline,
          revenue: x.revenue,
          touches: x.touches,
        })),
        funnelByPartner: i.dropoff.by_partner,
        funnelByChannel: i.dropoff.by_channel,
        confidence: {
          value: confidenceOf(a),
          threshold: run.inputs.inputs.alert_threshold,
          unmatchedPipeline: a.unattributed.pipeline,
        },
        unassigned: {
          touches: i.unassigned.touches,
          totalTouches: i.unassigned.total_touches,
          top: i.unassigned.top,
        },
        rejects: {
          rows: n.rejects.length,
          topReason: topReasons(n.rejects.map((r) => r.reason))[0]?.reason ?? null,
        },
        currency: run.ws.currency.reporting,
      });
      return list.map((x) => ({ ...x, owner: run.owner(x.owner_role) }));
    },
  });

/** The plan of track-source: gather ‖ → normalize → attribute → insights ‖ contribution → reconcile → actions → report. */
export function trackSourcePlan(run: Run): CommandPlan<TrackSourceOutputs> {
  const { inputs, campaign, window } = run.inputs;
  return {
    // one history per campaign and window (`30d`, `campaign`, …), as the monitoring commands keep
    // one per window: a 30d and a whole-campaign run measure different shares of their targets,
    // and one must not make the other's breach the second in a row
    scope: `${campaign.id}:${window.label}`,
    objective: `Attribute ${campaign.name} pipeline and revenue across partners and channels (${window.label} to ${inputs.as_of})`,
    complexity: 'medium',
    strategy: 'diamond',
    settings: {
      model: inputs.attribution_model,
      sources: Object.fromEntries(
        run.ws.sources.map((s) => [
          s.name,
          s.kind === 'file' ? `file:${s.path}` : `postgres:${s.table ?? 'query'}`,
        ]),
      ),
      thresholds: {
        attribution_confidence: inputs.alert_threshold,
        max_reject_rate: run.ws.thresholds.max_reject_rate,
      },
      cadence: run.ws.cadence,
      window: window.label,
      dimensions: inputs.dimensions,
      lookback_days: campaign.lookback_days,
      // the gtm.yaml sections track-source reads, as resolved (defaults filled in): the model's
      // parameters (half-life, bootstrap, seed, custom weights; `model` above is the run's), how
      // touches get their channel, UTM values and partner, and the funnel's stages
      attribution: { custom_weights: null, ...run.ws.attribution },
      channels: run.ws.channels,
      utm: run.ws.utm,
      partners: run.ws.partners,
      funnel: run.ws.funnel,
    },
    stages: [attribute(run), insights(run), contribution(run), reconcileGate(), actions(run)],
    successCriteria: [
      'every input row accepted, deduplicated or rejected with a reason',
      'attributed pipeline and revenue plus unattributed equal the totals in scope',
      `attribution confidence at or above ${inputs.alert_threshold}`,
    ],
    deliverables: [
      'dashboard.html',
      'summary.md',
      'result.json',
      'contribution.csv',
      'actions.csv',
      'by_partner.csv',
      'by_channel.csv',
    ],
    retryStrategy: 'exponential backoff for retriable errors (data pulls, reconciliation mismatches)',
    fallbackPlan: 'report last good run; escalate per ladder',
  };
}
