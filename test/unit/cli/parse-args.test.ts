import { describe, expect, it } from 'vitest';
import type { FlagSpec } from '../../../src/cli/command.ts';
import { commandFromUsage, parseArgs, tokenize } from '../../../src/cli/parse-args.ts';
import { GtmError } from '../../../src/errors/index.ts';

const SPECS: FlagSpec[] = [
  { name: 'campaign', type: 'string', description: '', required: true },
  { name: 'window', type: 'string', description: '', default: '30d' },
  { name: 'detail', type: 'string', description: '', choices: ['summary', 'full'], default: 'summary' },
  { name: 'dimensions', type: 'list', description: '', choices: ['partner', 'channel', 'asset', 'region'] },
  { name: 'attribution_model', type: 'string', description: '' },
  { name: 'alert_threshold', type: 'number', description: '' },
  { name: 'fail_on_escalation', type: 'boolean', description: '' },
];

const usage = (argv: string[]) => {
  try {
    parseArgs(argv, SPECS);
  } catch (e) {
    expect(e).toBeInstanceOf(GtmError);
    expect((e as GtmError).code).toBe('USAGE');
    expect((e as GtmError).exitCode).toBe(2);
    return (e as GtmError).oneLine();
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  it('accepts snake_case and kebab-case spellings of the same flag, and --flag=value', () => {
    const forms = [
      [
        '--campaign',
        'AI Launch Tour',
        '--attribution_model',
        'markov',
        '--alert_threshold',
        '0.8',
        '--fail_on_escalation',
        '--dimensions',
        'asset,region',
      ],
      [
        '--campaign',
        'AI Launch Tour',
        '--attribution-model',
        'markov',
        '--alert-threshold',
        '0.8',
        '--fail-on-escalation',
        '--dimensions',
        'asset,region',
      ],
      [
        '--campaign=AI Launch Tour',
        '--attribution-model=markov',
        '--alert_threshold=0.8',
        '--fail-on-escalation=true',
        '--dimensions=asset',
        '--dimensions=region',
      ],
    ];
    const parsed = forms.map((f) => parseArgs(f, SPECS));
    for (const p of parsed)
      expect(p).toEqual({
        flags: {
          campaign: 'AI Launch Tour',
          attribution_model: 'markov',
          alert_threshold: 0.8,
          fail_on_escalation: true,
          dimensions: ['asset', 'region'],
          window: '30d',
          detail: 'summary',
        },
        positionals: [],
      });
  });

  it('negates booleans with --no-', () => {
    expect(parseArgs(['--campaign', 'x', '--no-fail-on-escalation'], SPECS).flags.fail_on_escalation).toBe(
      false,
    );
    expect(parseArgs(['--campaign', 'x', '--no_fail_on_escalation'], SPECS).flags.fail_on_escalation).toBe(
      false,
    );
  });

  it('takes a negative number as a value', () => {
    expect(parseArgs(['--campaign', 'x', '--alert-threshold', '-1'], SPECS).flags.alert_threshold).toBe(-1);
  });

  it('suggests the nearest flag for a typo', () => {
    expect(usage(['--campaign', 'x', '--windw', '7d'])).toBe(
      'error[USAGE] --windw: unknown flag --windw — did you mean --window? run with --help to list the flags',
    );
    expect(usage(['--campaign', 'x', '--attribution-modle', 'markov'])).toContain(
      'did you mean --attribution-model?',
    );
    expect(usage(['--campaign', 'x', '--alert_treshold', '0.5'])).toContain(
      'did you mean --alert-threshold?',
    );
    expect(usage(['--campaign', 'x', '--dimension', 'asset'])).toContain('did you mean --dimensions?');
    expect(usage(['--campaign', 'x', '--model', 'markov'])).toContain('did you mean --attribution-model?');
    expect(usage(['--campaign', 'x', '--zzzzzz', '1'])).not.toContain('did you mean');
  });

  it('rejects a bad choice, naming the flag and the allowed values', () => {
    expect(usage(['--campaign', 'x', '--detail', 'fulll'])).toBe(
      'error[USAGE] --detail: must be one of summary, full; got "fulll" — e.g. --detail summary',
    );
    expect(usage(['--campaign', 'x', '--dimensions', 'partner,persona'])).toContain(
      '--dimensions: has unknown value "persona"; allowed: partner, channel, asset, region',
    );
  });

  it('rejects bad values and missing ones', () => {
    expect(usage(['--campaign', 'x', '--alert-threshold', 'high'])).toContain(
      '--alert-threshold: expects a number, got "high"',
    );
    expect(usage(['--campaign', 'x', '--fail-on-escalation=maybe'])).toContain('expects true or false');
    expect(usage(['--campaign'])).toContain('--campaign: needs a value');
    expect(usage(['--campaign', '--window', '7d'])).toContain('--campaign: needs a value');
    expect(usage(['--window', '7d'])).toBe('error[USAGE] --campaign: is required — add --campaign VALUE');
    expect(usage(['--campaign', 'x', '-w', '7d'])).toContain('unknown option -w');
    expect(usage(['--campaign', 'x', 'stray'])).toContain('unexpected argument "stray"');
  });
});

