import { didYouMean } from '../../analyses/text/index.ts';
import { usageError } from '../../errors/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import type { CommandManifest } from '../kit/command-def.ts';
import { defineFlags, type FlagValuesOf } from '../kit/flag-spec.ts';
import { resolveWindow, windowPattern, type ResolvedWindow } from '../shared/window/index.ts';

export const DIMENSIONS = ['profile', 'channel', 'cohort'] as const;
export type DimensionName = (typeof DIMENSIONS)[number];

/** The default of `--alert-threshold` when gtm.yaml sets no `thresholds.personalization_fallback_rate`. */
export const DEFAULT_FALLBACK_THRESHOLD = 0.05;

/** The flags of `monitor-personalization`, as its specification names them. */
export const MONITOR_PERSONALIZATION_FLAGS = defineFlags({
  initiative: {
    type: 'string',
    placeholder: 'NAME',
    description:
      'initiative to monitor (the `initiative` of the decisions, or personalization.initiatives in gtm.yaml); default every initiative',
    example: '"PLG Onboarding"',
  },
  window: {
    type: 'string',
    placeholder: '7d|14d|30d|Nd',
    description: '7d, 14d, 30d or any Nd ending at as-of',
    pattern: windowPattern(),
    default: '14d',
    example: '14d',
  },
  detail: {
    type: 'string',
    choices: ['summary', 'full'],
    description: 'length of summary.md and the terminal view',
    default: 'summary',
  },
  dimension: {
    type: 'list',
    choices: DIMENSIONS,
    description: 'breakdowns of performance vs holdout (profile and channel are always computed)',
    aliases: ['dimensions'],
  },
  alert_threshold: {
    type: 'number',
    placeholder: '0..1',
    min: 0,
    max: 1,
    description:
      'guardrail on the highest fallback rate of a rule (share of its evaluations that fell back; default thresholds.personalization_fallback_rate or 0.05)',
    example: '0.05',
  },
});

/** What the CLI and agent tools know of monitor-personalization before loading it. */
export const MONITOR_PERSONALIZATION_COMMAND: CommandManifest<typeof MONITOR_PERSONALIZATION_FLAGS> = {
  name: 'monitor-personalization',
  plugin: 'personalization-engine',
  summary:
    'Personalization monitoring: performance vs holdout, governance scan, experiment readout, anomalies, owned backlog',
  flags: MONITOR_PERSONALIZATION_FLAGS,
  examples: [
    `gtm run '/personalization-engine:monitor-personalization --initiative "PLG Onboarding" --window 14d --detail full'`,
    'gtm monitor-personalization --initiative "PLG Onboarding" --window 30d --dimension cohort --alert-threshold 0.02',
  ],
};

/** Inputs of `monitor-personalization` as recorded in the result and the plan. */
export interface MonitorPersonalizationInputs {
  /** The initiative as configured (or as given when the data names it); null = every initiative. */
  initiative: string | null;
  window: string;
  detail: 'summary' | 'full';
  dimension: DimensionName[];
  alert_threshold: number;
  as_of: string;
}

/** Everything a run derives from its inputs and the workspace before any data is read. */
export interface MonitorPersonalizationContext {
  inputs: MonitorPersonalizationInputs;
  window: ResolvedWindow;
  /** Names the initiative may appear under in the data (the configured name and its aliases). */
  initiativeNames: string[];
  /** The workspace's engine (normalize writes narrow tables on DuckDB only). */
  engine: 'duckdb' | 'clickhouse';
}

/**
 * The usage error for an initiative found neither in gtm.yaml nor in the data. `known` lists the
 * configured names first, then the data's spellings; an initiative matches ignoring case and
 * surrounding spaces, so spellings that differ only so are one choice, listed once (the first).
 */
export function unknownInitiative(wanted: string, known: readonly string[]) {
  const seen = new Set<string>();
  const choices = known.filter((k) => {
    const key = k.trim().toLowerCase();
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const near = didYouMean(wanted, choices);
  return usageError(
    `no initiative "${wanted}" in the decisions or in personalization.initiatives`,
    '--initiative',
    near
      ? `did you mean "${near}"?`
      : choices.length
        ? `use one of: ${choices.map((k) => `"${k}"`).join(', ')}`
        : 'the decisions carry no initiative; leave --initiative out',
  );
}

/** The configured initiative `wanted` names (by name or alias, ignoring case), if any. */
function configuredInitiative(ws: WorkspaceConfig, wanted: string) {
  const w = wanted.trim().toLowerCase();
  return ws.personalization.initiatives.find(
    (i) => i.name.toLowerCase() === w || i.aliases.some((a) => a.toLowerCase() === w),
  );
}

/**
 * Flags → the run's context. An initiative in gtm.yaml resolves to its configured name and aliases;
 * one that is not configured is checked against the decisions by the first stage (did-you-mean
 * from both lists).
 */
export function resolveMonitorPersonalization(
  flags: FlagValuesOf<typeof MONITOR_PERSONALIZATION_FLAGS>,
  { ws, asOf }: { ws: WorkspaceConfig; asOf: string },
): MonitorPersonalizationContext {
  const window = resolveWindow(flags.window, asOf);
  const wanted = flags.initiative?.trim() || null;
  if (flags.initiative !== undefined && !wanted)
    throw usageError('--initiative is empty', '--initiative', 'name an initiative, or leave the flag out');
  const configured = wanted ? configuredInitiative(ws, wanted) : undefined;
  // A near miss of a configured initiative is a typo: say so now, not after gathering every source.
  if (wanted && !configured) {
    const names = ws.personalization.initiatives.flatMap((i) => [i.name, ...i.aliases]);
    if (didYouMean(wanted, names)) throw unknownInitiative(wanted, names);
  }
  const threshold =
    flags.alert_threshold ?? ws.thresholds.personalization_fallback_rate ?? DEFAULT_FALLBACK_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1))
    throw usageError(
      `thresholds.personalization_fallback_rate must be within 0..1, got ${threshold}`,
      'gtm.yaml thresholds',
      'e.g. personalization_fallback_rate: 0.05',
    );
  return {
    window,
    engine: ws.engine.kind,
    initiativeNames: configured ? [configured.name, ...configured.aliases] : wanted ? [wanted] : [],
    inputs: {
      initiative: configured?.name ?? wanted,
      window: window.label,
      detail: flags.detail,
      dimension: [...new Set(['profile', 'channel', ...(flags.dimension ?? [])])] as DimensionName[],
      alert_threshold: threshold,
      as_of: asOf,
    },
  };
}
