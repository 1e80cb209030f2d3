/**
 * Beta posteriors for conversion rates at 0 % or 100 %. References: SciPy 1.17.1 by adaptive
 * quadrature over the control posterior (/tmp script, reproduced here):
 *
 *   A = stats.beta(1 + sA, 1 + nA - sA); B = stats.beta(1 + sB, 1 + nB - sB)
 *   q = lambda f: integrate.quad(lambda x: A.pdf(x) * f(x), A.ppf(1e-15), A.isf(1e-15),
 *                                limit=500, epsabs=1e-14, epsrel=1e-12)[0]
 *   chance to win      = q(lambda x: B.sf(x))
 *   absolute CDF(d)    = q(lambda x: B.cdf(x + d));  relative CDF(r) = q(lambda x: B.cdf((1 + r) * x))
 *   interval           = optimize.brentq(lambda d: CDF(d) - 0.025 / 0.975, ...)
 *   risk E max(0, eff) = q(lambda x: integrate.quad(lambda y: (y - x) * B.pdf(y), x, 1)[0])  (/x if relative)
 *
 * and cross-checked by Monte Carlo (4·10⁶ draws, numpy default_rng(1)), e.g. for 20/0 vs 20/3:
 * chance 0.946485, interval (−0.0323, 0.3303).
 */
import { describe, expect, it } from 'vitest';
import { betaBinomialEffect, needsBetaPosterior } from './beta-binomial-effect.ts';
import type { ProportionArm } from './types.ts';

const arm = (n: number, sum: number): ProportionArm => ({ kind: 'proportion', n, sum });

describe('betaBinomialEffect against SciPy quadrature', () => {
  it.each([
    // [nA, sA, nB, sB, difference, mean, chance, ci low, ci high, risk up, risk down]
    [
      1000,
      0,
      1000,
      10,
      'absolute',
      0.00998003992015968,
      0.9995250193473012,
      0.004028648577912045,
      0.017477319745236017,
      0.009980511349472851,
      4.714293131702352e-7,
    ],
    [
      500,
      500,
      500,
      480,
      'absolute',
      -0.03984063745019917,
      3.849838253188898e-7,
      -0.05928924289789937,
      -0.023516374966593322,
      7.508432948465067e-10,
      0.039840638201042465,
    ],
    [
      500,
      500,
      500,
      480,
      'relative',
      -0.039916334661331376,
      3.849838253188898e-7,
      -0.05937587231691165,
      -0.02359355046689878,
      7.699676240001137e-10,
      0.039916335431299,
    ],
    [
      1000,
      0,
      1000,
      0,
      'absolute',
      0,
      0.5,
      -0.0029867742296787194,
      0.002986774229678821,
      0.000498752868704124,
      0.000498752868704124,
    ],
    [
      1000,
      0,
      1000,
      1000,
      'absolute',
      0.998003992015968,
      1,
      0.9944442351296802,
      0.9997580522038327,
      0.9980039920159646,
      0,
    ],
    [
      200,
      30,
      200,
      0,
      'relative',
      -0.966831683168317,
      1.330026197996198e-10,
      -0.9991790039926542,
      -0.8752572952724034,
      8.164335052905683e-12,
      0.9668316831764814,
    ],
    [
      20,
      0,
      20,
      3,
      'absolute',
      0.13636363636363635,
      0.9465290806754209,
      -0.0321993887168556,
      0.3302224732102199,
      0.13856804001443793,
      0.002204403650801573,
    ],
  ] as const)('%i/%i vs %i/%i %s', (nA, sA, nB, sB, difference, mean, chance, low, high, up, down) => {
    const r = betaBinomialEffect(arm(nA, sA), arm(nB, sB), { alpha: 0.05, difference });
    expect(r.estimate).toBeCloseTo(mean, 12);
    // 1e-7 absolute; tail probabilities below 1e-6 to 1e-8 absolute (not decision-relevant); intervals and risks to 5e-7
    expect(Math.abs(r.chanceToWin - chance)).toBeLessThan(chance < 1e-6 ? 1e-8 : 1e-7);
    expect(r.ci[0]).toBeCloseTo(low, 6);
    expect(r.ci[1]).toBeCloseTo(high, 6);
    expect(r.risk[0]).toBeCloseTo(up, 6);
    expect(r.risk[1]).toBeCloseTo(down, 6);
  });

  it('lower-is-better turns the chance and the risks around; one-sided opens the interval', () => {
    const a = arm(20, 0);
    const b = arm(20, 3);
    const up = betaBinomialEffect(a, b, { alpha: 0.05, difference: 'absolute' });
    const down = betaBinomialEffect(a, b, { alpha: 0.05, difference: 'absolute', lowerIsBetter: true });
    expect(down.chanceToWin).toBeCloseTo(1 - up.chanceToWin, 12);
    expect(down.risk).toEqual([up.risk[1], up.risk[0]]);
    const one = betaBinomialEffect(a, b, { alpha: 0.05, difference: 'absolute', oneSided: true });
    expect(one.ci[1]).toBe(Infinity);
    expect(one.ci[0]).toBeGreaterThan(up.ci[0]);
  });

  it('applies only with an arm at 0 % or 100 %; a relative lift needs 2 control conversions', () => {
    expect(needsBetaPosterior(arm(100, 10), arm(100, 12))).toBe(false);
    expect(needsBetaPosterior(arm(100, 100), arm(100, 12))).toBe(true);
    expect(needsBetaPosterior(arm(100, 10), arm(100, 0))).toBe(true);
    expect(() =>
      betaBinomialEffect(arm(100, 1), arm(100, 0), { alpha: 0.05, difference: 'relative' }),
    ).toThrow(/2 control conversions/);
  });
});
