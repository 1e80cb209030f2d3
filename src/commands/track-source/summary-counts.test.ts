/** The executive summary and KPI tile say "1 opportunity", not "1 opportunities". */
import { describe, expect, it } from 'vitest';
import { executiveSummary } from './dashboard.ts';
import type { TrackSourceResult } from './result.ts';

const result = {
  currency: 'USD',
  campaign: { name: 'Tour', window_share: 0.5, start: '2026-11-01', end: '2026-12-31' },
  window: { label: '30d', days: 30 },
  as_of: '2026-12-06',
  totals: { opportunities: 1, pipeline: 1000, revenue: 0, won: 0 },
  model: { name: 'linear' },
  by_partner: [],
  contribution: [],
  confidence: { value: 1, threshold: 0.7, reason: null },
  unattributed: { pipeline: 0 },
  actions: [],
} as unknown as TrackSourceResult;

describe('track-source executive summary', () => {
  it('says "1 opportunity" for one', () => {
    expect(executiveSummary(result)).toContain('window to 2026-12-06: 1 opportunity, ');
  });
});
