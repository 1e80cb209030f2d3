/**
 * The multiple-testing correction's family when a goal comparison is a deterministic difference
 * (both arms without variance: 0/1000 vs 1000/1000). It is not a test — no sampling variance, no
 * p-value — and Holm (1979) and Benjamini–Hochberg (1995) adjust over the hypotheses tested, so it
 * is left out of the family and the output says so (`correction`, the variant's note, the reasons).
 *
 * Independent references. Raw Welch p-values of the three tested goal comparisons (absolute
 * difference, per-arm variance p(1 − p)), Python 3 / scipy 1.17.1:
 *   stats.ttest_ind_from_stats(pb, sqrt(pb*(1-pb)), nb, pa, sqrt(pa*(1-pa)), na, equal_var=False)
 *   1000/10000 vs 1100/10000 → 0.02106825746873389
 *    500/10000 vs  560/10000 → 0.058249717985377675
 *   2000/10000 vs 2050/10000 → 0.37897648877951934
 * Adjusted, R 4.2 (options(digits = 17)):
 *   p.adjust(p, "holm")      → 0.063204772406201662 0.116499435970755350 0.378976488779519338
 *   p.adjust(p, "BH")        → 0.063204772406201662 0.087374576978066512 0.378976488779519338
 *   (scipy stats.false_discovery_control(p, method='bh') agrees with BH)
 * Had the deterministic difference been counted with p = 0:
 *   p.adjust(c(0, p), "holm") → 0 0.063204772406201662 0.116499435970755350 0.378976488779519338
 *   p.adjust(c(0, p), "BH")   → 0 0.042136514937467777 0.077666290647170233 0.378976488779519338
 * Holm is unchanged for the real tests (the 0 is rejected first, the rest step down over the
 * others), but BH would call the first comparison significant (0.042 < 0.05) on the strength of
 * a p-value that no test produced: leaving it out is the treatment that is right for both.
 */
import { describe, expect, it } from 'vitest';
import { analyzeExperiment, type ExperimentInput } from './analyze-experiment.ts';
import { decide } from './decide.ts';

const RAW = [0.02106825746873389, 0.058249717985377675, 0.37897648877951934];
const HOLM_R = [0.063204772406201662, 0.11649943597075535, 0.378976488779519338];
const BH_R = [0.063204772406201662, 0.087374576978066512, 0.378976488779519338];

const p = (n: number, sum: number) => ({ kind: 'proportion' as const, n, sum });

const input: ExperimentInput = {
  variants: [
    { name: 'A', units: 10000 },
    { name: 'B', units: 10000 },
  ],
  metrics: [
    { name: 'signup', arms: [p(10000, 1000), p(10000, 1100)] },
    { name: 'activation', arms: [p(10000, 500), p(10000, 560)] },
    { name: 'badge_shown', arms: [p(1000, 0), p(1000, 1000)] },
    { name: 'upgrade', arms: [p(10000, 2000), p(10000, 2050)] },
    // a guardrail is never in the family, whatever its numbers
    { name: 'refunds', arms: [p(10000, 300), p(10000, 310)], guardrail: true, lowerIsBetter: true },
  ],
  daysRunning: 14,
};
const TESTED = ['signup', 'activation', 'upgrade'];

describe('multiple-testing correction: the family is the tested comparisons', () => {
  it.each([
    ['holm', HOLM_R],
    ['bh', BH_R],
  ] as const)('%s: adjusted p-values as R p.adjust over the 3 tested comparisons', (correction, expected) => {
    const a = analyzeExperiment(input, { difference: 'absolute', correction });
    const byName = new Map(a.metrics.map((m) => [m.name, m.variants[0]]));
    TESTED.forEach((name, i) => {
      const v = byName.get(name)!;
      expect(Math.abs(v.pValue! - RAW[i])).toBeLessThan(1e-12);
      expect(Math.abs(v.adjustedPValue! - expected[i])).toBeLessThan(1e-12);
    });
    const det = byName.get('badge_shown')!;
    expect(det).toMatchObject({ deterministic: true, pValue: null, adjustedPValue: null, adjustedCi: null });
    expect(byName.get('refunds')!.adjustedPValue).toBeNull();
    expect(a.correction).toEqual({
      method: correction,
      tested: 3,
      leftOut: [
        {
          metric: 'badge_shown',
          variant: 'B',
          reason: 'deterministic difference: not a hypothesis test (no variance in either arm, no p-value)',
        },
      ],
    });
    const name = correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg';
    expect(det.note).toMatch(
      /^deterministic difference: every control unit is 0 % and every treatment unit is 100 %/,
    );
    expect(det.note).toMatch(
      new RegExp(
        `; left out of the ${name} correction: a deterministic difference is not a hypothesis test, and the correction adjusts over the hypotheses tested; the 3 tested comparisons are corrected among themselves$`,
      ),
    );
  });

  it('BH: signup stays inconclusive (0.063), where counting the deterministic result as p = 0 would make it significant (0.042)', () => {
    const a = analyzeExperiment(input, { difference: 'absolute', correction: 'bh' });
    const d = decide(a);
    expect(d.verdicts.find((v) => v.metric === 'signup')!.verdict).toBe('inconclusive');
    expect(d.verdicts.find((v) => v.metric === 'badge_shown')!.verdict).toBe('better');
    expect(
      d.reasons.some(
        (r) => r.includes("'badge_shown'") && r.includes('left out of the Benjamini–Hochberg correction'),
      ),
    ).toBe(true);
  });

  it('comparisons without numbers are listed as left out with their reason; no correction, no family', () => {
    const withEmpty: ExperimentInput = {
      ...input,
      metrics: [...input.metrics, { name: 'never', arms: [p(1000, 0), p(1000, 0)] }],
    };
    const a = analyzeExperiment(withEmpty, { difference: 'absolute' });
    expect(a.correction?.tested).toBe(3);
    expect(a.correction?.leftOut.map((x) => x.metric)).toEqual(['badge_shown', 'never']);
    expect(a.correction?.leftOut[1].reason).toMatch(/^no result: no evidence either way/);
    // the tested family is the same, so the adjusted p-values are too
    expect(Math.abs(a.metrics[0].variants[0].adjustedPValue! - HOLM_R[0])).toBeLessThan(1e-12);

    expect(analyzeExperiment(input, { correction: 'none' }).correction).toBeNull();
    expect(analyzeExperiment(input, { method: 'bayesian' }).correction).toBeNull();
    const plain = analyzeExperiment(input, { correction: 'none' }).metrics[2].variants[0].note;
    expect(plain).not.toMatch(/left out/);
  });
});
