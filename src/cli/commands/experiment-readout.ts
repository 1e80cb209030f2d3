import path from 'node:path';
import type { CliCommand } from '../command.ts';

export const experimentReadoutCommand: CliCommand = {
  name: 'experiment-readout',
  summary:
    'Experiment statistics: effects, intervals, p-values, chance to win, SRM, multiple testing, decision',
  usage:
    'gtm experiment-readout --input FILE [--method frequentist|bayesian|sequential] [--difference relative|absolute] [--alpha A] [--one-sided]',
  flags: [
    {
      name: 'input',
      type: 'string',
      placeholder: 'FILE',
      description: 'JSON (settings, variants, metrics) or CSV (one row per metric and variant)',
      required: true,
    },
    {
      name: 'method',
      type: 'string',
      choices: ['frequentist', 'bayesian', 'sequential'],
      description: 'overrides settings.method (default frequentist)',
    },
    {
      name: 'difference',
      type: 'string',
      choices: ['relative', 'absolute'],
      description: 'overrides settings.difference (default relative)',
    },
    {
      name: 'alpha',
      type: 'number',
      placeholder: 'A',
      description: 'overrides settings.alpha (default 0.05)',
    },
    { name: 'one_sided', type: 'boolean', description: "test in each metric's good direction" },
  ],
  examples: [
    'gtm experiment-readout --input readout.json',
    'gtm experiment-readout --input readout.csv --method sequential --json',
  ],
  async run(args, ctx) {
    const { formatReadoutTable, runExperimentReadout } =
      await import('../../commands/experiment-readout/index.ts');
    const result = await runExperimentReadout({
      input: path.resolve(ctx.cwd, String(args.flags.input)),
      method: args.flags.method as 'frequentist' | undefined,
      difference: args.flags.difference as 'relative' | undefined,
      alpha: args.flags.alpha as number | undefined,
      oneSided: args.flags.one_sided as boolean | undefined,
    });
    ctx.out.result(result, () => formatReadoutTable(result));
    return 0;
  },
};
