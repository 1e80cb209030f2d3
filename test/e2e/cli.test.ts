import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { copyFixtureWorkspace, TINY_AS_OF, type FixtureWorkspace } from '../helpers/fixture-workspace.ts';
import { isOneLine, runCli } from '../helpers/run-cli.ts';

let ws: FixtureWorkspace;
beforeAll(async () => {
  ws = await copyFixtureWorkspace();
});
afterAll(() => ws.remove());

const gtm = (argv: string[], tty = false) => runCli(argv, { cwd: ws.dir, tty });

/** One clean usage error: exit 2, one `error[USAGE]` line on stderr, nothing on stdout. */
async function usageError(argv: string[]): Promise<string> {
  const r = await gtm(argv);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderrLines).toHaveLength(1);
  expect(r.stderrLines[0]).toMatch(/^error\[USAGE\] /);
  return r.stderrLines[0];
}

/** The numbers of a result, without what differs between runs (ids, paths). */
const numbers = (r: TrackSourceResult) => {
  const { run_id: _r, plan_path: _p, reports_dir: _d, rejects, alerts, escalations: _e, ...rest } = r;
  const values = (alerts as { id: string; value: number; threshold: number; breached: boolean }[]).map(
    ({ id, value, threshold, breached }) => ({ id, value, threshold, breached }),
  );
  return { ...rest, alerts: values, rejects: { ...rejects, file: null } };
};

