import { TRACK_SOURCE_COMMAND } from '../../commands/track-source/inputs.ts';
import { cliCommandOf } from '../kit-command.ts';

export const trackSourceCommand = cliCommandOf(
  TRACK_SOURCE_COMMAND,
  async () => (await import('../../commands/track-source/index.ts')).trackSource,
);
