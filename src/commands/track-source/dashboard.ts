import {
  actionsSection,
  barChart,
  bulletVsTarget,
  dataQualitySection,
  errorBars,
  stackedBar,
  type Block,
  type Dashboard,
  type Kpi,
  type Section,
  moneyShort,
  plural,
  percentText,
} from '../../report/index.ts';
import { FUNNEL_MIN_BASE } from '../../analyses/co-marketing/index.ts';
import type { TrackSourceResult } from './result.ts';
import { touchNoteLines } from './touch-notes.ts';

const pct = (x: number) => percentText(x);
/** 'USD 3,094' from 1,000 up (pipeline and revenue totals), the currency's decimals below it. */
const money = (x: number, cur: string) => `${cur} ${moneyShort(x, cur)}`;
/** KPI tiles show compact amounts ($13.4M); tables keep exact figures. */
const compact = (x: number, cur: string) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: cur,
    notation: 'compact',
    minimumFractionDigits: 0,
    maximumFractionDigits: 2,
  }).format(x);

/** The executive summary: a few sentences a sponsor can read in a minute. */
export function executiveSummary(r: TrackSourceResult): string {
  const cur = r.currency;
  const lead = [...r.by_partner].filter((p) => p.key !== 'house').sort((a, b) => b.pipeline - a.pipeline)[0];
  const behind = r.contribution.filter((c) => c.status === 'behind').map((c) => c.partner_name);
  const lines = [
    `**${r.campaign.name}**, ${r.window.label} window to ${r.as_of}: ${plural(r.totals.opportunities, 'opportunity', 'opportunities')}, ${money(r.totals.pipeline, cur)} pipeline and ${money(r.totals.revenue, cur)} closed-won revenue in scope (${r.model.name} attribution).`,
    lead
      ? `${lead.name} leads partner credit with ${money(lead.pipeline, cur)} of pipeline (${money(lead.sourced_pipeline, cur)} partner-sourced).`
      : '',
    r.confidence.value === null
      ? `Attribution confidence is n/a (${r.confidence.reason ?? 'no pipeline to match'}), so the guardrail of ${pct(r.confidence.threshold)} is not checked.`
      : `Attribution confidence is ${pct(r.confidence.value)} against a guardrail of ${pct(r.confidence.threshold)}${r.confidence.value < r.confidence.threshold ? ' — below it' : ''}; ${money(r.unattributed.pipeline, cur)} of pipeline has no matched touch.`,
    r.campaign.window_share === 0 && r.window.label === 'campaign' && r.window.days === 0
      ? `The campaign starts on ${r.campaign.start}, after as-of ${r.as_of}: its window is empty, so nothing is in scope; run with --as-of on or after ${r.campaign.start}.`
      : r.campaign.window_share === 0
        ? `The window does not overlap the campaign (${r.campaign.start} to ${r.campaign.end}): no target applies; check --window and --as-of.`
        : r.contribution.every((c) => c.status === 'no_target')
          ? 'No partner has a pipeline target for this window.'
          : behind.length
            ? `Behind their pipeline targets for this window: ${behind.join(', ')} (targets prorated to the window, ${pct(r.campaign.window_share)} of the campaign).`
            : `All partners with targets are on or ahead of their pipeline targets for this window (${pct(r.campaign.window_share)} of the campaign).`,
    r.actions.length
      ? `${r.actions.length} recommended action${r.actions.length === 1 ? '' : 's'}; first: ${r.actions[0].title}.`
      : 'No actions recommended.',
  ];
  return lines.filter(Boolean).join(' ');
}

