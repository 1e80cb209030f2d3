import type { CliCommand } from './command.ts';
import { attributeCommand } from './commands/attribute.ts';
import { defineEventsCommand } from './commands/define-events.ts';
import { demoCommand } from './commands/demo.ts';
import { doctorCommand } from './commands/doctor.ts';
import { engineCommand } from './commands/engine.ts';
import { eventsCommand } from './commands/events.ts';
import { experimentReadoutCommand } from './commands/experiment-readout.ts';
import { initCommand } from './commands/init.ts';
import { mcpCommand } from './commands/mcp.ts';
import { plansCommand } from './commands/plans.ts';
import { trackSourceCommand } from './commands/track-source.ts';
import { optimizeReferralsCommand } from './commands/optimize-referrals.ts';
import { monitorLoyaltyCommand } from './commands/monitor-loyalty.ts';
import { monitorPersonalizationCommand } from './commands/monitor-personalization.ts';

/** `gtm run '<usage line>'`, for help and the command list (main.ts handles it). */
export const runCommandHelp: CliCommand = {
  name: 'run',
  summary:
    'Run a whole usage line, e.g. /partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour"',
  usage: "gtm run '<usage line>' [--json] [--as-of DATE] [--config FILE]",
  flags: [],
  positionals: [
    {
      name: 'line',
      description: 'the usage line, quoted; the plugin prefix is optional',
      required: true,
    },
  ],
  examples: [
    `gtm run '/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full'`,
    `gtm run '/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"' --json`,
  ],
};

/** Every CLI command, in the order `gtm --help` lists them. */
export const COMMANDS: CliCommand[] = [
  trackSourceCommand,
  defineEventsCommand,
  optimizeReferralsCommand,
  monitorLoyaltyCommand,
  monitorPersonalizationCommand,
  attributeCommand,
  experimentReadoutCommand,
  engineCommand,
  eventsCommand,
  demoCommand,
  initCommand,
  doctorCommand,
  plansCommand,
  mcpCommand,
  runCommandHelp,
];
