import { resolveModelName, type ModelName } from '../../analyses/attribution/model-names.ts';
import { usageError } from '../../errors/index.ts';
import { THRESHOLDS, type CampaignConfig, type WorkspaceConfig } from '../../workspace/index.ts';
import type { CommandManifest } from '../kit/command-def.ts';
import { defineFlags, type FlagValuesOf } from '../kit/flag-spec.ts';
import { asOfInstant, resolveWindow, windowPattern, type ResolvedWindow } from '../shared/window/index.ts';
import type { ScopeParams } from './sql/journeys-sql.ts';

export type { ResolvedWindow };

export const DIMENSIONS = ['partner', 'channel', 'asset', 'region'] as const;
export type DimensionName = (typeof DIMENSIONS)[number];

/** The flags of `track-source`, as its specification names them. */
export const TRACK_SOURCE_FLAGS = defineFlags({
  campaign: {
    type: 'string',
    placeholder: 'NAME',
    description: 'campaign id or name (campaigns: in gtm.yaml)',
    required: true,
    example: '"AI Launch Tour"',
  },
  window: {
    type: 'string',
    placeholder: '7d|30d|Nd|campaign',
    description:
      '7d, 30d, any Nd ending at as-of, or campaign (from its start to its end or as-of, whichever is first)',
    pattern: windowPattern(['campaign']),
    default: '30d',
    example: '30d',
  },
  detail: {
    type: 'string',
    choices: ['summary', 'full'],
    description: 'length of summary.md and the terminal view',
    default: 'summary',
  },
  dimensions: {
    type: 'list',
    choices: DIMENSIONS,
    description: 'breakdowns (partner and channel are always computed)',
    aliases: ['dimension'],
  },
  attribution_model: {
    type: 'string',
    placeholder: 'MODEL',
    description:
      'first-touch, last-touch, last-non-direct, multi-touch/linear, time-decay, position-based, w-shaped, full-path, j-shaped, inverse-j, custom (weights in attribution.custom_weights), markov, shapley, fractribution, or compare (default attribution.model in gtm.yaml)',
    example: 'markov',
  },
  alert_threshold: {
    type: 'number',
    placeholder: '0..1',
    min: 0,
    max: 1,
    description: `attribution confidence guardrail: share of pipeline with a matched touch (default thresholds.attribution_confidence or ${THRESHOLDS.attribution_confidence.default})`,
    example: '0.8',
  },
});

/** What the CLI and agent tools know of track-source before loading it. */
export const TRACK_SOURCE_COMMAND: CommandManifest<typeof TRACK_SOURCE_FLAGS> = {
  name: 'track-source',
  plugin: 'partner-co-marketing-orchestration',
  summary: 'Partner co-marketing attribution: pipeline and revenue by partner and channel vs targets',
  flags: TRACK_SOURCE_FLAGS,
  examples: [
    `gtm track-source --campaign "AI Launch Tour" --window 30d --detail full`,
    `gtm run '/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full'`,
    `gtm track-source --campaign ai-launch-tour --attribution_model compare --dimensions asset,region --json`,
  ],
};

/** Inputs of `track-source` as recorded in the result and the plan. */
export interface TrackSourceInputs {
  campaign: string;
  window: string;
  detail: 'summary' | 'full';
  dimensions: DimensionName[];
  attribution_model: ModelName | 'compare';
  alert_threshold: number;
  /** YYYY-MM-DD or an ISO timestamp; "now" of the run. */
  as_of: string;
}

/** Everything a run derives from its inputs and the workspace before any data is read. */
export interface TrackSourceContext {
  inputs: TrackSourceInputs;
  campaign: CampaignConfig;
  window: ResolvedWindow;
  scope: ScopeParams;
  /** canonical stage → rank (1 = first) */
  stageRanks: Record<string, number>;
  /** share of the campaign elapsed at as-of, 0..1 */
  elapsedShare: number;
  /** share of the campaign inside the window, 0..1 (targets are prorated by it) */
  windowShare: number;
}

const DAY = 86_400_000;
const REGISTRATION_TYPES = ['deal_registration', 'partner_referral'];

export function findCampaign(ws: WorkspaceConfig, wanted: string): CampaignConfig {
  const w = wanted.trim().toLowerCase();
  const hit = ws.campaigns.find((c) => c.id.toLowerCase() === w || c.name.toLowerCase() === w);
  if (hit) return hit;
  const known = ws.campaigns.map((c) => `"${c.name}" (${c.id})`).join(', ');
  throw usageError(
    `no campaign "${wanted}" in the workspace`,
    '--campaign',
    known ? `use one of: ${known}` : 'add it under campaigns: in gtm.yaml',
  );
}