/** Partner credit: sourced vs influenced, and the breakdown table with the unattributed line. */
function partnerSection(r: TrackSourceResult): Section {
  const cur = r.currency;
  const partnerRows = r.by_partner.map((p) => ({
    partner: p.name,
    tier: p.tier ?? '',
    pipeline: p.pipeline,
    sourced: p.sourced_pipeline,
    influenced: p.pipeline - p.sourced_pipeline,
    revenue: p.revenue,
    opportunities: p.opportunities,
    touches: p.touches,
    share: r.totals.pipeline ? p.pipeline / r.totals.pipeline : 0,
  }));
  partnerRows.push({
    partner: 'Unattributed',
    tier: '',
    pipeline: r.unattributed.pipeline,
    sourced: 0,
    influenced: 0,
    revenue: r.unattributed.revenue,
    opportunities: r.unattributed.opportunities,
    touches: 0,
    share: r.totals.pipeline ? r.unattributed.pipeline / r.totals.pipeline : 0,
  });
  const stack = r.by_partner.flatMap((p) => [
    { partner: p.name, kind: 'sourced', pipeline: p.sourced_pipeline },
    { partner: p.name, kind: 'influenced / attributed', pipeline: p.pipeline - p.sourced_pipeline },
  ]);
  return {
    title: 'Attribution by partner',
    summary: true,
    intro: `Credit by ${r.model.name}; a deal registration or partner referral before creation makes a deal partner-sourced and gives that partner full credit.`,
    blocks: [
      {
        kind: 'chart',
        title: 'Pipeline by partner: sourced vs influenced',
        spec: stackedBar({
          title: 'Pipeline by partner',
          data: stack,
          x: 'partner',
          y: 'pipeline',
          color: 'kind',
          format: 'currency',
          currency: cur,
          horizontal: true,
        }),
      },
      {
        kind: 'table',
        title: 'Partner breakdown',
        columns: [
          { key: 'partner', label: 'Partner', format: 'text' },
          { key: 'tier', label: 'Tier', format: 'text' },
          { key: 'pipeline', label: 'Pipeline', format: 'currency', currency: cur },
          { key: 'sourced', label: 'Sourced', format: 'currency', currency: cur },
          { key: 'influenced', label: 'Influenced', format: 'currency', currency: cur },
          { key: 'revenue', label: 'Revenue', format: 'currency', currency: cur },
          { key: 'opportunities', label: 'Opps (credit)', format: 'number' },
          { key: 'touches', label: 'Touches', format: 'integer' },
          { key: 'share', label: 'Share', format: 'percent' },
        ],
        rows: partnerRows,
      },
    ],
  };
}

/** Contribution vs targets prorated to the window. */
function contributionSection(r: TrackSourceResult): Section {
  const cur = r.currency;
  return {
    title: 'Contribution vs targets',
    summary: true,
    intro: `Campaign targets prorated to the window: it covers ${pct(r.campaign.window_share)} of the campaign (${r.campaign.start} to ${r.campaign.end}); ${pct(r.campaign.elapsed_share)} of the campaign has elapsed.`,
    blocks: [
      {
        kind: 'chart',
        title: 'Pipeline vs target',
        spec: bulletVsTarget({
          title: 'Pipeline vs target',
          data: r.contribution.map((c) => ({
            partner: c.partner_name,
            actual: c.pipeline,
            // no target (null): "No target", no tick and "—" in the table, never a target of 0
            target: c.pipeline_target_in_window,
          })),
          category: 'partner',
          actual: 'actual',
          target: 'target',
          format: 'currency',
          currency: cur,
        }),
      },
      {
        kind: 'table',
        title: 'Contribution table',
        columns: [
          { key: 'partner_name', label: 'Partner', format: 'text' },
          { key: 'pipeline', label: 'Pipeline', format: 'currency', currency: cur },
          {
            key: 'pipeline_target_in_window',
            label: 'Target in window',
            format: 'currency',
            currency: cur,
          },
          { key: 'pipeline_attainment', label: 'Attainment', format: 'percent' },
          { key: 'revenue', label: 'Revenue', format: 'currency', currency: cur },
          {
            key: 'revenue_target_in_window',
            label: 'Revenue target in window',
            format: 'currency',
            currency: cur,
          },
          { key: 'revenue_attainment', label: 'Attainment', format: 'percent' },
          { key: 'status', label: 'Verdict', format: 'text' },
        ],
        rows: r.contribution.map((c) => ({
          ...c,
          flag: c.status === 'behind' ? 'alert' : c.status === 'ahead' ? 'ok' : undefined,
        })),
        highlight: { key: 'flag' },
      },
    ],
  };
}

