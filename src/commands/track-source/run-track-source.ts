import path from 'node:path';
import {
  contributionVsTarget,
  recommendActions,
  type ContributionRow,
} from '../../analyses/co-marketing/index.ts';
import { loadSource, openDuckDb, type Engine, type SourceLoad, type SourceSpec } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import {
  reconcile,
  resolveOwner,
  runPlan,
  type PlanRecord,
  type RunEvent,
  type StageDef,
} from '../../orchestrator/index.ts';
import type { SourceConfig, WorkspaceConfig } from '../../workspace/index.ts';
import { attributeCampaign, type AttributionOutput } from './attribute-stage.ts';
import { asOfInstant, resolveInputs } from './inputs.ts';
import { computeInsights, type Insights } from './insights-stage.ts';
import { normalizeSources, topReasons, type NormalizeOutput } from './normalize-stage.ts';
import type { ScopeParams } from './sql/journeys-sql.ts';
import { RESULT_SCHEMA_ID, type OwnedAction, type TrackSourceResult } from './track-source-result.ts';
import { writeTrackSourceReports } from './write-reports.ts';

export interface RunTrackSourceOptions {
  ws: WorkspaceConfig;
  /** Flags by canonical (snake_case) name. */
  flags: Record<string, unknown>;
  /** Today's date (YYYY-MM-DD) when --as-of is not given; read from the clock by the CLI. */
  today: string;
  now?: () => Date;
  onEvent?: (e: RunEvent) => void;
  /** For `env:VAR` source urls; default `process.env`. */
  env?: Record<string, string | undefined>;
}

export interface TrackSourceRun {
  result: TrackSourceResult;
  record: PlanRecord;
  planPath: string;
  /** Problems found after a complete run (e.g. too many rejected rows): reported, then a non-zero exit. */
  problems: GtmError[];
}

const REGISTRATION_TYPES = ['deal_registration', 'partner_referral'];

export function sourceSpec(
  src: SourceConfig,
  baseDir: string,
  env?: Record<string, string | undefined>,
): SourceSpec {
  return src.kind === 'file'
    ? { name: src.name, kind: 'file', path: src.path, format: src.format, delimiter: src.delimiter, baseDir }
    : {
        name: src.name,
        kind: 'postgres',
        url: src.url,
        table: src.table,
        query: src.query,
        schema: src.schema,
        env,
      };
}

/**
 * Runs `track-source` end to end as an audited plan: gather (one task per source, in parallel) →
 * normalize → attribute → insights ‖ contribution → reconcile (merge gate) → actions → report.
 */
