import { describe, expect, it } from 'vitest';
import type { OpportunityJourney, Touch } from '../../analyses/co-marketing/journeys.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import { attributeJourneys } from './attribute-stage.ts';

/**
 * last-non-direct credits one touch of each journey: its last touch whose channel is not direct
 * (the last touch when all are). Every dimension credits that same touch: its partner, asset and
 * region, not those of a later direct visit (the partner path holds no channels to tell).
 */
const ws = {
  attribution: { half_life_days: 7, bootstrap: 0, seed: 42 },
  channels: { direct: 'direct' },
  partners: [{ id: 'acme' }, { id: 'beta' }],
} as unknown as WorkspaceConfig;

const touch = (ts: number, channel: string, partner: string, asset: string): Touch => ({
  ts,
  channel,
  partner,
  asset,
  region: channel === 'direct' ? 'NA' : 'EMEA',
  touch_type: null,
});
const journey = (id: string, pipeline: number, touches: Touch[]): OpportunityJourney => ({
  opportunity_id: id,
  created_ts: 10_000,
  pipeline,
  revenue: pipeline / 10,
  won: true,
  region: 'EMEA',
  segment: 'smb',
  sourced_by: null,
  lead_ts: null,
  touches,
});

describe('track-source last-non-direct: one touch credited in every dimension', async () => {
  const journeys = [
    // acme's webinar, then a direct visit of no partner: acme's touch is the last non-direct one
    journey('o1', 1000, [touch(1, 'events', 'acme', 'webinar'), touch(2, 'direct', 'house', '(none)')]),
    // beta's e-mail, then acme's partner link, then direct twice: acme's link
    journey('o2', 300, [
      touch(1, 'email', 'beta', 'ebook'),
      touch(2, 'partner', 'acme', 'landing'),
      touch(3, 'direct', 'house', '(none)'),
      touch(4, 'direct', 'beta', '(none)'),
    ]),
    // only direct touches: the last one
    journey('o3', 50, [touch(1, 'direct', 'acme', '(none)'), touch(2, 'direct', 'beta', 'pricing')]),
  ];
  const out = await attributeJourneys(
    journeys,
    [],
    'last-non-direct',
    ['partner', 'channel', 'asset', 'region'],
    ws,
  );
  const credit = (dim: 'partner' | 'channel' | 'asset' | 'region') =>
    Object.fromEntries(
      (out.byDimension[dim] ?? []).filter((l) => l.pipeline).map((l) => [l.key, [l.pipeline, l.revenue]]),
    );

  it('credits the partner, asset and region of the touch the channel credit names', () => {
    expect(credit('channel')).toEqual({ events: [1000, 100], partner: [300, 30], direct: [50, 5] });
    expect(credit('partner')).toEqual({ acme: [1300, 130], beta: [50, 5] });
    expect(credit('asset')).toEqual({ webinar: [1000, 100], landing: [300, 30], pricing: [50, 5] });
    expect(credit('region')).toEqual({ EMEA: [1300, 130], NA: [50, 5] });
  });

  it('still counts every touch of the journeys', () => {
    const touches = Object.fromEntries((out.byDimension.partner ?? []).map((l) => [l.key, l.touches]));
    expect(touches).toEqual({ acme: 3, beta: 3, house: 2 });
  });
});