function modelOf(flags: FlagValuesOf<typeof TRACK_SOURCE_FLAGS>, ws: WorkspaceConfig): ModelName | 'compare' {
  let model: ModelName | 'compare';
  try {
    model = resolveModelName(flags.attribution_model ?? ws.attribution.model);
  } catch (e) {
    throw usageError(
      (e as Error).message,
      '--attribution-model',
      'e.g. --attribution-model markov, or compare',
    );
  }
  if (model === 'custom' && !ws.attribution.custom_weights)
    throw usageError(
      'the custom model needs its weights',
      flags.attribution_model ? '--attribution-model' : 'attribution.model',
      'set attribution.custom_weights in gtm.yaml, e.g. custom_weights: { first: 0.4, middle: 0.2, last: 0.4 }',
    );
  return model;
}

function scopeOf(
  ws: WorkspaceConfig,
  campaign: CampaignConfig,
  window: ResolvedWindow,
  ranks: Record<string, number>,
  asOfEnd: string,
): ScopeParams {
  // normalized as a touch's utm_campaign is (trimmed, lower-cased, aliased), so that a value listed
  // as the exports write it (`EU Data Summit`, `EDS26`) matches the touches an alias maps it to
  const utmCampaign = (s: string) => {
    const v = s.trim().toLowerCase();
    return Object.hasOwn(ws.utm.aliases.campaign, v) ? ws.utm.aliases.campaign[v] : v;
  };
  return {
    utmCampaigns: [...new Set(campaign.utm_campaigns.map(utmCampaign))],
    assetIds: campaign.assets.map((a) => a.id.toLowerCase()),
    campaignTags: [...new Set([campaign.id, campaign.name, ...campaign.utm_campaigns].map(utmCampaign))],
    windowStart: window.start,
    windowEnd: window.end,
    asOfEnd,
    lookbackDays: campaign.lookback_days,
    wonStage: ws.funnel.won,
    lostStages: ws.funnel.lost,
    stageRanks: ranks,
    registrationTypes: REGISTRATION_TYPES,
    partnerIds: ws.partners.map((p) => p.id),
  };
}

/**
 * `--window campaign` with as-of before the campaign's start would end before it starts: the window
 * is then empty, at the campaign's start ([start, start), 0 days), so that it stays a window; the
 * run says why it has nothing in scope (`warnings` in index.ts, the executive summary).
 */
export function notBeforeStart(w: ResolvedWindow): ResolvedWindow {
  return Date.parse(w.end) < Date.parse(w.start) ? { ...w, end: w.start, days: 0 } : w;
}

/** Flags → the run's context: the campaign, its window, the journey scope and target prorating. */
export function resolveTrackSource(
  flags: FlagValuesOf<typeof TRACK_SOURCE_FLAGS>,
  { ws, asOf }: { ws: WorkspaceConfig; asOf: string },
): TrackSourceContext {
  const campaign = findCampaign(ws, flags.campaign);
  const window = notBeforeStart(resolveWindow(flags.window, asOf, { campaign, keywords: ['campaign'] }));
  const stageRanks = Object.fromEntries(ws.funnel.stages.map((s, i) => [s, i + 1]));
  const campStart = Date.parse(`${campaign.start}T00:00:00Z`);
  const campEnd = Date.parse(`${campaign.end}T00:00:00Z`) + DAY;
  const asOfMs = asOfInstant(asOf).getTime();
  const overlap = Math.max(
    0,
    Math.min(Date.parse(window.end), campEnd) - Math.max(Date.parse(window.start), campStart),
  );
  return {
    campaign,
    window,
    stageRanks,
    scope: scopeOf(ws, campaign, window, stageRanks, new Date(asOfMs).toISOString()),
    elapsedShare: Math.min(1, Math.max(0, (asOfMs - campStart) / (campEnd - campStart))),
    windowShare: overlap / (campEnd - campStart),
    inputs: {
      campaign: campaign.name,
      window: window.label,
      detail: flags.detail,
      dimensions: [...new Set(['partner', 'channel', ...(flags.dimensions ?? [])])] as DimensionName[],
      attribution_model: modelOf(flags, ws),
      alert_threshold: flags.alert_threshold ?? ws.thresholds.attribution_confidence,
      as_of: asOf,
    },
  };
}