/** Channel credit, with bootstrap intervals when the model has them. */
function channelSection(r: TrackSourceResult): Section {
  const cur = r.currency;
  const hasCi = r.by_channel.some((c) => c.pipeline_ci);
  return {
    title: 'Attribution by channel',
    blocks: [
      hasCi
        ? {
            kind: 'chart',
            title: 'Pipeline credit by channel (95% bootstrap interval)',
            spec: errorBars({
              title: 'Pipeline credit by channel',
              data: r.by_channel
                .filter((c) => c.pipeline_ci)
                .map((c) => ({
                  channel: c.key,
                  estimate: c.pipeline,
                  low: c.pipeline_ci![0],
                  high: c.pipeline_ci![1],
                })),
              category: 'channel',
              estimate: 'estimate',
              low: 'low',
              high: 'high',
              format: 'currency',
              currency: cur,
            }),
          }
        : {
            kind: 'chart',
            title: 'Pipeline credit by channel',
            spec: barChart({
              title: 'Pipeline credit by channel',
              data: r.by_channel.map((c) => ({ channel: c.key, pipeline: c.pipeline })),
              x: 'channel',
              y: 'pipeline',
              horizontal: true,
              format: 'currency',
              currency: cur,
            }),
          },
      creditTable('Channel breakdown', 'Channel', r.by_channel, cur, r.totals.pipeline),
    ],
  };
}

/** Findings, top assets, audience segments and funnel drop-off. */
function insightsSection(r: TrackSourceResult): Section {
  const cur = r.currency;
  const ins = r.insights;
  return {
    title: 'Insights',
    blocks: [
      { kind: 'list', title: 'Findings', items: ins.statements.map((s) => ({ text: s })) },
      {
        kind: 'table',
        title: 'Top assets',
        columns: [
          { key: 'name', label: 'Asset', format: 'text' },
          { key: 'partner', label: 'Partner', format: 'text' },
          { key: 'pipeline', label: 'Attributed pipeline', format: 'currency', currency: cur },
          { key: 'touches', label: 'Touches', format: 'integer' },
          { key: 'pipeline_per_touch', label: 'Pipeline / touch', format: 'currency', currency: cur },
          { key: 'share', label: 'Share', format: 'percent' },
        ],
        rows: ins.top_assets,
      },
      {
        kind: 'table',
        title: 'Audience segments',
        columns: [
          { key: 'segment', label: 'Segment', format: 'text' },
          { key: 'opportunities', label: 'Opportunities', format: 'integer' },
          { key: 'pipeline', label: 'Pipeline', format: 'currency', currency: cur },
          { key: 'revenue', label: 'Revenue', format: 'currency', currency: cur },
          { key: 'win_rate', label: 'Win rate (closed)', format: 'percent' },
        ],
        rows: ins.segments,
      },
      ...(['by_partner', 'by_channel'] as const).map((k): Block => ({
        kind: 'table',
        title: `Funnel drop-off ${k.replace('_', ' ')}`,
        columns: [
          { key: 'value', label: k === 'by_partner' ? 'Partner' : 'Channel', format: 'text' },
          { key: 'touched_accounts', label: 'Accounts touched', format: 'integer' },
          { key: 'opportunities', label: 'Opportunities', format: 'integer' },
          { key: 'reached_proposal', label: 'Reached proposal', format: 'integer' },
          { key: 'won', label: 'Won', format: 'integer' },
          { key: 'to_opportunity', label: 'Touched → opp', format: 'percent' },
          { key: 'to_proposal', label: 'Opp → proposal', format: 'percent' },
          { key: 'to_won', label: 'Proposal → won', format: 'percent' },
          { key: 'worst_step', label: 'Drop-off point', format: 'text' },
          { key: 'worst_rate', label: 'Step rate', format: 'percent' },
        ],
        rows: ins.dropoff[k].map((d) => ({
          ...d,
          // every step's rate as observed; the drop-off point is judged on bases of FUNNEL_MIN_BASE or more
          to_opportunity: d.steps[0]?.observed ?? null,
          to_proposal: d.steps[1]?.observed ?? null,
          to_won: d.steps[2]?.observed ?? null,
          worst_step: d.worst ? `${d.worst.from} → ${d.worst.to}`.replace(/_/g, ' ') : (d.note ?? ''),
          worst_rate: d.worst?.rate ?? null,
        })),
        caption: `Step rates as observed. The drop-off point is the lowest step rate among steps with at least ${FUNNEL_MIN_BASE} in their base; a row with fewer at every step is not judged.`,
      })),
    ],
  };
}

