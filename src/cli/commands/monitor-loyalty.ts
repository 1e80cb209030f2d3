import { MONITOR_LOYALTY_COMMAND } from '../../commands/monitor-loyalty/inputs.ts';
import { cliCommandOf } from '../kit-command.ts';

export const monitorLoyaltyCommand = cliCommandOf(
  MONITOR_LOYALTY_COMMAND,
  async () => (await import('../../commands/monitor-loyalty/index.ts')).monitorLoyalty,
);
