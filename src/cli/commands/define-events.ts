import { DEFINE_EVENTS_COMMAND } from '../../commands/define-events/inputs.ts';
import { cliCommandOf } from '../kit-command.ts';

export const defineEventsCommand = cliCommandOf(
  DEFINE_EVENTS_COMMAND,
  async () => (await import('../../commands/define-events/index.ts')).defineEvents,
);
