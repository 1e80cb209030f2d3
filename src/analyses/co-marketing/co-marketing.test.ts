import { describe, expect, it } from 'vitest';
import {
  buildJourneys,
  contributionVsTarget,
  funnelDropoff,
  lastTouchAtOrBefore,
  recommendActions,
  worstAgainstOverall,
} from './index.ts';

describe('contributionVsTarget', () => {
  it('prorates campaign targets to the window and judges attainment against them', () => {
    const [a, b, c] = contributionVsTarget(
      [
        { partner: 'a', partner_name: 'A', pipeline: 50, revenue: 10 },
        { partner: 'b', partner_name: 'B', pipeline: 120, revenue: 0 },
        { partner: 'c', partner_name: 'C', pipeline: 5, revenue: 0 },
      ],
      { a: { pipeline: 300, revenue: 60 }, b: { pipeline: 300 } },
      1 / 3,
    );
    expect(a.pipeline_target_in_window).toBeCloseTo(100, 12);
    expect(a.pipeline_attainment).toBeCloseTo(0.5, 12);
    expect(a.revenue_attainment).toBeCloseTo(0.5, 12);
    expect(a.status).toBe('behind');
    expect(b.status).toBe('ahead'); // 120 / 100
    expect(c.status).toBe('no_target');
    expect(c.pipeline_attainment).toBeNull();
  });

  it('calls 90% to 110% of target on track, both ends included', () => {
    const rows = contributionVsTarget(
      [0.9, 1.1].map((x, i) => ({ partner: `p${i}`, partner_name: '', pipeline: 100 * x, revenue: 0 })),
      { p0: { pipeline: 100 }, p1: { pipeline: 100 } },
      1,
    );
    expect(rows.map((r) => r.status)).toEqual(['on_track', 'on_track']);
  });
});

describe('funnel drop-off', () => {
  const rows = funnelDropoff([
    { value: 'email', touched_accounts: 100, opportunities: 20, reached_proposal: 10, won: 5 },
    { value: 'display', touched_accounts: 100, opportunities: 20, reached_proposal: 10, won: 1 },
    { value: 'tiny', touched_accounts: 4, opportunities: 1, reached_proposal: 0, won: 0 },
  ]);

  it('computes step rates, leaving small bases unjudged', () => {
    expect(rows[0].steps.map((s) => s.rate)).toEqual([0.2, 0.5, 0.5]);
    expect(rows[2].steps.every((s) => s.rate === null)).toBe(true);
    expect(rows[1].worst).toEqual({
      from: 'reached_proposal',
      to: 'won',
      rate: 0.1,
      base: 10,
      observed: 0.1,
    });
  });

  it('keeps the observed rates of an unjudged row and says why it has no drop-off point', () => {
    // tiny: 1 of 4 touched accounts opened an opportunity, 0 of 1 reached proposal, 0 of 0 won
    expect(rows[2].steps.map((s) => [s.base, s.observed])).toEqual([
      [4, 0.25],
      [1, 0],
      [0, null],
    ]);
    expect(rows[2].worst).toBeNull();
    expect(rows[2].note).toBe(
      'not judged: every step has fewer than 5 (touched accounts 4, opportunities 1, reached proposal 0)',
    );
    expect(rows[0].note).toBeNull();
  });

  it('finds the step furthest below the same step overall, not the lowest rate', () => {
    const w = worstAgainstOverall(rows)!;
    expect(w.row.value).toBe('display');
    expect(w.step.to).toBe('won');
    expect(w.overall).toBeCloseTo(6 / 20, 12); // (5 + 1 + 0) / (10 + 10 + 0)
  });
});

describe('journeys', () => {
  it('attaches touches to their opportunity and finds the lead-creation touch', () => {
    const [j] = buildJourneys(
      [
        {
          opportunity_id: 'o1',
          created_ts: 50,
          pipeline: 10,
          revenue: 0,
          won: false,
          region: 'NA',
          segment: 'SMB',
        },
      ],
      [
        {
          opportunity_id: 'o1',
          ts: 10,
          channel: 'email',
          partner: 'house',
          asset: 'x',
          region: 'NA',
          touch_type: null,
        },
        {
          opportunity_id: 'o1',
          ts: 30,
          channel: 'events',
          partner: 'p',
          asset: 'y',
          region: 'NA',
          touch_type: 'webinar_attended',
        },
        {
          opportunity_id: 'zz',
          ts: 5,
          channel: 'email',
          partner: 'house',
          asset: 'x',
          region: 'NA',
          touch_type: null,
        },
      ],
      new Map([['o1', 'p']]),
      new Map([['o1', 20]]),
    );
    expect(j.touches.map((t) => t.channel)).toEqual(['email', 'events']);
    expect(j.sourced_by).toBe('p');
    expect(lastTouchAtOrBefore(j.touches, j.lead_ts)).toBe(0);
    expect(lastTouchAtOrBefore(j.touches, 5)).toBeUndefined();
  });
});