/** Each key's pipeline credit under every model, and the spread (with `compare`). */
function comparisonSection(
  r: TrackSourceResult,
  comparison: NonNullable<TrackSourceResult['comparison']>,
): Section {
  const cur = r.currency;
  const models = Object.keys(comparison[0]?.per_model ?? {});
  return {
    title: 'Model comparison',
    intro:
      'Pipeline credit of each partner and channel under every model; a wide spread means the answer depends on the model.',
    blocks: [
      {
        kind: 'table',
        title: 'Credit across models',
        columns: [
          { key: 'dimension', label: 'Dimension', format: 'text' },
          { key: 'key', label: 'Value', format: 'text' },
          ...models.map((m) => ({ key: `m_${m}`, label: m, format: 'currency' as const, currency: cur })),
          { key: 'spread', label: 'Spread', format: 'currency', currency: cur },
        ],
        rows: comparison
          .filter((c) => c.dimension === 'partner' || c.dimension === 'channel')
          .map((c) => ({
            dimension: c.dimension,
            key: c.key,
            spread: c.spread,
            ...Object.fromEntries(Object.entries(c.per_model).map(([m, v]) => [`m_${m}`, v])),
          })),
      },
    ],
  };
}

/** The KPI tiles: pipeline, revenue, sourced pipeline, confidence, unattributed, actions. */
function kpisOf(r: TrackSourceResult): Kpi[] {
  const cur = r.currency;
  return [
    {
      label: 'Pipeline in scope',
      value: compact(r.totals.pipeline, cur),
      note: plural(r.totals.opportunities, 'opportunity', 'opportunities'),
    },
    {
      label: 'Closed-won revenue',
      value: compact(r.totals.revenue, cur),
      note: `${r.totals.won} deal${r.totals.won === 1 ? '' : 's'} won`,
    },
    {
      label: 'Partner-sourced pipeline',
      value: compact(r.partner_classification.sourced.pipeline, cur),
      note: plural(r.partner_classification.sourced.opportunities, 'deal', 'deals'),
    },
    r.confidence.value === null
      ? {
          label: 'Attribution confidence',
          value: 'n/a',
          note: `${r.confidence.reason ?? 'no pipeline to match'}; guardrail ${pct(r.confidence.threshold)} not checked`,
        }
      : {
          label: 'Attribution confidence',
          value: r.confidence.value,
          format: 'percent',
          status: r.confidence.value < r.confidence.threshold ? 'alert' : 'ok',
          note: `guardrail ${pct(r.confidence.threshold)}`,
        },
    { label: 'Unattributed pipeline', value: compact(r.unattributed.pipeline, cur) },
    {
      label: 'Actions',
      value: r.actions.length,
      format: 'integer',
      note: `${r.actions.filter((a) => a.priority === 'high').length} high priority`,
    },
  ];
}

