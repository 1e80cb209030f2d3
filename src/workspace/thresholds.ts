/**
 * The `thresholds:` keys of gtm.yaml, once: each key, the command that reads it, its bounds and its
 * default. The TypeScript type of `WorkspaceConfig.thresholds` is derived from this table, and so is
 * the `thresholds` block of `gtm.schema.json` that validates gtm.yaml at run time (unknown keys
 * refused with "did you mean", values outside the bounds refused); a unit test keeps the schema file
 * equal to `thresholdsSchema()` (`npx tsx scripts/sync-thresholds-schema.ts` rewrites it).
 *
 * Adding a key here types it for every command and library user; run the script and the key is
 * accepted in gtm.yaml (and completed by editors that read the schema).
 */

/** One threshold of gtm.yaml. */
export interface ThresholdSpec {
  /** The command that reads it (`every command` for the kit's). */
  readonly command: string;
  /** What it guards, its range and default, as the schema describes it after `<command>: `. */
  readonly what: string;
  readonly minimum: number;
  readonly maximum?: number;
  /** The value a command uses when gtm.yaml does not set it. */
  readonly default: number;
  /** Filled in when gtm.yaml loads, so `WorkspaceConfig.thresholds` always has it. */
  readonly filled?: true;
}

export const THRESHOLDS = {
  attribution_confidence: {
    command: 'track-source',
    what: 'minimum share of pipeline with at least one matched touch (0..1, default 0.7)',
    minimum: 0,
    maximum: 1,
    default: 0.7,
    filled: true,
  },
  max_reject_rate: {
    command: 'every command',
    what: 'share of rejected rows above which a run exits non-zero (0..1, default 0)',
    minimum: 0,
    maximum: 1,
    default: 0,
    filled: true,
  },
  instrumentation_defect_rate: {
    command: 'define-events',
    what: 'guardrail on the share of captured messages with violations (0..1, default 0.02); breached twice within 48 h escalates',
    minimum: 0,
    maximum: 1,
    default: 0.02,
  },
  referral_conversion_rate: {
    command: 'optimize-referrals',
    what: 'minimum referral conversion rate, referred customers / referred sign-ups (0..1, default 0.1)',
    minimum: 0,
    maximum: 1,
    default: 0.1,
  },
  referral_fraud_reject_share: {
    command: 'optimize-referrals',
    what: 'maximum share of scored referrals banded reject (0..1, default 0.02)',
    minimum: 0,
    maximum: 1,
    default: 0.02,
  },
  loyalty_active_member_rate: {
    command: 'monitor-loyalty',
    what: 'minimum active member rate, members with an earn or redeem event in the window / members (0..1, default 0.25)',
    minimum: 0,
    maximum: 1,
    default: 0.25,
  },
  loyalty_liability_spike: {
    command: 'monitor-loyalty',
    what: 'rise of the points liability since the previous run that raises an alert (a share, 0.1 = 10 %, default 0.1)',
    minimum: 0,
    default: 0.1,
  },
  personalization_fallback_rate: {
    command: 'monitor-personalization',
    what: 'guardrail on the highest fallback rate of a rule, share of its evaluations that fell back (0..1, default 0.05)',
    minimum: 0,
    maximum: 1,
    default: 0.05,
  },
} as const satisfies Record<string, ThresholdSpec>;

/** A key of gtm.yaml's `thresholds:`. */
export type ThresholdKey = keyof typeof THRESHOLDS;

/** The keys filled in when gtm.yaml loads (`filled: true`). */
export type FilledThresholdKey = {
  [K in ThresholdKey]: (typeof THRESHOLDS)[K] extends { readonly filled: true } ? K : never;
}[ThresholdKey];

/**
 * `WorkspaceConfig.thresholds`: the filled keys always present, every other key optional, and no
 * key outside `THRESHOLDS` (a misspelt key is a compile error, as it is a load error in gtm.yaml).
 */
export type Thresholds = { [K in FilledThresholdKey]: number } & {
  [K in Exclude<ThresholdKey, FilledThresholdKey>]?: number;
};

/** The keys in the table's order. */
export const THRESHOLD_KEYS = Object.keys(THRESHOLDS) as ThresholdKey[];

/** The values gtm.yaml's `thresholds:` starts from before its own keys are applied. */
export function filledThresholds(): Thresholds {
  const out: Partial<Record<ThresholdKey, number>> = {};
  for (const k of THRESHOLD_KEYS) {
    const spec: ThresholdSpec = THRESHOLDS[k];
    if (spec.filled) out[k] = spec.default;
  }
  return out as Thresholds;
}

/** The `thresholds` block of gtm.schema.json, from the table. */
export function thresholdsSchema(): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    description:
      "guardrails of the commands; each is the default of its command's --alert-threshold where it has one. Unknown keys are refused (a misspelt threshold would silently fall back to its default)",
    properties: Object.fromEntries(
      THRESHOLD_KEYS.map((k) => {
        const spec: ThresholdSpec = THRESHOLDS[k];
        return [
          k,
          {
            type: 'number',
            description: `${spec.command}: ${spec.what}`,
            minimum: spec.minimum,
            ...(spec.maximum !== undefined ? { maximum: spec.maximum } : {}),
          },
        ];
      }),
    ),
  };
}
