import type { InferenceResult } from './plan-inference.ts';
import type { LintResult } from './plan-lint.ts';
import type { PlanDiff } from './plan-diff.ts';
import type { Requirements } from './requirements.ts';
import { VIOLATION_TYPES } from './validation-report.ts';
import type { ValidationReport } from './validation-report.ts';
import { noun, percentText } from '../text/index.ts';

/** Left-aligned text columns; numbers right-aligned. */
function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

const truncate = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/**
 * Terminal view of a validation report: totals by violation type, the events with violations,
 * and the evidence kept.
 */
export function formatValidationTable(report: ValidationReport): string {
  const out: string[] = [];
  out.push(
    `${report.eventsChecked.toLocaleString('en')} ${noun(report.eventsChecked, 'message')} checked against ${report.plan.name} ${report.plan.version}: ` +
      `${report.totalViolations.toLocaleString('en')} ${noun(report.totalViolations, 'violation')} in ${report.messagesWithViolations.toLocaleString('en')} ${noun(report.messagesWithViolations, 'message')}`,
  );
  out.push(duplicatesLine(report));
  for (const c of report.duplicateConflicts) out.push(`  ${c.detail}${c.where ? ` (${c.where})` : ''}`);
  out.push('');
  out.push(
    table(
      ['violation', 'count'],
      VIOLATION_TYPES.map((t) => [t, report.violationsByType[t]]),
    ),
  );
  const withViolations = report.byEvent
    .filter((e) => e.violations > 0)
    .sort((a, b) => b.violations - a.violations);
  if (withViolations.length) {
    out.push('');
    out.push(
      table(
        ['event', 'checked', 'violations', 'by type'],
        withViolations.map((e) => [
          truncate(e.planned ? e.event : `${e.event} (unplanned)`, 48),
          e.checked,
          e.violations,
          Object.entries(e.byType)
            .map(([t, n]) => `${t} ${n}`)
            .join(', '),
        ]),
      ),
    );
  }
  if (report.samples.length) {
    out.push('');
    out.push(
      table(
        ['evidence', 'event', 'where', 'detail'],
        report.samples.map((s) => [s.type, truncate(s.event, 32), s.where ?? '', truncate(s.detail, 90)]),
      ),
    );
  }
  return out.join('\n') + '\n';
}

/**
 * How the messages read reconcile with the messages checked: `1,002 messages read: 1,000 checked,
 * 2 duplicates (later copies of a messageId, not checked again), 1 messageId with different payloads`.
 */
export function duplicatesLine(report: ValidationReport): string {
  const n = (x: number) => x.toLocaleString('en');
  const conflicting = report.conflictingDuplicates;
  return (
    `${n(report.messagesRead)} ${noun(report.messagesRead, 'message')} read: ${n(report.eventsChecked)} checked, ` +
    `${n(report.duplicates)} duplicate${report.duplicates === 1 ? '' : 's'} (later copies of a messageId, not checked again)` +
    (conflicting
      ? `, ${n(conflicting)} messageId${conflicting === 1 ? '' : 's'} with different payloads`
      : '')
  );
}

/** Terminal view of a plan lint. */
export function formatLintTable(result: LintResult): string {
  const head =
    `${result.errors} error${result.errors === 1 ? '' : 's'}, ${result.warnings} warning${result.warnings === 1 ? '' : 's'}` +
    (result.regulations.length ? ` (regulations: ${result.regulations.join(', ')})` : '');
  if (!result.findings.length) return `${head}\n`;
  const rows = [...result.findings]
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
    .map((f) => [
      f.severity,
      f.rule,
      truncate(f.event ?? '', 36),
      truncate(f.property ?? '', 28),
      truncate(f.message, 90),
    ]);
  return `${head}\n\n${table(['severity', 'rule', 'event', 'property', 'message'], rows)}\n`;
}

/** Terminal view of a plan diff. */
export function formatDiffTable(diff: PlanDiff): string {
  const head =
    diff.level === 'none'
      ? `${diff.changes.length} change(s), no version bump needed (${diff.from.version})`
      : `${diff.changes.length} change(s): ${diff.level.toUpperCase()} → ${diff.from.version} becomes ${diff.proposedVersion}`;
  if (!diff.changes.length) return `${head}\n`;
  const rows = diff.changes.map((c) => [
    c.level.toUpperCase(),
    truncate(c.event, 36),
    truncate(c.property ?? '', 28),
    c.kind,
    truncate(c.description, 80),
  ]);
  return `${head}\n\n${table(['level', 'event', 'property', 'change', 'detail'], rows)}\n`;
}

/** Terminal view of an inferred plan: events with their properties, presence and types. */
export function formatInferenceTable(result: InferenceResult): string {
  const rows: Array<Array<string | number>> = [];
  for (const e of result.events) {
    for (const p of e.properties) {
      rows.push([
        truncate(e.type === 'track' ? e.event : `${e.type}:${e.event}`, 36),
        truncate(p.path, 32),
        percentText(p.presence),
        Object.keys(p.types).join('|'),
        p.enumCandidate ? truncate(p.enumCandidate.join(', '), 48) : (p.format ?? ''),
        p.pii ?? '',
      ]);
    }
  }
  const n = result.events.length;
  const repeats = result.duplicates
    ? ` (${result.duplicates.toLocaleString('en')} later cop${result.duplicates === 1 ? 'y' : 'ies'} of a messageId skipped)`
    : '';
  return `${result.messages.toLocaleString('en')} ${noun(result.messages, 'message')}${repeats}, ${n} event${n === 1 ? '' : 's'}\n\n${table(['event', 'property', 'presence', 'types', 'enum / format', 'pii'], rows)}\n`;
}

/** Terminal view of use-case requirements: KPIs with their events and sources. */
export function formatRequirementsTable(req: Requirements): string {
  const rows = req.kpis.map((k) => [
    k.useCase,
    k.name,
    truncate(k.events.join(', '), 60),
    k.sources.join(', '),
    k.measurable ? 'yes' : `no (${k.unavailableEvents.join(', ')})`,
  ]);
  return `${table(['use case', 'KPI', 'events', 'sources', 'measurable'], rows)}\n`;
}
