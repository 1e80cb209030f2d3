import path from 'node:path';
import { usageError } from '../../errors/index.ts';
import type { CliCommand } from '../command.ts';
import { commandFromUsage, parseArgs, tokenize } from '../parse-args.ts';
import { trackSourceCommand } from './track-source.ts';

/** The specification's usage line, run verbatim inside the demo workspace. */
export const DEMO_USAGE_LINE = `/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full`;

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Write a demo workspace (seeded, realistic data) and run track-source on it',
  usage: 'gtm demo [DIR] [--seed N] [--as-of DATE] [--no-run]',
  positionals: [{ name: 'dir', description: 'folder to create (default ./gtm-demo)' }],
  flags: [
    {
      name: 'seed',
      type: 'number',
      placeholder: 'N',
      description: 'random seed; same seed and as-of give the same numbers',
      default: 7,
    },
    {
      name: 'run',
      type: 'boolean',
      description: 'run the usage line after writing (default true; --no-run to skip)',
      default: true,
    },
    { name: 'force', type: 'boolean', description: 'regenerate a demo workspace whose gtm.yaml was edited' },
    {
      name: 'accounts',
      type: 'number',
      placeholder: 'N',
      description: 'number of accounts to generate',
      default: 6000,
    },
  ],
  examples: [
    'gtm demo',
    'gtm demo ./ailt --seed 11 --as-of 2026-11-15',
    `cd gtm-demo && gtm run '${DEMO_USAGE_LINE}'`,
  ],
  async run(args, ctx) {
    const dir = path.resolve(ctx.cwd, args.positionals[0] ?? 'gtm-demo');
    const asOf = ctx.global.asOf ?? new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf))
      throw usageError(`must be a date YYYY-MM-DD for the demo, got "${asOf}"`, '--as-of');
    const seed = Number(args.flags.seed);
    if (!Number.isInteger(seed)) throw usageError('must be an integer', '--seed');
    ctx.out.progress(`writing demo workspace to ${dir}`);
    const { writeDemo } = await import('../../demo/index.ts');
    const { files, truth } = await writeDemo(dir, {
      seed,
      asOf,
      accounts: Number(args.flags.accounts),
      force: Boolean(args.flags.force),
    });
    if (!ctx.global.json)
      ctx.out.text(
        `Demo workspace: ${path.relative(ctx.cwd, dir) || '.'} (${files.length} files, ${truth.people} people, ${truth.accounts} accounts, seed ${seed}, as of ${asOf})`,
      );
    if (!args.flags.run) return 0;
    if (!ctx.global.json) ctx.out.text(`Running: gtm run '${DEMO_USAGE_LINE}'\n`);
    const tokens = tokenize(DEMO_USAGE_LINE);
    if (commandFromUsage(tokens[0]) !== trackSourceCommand.name)
      throw new Error('demo usage line names another command');
    const parsed = parseArgs(tokens.slice(1), trackSourceCommand.flags);
    return trackSourceCommand.run!(parsed, {
      ...ctx,
      cwd: dir,
      global: { ...ctx.global, asOf, config: undefined },
    });
  },
};
