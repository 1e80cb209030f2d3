import type { ChangeLogEntry } from './plan-record.ts';
import type { PlanDiff } from './diff-plans.ts';
import { formatDuration, formatValue, table } from './format-text.ts';

const signed = (n: number, unit = '') =>
  `${n > 0 ? '+' : n < 0 ? '−' : '±'}${formatValue(Math.abs(n))}${unit}`;

/**
 * The `gtm plans diff` text: what changed from plan a to plan b, section by section; unchanged
 * items are counted, not listed, except stage durations, which are always shown.
 *
 * @example
 * console.log(formatPlanDiff(diffPlans(older, newer)));
 */
export function formatPlanDiff(diff: PlanDiff): string {
  const out: string[] = [`a: ${diff.a.plan_id}  ${diff.a.status}`, `b: ${diff.b.plan_id}  ${diff.b.status}`];
  if (diff.note) out.push(`note: ${diff.note}`);
  const section = (title: string, lines: string[], unchanged = 0) => {
    const tail = unchanged > 0 ? [`(${unchanged} unchanged)`] : [];
    if (lines.length === 0 && tail.length === 0) return;
    out.push('', title, ...[...lines, ...tail].map((l) => `  ${l}`));
  };
  const entries = (changes: ChangeLogEntry[]) =>
    changes.map((c) => `${c.field} ${c.change}: ${formatValue(c.from)} → ${formatValue(c.to)}`);

  section('settings', diff.settings.length ? entries(diff.settings) : ['no changes']);
  section('inputs', diff.inputs.length ? entries(diff.inputs) : ['no changes']);
  const onlyIn = (side: 'a' | 'b') => {
    const names = diff.sources_not_compared.filter((x) => x.only_in === side).map((x) => x.source);
    return names.length ? [`only in ${side}: ${names.join(', ')}`] : [];
  };
  section('sources read by one plan only (not compared)', [...onlyIn('a'), ...onlyIn('b')]);

  const fps = diff.fingerprints.filter((f) => f.change !== 'unchanged');
  section(
    'data',
    fps.map((f) => {
      const side = (x: { rows: number; hash: string } | null) =>
        x ? `${formatValue(x.rows)} rows ${x.hash}` : '—';
      return `${f.key} ${f.change}: ${side(f.a)} → ${side(f.b)}`;
    }),
    diff.fingerprints.length - fps.length,
  );

  const rows = diff.rows.filter((r) => r.change !== 'unchanged');
  section(
    'rows',
    rows.map((r) => {
      const side = (x: (typeof r)['a']) =>
        x
          ? `in ${formatValue(x.rows_in)} / acc ${formatValue(x.accepted)} / dup ${formatValue(x.deduplicated)} / rej ${formatValue(x.rejected)}`
          : '—';
      return `${r.key} ${r.change}: ${side(r.a)} → ${side(r.b)}`;
    }),
    diff.rows.length - rows.length,
  );

  const alerts = diff.alerts.filter((a) => a.change !== 'unchanged');
  section(
    'alerts',
    alerts.map((a) => {
      const side = (x: (typeof a)['a']) =>
        x ? `${formatValue(x.value)}${x.breached ? ' (breached)' : ''}` : '—';
      const delta = a.value_delta !== null ? ` (${signed(a.value_delta)})` : '';
      return `${a.key} ${a.change}: ${side(a.a)} → ${side(a.b)}${delta}`;
    }),
    diff.alerts.length - alerts.length,
  );

  if (diff.stages.length > 0) {
    out.push(
      '',
      'stages',
      table(
        diff.stages.map((s) => [
          s.key,
          s.a ? s.a.status : '—',
          '→',
          s.b ? s.b.status : '—',
          formatDuration(s.a?.duration_ms),
          '→',
          formatDuration(s.b?.duration_ms),
          s.duration_delta_ms !== null ? `(${signed(Math.round(s.duration_delta_ms), ' ms')})` : '',
          s.change === 'changed' ? '*' : '',
        ]),
      ).replace(/^/gm, '  '),
    );
  }
  return out.join('\n');
}
