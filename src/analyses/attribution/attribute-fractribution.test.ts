import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attribute } from './attribute.ts';
import { parsePathSummary } from './parse-path-summary.ts';
import type { PathRecord } from './types.ts';
import { referencePath } from '../../../test/helpers/reference-data.ts';

// google/fractribution, py/fractribution_model/tests/{example_path_summary,expected_exposure_fit}.csv,
// Apache-2.0 (https://github.com/google/fractribution). The expected file has one row per converting
// customer: the exposure-transformed path and that path's fractional credit per channel a..k.
const DIR = referencePath('attribution');
const summary = (): PathRecord[] =>
  parsePathSummary(readFileSync(`${DIR}/fractribution-path-summary.csv`, 'utf8')).records;

function expectedExposureFit(): { path: string; credit: Record<string, number> }[] {
  const [header, ...rows] = readFileSync(`${DIR}/fractribution-expected-exposure-fit.csv`, 'utf8')
    .trim()
    .split('\n');
  const cols = header.split(',');
  return rows.map((line) => {
    const f = line.split(',');
    const credit: Record<string, number> = {};
    cols.forEach((c, i) => {
      if (/^[a-k]$/.test(c)) credit[c.toUpperCase()] = Number(f[i]);
      if (c === 'unmatched_channel') credit['(unmatched)'] = Number(f[i]);
    });
    return { path: f[cols.indexOf('path')], credit };
  });
}

describe('fractribution (leave-one-out "simplified Shapley")', () => {
  const result = attribute(summary(), 'fractribution', { transforms: ['exposure'], perPath: true });
  const ours = new Map(result.perPath!.map((p) => [p.path.join(' > '), p]));
  const expected = expectedExposureFit();

  it("reproduces fractribution's expected per-path fractions under the exposure transform", () => {
    const distinct = new Map(expected.map((e) => [e.path, e.credit]));
    expect(distinct.size).toBe(48);
    for (const [path, credit] of distinct) {
      const mine = ours.get(path);
      expect(mine, path).toBeDefined();
      for (const [channel, share] of Object.entries(credit)) {
        // the file keeps 15 significant digits
        expect(Math.abs((mine!.shares[channel] ?? 0) - share), `${path} / ${channel}`).toBeLessThan(1e-12);
      }
    }
  });

  it('sums the per-customer fractions of the expected file to our channel credit', () => {
    // Each row of the expected file is one converting customer, so per-channel column sums are the
    // channel's attributed conversions.
    const sums = new Map<string, number>();
    for (const e of expected)
      for (const [c, x] of Object.entries(e.credit)) sums.set(c, (sums.get(c) ?? 0) + x);
    expect(expected.length).toBe(result.totals.conversions);
    for (const c of result.channels) expect(c.conversions).toBeCloseTo(sums.get(c.channel) ?? 0, 9);
  });

  it('applies the documented corner cases: single touch, all-zero contributions, unseen counterfactuals', () => {
    const records: PathRecord[] = [
      // p(x>y) = 0.5, p(y) = 0.5 and (x) never observed
      { path: ['x', 'y'], conversions: 1, value: 10, nulls: 1 },
      { path: ['y'], conversions: 1, value: 5, nulls: 1 },
      // p(u>v) = 0.1 while p(u) = p(v) = 1: every marginal floors to 0 → last touch takes it all
      { path: ['u', 'v'], conversions: 1, value: 7, nulls: 9 },
      { path: ['u'], conversions: 1, value: 1, nulls: 0 },
      { path: ['v'], conversions: 1, value: 1, nulls: 0 },
      // never converts: no attribution, its value is unmatched (as fractribution's Unmatched_Channel)
      { path: ['w'], conversions: 0, value: 3, nulls: 4 },
    ];
    const res = attribute(records, 'fractribution', { perPath: true });
    const share = (path: string) => res.perPath!.find((p) => p.path.join('>') === path)!.shares;
    // x>y: removing x leaves (y) with p 0.5 → marginal(x) = 0; removing y leaves (x) unseen → marginal(y) = 0.5
    expect(share('x>y')).toEqual({ y: 1 });
    expect(share('u>v')).toEqual({ v: 1 });
    expect(share('y')).toEqual({ y: 1 });
    expect(share('w')).toEqual({});
    const unmatched = res.channels.find((c) => c.channel === '(unmatched)')!;
    expect(unmatched).toEqual({ channel: '(unmatched)', conversions: 0, value: 3 });
  });

  it("folds the frequency transform's A(n) labels back into channels", () => {
    const res = attribute(
      [
        { path: ['a', 'b', 'a'], conversions: 2, value: 0, nulls: 2 },
        { path: ['b'], conversions: 1, value: 0, nulls: 3 },
      ],
      'fractribution',
      { transforms: ['frequency'], perPath: true },
    );
    expect(res.perPath![0].path).toEqual(['a(2)', 'b(1)']);
    expect(res.channels.map((c) => c.channel).sort()).toEqual(['a', 'b']);
    // (a(2), b(1)) has p = 0.5; leaving out a(2) gives (b(1)), observed with p = 0.25; leaving out
    // b(1) gives (a(2)), never observed (p = 0): marginals 0.25 and 0.5.
    const s = res.perPath![0].shares;
    expect(s.a + s.b).toBeCloseTo(1, 15);
    expect(s.a).toBeCloseTo((0.5 - 0.25) / (0.5 - 0.25 + 0.5), 15);
  });
});
