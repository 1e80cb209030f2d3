/**
 * The "Reproduce:" line of a report, split by a real POSIX shell and parsed by the CLI's own parser,
 * gives back the run's values — including values with spaces, quotes and shell metacharacters.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GLOBAL_FLAGS } from '../../../src/cli/command.ts';
import { parseArgs } from '../../../src/cli/parse-args.ts';
import type { FlagDecls, FlagSpec } from '../../../src/commands/kit/flag-spec.ts';
import { reproduceLine, shellWord } from '../../../src/commands/kit/usage-line.ts';
import { MONITOR_LOYALTY_FLAGS } from '../../../src/commands/monitor-loyalty/inputs.ts';
import { MONITOR_PERSONALIZATION_FLAGS } from '../../../src/commands/monitor-personalization/inputs.ts';
import { OPTIMIZE_REFERRALS_FLAGS } from '../../../src/commands/optimize-referrals/inputs.ts';

/** The words sh makes of a line (the line is data: printed one word per NUL by printf). */
const shellSplit = (line: string): string[] =>
  execFileSync('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);

const specs = (decls: FlagDecls): FlagSpec[] => [
  ...Object.entries(decls).map(([name, d]) => ({ ...d, name })),
  ...GLOBAL_FLAGS,
];

function roundTrip(command: string, decls: FlagDecls, values: Record<string, unknown>, asOf: string) {
  const line = reproduceLine(command, decls, values as never, asOf);
  const words = shellSplit(line);
  expect(words.slice(0, 2)).toEqual(['gtm', command]);
  return { line, flags: parseArgs(words.slice(2), specs(decls)).flags };
}

describe('reproduceLine', () => {
  it('writes every value the run had, including thresholds that came from gtm.yaml', () => {
    const { line, flags } = roundTrip(
      'optimize-referrals',
      OPTIMIZE_REFERRALS_FLAGS,
      {
        window: '30d',
        detail: 'full',
        dimensions: ['channel', 'partner-tier'],
        experiments: [],
        alert_threshold: 0.5,
        fraud_reject_threshold: 0.02, // not a flag: left out
        as_of: '2026-12-05', // written once, as --as-of
      },
      '2026-12-05',
    );
    expect(line).toBe(
      'gtm optimize-referrals --window 30d --detail full --dimensions channel,partner-tier --alert-threshold 0.5 --as-of 2026-12-05',
    );
    expect(flags).toMatchObject({
      window: '30d',
      detail: 'full',
      dimensions: ['channel', 'partner-tier'],
      alert_threshold: 0.5,
      as_of: '2026-12-05',
    });
    expect(flags.experiments).toBeUndefined();
  });

  it('quotes what the shell would split or expand', () => {
    const initiative = `PLG Onboarding — O'Brien's "test" $HOME; rm -rf * \`x\``;
    const { flags } = roundTrip(
      'monitor-personalization',
      MONITOR_PERSONALIZATION_FLAGS,
      { initiative, window: '14d', detail: 'summary', dimension: ['cohort'], alert_threshold: 0.02 },
      '2026-12-05T10:00:00.000Z',
    );
    expect(flags.initiative).toBe(initiative);
    expect(flags.dimension).toEqual(['cohort']);
    expect(flags.as_of).toBe('2026-12-05T10:00:00.000Z');
  });

  it('omits a flag the run had no value for, and keeps an explicit "none"', () => {
    const { line, flags } = roundTrip(
      'monitor-loyalty',
      MONITOR_LOYALTY_FLAGS,
      {
        window: 'quarter',
        detail: 'summary',
        dimensions: ['tier'],
        experiments: ['none'],
        alert_threshold: 0.25,
      },
      '2026-12-05',
    );
    expect(line).toContain('--experiments none');
    expect(flags.experiments).toEqual(['none']);
    expect(
      roundTrip('monitor-personalization', MONITOR_PERSONALIZATION_FLAGS, { initiative: null }, '2026-12-05')
        .line,
    ).toBe('gtm monitor-personalization --as-of 2026-12-05');
  });

  it('leaves plain words bare and quotes the rest', () => {
    expect(shellWord('channel,partner-tier')).toBe('channel,partner-tier');
    expect(shellWord('a b')).toBe(`'a b'`);
    expect(shellWord(`it's`)).toBe(`'it'\\''s'`);
    expect(shellWord('')).toBe(`''`);
  });
});
