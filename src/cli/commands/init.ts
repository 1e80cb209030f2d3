import { existsSync } from 'node:fs';
import path from 'node:path';
import { GTM_YAML_TEMPLATE } from '../../commands/init/gtm-yaml-template.ts';
import { usageError } from '../../errors/index.ts';
import type { CliCommand } from '../command.ts';

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'Create a starter gtm.yaml in the current folder',
  usage: 'gtm init [--force]',
  flags: [{ name: 'force', type: 'boolean', description: 'overwrite an existing gtm.yaml' }],
  async run(args, ctx) {
    const target = path.resolve(ctx.cwd, ctx.global.config ?? 'gtm.yaml');
    if (existsSync(target) && !args.flags.force)
      throw usageError('gtm.yaml already exists', target, 'pass --force to overwrite it');
    const { writeReportFiles } = await import('../../report/write-report-files.ts');
    // The guarded writer: atomic, never through a link, an IO error naming the path on failure.
    await writeReportFiles(path.dirname(target), [
      { name: path.basename(target), content: GTM_YAML_TEMPLATE },
    ]);
    ctx.out.result(
      { written: target },
      () => `Wrote ${path.relative(ctx.cwd, target)}. Edit sources and campaigns, then run \`gtm doctor\`.`,
    );
    return 0;
  },
};