/** The dashboard model of a track-source result (rendered to HTML and Markdown by report/). */
export function buildTrackSourceDashboard(r: TrackSourceResult): Dashboard {
  const cur = r.currency;
  const sections: Section[] = [
    { title: 'Executive summary', summary: true, blocks: [{ kind: 'markdown', text: executiveSummary(r) }] },
    partnerSection(r),
    contributionSection(r),
    channelSection(r),
  ];
  if (r.by_asset)
    sections.push({
      title: 'Attribution by asset',
      blocks: [creditTable('Asset breakdown', 'Asset', r.by_asset, cur, r.totals.pipeline)],
    });
  if (r.by_region)
    sections.push({
      title: 'Attribution by region',
      blocks: [creditTable('Region breakdown', 'Region', r.by_region, cur, r.totals.pipeline)],
    });
  sections.push(insightsSection(r), actionsSection('Recommended actions', r.actions));
  const quality = dataQualitySection({
    alerts: r.alerts,
    accounting: r.row_accounting,
    rejects: r.rejects,
    planPath: r.plan_path,
  });
  // what normalization did to the touches: URL-decoded UTMs, partner lists, unknown partners
  const notes = touchNoteLines(r.normalization);
  if (notes.length) quality.blocks.push({ kind: 'list', title: 'Touches as normalized', items: notes });
  sections.push(quality);
  if (r.comparison) sections.push(comparisonSection(r, r.comparison));
  return {
    title: `Partner attribution — ${r.campaign.name}`,
    subtitle: `${r.window.label} window (${r.window.end < r.window.start || (r.window.days === 0 && r.window.label === 'campaign') ? `empty: the campaign starts on ${r.campaign.start}, after as-of ${r.as_of}` : `${r.window.start.slice(0, 10)} to ${r.as_of}`}), ${r.model.name} model, amounts in ${cur}`,
    generatedAt: r.window.end,
    runId: r.run_id,
    planPath: r.plan_path,
    kpis: kpisOf(r),
    sections,
    footnotes: [
      `Journeys: touches of each opportunity's account within ${r.model.lookback_days} days before creation. Pipeline converted at the rate on the creation date, revenue at the rate on the close date.`,
      `Reproduce: gtm track-source --campaign "${r.inputs.campaign}" --window ${r.inputs.window} --detail ${r.inputs.detail}${extraDimensions(r)} --attribution-model ${r.inputs.attribution_model} --alert-threshold ${r.inputs.alert_threshold} --as-of ${r.as_of}`,
    ],
  };
}

/** ` --dimensions asset,region` when more than the always-computed partner and channel were asked for. */
function extraDimensions(r: TrackSourceResult): string {
  const extra = r.inputs.dimensions.filter((d) => d !== 'partner' && d !== 'channel');
  return extra.length ? ` --dimensions ${extra.join(',')}` : '';
}

function creditTable(
  title: string,
  label: string,
  lines: TrackSourceResult['by_channel'],
  cur: string,
  total: number,
): Block {
  return {
    kind: 'table',
    title,
    columns: [
      { key: 'key', label, format: 'text' },
      { key: 'pipeline', label: 'Pipeline', format: 'currency', currency: cur },
      { key: 'ci', label: '95% interval', format: 'text' },
      { key: 'revenue', label: 'Revenue', format: 'currency', currency: cur },
      { key: 'opportunities', label: 'Opps (credit)', format: 'number' },
      { key: 'touches', label: 'Touches', format: 'integer' },
      { key: 'share', label: 'Share of pipeline', format: 'percent' },
    ],
    rows: lines.map((l) => ({
      ...l,
      share: total ? l.pipeline / total : 0,
      ci: l.pipeline_ci ? `${money(l.pipeline_ci[0], cur)} – ${money(l.pipeline_ci[1], cur)}` : '',
    })),
  };
}
