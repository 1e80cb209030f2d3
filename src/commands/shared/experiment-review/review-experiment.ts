import type { Method } from '../../../analyses/experiments/index.ts';
import { analyzeReadout } from './analyze-readout.ts';
import { readoutInputFromRows, type ReadoutMetricOptions, type StatsRow } from './readout-from-rows.ts';
import type { ReadoutResult } from './readout-result.ts';

/** An experiment as a command knows it (from its `experiments` source or gtm.yaml). */
export interface ExperimentDefinition {
  id: string;
  name?: string;
  /** Planned traffic weight per variant (any scale); the control is sorted first by the SQL. */
  weights?: Readonly<Record<string, number>>;
  /** Per metric: guardrail, direction, non-inferiority margin. */
  metrics?: Readonly<Record<string, ReadoutMetricOptions>>;
  method?: Method;
  /** YYYY-MM-DD; `end` after as-of (or absent) means the test is live. */
  start?: string;
  end?: string;
  plannedDays?: number;
}

/** A readout of one experiment with what a memo needs: status, duration and a next test. */
export interface ExperimentReadout extends ReadoutResult {
  id: string;
  name: string;
  status: 'live' | 'completed';
  days_running: number | null;
  units: number;
  /** What to test next, given the recommendation. */
  next_test: string;
}

/**
 * The goal metrics on which one variant is better and another (or the same) is worse: a trade-off
 * the decision stopped on, as [better, worse] metric names; null when there is none.
 */
function tradeOff(r: ReadoutResult): [string[], string[]] | null {
  const goals = r.metrics.filter((m) => !m.guardrail);
  for (const v of r.recommendation.variants) {
    const of = (d: string) =>
      goals.filter((m) => m.variants.some((x) => x.name === v.name && x.decision === d)).map((m) => m.name);
    const [better, worse] = [of('better'), of('worse')];
    if (better.length && worse.length) return [better, worse];
  }
  return null;
}

/**
 * A next test that follows from the recommendation and from why it was made, stated plainly: a test
 * stopped for a broken split (sample ratio mismatch, multiple exposures) is rerun once the
 * assignment is fixed, one stopped on a trade-off between goals looks for a version without the
 * loss, and only one that reached its horizon without a conclusive result calls for a larger change.
 */
export function nextTestFor(r: ReadoutResult, name: string): string {
  const v = r.recommendation.variant ?? 'the treatment';
  switch (r.recommendation.action) {
    case 'ship':
      return `Ship ${v} of ${name}, then test a bolder version of the same lever against it (new control) to find where the lift stops.`;
    case 'roll back':
      return `Roll back ${v} of ${name}; test a smaller change of the same lever, or a different lever, with the guardrail that failed as a primary metric.`;
    case 'stop': {
      const broken = [
        r.health.srm?.alert ? 'the sample ratio mismatch' : null,
        r.health.multiple_exposure?.alert ? 'the units exposed to more than one variant' : null,
      ].filter((x): x is string => x !== null);
      if (broken.length)
        return `Fix the assignment of ${name} (${broken.join(' and ')}), then run the same test again from a fresh start: its results cannot be read, so they say nothing about the size of the effect.`;
      const t = tradeOff(r);
      if (t)
        return `Stop ${name}: it is better on ${t[0].join(', ')} but worse on ${t[1].join(', ')}; test a version that keeps the gain without the loss, or let the owner weigh the two.`;
      return `Stop ${name}: the effect is too small to detect at this size; test a larger change or a more sensitive metric (e.g. an earlier funnel step).`;
    }
    default:
      return `Keep ${name} running until the planned sample and duration are reached; do not start a competing test on the same audience.`;
  }
}

/**
 * Reads out one experiment from its sufficient statistics (rows of `sufficientStatsSql`, control
 * first): the statistics engine's analysis and decision, plus status, duration and a next test.
 */
export function reviewExperiment(
  def: ExperimentDefinition,
  rows: readonly StatsRow[],
  opts: { asOfDay: string; multipleExposures?: number | null },
): ExperimentReadout {
  const DAY = 86_400_000;
  const end = def.end && def.end < opts.asOfDay ? def.end : opts.asOfDay;
  const days = def.start
    ? Math.max(0, Math.round((Date.parse(end) - Date.parse(def.start)) / DAY) + 1)
    : null;
  const input = readoutInputFromRows(rows, {
    where: `experiment ${def.id}`,
    weights: def.weights,
    metrics: def.metrics,
    daysRunning: days,
    multipleExposures: opts.multipleExposures ?? null,
  });
  const result = analyzeReadout(input, {
    ...(def.method ? { method: def.method } : {}),
    ...(def.plannedDays ? { plannedDays: def.plannedDays } : {}),
  });
  const name = def.name ?? def.id;
  return {
    id: def.id,
    name,
    status: def.end && def.end < opts.asOfDay ? 'completed' : 'live',
    days_running: days,
    units: input.variants.reduce((s, v) => s + (v.users ?? 0), 0),
    ...result,
    next_test: nextTestFor(result, name),
  };
}
