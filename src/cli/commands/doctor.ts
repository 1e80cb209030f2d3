import type { CliCommand } from '../command.ts';

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
      [
        `Config ${ws.configPath}: valid.`,
        textTable(
          ['source', 'entity', 'status', 'rows', 'message'],
          report.checks.map((c) => [c.source, c.entity, c.status, c.rows, c.message]),
        ),
        ...report.notes.map((n) => `note: ${n}`),
        report.ok ? 'All sources readable.' : 'Some sources have errors (see above).',
      ].join('\n'),
    );
    return report.ok ? 0 : 4;
  },
};
