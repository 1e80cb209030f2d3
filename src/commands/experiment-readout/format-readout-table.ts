import type {
  ReadoutMetric,
  ReadoutResult,
  ReadoutVariant,
} from '../shared/experiment-review/readout-result.ts';
import { MINUS, signedText } from '../../analyses/text/index.ts';

/**
 * A readable terminal rendering of a readout: header with method and health, one row per metric
 * and variant, then the recommendation and its reasons. Plain columns, no colour, so it also
 * reads well in logs and CI output; signed effects as the reasons and the other commands print
 * them ("+3.01%", "−13.01%", U+2212), an open interval end as "−∞" or "+∞", "-" in an empty cell.
 *
 * @example
 * console.log(formatReadoutTable(await runExperimentReadout({ input: 'readout.json' })));
 */
export function formatReadoutTable(result: ReadoutResult): string {
  const relative = result.difference === 'relative';
  const bayesian = result.method === 'bayesian';
  const level = `${trim((1 - result.alpha) * 100)}%`;
  const lines: string[] = [];

  const correction = { holm: 'Holm correction', bh: 'Benjamini-Hochberg correction', none: 'no correction' }[
    result.correction
  ];
  lines.push(
    [
      `Experiment readout: ${result.method}${result.method === 'sequential' ? ` (N* = ${result.sequential_tuning})` : ''}`,
      relative ? 'relative lift' : 'absolute difference',
      `alpha = ${result.alpha}${result.one_sided ? ' one-sided' : ''}`,
      ...(bayesian ? [] : [correction]),
    ].join(' | '),
  );
  lines.push(`Health: ${healthParts(result.health).join(' | ')}`, '');

  const header = tableHeader(bayesian, level);
  const rows: string[][] = [];
  for (const metric of result.metrics) rows.push(...metricRows(metric, header, bayesian, relative));
  lines.push(...table(header, rows));
  if (!bayesian && result.correction !== 'none') {
    const family = result.correction_family;
    const over = family ? ` over ${family.tested} tested comparison${family.tested === 1 ? '' : 's'}` : '';
    lines.push(
      `(adj.: goal metrics corrected with the ${correction}${over}; the adjusted interval excludes 0 exactly when adj. p < ${result.alpha})`,
    );
    for (const x of family?.left_out ?? []) {
      lines.push(`(not corrected: ${x.metric} / ${x.variant}: ${x.reason})`);
    }
  }

  const rec = result.recommendation;
  lines.push('', `Recommendation: ${rec.action.toUpperCase()}${rec.variant ? ` ${rec.variant}` : ''}`);
  for (const reason of rec.reasons) lines.push(`  - ${reason}`);
  return lines.join('\n');
}

function healthParts(h: ReadoutResult['health']): string[] {
  return [
    h.srm
      ? `sample ratio p = ${formatP(h.srm.p_value)} (${h.srm.alert ? 'MISMATCH' : 'ok'})`
      : 'sample ratio not checked (no users)',
    ...(h.multiple_exposure
      ? [
          `multiple exposures ${trim(h.multiple_exposure.rate * 100)}% (${h.multiple_exposure.alert ? 'TOO MANY' : 'ok'})`,
        ]
      : []),
    `smallest arm ${h.smallest_arm} units (min ${h.min_sample_size})`,
    h.days_running === null
      ? `duration unknown (min ${h.min_days} days)`
      : `${trim(h.days_running)} days (min ${h.min_days})`,
  ];
}

function tableHeader(bayesian: boolean, level: string): string[] {
  return bayesian
    ? [
        'metric',
        'variant',
        'n',
        'effect',
        `${level} interval`,
        'chance to win',
        'risk ctrl / variant',
        'decision',
      ]
    : ['metric', 'variant', 'n', 'effect', `${level} interval`, 'p', 'adj. p', 'adj. interval', 'decision'];
}

/** The control row of one metric (carrying the metric's name and tags), then one row per variant. */
function metricRows(
  metric: ReadoutMetric,
  header: string[],
  bayesian: boolean,
  relative: boolean,
): string[][] {
  const tags = [
    metric.guardrail ? 'guardrail' : '',
    metric.lower_is_better ? 'lower is better' : '',
    metric.cuped ? 'CUPED' : '',
  ]
    .filter(Boolean)
    .join(', ');
  const name = tags ? `${metric.name} (${tags})` : metric.name;
  const rows: string[][] = [
    [name, `${metric.control.name} (control)`, String(metric.control.n), ...header.slice(3).map(() => '')],
  ];
  for (const v of metric.variants) rows.push(variantRow(v, header, bayesian, relative));
  return rows;
}

function variantRow(
  v: ReadoutVariant,
  header: string[],
  bayesian: boolean,
  readoutRelative: boolean,
): string[] {
  // A variant may report the absolute difference when the lift is undefined (its note says why).
  const relative = readoutRelative && v.difference === 'relative';
  const abs = relative === readoutRelative ? '' : ' (abs.)';
  const decision = `${v.decision}${v.note ? ` (${v.note})` : ''}`;
  if (v.effect === null) {
    return [
      '',
      v.name,
      String(v.n),
      ...header.slice(3, -1).map(() => '-'),
      `${v.decision}: ${v.error ?? ''}`,
    ];
  }
  const interval = formatInterval(v.ci, relative);
  return bayesian
    ? [
        '',
        v.name,
        String(v.n),
        `${effect(v.effect, relative)}${abs}`,
        interval,
        v.chance_to_win === null ? '-' : `${trim(v.chance_to_win * 100)}%`,
        v.risk ? `${unsigned(v.risk[0], relative)} / ${unsigned(v.risk[1], relative)}` : '-',
        decision,
      ]
    : [
        '',
        v.name,
        String(v.n),
        `${effect(v.effect, relative)}${abs}`,
        interval,
        v.p_value === null ? '-' : formatP(v.p_value),
        v.adjusted_p_value === null ? '-' : formatP(v.adjusted_p_value),
        formatInterval(v.adjusted_ci, relative),
        decision,
      ];
}

function formatInterval(ci: [number | null, number | null] | null, relative: boolean): string {
  return ci ? `${effect(ci[0], relative, -1)} to ${effect(ci[1], relative, 1)}` : '-';
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)];
}

/** An open interval end (null) is printed as an infinity with the side's sign. */
function effect(x: number | null, relative: boolean, openSide: 1 | -1 = 1): string {
  if (x === null) return openSide < 0 ? `${MINUS}∞` : '+∞';
  return signedText(x, (a) => (relative ? `${(a * 100).toFixed(2)}%` : significant(a)));
}

function unsigned(x: number, relative: boolean): string {
  return relative ? `${(x * 100).toFixed(3)}%` : significant(x);
}

function significant(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) >= 1e5 || Math.abs(x) < 1e-4 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

function formatP(p: number): string {
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}

function trim(x: number): string {
  return String(Number(x.toFixed(2)));
}