export async function runTrackSource(opts: RunTrackSourceOptions): Promise<TrackSourceRun> {
  const { ws } = opts;
  const now = opts.now ?? (() => new Date());
  const { inputs, campaign, window } = resolveInputs(opts.flags, ws, opts.today);
  const asOfDate = asOfInstant(inputs.as_of);
  const asOfDay = new Date(asOfDate.getTime() - 1).toISOString().slice(0, 10);
  const startedAt = now();
  const runId = startedAt.toISOString().replace(/[-:.]/g, '');
  const reportsDir = path.resolve(ws.baseDir, ws.output.reports_dir, 'track-source', runId);
  const planDir = path.resolve(ws.baseDir, ws.output.plans_dir);
  const stageRanks: Record<string, number> = Object.fromEntries(ws.funnel.stages.map((s, i) => [s, i + 1]));
  const scope: ScopeParams = {
    utmCampaigns: campaign.utm_campaigns,
    assetIds: campaign.assets.map((a) => a.id.toLowerCase()),
    campaignTags: [
      ...new Set([campaign.id, campaign.name, ...campaign.utm_campaigns].map((s) => s.trim().toLowerCase())),
    ].map((s) => ws.utm.aliases.campaign[s] ?? s),
    windowStart: window.start,
    windowEnd: window.end,
    lookbackDays: campaign.lookback_days,
    wonStage: ws.funnel.won,
    stageRanks,
    registrationTypes: REGISTRATION_TYPES,
  };
  const campStart = Date.parse(`${campaign.start}T00:00:00Z`);
  const campEnd = Date.parse(`${campaign.end}T00:00:00Z`) + 86_400_000;
  const elapsed = Math.min(1, Math.max(0, (asOfDate.getTime() - campStart) / (campEnd - campStart)));
  const overlap = Math.max(
    0,
    Math.min(Date.parse(window.end), campEnd) - Math.max(Date.parse(window.start), campStart),
  );
  const windowShare = overlap / (campEnd - campStart);

  const engine: Engine =
    ws.engine.kind === 'duckdb'
      ? await openDuckDb({
          path: ws.engine.path ? path.resolve(ws.baseDir, ws.engine.path) : undefined,
          threads: ws.engine.threads,
        })
      : (() => {
          throw new GtmError('CONFIG', 'track-source runs on the embedded DuckDB engine in this version', {
            where: 'engine.kind',
            hint: 'remove engine: or set engine.kind: duckdb; attribution over a ClickHouse touch table runs with `gtm attribute --touchpoints TABLE --clickhouse URL`',
          });
        })();
  const loads = new Map<string, SourceLoad>();
  const owner = (role: string) => {
    const r = resolveOwner(ws.roster, role, asOfDay);
    return { role, person: r.person, fallback_used: r.fallbackUsed ?? null };
  };

  const gatherStages: StageDef[] = ws.sources.map((src, i) => ({
    id: `gather_${src.name}`,
    name: `Gather ${src.name}`,
    owner: 'marketing_ops',
    purpose: `Read ${src.entity} from ${src.kind === 'file' ? src.path : `PostgreSQL ${src.table ?? 'query'}`}`,
    outputVar: `load_${src.name}`,
    dependsOn: [],
    input: { source: src.name, kind: src.kind, entity: src.entity },
    run: async (ctx) => {
      ctx.progress(`reading ${src.name}`);
      const load = await loadSource(engine, sourceSpec(src, ws.baseDir, opts.env), `raw_${i}`);
      loads.set(src.name, load);
      ctx.fingerprint({
        source: src.name,
        rows: load.rows + load.rejects.length,
        hash: load.fingerprint,
        columns: load.columns.map((c) => c.name),
      });
      return {
        source: src.name,
        rows: load.rows,
        rejected: load.rejects.length,
        fingerprint: load.fingerprint,
      };
    },
  }));
  let norm: NormalizeOutput | undefined;
  let attr: AttributionOutput | undefined;
  let insights: Insights | undefined;
  let contribution: ContributionRow[] = [];
  let actions: OwnedAction[] = [];
  const rejectsFile = path.join(reportsDir, 'rejects.csv');
  const partnerName = (id: string) =>
    ws.partners.find((p) => p.id === id)?.name ?? (id === 'house' ? 'House (no partner)' : id);

  const stages: StageDef[] = [
    ...gatherStages,
    {
      id: 'normalize',
      name: 'Normalize and dedupe',
      owner: 'marketing_ops',
      purpose:
        'Reconcile schemas, currencies, funnel stages, UTMs, channels and partners; dedupe records seen in several sources',
      outputVar: 'normalized',
      dependsOn: gatherStages.map((s) => s.id),
      run: async (ctx) => {
        norm = await normalizeSources(engine, ws, loads);
        for (const a of norm.accounting)
          ctx.rows({ ...a, rejects_file: a.rejected ? path.relative(ws.baseDir, rejectsFile) : undefined });
        return norm.entities;
      },
    },
    {
      id: 'attribute',
      name: 'Attribute pipeline and revenue',
      owner: 'co_marketing_analytics_lead',
      purpose: `Allocate pipeline and revenue across ${inputs.dimensions.join(', ')} with ${inputs.attribution_model}`,
      outputVar: 'attribution',
      dependsOn: ['normalize'],
      run: async (ctx) => {
        const dims = [...new Set([...inputs.dimensions, 'asset' as const])];
        attr = (await attributeCampaign(engine, ws, scope, inputs.attribution_model, dims, ctx.progress))
          .output;
        return { model: attr.model, totals: attr.totals, unattributed: attr.unattributed };
      },
    },
    {
      id: 'insights',
      name: 'Generate insights',
      owner: 'co_marketing_analytics_lead',
      purpose: 'Top assets, audience segments, funnel drop-off by partner and channel',
      outputVar: 'insights',
      dependsOn: ['attribute'],
      run: async () => {
        // assets are always attributed (insights need them), even when not asked for as a breakdown
        const assetCredit = attr!.byDimension.asset;
        insights = await computeInsights(
          engine,
          scope,
          campaign,
          attr!,
          assetCredit,
          ws.currency.reporting,
          stageRanks.proposal ?? Math.ceil(ws.funnel.stages.length / 2),
        );
        return { statements: insights.statements.length };
      },
    },
    {
      id: 'contribution',
      name: 'Contribution vs targets',
      owner: 'revops_finance',
      purpose: 'Pipeline and revenue contribution per partner against targets, and attribution confidence',
      outputVar: 'contribution',
      dependsOn: ['attribute'],
      run: async (ctx) => {
        const partners = attr!.byDimension.partner ?? [];
        const ids = [...new Set([...campaign.partners, ...partners.map((p) => p.key)])].filter(
          (k) => k !== 'house',
        );
        contribution = contributionVsTarget(
          ids.map((id) => {
            const line = partners.find((p) => p.key === id);
            return {
              partner: id,
              partner_name: partnerName(id),
              pipeline: line?.pipeline ?? 0,
              revenue: line?.revenue ?? 0,
            };
          }),
          campaign.targets,
          windowShare,
        );
        const conf = attr!.totals.pipeline > 0 ? attr!.attributed.pipeline / attr!.totals.pipeline : 1;
        ctx.alert({
          id: 'attribution_confidence',
          metric: 'share of pipeline with at least one matched touch',
          value: conf,
          threshold: inputs.alert_threshold,
          direction: 'below',
          owner_role: 'co_marketing_analytics_lead',
        });
        return { partners: contribution.length, confidence: conf };
      },
    },
    {
      id: 'reconcile',
      name: 'Reconcile attribution (merge gate)',
      owner: 'revops_finance',
      purpose:
        'Attributed credit plus unattributed equals pipeline and revenue in scope for every dimension; contribution equals partner credit',
      outputVar: 'reconciled',
      dependsOn: ['insights', 'contribution'],
      kind: 'merge-gate',
      run: async () => {
        const a = attr!;
        const checks = Object.entries(a.byDimension).flatMap(([dim, lines]) => [
          {
            what: `pipeline by ${dim} + unattributed`,
            expected: a.totals.pipeline,
            actual: lines!.reduce((s, l) => s + l.pipeline, 0) + a.unattributed.pipeline,
            tolerance: 1e-6 * Math.max(1, a.totals.pipeline),
          },
          {
            what: `revenue by ${dim} + unattributed`,
            expected: a.totals.revenue,
            actual: lines!.reduce((s, l) => s + l.revenue, 0) + a.unattributed.revenue,
            tolerance: 1e-6 * Math.max(1, a.totals.revenue),
          },
        ]);
        const c = a.classification;
        checks.push({
          what: 'sourced + influenced + unattributed pipeline',
          expected: a.totals.pipeline,
          actual: c.sourced.pipeline + c.influenced.pipeline + c.unattributed.pipeline,
          tolerance: 1e-6 * Math.max(1, a.totals.pipeline),
        });
        const partnerCredit = (a.byDimension.partner ?? [])
          .filter((l) => l.key !== 'house')
          .reduce((s, l) => s + l.pipeline, 0);
        checks.push({
          what: 'contribution vs partner credit',
          expected: partnerCredit,
          actual: contribution.reduce((s, r) => s + r.pipeline, 0),
          tolerance: 1e-6 * Math.max(1, partnerCredit),
        });
        reconcile(checks, 'reconcile');
        return { checks: checks.length };
      },
    },
    {
      id: 'actions',
      name: 'Recommend optimizations',
      owner: 'co_marketing_analytics_lead',
      purpose: 'Rule-based asset and channel adjustments with evidence and owners',
      outputVar: 'actions',
      dependsOn: ['reconcile'],
      run: async () => {
        const a = attr!;
        const rejected = norm!.rejects;
        const reasons = topReasons(rejected.map((r) => r.reason));
        const names = new Map(campaign.assets.map((x) => [x.id.toLowerCase(), x.name]));
        const list = recommendActions({
          contribution,
          assets: (insights!.top_assets ?? []).map((x) => ({
            key: x.asset,
            partner: x.partner,
            label: names.get(x.asset) ?? x.asset,
            pipeline: x.pipeline,
            revenue: x.revenue,
            touches: x.touches,
          })),
          channels: (a.byDimension.channel ?? []).map((c) => ({
            key: c.key,
            label: c.key.replace(/_/g, ' '),
            pipeline: c.pipeline,
            revenue: c.revenue,
            touches: c.touches,
          })),
          funnelByPartner: insights!.dropoff.by_partner,
          funnelByChannel: insights!.dropoff.by_channel,
          confidence: {
            value: a.totals.pipeline ? a.attributed.pipeline / a.totals.pipeline : 1,
            threshold: inputs.alert_threshold,
            unmatchedPipeline: a.unattributed.pipeline,
          },
          unassigned: {
            touches: insights!.unassigned.touches,
            totalTouches: insights!.unassigned.total_touches,
            top: insights!.unassigned.top,
          },
          rejects: { rows: rejected.length, topReason: reasons[0]?.reason ?? null },
          currency: ws.currency.reporting,
        });
        actions = list.map((x) => ({ ...x, owner: owner(x.owner_role) }));
        return { actions: actions.length };
      },
    },
  ];

  let result: TrackSourceResult | undefined;
  let planPathOut = '';
  stages.push({
    id: 'report',
    name: 'Reporting package',
    owner: 'co_marketing_analytics_lead',
    purpose: 'Dashboard, executive summary, contribution table, action list, result.json',
    outputVar: 'report',
    dependsOn: ['actions'],
    run: async () => {
      result = buildResult();
      await writeTrackSourceReports(reportsDir, result, norm!.rejects);
      return { dir: path.relative(ws.baseDir, reportsDir) };
    },
  });

  function buildResult(): TrackSourceResult {
    const a = attr!;
    const n = norm!;
    const partners = (a.byDimension.partner ?? []).map((l) => {
      const s = a.classification.sourced.by_partner[l.key];
      return {
        ...l,
        name: partnerName(l.key),
        tier: ws.partners.find((p) => p.id === l.key)?.tier ?? null,
        sourced_pipeline: s?.pipeline ?? 0,
        sourced_revenue: s?.revenue ?? 0,
        sourced_opportunities: s?.opportunities ?? 0,
      };
    });
    const conf = a.totals.pipeline > 0 ? a.attributed.pipeline / a.totals.pipeline : 1;
    let comparison: TrackSourceResult['comparison'];
    if (a.comparison) {
      comparison = [];
      for (const dim of Object.keys(a.byDimension)) {
        const keys = new Set(
          Object.values(a.comparison).flatMap((m) => Object.keys(m[dim as 'partner'] ?? {})),
        );
        for (const key of [...keys].sort()) {
          const per_model = Object.fromEntries(
            Object.entries(a.comparison).map(([m, d]) => [m, d[dim as 'partner']?.[key] ?? 0]),
          );
          const vals = Object.values(per_model);
          const min = Math.min(...vals);
          const max = Math.max(...vals);
          comparison.push({ dimension: dim, key, per_model, min, max, spread: max - min });
        }
      }
    }
    return {
      schema: RESULT_SCHEMA_ID,
      run_id: runId,
      plan_path: path.relative(ws.baseDir, planPathOut) || planPathOut,
      reports_dir: path.relative(ws.baseDir, reportsDir),
      as_of: inputs.as_of,
      inputs,
      campaign: {
        id: campaign.id,
        name: campaign.name,
        partners: campaign.partners,
        start: campaign.start,
        end: campaign.end,
        elapsed_share: elapsed,
        window_share: windowShare,
      },
      window,
      currency: ws.currency.reporting,
      model: {
        name: a.model,
        half_life_days: ws.attribution.half_life_days,
        bootstrap: ['markov', 'shapley', 'fractribution'].includes(a.model) ? ws.attribution.bootstrap : 0,
        seed: ws.attribution.seed,
        lookback_days: campaign.lookback_days,
      },
      totals: {
        ...a.totals,
        attributed_pipeline: a.attributed.pipeline,
        attributed_revenue: a.attributed.revenue,
      },
      confidence: {
        value: conf,
        threshold: inputs.alert_threshold,
        matched_pipeline: a.attributed.pipeline,
        unmatched_pipeline: a.unattributed.pipeline,
      },
      by_partner: partners,
      by_channel: a.byDimension.channel ?? [],
      ...(a.byDimension.asset && inputs.dimensions.includes('asset')
        ? { by_asset: a.byDimension.asset }
        : {}),
      ...(a.byDimension.region ? { by_region: a.byDimension.region } : {}),
      unattributed: a.unattributed,
      partner_classification: a.classification,
      contribution,
      insights: insights!,
      actions,
      row_accounting: n.accounting,
      rejects: {
        rows: n.rejects.length,
        file: n.rejects.length ? path.relative(ws.baseDir, rejectsFile) : null,
        top_reasons: topReasons(n.rejects.map((r) => r.reason)).slice(0, 5),
      },
      duplicates: n.duplicates,
      alerts: [],
      escalations: [],
      ...(comparison ? { comparison } : {}),
      ...(a.markov ? { markov: a.markov } : {}),
      journeys: { opportunities: a.journeys, non_converting: a.nullJourneys, touches: a.touchesInJourneys },
    };
  }

  let record: PlanRecord;
  try {
    record = await runPlan(
      {
        command: 'track-source',
        scope: campaign.id,
        objective: `Attribute ${campaign.name} pipeline and revenue across partners and channels (${window.label} to ${inputs.as_of})`,
        complexity: 'medium',
        strategy: 'diamond',
        inputs: { ...inputs },
        settings: {
          model: inputs.attribution_model,
          sources: Object.fromEntries(
            ws.sources.map((s) => [
              s.name,
              s.kind === 'file' ? `file:${s.path}` : `postgres:${s.table ?? 'query'}`,
            ]),
          ),
          thresholds: {
            attribution_confidence: inputs.alert_threshold,
            max_reject_rate: ws.thresholds.max_reject_rate,
          },
          cadence: ws.cadence,
          window: window.label,
          dimensions: inputs.dimensions,
          lookback_days: campaign.lookback_days,
        },
        stages,
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
        errorHandling: {
          retryStrategy: 'exponential backoff for retriable errors (data pulls, reconciliation mismatches)',
          maxRetries: 2,
          fallbackPlan: 'report last good run; escalate per ladder',
          escalationLadder: ws.escalation['track-source'] ?? [
            'co_marketing_analytics_lead',
            'revops_finance',
            'exec_sponsor',
          ],
        },
        roster: ws.roster,
        asOf: asOfDay,
      },
      {
        planDir,
        now,
        runId,
        onEvent: (e) => {
          if (e.type === 'run-started') planPathOut = e.path;
          opts.onEvent?.(e);
        },
      },
    );
  } finally {
    await engine.close();
  }
  const res = result!;
  res.plan_path = path.relative(ws.baseDir, planPathOut) || planPathOut;
  res.alerts = record.alerts;
  res.escalations = record.escalations;
  // result.json is rewritten with the plan's alert evaluations now that the plan is closed
  await writeTrackSourceReports(reportsDir, res, norm!.rejects);
  const problems: GtmError[] = [];
  // The limit applies per source: 60 broken opportunities must not hide behind 70,000 clean web rows.
  const over = norm!.accounting
    .filter((a) => a.rows_in > 0 && a.rejected / a.rows_in > ws.thresholds.max_reject_rate)
    .sort((a, b) => b.rejected / b.rows_in - a.rejected / a.rows_in);
  if (over.length) {
    const worst = over[0];
    const first = norm!.rejects.find((r) => r.source === worst.source) ?? norm!.rejects[0];
    const others =
      over.length > 1 ? ` (and ${over.length - 1} more source${over.length > 2 ? 's' : ''})` : '';
    problems.push(
      new GtmError(
        'DATA',
        `${worst.rejected} of ${worst.rows_in} rows of source ${worst.source} rejected (${((worst.rejected / worst.rows_in) * 100).toFixed(2)}%, limit ${(ws.thresholds.max_reject_rate * 100).toFixed(2)}%)${others}; first: ${first.reason}`,
        {
          where: `${first.file}:${first.row}`,
          hint: `fix the rows listed in ${path.relative(ws.baseDir, rejectsFile)}, or raise thresholds.max_reject_rate in gtm.yaml`,
        },
      ),
    );
  }
  return { result: res, record, planPath: planPathOut, problems };
}