describe('parseArgs: a flag given twice', () => {
  it('refuses a scalar flag given twice with different values, naming both', () => {
    expect(usage(['--campaign', 'x', '--window', '30d', '--window', '7d'])).toBe(
      'error[USAGE] --window: given twice with different values: --window "30d", then --window "7d" — give --window once, with the value you mean',
    );
    expect(usage(['--campaign', 'x', '--window=30d', '--window', '7d'])).toContain(
      '--window "30d", then --window "7d"',
    );
    expect(usage(['--campaign', 'x', '--alert-threshold', '0.5', '--alert_threshold', '0.8'])).toContain(
      'given twice with different values',
    );
    expect(usage(['--campaign', 'x', '--campaign', 'y'])).toContain('--campaign "x", then --campaign "y"');
    expect(usage(['--campaign', 'x', '--fail-on-escalation', '--no-fail-on-escalation'])).toContain(
      '--fail-on-escalation, then --no-fail-on-escalation',
    );
    expect(usage(['--campaign', 'x', '--no-fail-on-escalation', '--fail-on-escalation=true'])).toContain(
      '--no-fail-on-escalation, then --fail-on-escalation',
    );
  });

  it('accepts the same value twice (nothing ambiguous) and appends repeated list flags', () => {
    expect(parseArgs(['--campaign', 'x', '--window', '7d', '--window=7d'], SPECS).flags.window).toBe('7d');
    expect(
      parseArgs(['--campaign', 'x', '--dimensions', 'asset', '--dimensions', 'region,asset'], SPECS).flags
        .dimensions,
    ).toEqual(['asset', 'region']);
  });
});

describe('tokenize', () => {
  it.each([
    ['plain words', 'a b  c', ['a', 'b', 'c']],
    ['tabs and newlines separate', 'a\tb\n c', ['a', 'b', 'c']],
    [
      'double quotes keep spaces',
      'track-source --campaign "AI Launch Tour"',
      ['track-source', '--campaign', 'AI Launch Tour'],
    ],
    ['single quotes keep spaces', "--campaign 'AI Launch Tour'", ['--campaign', 'AI Launch Tour']],
    ['quotes inside a word join', '--campaign="AI Launch Tour"', ['--campaign=AI Launch Tour']],
    ['adjacent quoted parts join', `"AI "'Launch'" Tour"`, ['AI Launch Tour']],
    ['escaped double quote inside double quotes', String.raw`"say \"hi\""`, ['say "hi"']],
    ['backslash stays inside single quotes', String.raw`'a\b'`, [String.raw`a\b`]],
    ['backslash before another char inside double quotes is kept', String.raw`"a\b"`, [String.raw`a\b`]],
    ['escaped space outside quotes', String.raw`AI\ Launch`, ['AI Launch']],
    ['empty quotes are an empty argument', `--campaign ""`, ['--campaign', '']],
    ['single quote inside double quotes', `"it's"`, ["it's"]],
    ['empty line', '   ', []],
  ])('%s', (_name, line, tokens) => {
    expect(tokenize(line)).toEqual(tokens);
  });

  it('rejects an unterminated quote', () => {
    expect(() => tokenize('--campaign "AI Launch')).toThrow(/unterminated " quote/);
    expect(() => tokenize("--campaign 'AI")).toThrow(/unterminated ' quote/);
  });

  it('splits the specification usage line verbatim', () => {
    expect(
      tokenize(
        `/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full`,
      ),
    ).toEqual([
      '/partner-co-marketing-orchestration:track-source',
      '--campaign',
      'AI Launch Tour',
      '--window',
      '30d',
      '--detail',
      'full',
    ]);
  });
});

describe('commandFromUsage', () => {
  it.each([
    ['/partner-co-marketing-orchestration:track-source', 'track-source'],
    ['partner-co-marketing-orchestration:track-source', 'track-source'],
    ['/track-source', 'track-source'],
    ['track-source', 'track-source'],
    ['/referral-program:optimize-referrals', 'optimize-referrals'],
  ])('%s → %s', (word, name) => {
    expect(commandFromUsage(word)).toBe(name);
  });
});
