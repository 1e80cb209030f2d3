import { OPTIMIZE_REFERRALS_COMMAND } from '../../commands/optimize-referrals/inputs.ts';
import { cliCommandOf } from '../kit-command.ts';

export const optimizeReferralsCommand = cliCommandOf(
  OPTIMIZE_REFERRALS_COMMAND,
  async () => (await import('../../commands/optimize-referrals/index.ts')).optimizeReferrals,
);
