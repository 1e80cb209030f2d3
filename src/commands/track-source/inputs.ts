import { usageError } from '../../errors/index.ts';
import { resolveModelName, type ModelName } from '../../analyses/attribution/index.ts';
import type { CampaignConfig, WorkspaceConfig } from '../../workspace/index.ts';

export const DIMENSIONS = ['partner', 'channel', 'asset', 'region'] as const;
export type DimensionName = (typeof DIMENSIONS)[number];

/** Inputs of `track-source`, as its specification names them. */
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

export interface ResolvedWindow {
  label: string;
  /** inclusive, ISO */
  start: string;
  /** exclusive, ISO */
  end: string;
  days: number;
}

const DAY = 86_400_000;

/** End of the as-of day (exclusive) for a date, or the instant itself for a timestamp. */
export function asOfInstant(asOf: string): Date {
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(asOf);
  const d = isDate ? new Date(Date.parse(`${asOf}T00:00:00Z`) + DAY) : new Date(asOf);
  // Date.parse rolls 2026-02-30 over to March; a date that does not round-trip does not exist.
  const exists =
    !Number.isNaN(d.getTime()) &&
    (!isDate || new Date(d.getTime() - DAY).toISOString().slice(0, 10) === asOf);
  if (!exists) throw usageError(`is not a date: "${asOf}"`, '--as-of', 'use YYYY-MM-DD or an ISO timestamp');
  return d;
}

export function findCampaign(ws: WorkspaceConfig, wanted: string): CampaignConfig {
  const w = wanted.trim().toLowerCase();
  const hit = ws.campaigns.find((c) => c.id.toLowerCase() === w || c.name.toLowerCase() === w);
  if (!hit) {
    const known = ws.campaigns.map((c) => `"${c.name}" (${c.id})`).join(', ');
    throw usageError(
      `no campaign "${wanted}" in the workspace`,
      '--campaign',
      known ? `use one of: ${known}` : 'add it under campaigns: in gtm.yaml',
    );
  }
  return hit;
}

/**
 * `7d`, `30d`, any `Nd` (ending at as-of), or `campaign` (the campaign's start to its end, capped at as-of).
 * @example resolveWindow('30d', campaign, '2026-11-15') // { start: '2026-10-17T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z', … }
 */
export function resolveWindow(window: string, campaign: CampaignConfig, asOf: string): ResolvedWindow {
  const end = asOfInstant(asOf);
  const m = /^(\d+)d$/i.exec(window.trim());
  if (m) {
    const days = Number(m[1]);
    if (days < 1 || days > 3660)
      throw usageError(`window must be 1d to 3660d, got "${window}"`, '--window', 'e.g. --window 30d');
    return {
      label: `${days}d`,
      start: new Date(end.getTime() - days * DAY).toISOString(),
      end: end.toISOString(),
      days,
    };
  }
  if (window.trim().toLowerCase() === 'campaign') {
    const start = new Date(`${campaign.start}T00:00:00Z`);
    const cEnd = new Date(Date.parse(`${campaign.end}T00:00:00Z`) + DAY);
    const e = cEnd < end ? cEnd : end;
    return {
      label: 'campaign',
      start: start.toISOString(),
      end: e.toISOString(),
      days: Math.max(0, Math.round((e.getTime() - start.getTime()) / DAY)),
    };
  }
  throw usageError(`unknown window "${window}"`, '--window', 'use 7d, 30d, any Nd, or campaign');
}

export function resolveInputs(
  flags: Partial<Record<string, unknown>>,
  ws: WorkspaceConfig,
  today: string,
): { inputs: TrackSourceInputs; campaign: CampaignConfig; window: ResolvedWindow } {
  if (typeof flags.campaign !== 'string' || !flags.campaign.trim())
    throw usageError('is required', '--campaign', 'e.g. --campaign "AI Launch Tour"');
  const campaign = findCampaign(ws, flags.campaign);
  const asOf = typeof flags.as_of === 'string' ? flags.as_of : today;
  asOfInstant(asOf);
  const window = resolveWindow(String(flags.window ?? '30d'), campaign, asOf);
  const dims = (flags.dimensions as string[] | undefined) ?? ['partner', 'channel'];
  for (const d of dims)
    if (!DIMENSIONS.includes(d as DimensionName))
      throw usageError(`unknown dimension "${d}"`, '--dimensions', `use any of: ${DIMENSIONS.join(', ')}`);
  let model: ModelName | 'compare';
  const modelName = String(flags.attribution_model ?? ws.attribution.model);
  try {
    model = resolveModelName(modelName);
  } catch (e) {
    throw usageError(
      (e as Error).message,
      '--attribution-model',
      'e.g. --attribution-model markov, or compare',
    );
  }
  const threshold =
    flags.alert_threshold === undefined
      ? ws.thresholds.attribution_confidence
      : Number(flags.alert_threshold);
  if (!(threshold >= 0 && threshold <= 1))
    throw usageError(
      `must be between 0 and 1, got ${String(flags.alert_threshold)}`,
      '--alert-threshold',
      'e.g. --alert-threshold 0.8',
    );
  const detail = String(flags.detail ?? 'summary');
  if (detail !== 'summary' && detail !== 'full')
    throw usageError(`must be summary or full`, '--detail', 'e.g. --detail full');
  const uniqueDims = [...new Set(['partner', 'channel', ...dims])] as DimensionName[];
  return {
    campaign,
    window,
    inputs: {
      campaign: campaign.name,
      window: window.label,
      detail,
      dimensions: uniqueDims,
      attribution_model: model,
      alert_threshold: threshold,
      as_of: asOf,
    },
  };
}
