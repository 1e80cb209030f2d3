import { normalCdf, normalPdf, normalQuantile } from './distributions.ts';
import type { BayesianResult, EffectMoments, GaussianPrior } from './types.ts';

/**
 * Gaussian posterior for the effect (gbstats' EffectBayesianABTest): the estimate is treated as
 * N(effect, se²), the prior as N(m₀, v₀) — flat and improper when `prior` is omitted — so the
 * posterior is N((d/se² + m₀/v₀)/P, 1/P) with P = 1/se² + 1/v₀.
 *
 * A prior on the relative scale (the default, as in GrowthBook) is rescaled by the unadjusted
 * control mean for an absolute analysis (mean·|μA|, variance·μA²), and vice versa.
 *
 * Chance to win is P(effect > 0), or P(effect < 0) for lower-is-better metrics. Risk is the
 * expected loss [E max(0, gain) of choosing control, E max(0, −gain) of choosing the variant]
 * where gain is the effect oriented so that positive is better:
 * E max(0, X) = μΦ(μ/σ) + σφ(μ/σ) for X ~ N(μ, σ²).
 *
 * @example
 * bayesianEffect(moments, { alpha: 0.05 });
 * bayesianEffect(moments, { alpha: 0.05, prior: { mean: 0, variance: 0.09 }, lowerIsBetter: true });
 */
export function bayesianEffect(
  moments: EffectMoments,
  options: { alpha: number; prior?: GaussianPrior | null; lowerIsBetter?: boolean; oneSided?: boolean },
): BayesianResult {
  const { alpha } = options;
  const dataPrecision = 1 / moments.se ** 2;
  let precision = dataPrecision;
  let mean = moments.estimate;
  const prior = options.prior ? rescalePrior(options.prior, moments) : null;
  if (prior) {
    precision = dataPrecision + 1 / prior.variance;
    mean = (moments.estimate * dataPrecision + prior.mean / prior.variance) / precision;
  }
  const sd = 1 / Math.sqrt(precision);
  const lowerIsBetter = options.lowerIsBetter ?? false;

  let ci: [number, number];
  if (!options.oneSided) {
    const z = normalQuantile(1 - alpha / 2);
    ci = [mean - z * sd, mean + z * sd];
  } else {
    const z = normalQuantile(1 - alpha);
    ci = lowerIsBetter ? [-Infinity, mean + z * sd] : [mean - z * sd, Infinity];
  }

  const pPositive = normalCdf(mean / sd);
  const pNegative = normalCdf(-mean / sd);
  const density = sd * normalPdf(mean / sd);
  const lossIfPositiveMissed = mean * pPositive + density; // E max(0, effect)
  const lossIfNegativeTaken = -mean * pNegative + density; // E max(0, −effect)

  return {
    estimate: mean,
    se: sd,
    ci,
    chanceToWin: lowerIsBetter ? pNegative : pPositive,
    risk: lowerIsBetter
      ? [lossIfNegativeTaken, lossIfPositiveMissed]
      : [lossIfPositiveMissed, lossIfNegativeTaken],
  };
}

/** Null when the prior cannot be rescaled (zero control mean): the analysis then uses a flat prior. */
function rescalePrior(
  prior: GaussianPrior,
  moments: EffectMoments,
): { mean: number; variance: number } | null {
  const scale = prior.scale ?? 'relative';
  const base = moments.controlMean;
  if (scale === moments.difference) return { mean: prior.mean, variance: prior.variance };
  if (base === 0) return null;
  if (moments.difference === 'absolute') {
    return { mean: prior.mean * Math.abs(base), variance: prior.variance * base ** 2 };
  }
  return { mean: prior.mean / Math.abs(base), variance: prior.variance / base ** 2 };
}
