import type { CliCommand } from './command.ts';
import { attributeCommand } from './commands/attribute.ts';
import { defineEventsCommand } from './commands/define-events.ts';
import { demoCommand } from './commands/demo.ts';
import { doctorCommand } from './commands/doctor.ts';
import { eventsCommand } from './commands/events.ts';
import { experimentReadoutCommand } from './commands/experiment-readout.ts';
import { initCommand } from './commands/init.ts';
import { plansCommand } from './commands/plans.ts';
import { trackSourceCommand } from './commands/track-source.ts';

/** Every CLI command, in the order `gtm --help` lists them. */
export const COMMANDS: CliCommand[] = [
  trackSourceCommand,
  defineEventsCommand,
  attributeCommand,
  experimentReadoutCommand,
  eventsCommand,
  demoCommand,
  initCommand,
  doctorCommand,
  plansCommand,
];
