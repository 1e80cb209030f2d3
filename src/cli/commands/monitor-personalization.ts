import { MONITOR_PERSONALIZATION_COMMAND } from '../../commands/monitor-personalization/inputs.ts';
import { cliCommandOf } from '../kit-command.ts';

export const monitorPersonalizationCommand = cliCommandOf(
  MONITOR_PERSONALIZATION_COMMAND,
  async () => (await import('../../commands/monitor-personalization/index.ts')).monitorPersonalization,
);
