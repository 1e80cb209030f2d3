/**
 * The OpenFeature → canonical reason table. Reason names and meanings: OpenFeature's
 * `StandardResolutionReasons` (@openfeature/core) and OpenTelemetry's
 * `feature_flag.evaluation.reason` values (the same names in lower case).
 */
import { describe, expect, it } from 'vitest';
import { canonicalReason, normalizeReason } from './evaluation-reason.ts';

describe('canonicalReason', () => {
  it.each([
    ['TARGETING_MATCH', 'matched'],
    ['SPLIT', 'matched'],
    ['CACHED', 'matched'],
    ['DEFAULT', 'default'],
    ['STATIC', 'default'],
    ['DISABLED', 'disabled'],
    ['ERROR', 'error'],
    ['STALE', 'fallback'],
    ['UNKNOWN', 'fallback'],
    ['matched', 'matched'],
    ['fallback', 'fallback'],
    ['default', 'default'],
    ['error', 'error'],
    ['disabled', 'disabled'],
  ])('%s → %s', (raw, reason) => {
    expect(canonicalReason(raw)).toEqual({ reason, known: true });
  });

  it('ignores case, spaces and dashes (OpenTelemetry writes targeting_match)', () => {
    for (const raw of ['targeting_match', 'Targeting-Match', ' targeting match ']) {
      expect(canonicalReason(raw).reason).toBe('matched');
    }
    expect(normalizeReason(' targeting-match ')).toBe('TARGETING_MATCH');
  });

  it('an error code makes it an error whatever the reason says', () => {
    expect(canonicalReason('DEFAULT', 'FLAG_NOT_FOUND')).toEqual({ reason: 'error', known: true });
    expect(canonicalReason('DEFAULT', '  ')).toEqual({ reason: 'default', known: true });
  });

  it('missing reasons are UNKNOWN (fallback); unrecognised ones are fallback and flagged', () => {
    expect(canonicalReason(null)).toEqual({ reason: 'fallback', known: true });
    expect(canonicalReason('')).toEqual({ reason: 'fallback', known: true });
    expect(canonicalReason('TIMEOUT')).toEqual({ reason: 'fallback', known: false });
  });

  it('extra mappings win, keys normalized like reasons', () => {
    expect(canonicalReason('timeout', null, { TIMEOUT: 'error' })).toEqual({ reason: 'error', known: true });
    expect(canonicalReason('CACHED', null, { cached: 'fallback' }).reason).toBe('fallback');
  });
});