describe('help', () => {
  it('gtm --help lists the commands, the global flags and the exit codes', async () => {
    const r = await gtm(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['track-source', 'demo', 'init', 'doctor', 'plans'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain("gtm run '<usage line>'");
    expect(r.stdout).toContain('--as-of DATE');
    expect(r.stdout).toContain(
      'Exit codes: 0 ok, 1 internal error, 2 usage, 3 config, 4 input, 5 data, 6 engine, 7 stage failed, 8 output, 10 alert escalated',
    );
    expect(r.stderr).toBe('');
    expect((await gtm(['help'])).stdout).toBe(r.stdout);
    expect((await gtm(['-h'])).stdout).toBe(r.stdout);
  });

  it('gtm with no command prints the help and exits 2', async () => {
    const r = await gtm([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Commands:');
  });

  it('per-command help shows both spellings of each flag, defaults and choices', async () => {
    const r = await gtm(['track-source', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gtm track-source — /);
    expect(r.stdout).toContain('Usage: gtm track-source --campaign NAME');
    expect(r.stdout).toMatch(/--attribution-model MODEL .*\(or --attribution_model\)/);
    expect(r.stdout).toMatch(/--alert-threshold 0\.\.1 .*\(or --alert_threshold\)/);
    expect(r.stdout).toMatch(/--detail summary\|full .*\[default: summary\]/);
    expect(r.stdout).toContain(
      '/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full',
    );
    // -h, and help wins over a missing required flag
    expect((await gtm(['track-source', '-h'])).stdout).toBe(r.stdout);
  });

  it('help of a command with subcommands, and of a subcommand', async () => {
    const plans = await gtm(['plans']);
    expect(plans.code).toBe(2);
    expect(plans.stdout).toMatch(/Subcommands:\n\s+list\s.*\n\s+show\s.*\n\s+diff\s/);
    const diff = await gtm(['plans', 'diff', '--help']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^gtm plans diff — /);
    for (const c of ['demo', 'init', 'doctor'])
      expect((await gtm([c, '--help'])).stdout).toContain(`Usage: gtm ${c}`);
  });

  it('--version prints the package version', async () => {
    const r = await gtm(['--version']);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('flags', () => {
  let base: TrackSourceResult;
  beforeAll(async () => {
    const r = await gtm([
      'track-source',
      '--campaign',
      'Spring Launch',
      '--attribution-model',
      'last-touch',
      '--alert-threshold',
      '0.25',
      '--dimensions',
      'asset,region',
      '--window',
      'campaign',
      '--as-of',
      TINY_AS_OF,
    ]);
    expect(r.code, r.stderr).toBe(0);
    base = r.json<TrackSourceResult>();
  });

  it('snake_case, kebab-case and --flag=value give the same run', async () => {
    expect(base.inputs).toMatchObject({
      attribution_model: 'last-touch',
      alert_threshold: 0.25,
      window: 'campaign',
      dimensions: ['partner', 'channel', 'asset', 'region'],
    });
    const snake = await gtm([
      'track-source',
      '--campaign',
      'Spring Launch',
      '--attribution_model',
      'last-touch',
      '--alert_threshold',
      '0.25',
      '--dimensions',
      'asset,region',
      '--window',
      'campaign',
      '--as_of',
      TINY_AS_OF,
    ]);
    const eq = await gtm([
      'track-source',
      '--campaign=Spring Launch',
      '--attribution_model=last-touch',
      '--alert-threshold=0.25',
      '--dimensions=asset',
      '--dimensions=region',
      '--window=campaign',
      `--as-of=${TINY_AS_OF}`,
    ]);
    for (const r of [snake, eq]) {
      expect(r.code, r.stderr).toBe(0);
      expect(numbers(r.json<TrackSourceResult>())).toEqual(numbers(base));
    }
  });

  it('gtm run takes the plugin-qualified usage line verbatim, with global flags after it', async () => {
    const line = `/partner-co-marketing-orchestration:track-source --campaign "Spring Launch" --attribution_model last-touch --alert-threshold 0.25 --dimensions asset,region --window campaign`;
    for (const globals of [
      ['--as-of', TINY_AS_OF],
      [`--as_of=${TINY_AS_OF}`, '--json'],
    ]) {
      const r = await gtm(['run', line, ...globals]);
      expect(r.code, r.stderr).toBe(0);
      expect(numbers(r.json<TrackSourceResult>())).toEqual(numbers(base));
    }
  });

  it("gtm run: the command's own flags may follow the quoted line too (--fail-on-escalation, --no-snapshot)", async () => {
    // they were refused with 'run: expects one quoted usage line', though the line was one and quoted
    const line = `/partner-co-marketing-orchestration:track-source --campaign "Spring Launch" --attribution_model last-touch --alert-threshold 0.25 --dimensions asset,region`;
    const r = await gtm([
      'run',
      line,
      '--window',
      'campaign',
      '--fail-on-escalation',
      '--no-snapshot',
      '--as-of',
      TINY_AS_OF,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(numbers(r.json<TrackSourceResult>())).toEqual(numbers(base));
  });

  it('--json inside the usage line gives JSON even on a terminal', async () => {
    const r = await gtm(
      ['run', `track-source --campaign "Spring Launch" --as-of ${TINY_AS_OF} --json`],
      true,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<TrackSourceResult>().schema).toBe('gtm.track-source.result/v1');
  });

  it('prints the human view on a terminal and JSON when piped', async () => {
    const tty = await gtm(['track-source', '--campaign', 'spring', '--as-of', TINY_AS_OF, '--quiet'], true);
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stdout).toContain('Partners (USD):');
    expect(tty.stdout).toMatch(/Rows: 12 in, 11 accepted, 1 deduplicated, 0 rejected\./);
    expect(() => JSON.parse(tty.stdout)).toThrow();
    const piped = await gtm(['track-source', '--campaign', 'spring', '--as-of', TINY_AS_OF]);
    expect(piped.json<TrackSourceResult>().inputs.campaign).toBe('Spring Launch');
    expect(piped.stderr).toBe('');
  });

  it('unknown flag: one line naming it, with the nearest flag', async () => {
    expect(await usageError(['track-source', '--campaign', 'spring', '--attribution-modle', 'markov'])).toBe(
      'error[USAGE] --attribution-modle: unknown flag --attribution-modle — did you mean --attribution-model? run with --help to list the flags',
    );
    expect(await usageError(['track-source', '--campaign', 'spring', '--windw=7d'])).toContain(
      'did you mean --window?',
    );
    expect(await usageError(['run', 'track-source --campaign spring --detial full'])).toContain(
      'did you mean --detail?',
    );
  });

  it('bad choices and bad values', async () => {
    expect(await usageError(['track-source', '--campaign', 'spring', '--detail', 'fulll'])).toBe(
      'error[USAGE] --detail: must be one of summary, full; got "fulll" — e.g. --detail summary',
    );
    expect(await usageError(['track-source', '--campaign', 'spring', '--dimensions', 'persona'])).toContain(
      '--dimensions: has unknown value "persona"',
    );
    expect(
      await usageError([
        'track-source',
        '--campaign',
        'spring',
        '--attribution-model',
        'gut-feeling',
        '--as-of',
        TINY_AS_OF,
      ]),
    ).toMatch(/^error\[USAGE\] --attribution-model: /);
    expect(
      await usageError([
        'track-source',
        '--campaign',
        'spring',
        '--alert-threshold',
        '1.5',
        '--as-of',
        TINY_AS_OF,
      ]),
    ).toContain('--alert-threshold: must be between 0 and 1');
    expect(
      await usageError([
        'track-source',
        '--campaign',
        'spring',
        '--window',
        'fortnight',
        '--as-of',
        TINY_AS_OF,
      ]),
    ).toContain('--window: unknown window "fortnight"');
    expect(
      await usageError(['track-source', '--campaign', 'spring', '--window', '0d', '--as-of', TINY_AS_OF]),
    ).toContain('--window: window must be 1d to 3660d');
    expect(await usageError(['track-source', '--campaign', 'spring', '--as-of', 'yesterday'])).toContain(
      '--as-of: is not a date',
    );
    expect(await usageError(['track-source', '--campaign', 'Autumn Launch', '--as-of', TINY_AS_OF])).toBe(
      'error[USAGE] --campaign: no campaign "Autumn Launch" in the workspace — use one of: "Spring Launch" (spring)',
    );
    expect(await usageError(['track-source'])).toBe(
      'error[USAGE] --campaign: is required — add --campaign NAME',
    );
  });

  it('unknown command and subcommand', async () => {
    expect(await usageError(['track-sorce'])).toContain('did you mean `gtm track-source`?');
    expect(await usageError(['plans', 'lst'])).toBe(
      'error[USAGE] lst: unknown subcommand "lst" of plans — use one of: list, show, diff',
    );
    expect(await usageError(['run'])).toContain('run: expects one quoted usage line');
    expect(await usageError(['run', 'track-source --campaign "spring'])).toContain('unterminated " quote');
  });

  it('every error is one line', async () => {
    for (const argv of [['track-source', '--campaign', 'spring', '--detail', 'x'], ['nope'], ['run', '']]) {
      const r = await gtm(argv);
      expect(r.code).not.toBe(0);
      expect(isOneLine(r.stderr), r.stderr).toBe(true);
    }
  });
});