describe('recommendActions', () => {
  const base = {
    contribution: contributionVsTarget(
      [{ partner: 'a', partner_name: 'A', pipeline: 40, revenue: 0 }],
      { a: { pipeline: 100 } },
      1,
    ),
    assets: [
      { key: 'webinar', partner: 'a', label: 'Webinar', pipeline: 900, revenue: 0, touches: 30 },
      { key: 'banner', partner: null, label: 'Banner', pipeline: 100, revenue: 0, touches: 70 },
    ],
    channels: [
      { key: 'events', label: 'events', pipeline: 800, revenue: 0, touches: 20 },
      { key: 'display', label: 'display', pipeline: 200, revenue: 0, touches: 80 },
    ],
    funnelByPartner: [],
    funnelByChannel: [],
    confidence: { value: 0.5, threshold: 0.7, unmatchedPipeline: 500 },
    unassigned: { touches: 10, totalTouches: 100, top: [{ source: 'x', medium: 'y', touches: 10 }] },
    rejects: { rows: 2, topReason: 'amount: cannot read a value as a number' },
    currency: 'USD',
  };

  it('cites its numbers and names an owner role for every action', () => {
    const actions = recommendActions(base);
    const ids = actions.map((a) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'fix-touch-matching',
        'close-gap-a',
        'promote-webinar',
        'rework-banner',
        'shift-from-display',
        'invest-in-events',
        'add-channel-rules',
        'fix-rejected-rows',
      ]),
    );
    expect(actions.find((a) => a.id === 'close-gap-a')!.evidence).toContain('40.0%');
    expect(actions.find((a) => a.id === 'close-gap-a')!.target.asset).toBe('webinar');
    expect(actions.find((a) => a.id === 'fix-touch-matching')!.evidence).toContain('50.0%');
    expect(actions.every((a) => a.owner_role && a.evidence.length > 10)).toBe(true);
  });

  it("prints money with the currency's decimals below 1,000 (it rounded to whole units)", () => {
    const ev = (currency: string, id: string) =>
      recommendActions({ ...base, currency }).find((a) => a.id === id)!.evidence;
    // unmatched 500; target 100 in a window of share 1; webinar 900 / 30 = 30 per touch, all assets
    // 1,000 / 100 = 10 per touch
    expect(ev('USD', 'fix-touch-matching')).toContain('; USD 500.00 is unattributed.');
    expect(ev('USD', 'close-gap-a')).toBe(
      '40.0% of its USD 100.00 pipeline target for this window (100.0% of the campaign target of USD 100.00); "Webinar" yields USD 30.00 of attributed pipeline per touch.',
    );
    expect(ev('USD', 'promote-webinar')).toBe(
      'USD 30.00 of attributed pipeline per touch, 3.0× the campaign average of USD 10.00 (30 touches).',
    );
    expect(ev('JPY', 'promote-webinar')).toMatch(/^JPY 30 of .* average of JPY 10 \(/);
    expect(ev('KWD', 'promote-webinar')).toMatch(/^KWD 30\.000 of .* average of KWD 10\.000 \(/);
    expect(
      recommendActions({ ...base, confidence: { ...base.confidence, unmatchedPipeline: 123456.7 } }).find(
        (a) => a.id === 'fix-touch-matching',
      )!.evidence,
    ).toContain('; USD 123,457 is unattributed.');
  });

  it('stays quiet when nothing is off', () => {
    const calm = recommendActions({
      ...base,
      contribution: contributionVsTarget(
        [{ partner: 'a', partner_name: 'A', pipeline: 100, revenue: 0 }],
        { a: { pipeline: 100 } },
        1,
      ),
      assets: [],
      channels: [],
      confidence: { value: 0.9, threshold: 0.7, unmatchedPipeline: 0 },
      unassigned: { touches: 0, totalTouches: 100, top: [] },
      rejects: { rows: 0, topReason: null },
    });
    expect(calm).toEqual([]);
  });

  it("lists high before medium before low, in the rules' order within each (a partner ahead of target came before one behind it)", () => {
    const actions = recommendActions({
      ...base,
      contribution: contributionVsTarget(
        [
          { partner: 'a', partner_name: 'A', pipeline: 200, revenue: 0 },
          { partner: 'b', partner_name: 'B', pipeline: 40, revenue: 0 },
        ],
        { a: { pipeline: 100 }, b: { pipeline: 100 } },
        1,
      ),
      confidence: { value: 0.9, threshold: 0.7, unmatchedPipeline: 0 },
    });
    expect(actions.map((a) => [a.priority, a.id])).toEqual([
      ['high', 'close-gap-b'],
      ['medium', 'scale-a'],
      ['medium', 'promote-webinar'],
      ['medium', 'shift-from-display'],
      ['medium', 'invest-in-events'],
      ['low', 'rework-banner'],
      ['low', 'add-channel-rules'],
      ['low', 'fix-rejected-rows'],
    ]);
  });
});
