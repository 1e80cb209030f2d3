import type { DoctorCheck } from '../../commands/doctor/run-doctor.ts';
import type { CliCommand } from '../command.ts';

/**
 * The one stderr line of a failed check (`error[INPUT] sources.<name>: … — …`), as every other
 * failure has one, whatever stdout holds (the table, or the JSON report with --json): the first
 * source in error with its own message and fix, and how many others fail.
 */
export function doctorFailureLine(failed: DoctorCheck[], total: number): string {
  const [first] = failed;
  // a source that cannot be loaded carries its own error line: keep its where, what and hint
  const own = /^error\[[A-Z]+\] (.*)$/.exec(first.message);
  const text = own ? own[1] : first.message;
  const cut = own ? text.lastIndexOf(' — ') : -1;
  const what = cut >= 0 ? text.slice(0, cut) : text;
  const hint =
    cut >= 0
      ? text.slice(cut + 3)
      : first.rejects.length > 0
        ? 'fix or remove the rows named, or raise thresholds.max_reject_rate in gtm.yaml'
        : 'fix the source in gtm.yaml';
  const others = failed.slice(1).map((c) => c.source);
  const more = others.length
    ? ` (${others.length} more of the ${total} sources fail: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''})`
    : '';
  return `error[INPUT] sources.${first.source}: ${what}${more} — ${hint}; then run gtm doctor again`;
}

/** What doctor says of a gtm.yaml with `sources: []` (a define-events workspace). */
export const NO_SOURCES =
  'No sources to check (sources: []): define-events reads none; track-source, optimize-referrals, monitor-loyalty and monitor-personalization need theirs in sources (README "gtm.yaml reference").';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check gtm.yaml and every source: reachable, columns mapped, values readable',
  usage: 'gtm doctor [--config FILE]',
  flags: [],
  async run(_args, ctx) {
    const { loadWorkspace } = await import('../../workspace/index.ts');
    const { textTable } = await import('../../report/text-table.ts');
    const ws = loadWorkspace({ cwd: ctx.cwd, configPath: ctx.global.config, env: ctx.env });
    ctx.out.progress('checking sources');
    const { runDoctor } = await import('../../commands/doctor/run-doctor.ts');
    const report = await runDoctor(ws, ctx.env);
    ctx.out.result(report, () =>
      report.checks.length === 0
        ? [`Config ${ws.configPath}: valid.`, ...report.notes.map((n) => `note: ${n}`), NO_SOURCES].join('\n')
        : [
            `Config ${ws.configPath}: valid.`,
            textTable(
              ['source', 'entity', 'status', 'rows', 'message'],
              report.checks.map((c) => [c.source, c.entity, c.status, c.rows, c.message]),
            ),
            ...report.notes.map((n) => `note: ${n}`),
            report.ok ? 'All sources readable.' : 'Some sources have errors (see above).',
          ].join('\n'),
    );
    if (report.ok) return 0;
    const failed = report.checks.filter((c) => c.status === 'error');
    ctx.out.error(doctorFailureLine(failed, report.checks.length));
    return 4;
  },
};
