import type { StageContext } from '../../../orchestrator/index.ts';
import type { KitRun } from '../../kit/index.ts';
import { reviewExperiment, type ExperimentDefinition, type ExperimentReadout } from './review-experiment.ts';
import type { StatsRow } from './readout-from-rows.ts';

/** One experiment's data as a command's SQL produced it. */
export interface ExperimentData {
  def: ExperimentDefinition;
  rows: StatsRow[];
  multipleExposures?: number | null;
}

export interface ExperimentReview {
  readouts: ExperimentReadout[];
  /** Experiments asked for (`--experiments`) that have no data. */
  missing: string[];
}

/**
 * The experiment review every monitoring command plugs in: the command's SQL reduces its
 * exposures and outcomes to sufficient statistics per experiment; this reads each out
 * (`analyzeExperiment` → `decide`), and records two alerts: experiments whose health checks fail
 * (sample ratio mismatch, multiple exposure) and guardrail metrics violated.
 *
 * @example
 * run: async (ctx, got) => reviewExperiments(ctx, run, await loadStats(run, got), run.inputs.experiments)
 */
export function reviewExperiments(
  ctx: StageContext,
  run: KitRun<unknown>,
  data: readonly ExperimentData[],
  asked: readonly string[] = [],
  ownerRole = 'testing_lead',
): ExperimentReview {
  const readouts: ExperimentReadout[] = [];
  for (const d of data) {
    ctx.progress(`reading out ${d.def.id}`);
    readouts.push(
      reviewExperiment(d.def, d.rows, { asOfDay: run.asOfDay, multipleExposures: d.multipleExposures }),
    );
  }
  const unhealthy = readouts.filter((r) => r.health.srm?.alert || r.health.multiple_exposure?.alert).length;
  const violated = readouts.reduce(
    (s, r) =>
      s + r.metrics.filter((m) => m.guardrail && m.variants.some((v) => v.decision === 'violated')).length,
    0,
  );
  if (readouts.length) {
    ctx.alert({
      id: 'experiment_health',
      metric: 'experiments failing sample-ratio or multiple-exposure checks',
      value: unhealthy,
      threshold: 0,
      direction: 'above',
      unit: 'count',
      owner_role: ownerRole,
    });
    ctx.alert({
      id: 'experiment_guardrails',
      metric: 'guardrail metrics violated by a variant',
      value: violated,
      threshold: 0,
      direction: 'above',
      unit: 'count',
      owner_role: ownerRole,
    });
  }
  const have = new Set(data.map((d) => d.def.id.toLowerCase()));
  return { readouts, missing: asked.filter((a) => !have.has(a.toLowerCase())) };
}
