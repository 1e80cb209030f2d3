import { GLOBAL_FLAGS, type CliCommand, type FlagSpec } from './command.ts';

const flagLine = (f: FlagSpec) => {
  const kebab = f.name.replace(/_/g, '-');
  const value =
    f.type === 'boolean' ? '' : ` ${f.placeholder ?? (f.choices ? f.choices.join('|') : 'VALUE')}`;
  const others = [
    ...(kebab !== f.name ? [f.name] : []),
    ...(f.aliases ?? []).map((a) => a.replace(/_/g, '-')),
  ];
  const alias = others.length ? ` (or ${others.map((o) => `--${o}`).join(', ')})` : '';
  const def = f.default !== undefined && f.type !== 'boolean' ? ` [default: ${String(f.default)}]` : '';
  return { left: `--${kebab}${value}`, right: `${f.description}${def}${alias}` };
};

const columns = (rows: { left: string; right: string }[]) => {
  const w = Math.min(34, Math.max(...rows.map((r) => r.left.length), 0));
  return rows.map((r) => `  ${r.left.padEnd(w)}  ${r.right}`).join('\n');
};

export function commandHelp(cmd: CliCommand, prefix = 'gtm'): string {
  const parts = [`${prefix} ${cmd.name} — ${cmd.summary}`, '', `Usage: ${cmd.usage}`];
  if (cmd.subcommands?.length)
    parts.push('', 'Subcommands:', columns(cmd.subcommands.map((s) => ({ left: s.name, right: s.summary }))));
  if (cmd.positionals?.length)
    parts.push(
      '',
      'Arguments:',
      columns(cmd.positionals.map((p) => ({ left: p.name.toUpperCase(), right: p.description }))),
    );
  if (cmd.flags.length) parts.push('', 'Flags:', columns(cmd.flags.map(flagLine)));
  parts.push('', 'Global flags:', columns(GLOBAL_FLAGS.map(flagLine)));
  if (cmd.examples?.length) parts.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return parts.join('\n');
}

export function mainHelp(commands: CliCommand[], version: string): string {
  return [
    `gtm ${version} — go-to-market analytics over your own data, every run an auditable plan.`,
    '',
    'Usage: gtm <command> [flags]     (flags in --snake_case or --kebab-case)',
    "       gtm run '<usage line>'    (e.g. '/partner-co-marketing-orchestration:track-source --campaign \"AI Launch Tour\" --window 30d')",
    '',
    'Commands:',
    columns(commands.map((c) => ({ left: c.name, right: c.summary }))),
    '',
    'Global flags:',
    columns(GLOBAL_FLAGS.map(flagLine)),
    '',
    'Exit codes: 0 ok, 1 internal error, 2 usage, 3 config, 4 input, 5 data, 6 engine, 7 stage failed, 8 output, 10 alert escalated (with --fail-on-escalation), 130/143 stopped by Ctrl-C/SIGTERM.',
    'Run `gtm <command> --help` for a command’s flags.',
  ].join('\n');
}
