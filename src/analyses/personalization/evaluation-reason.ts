/**
 * The five canonical reasons a decision was served, and how OpenFeature's resolution reasons map
 * onto them. "Matched" is the only one where the personalization rule did its job.
 */
export type CanonicalReason = 'matched' | 'default' | 'fallback' | 'error' | 'disabled';

export const CANONICAL_REASONS: readonly CanonicalReason[] = [
  'matched',
  'default',
  'fallback',
  'error',
  'disabled',
];

/**
 * OpenFeature `StandardResolutionReasons` (and OpenTelemetry's `feature_flag.evaluation.reason`
 * values, the same names in lower case) → canonical reason:
 *
 * | OpenFeature       | canonical | why                                                                      |
 * |-------------------|-----------|--------------------------------------------------------------------------|
 * | `TARGETING_MATCH` | matched   | a targeting rule chose the value                                          |
 * | `SPLIT`           | matched   | the rule's pseudorandom split chose it: the rule did its job               |
 * | `CACHED`          | matched   | a cached earlier evaluation; the provider only caches real resolutions     |
 * | `DEFAULT`         | default   | no rule matched, the configured default was served                        |
 * | `STATIC`          | default   | no dynamic evaluation at all: nothing was personalized                    |
 * | `DISABLED`        | disabled  | the flag is off in the management system                                  |
 * | `ERROR`           | error     | resolution failed and the caller's default was served                     |
 * | `STALE`           | fallback  | a non-authoritative, possibly outdated value was served instead           |
 * | `UNKNOWN`         | fallback  | nothing shows the rule decided, so it is not counted as personalized      |
 *
 * The canonical names themselves (any case) map to themselves. Any other string maps to
 * `fallback` and is reported as unmapped, so a provider-specific reason draws attention instead of
 * silently counting as a match; map it with the `reasonMap` option.
 */
export const OPENFEATURE_REASON_MAP: Readonly<Record<string, CanonicalReason>> = {
  TARGETING_MATCH: 'matched',
  SPLIT: 'matched',
  CACHED: 'matched',
  DEFAULT: 'default',
  STATIC: 'default',
  DISABLED: 'disabled',
  ERROR: 'error',
  STALE: 'fallback',
  UNKNOWN: 'fallback',
  MATCHED: 'matched',
  FALLBACK: 'fallback',
};

export interface ReasonMapping {
  readonly reason: CanonicalReason;
  /** False when the raw reason was not recognised and defaulted to `fallback`. */
  readonly known: boolean;
}

/**
 * Maps a raw evaluation reason to its canonical reason. Case, spaces and dashes are ignored
 * (`targeting_match`, `Targeting-Match` and `TARGETING_MATCH` are the same). An error code means
 * an error whatever the reason says, as OpenFeature sets one only when resolution failed.
 * `extra` (keys normalized the same way) wins over the built-in map.
 *
 * @example
 * canonicalReason('SPLIT');                        // { reason: 'matched', known: true }
 * canonicalReason('DEFAULT', 'FLAG_NOT_FOUND');    // { reason: 'error', known: true }
 * canonicalReason('TIMEOUT');                      // { reason: 'fallback', known: false }
 */
export function canonicalReason(
  raw: string | null | undefined,
  errorCode?: string | null,
  extra: Readonly<Record<string, CanonicalReason>> = {},
): ReasonMapping {
  if (errorCode !== null && errorCode !== undefined && errorCode.trim() !== '') {
    return { reason: 'error', known: true };
  }
  const key = normalizeReason(raw);
  let mapped: CanonicalReason | undefined;
  for (const [k, v] of Object.entries(extra)) if (normalizeReason(k) === key) mapped = v;
  mapped ??= OPENFEATURE_REASON_MAP[key];
  return mapped ? { reason: mapped, known: true } : { reason: 'fallback', known: false };
}

/** `targeting-match ` → `TARGETING_MATCH`; empty or missing → `UNKNOWN`. */
export function normalizeReason(raw: string | null | undefined): string {
  const key = (raw ?? '')
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  return key === '' ? 'UNKNOWN' : key;
}
