import { GtmError } from '../../errors/index.ts';
import type { SufficientStatsMetric } from '../shared/experiment-review/sufficient-stats-sql.ts';

const FORMS = 'use name:proportion:column, name:mean:column[:pre_column] or name:ratio:numerator/denominator';

/**
 * What is wrong with one `--metric` spec, or undefined: the check the flag declaration runs, so a
 * bad spec is refused before any file is read.
 *
 * @example metricSpecProblem('aov:ratio:revenue'); // 'metric "aov:ratio:revenue": a ratio needs numerator/denominator'
 */
export function metricSpecProblem(spec: string): string | undefined {
  const [name, type, column, pre, ...rest] = spec.split(':');
  const bad = (why: string) => `metric "${spec}": ${why}`;
  if (!name || !type || !column) return bad('needs name, type and column');
  if (rest.length) return bad('has more than four parts');
  if (type === 'ratio') {
    const [num, den, ...more] = column.split('/');
    if (!num || !den || more.length) return bad('a ratio needs numerator/denominator');
    if (pre !== undefined) return bad('a ratio takes no pre-period column');
    return undefined;
  }
  if (type !== 'proportion' && type !== 'mean') return bad(`unknown type "${type}"`);
  if (pre === '') return bad('the pre-period column is empty');
  return undefined;
}

/** The check of the whole `--metric` list: each spec, and no metric name twice. */
export function metricListProblem(specs: readonly string[]): string | undefined {
  for (const spec of specs) {
    const problem = metricSpecProblem(spec);
    if (problem) return problem;
  }
  const names = specs.map((s) => s.split(':')[0]);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  return twice === undefined ? undefined : `metric name "${twice}" is given twice`;
}

/**
 * Parses `name:type:column` metric specs; errors name the flag and the expected form.
 *
 * @example parseMetricSpecs(['signup:proportion:signed_up']); // [{ name: 'signup', type: 'proportion', valueColumn: 'signed_up' }]
 */
export function parseMetricSpecs(specs: string[]): SufficientStatsMetric[] {
  const problem = metricListProblem(specs);
  if (problem) throw new GtmError('USAGE', problem, { where: '--metric', hint: FORMS });
  return specs.map((spec) => {
    const [name, type, column, pre] = spec.split(':');
    if (type === 'ratio') {
      const [num, den] = column.split('/');
      return { name, type, numeratorColumn: num, denominatorColumn: den };
    }
    return {
      name,
      type: type as 'proportion' | 'mean',
      valueColumn: column,
      ...(pre ? { preColumn: pre } : {}),
    };
  });
}
