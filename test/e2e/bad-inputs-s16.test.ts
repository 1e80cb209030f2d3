/**
 * Bad input and hostile values for the three monitoring commands (optimize-referrals,
 * monitor-loyalty, monitor-personalization), run as a new user would from a demo workspace: one
 * thing broken at a time. Refused input must give exactly one `error[CODE] where: what — fix` line
 * with the documented exit code and nothing on stdout (JSON mode) nor a stack trace; input that
 * runs must account for every row (read = accepted + deduplicated + rejected) with the reason in
 * rejects.csv. Hostile values (spreadsheet formulas, HTML, terminal escapes) must come out inert in
 * every CSV, dashboard.html, summary.md and the terminal view; links out of the workspace refused.
 *
 * One demo workspace (seed 7, as of 2026-11-30) is written once and thinned to about 300 rows per
 * referral, loyalty and personalization file, so a run takes about a second; each case works on a
 * copy of it.
 */
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemo } from '../../src/demo/index.ts';
import type { ErrorCode } from '../../src/errors/index.ts';
import { expectRefused, POLICY_LINE } from '../hardening/error-policy.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const AS_OF = '2026-11-30';
type Command = 'optimize-referrals' | 'monitor-loyalty' | 'monitor-personalization';
const FOLDER: Record<Command, string> = {
  'optimize-referrals': 'data/referrals',
  'monitor-loyalty': 'data/loyalty',
  'monitor-personalization': 'data/personalization',
};

let root: string;
let base: string;
let n = 0;

/** Keeps the header and every k-th line, so a file holds about `rows` rows. */
async function thin(file: string, rows = 300): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
  const k = Math.floor(lines.length / rows) + 1;
  await writeFile(file, lines.filter((_, i) => i === 0 || i % k === 0).join('\n') + '\n');
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-s16-'));
  base = path.join(root, 'base');
  await writeDemo(base, { seed: 7, asOf: AS_OF, accounts: 100 });
  for (const folder of Object.values(FOLDER))
    for (const f of await readdir(path.join(base, folder)))
      if (f.endsWith('.csv')) await thin(path.join(base, folder, f));
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

interface Ws {
  dir: string;
  file(rel: string): string;
  read(rel: string): Promise<string>;
  write(rel: string, text: string | Buffer): Promise<void>;
  /** Replaces `from` (which must occur) by `to`, every occurrence when `from` is a global RegExp. */
  edit(rel: string, from: string | RegExp, to: string): Promise<void>;
  /** Rewrites the CSV `rel` cell by cell: `f(value, column, dataRowIndex)`. */
  cells(rel: string, f: (v: string, col: string, row: number) => string): Promise<void>;
}

/** A fresh copy of the thinned demo workspace. */
async function workspace(): Promise<Ws> {
  const dir = path.join(root, `case-${++n}`, 'ws');
  await cp(base, dir, { recursive: true });
  const ws: Ws = {
    dir,
    file: (rel) => path.join(dir, rel),
    read: (rel) => readFile(path.join(dir, rel), 'utf8'),
    write: (rel, text) => writeFile(path.join(dir, rel), text),
    async edit(rel, from, to) {
      const text = await ws.read(rel);
      expect(typeof from === 'string' ? text.includes(from) : from.test(text), `${rel} holds ${from}`).toBe(
        true,
      );
      await ws.write(rel, text.replace(from, to));
    },
    async cells(rel, f) {
      const rows = parseCsv(await ws.read(rel));
      const header = Object.keys(rows[0]);
      const body = rows.map((r, i) => header.map((c) => csvCell(f(r[c], c, i))).join(','));
      await ws.write(rel, [header.join(','), ...body].join('\n') + '\n');
    },
  };
  return ws;
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

const run = (ws: Ws | string, command: Command, args: string[] = [], tty = false): Promise<CliRun> =>
  runCli([command, '--as-of', AS_OF, '--no-snapshot', ...args], {
    cwd: typeof ws === 'string' ? ws : ws.dir,
    tty,
  });

/** Refused the way the policy says, in JSON mode (nothing on stdout) and in the human view alike. */
async function refused(
  ws: Ws | string,
  command: Command,
  args: string[],
  code: ErrorCode,
  where: string | RegExp,
  what: RegExp,
): Promise<string> {
  const json = await run(ws, command, args);
  const line = expectRefused(json, code, where);
  expect(line).toMatch(what);
  expect(json.stdout, 'stdout in JSON mode').toBe('');
  return line;
}

interface Accounting {
  source: string;
  rows_in: number;
  accepted: number;
  deduplicated: number;
  rejected: number;
}

/** A run that succeeded: its JSON, every source reconciled, and its rejects.csv rows. */
async function succeeded(ws: Ws, command: Command, args: string[] = []) {
  const r = await run(ws, command, args);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/error\[|\n\s+at /);
  const result = r.json<Record<string, unknown>>();
  const accounting = (result.row_accounting ??
    (result.data as { row_accounting: unknown }).row_accounting ??
    []) as Accounting[];
  for (const a of accounting) expect(a.rows_in, a.source).toBe(a.accepted + a.deduplicated + a.rejected);
  const dir = ws.file(String(result.reports_dir));
  const files = await readdir(dir);
  const rejects = files.includes('rejects.csv')
    ? parseCsv(await readFile(path.join(dir, 'rejects.csv'), 'utf8'))
    : [];
  const of = (source: string) => accounting.find((a) => a.source === source)!;
  return { r, result, accounting, of, rejects, dir, files };
}

describe('flags with a wrong value: one USAGE line naming the flag, exit 2', () => {
  const cases: [Command, string[], string, RegExp][] = [
    ['optimize-referrals', ['--window', '0d'], '--window', /1d to 3660d, got "0d"/],
    ['optimize-referrals', ['--window', '45x'], '--window', /must be Nd .*"45x"/],
    ['optimize-referrals', ['--window', 'quarter'], '--window', /"quarter"/],
    [
      'optimize-referrals',
      ['--dimensions', 'channel,device'],
      '--dimensions',
      /"device"; allowed: channel, persona/,
    ],
    ['optimize-referrals', ['--alert-threshold', '1.5'], '--alert-threshold', /between 0 and 1, got 1.5/],
    ['optimize-referrals', ['--alert-threshold', '15%'], '--alert-threshold', /expects a number, got "15%"/],
    ['optimize-referrals', ['--experiments', ''], '--experiments', /at least one value/],
    ['optimize-referrals', ['--window', '7d', '--window', '30d'], '--window', /given twice .*"7d".*"30d"/],
    ['optimize-referrals', ['--frobnicate'], '--frobnicate', /unknown flag/],
    ['monitor-loyalty', ['--window', '-5d'], '--window', /unknown window "-5d"/],
    ['monitor-loyalty', ['--window', '1.5d'], '--window', /unknown window "1.5d"/],
    ['monitor-loyalty', ['--dimensions', 'tier,segment'], '--dimensions', /"segment"; allowed: tier, cohort/],
    // --dimension is --dimensions' alias (2a77c5a): its values are checked the same way, named as typed
    ['monitor-loyalty', ['--dimension', 'tier,segment'], '--dimension', /"segment"; allowed: tier, cohort/],
    ['monitor-loyalty', ['--alert-threshold', '-1'], '--alert-threshold', /between 0 and 1, got -1/],
    ['monitor-loyalty', ['--alert-threshold', 'abc'], '--alert-threshold', /expects a number, got "abc"/],
    ['monitor-loyalty', ['--as-of', 'yesterday'], '--as-of', /not a date: "yesterday"/],
    ['monitor-loyalty', ['--detail', 'everything'], '--detail', /one of summary, full/],
    ['monitor-loyalty', ['--fail-on-escalation=maybe'], '--fail-on-escalation', /true or false, got "maybe"/],
    ['monitor-personalization', ['--window', '100000d'], '--window', /1d to 3660d/],
    [
      'monitor-personalization',
      ['--dimension', 'region'],
      '--dimension',
      /"region"; allowed: profile, channel/,
    ],
    [
      'monitor-personalization',
      ['--dimensions', 'region'],
      '--dimensions',
      /"region"; allowed: profile, channel/,
    ],
    ['monitor-personalization', ['--experiments', 'x'], '--experiments', /unknown flag/],
    [
      'monitor-personalization',
      ['--alert-threshold', 'NaN'],
      '--alert-threshold',
      /expects a number, got "NaN"/,
    ],
    ['monitor-personalization', ['--alert-threshold='], '--alert-threshold', /expects a number, got ""/],
    ['monitor-personalization', ['--as-of', '2026-11-30T25:00:00Z'], '--as-of', /not a date/],
    ['monitor-personalization', ['--initiative', ''], '--initiative', /needs a value/],
  ];
  it.each(cases)('%s %j', async (command, args, where, what) => {
    const line = await refused(base, command, args, 'USAGE', where, what);
    const human = await run(base, command, [...args, '--no-json'], true);
    expect(human.stderrLines, 'the human view gives the same one line').toEqual([line]);
    expect(human.stdout).toBe('');
  });
});

/** Removes the roster role `role` (its `people:` line and a `fallback:` line under it). */
const dropRole = (ws: Ws, role: string) =>
  ws.edit(
    'gtm.yaml',
    new RegExp(`    ${role}:\\n      people: \\[[^\\n]*\\n(      fallback: [^\\n]*\\n)?`),
    '',
  );

describe('a flag given twice in its two spellings', () => {
  it('monitor-loyalty: names each value as typed', async () => {
    await refused(
      base,
      'monitor-loyalty',
      ['--alert-threshold', '0.1', '--alert_threshold', '0.2'],
      'USAGE',
      '--alert_threshold',
      /given twice with different values: --alert-threshold "0\.1", then --alert_threshold "0\.2" — give --alert-threshold once/,
    );
  });

  it('optimize-referrals: a boolean and its negation', async () => {
    await refused(
      base,
      'optimize-referrals',
      ['--fail_on_escalation', '--no-fail-on-escalation'],
      'USAGE',
      '--fail-on-escalation',
      /given twice with different values: --fail_on_escalation, then --no-fail-on-escalation/,
    );
  });
});

describe('gtm.yaml errors: one line naming the key or file and the fix', () => {
  it('optimize-referrals: a mapping to a column the file lacks names the file, the column and the key', async () => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', 'referral_code: code, clicked_at', 'referral_code: kode, clicked_at');
    await refused(
      ws,
      'optimize-referrals',
      [],
      'INPUT',
      'data/referrals/clicks.csv',
      /"kode".*columns found: id, code.*sources\.referral_clicks\.mapping\.referral_code/,
    );
  });

  it('monitor-loyalty: a source path that does not exist', async () => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', 'data/loyalty/members.csv', 'data/loyalty/memberz.csv');
    await refused(
      ws,
      'monitor-loyalty',
      [],
      'INPUT',
      /memberz\.csv$/,
      /file not found — check sources\.loyalty_members\.path/,
    );
  });

  it('monitor-personalization: a directory as a source path', async () => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', 'path: data/personalization/decisions.csv', 'path: data/personalization');
    await refused(
      ws,
      'monitor-personalization',
      [],
      'INPUT',
      /data\/personalization$/,
      /is a directory, not a file — point sources\.decision_log\.path at a file or a glob/,
    );
  });

  it('optimize-referrals: an entity name misspelt', async () => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', 'entity: shares', 'entity: sharez');
    await refused(
      ws,
      'optimize-referrals',
      [],
      'CONFIG',
      /^gtm\.yaml:\d+$/,
      /sources\[\d+\]\.entity must be one of .*shares/,
    );
  });

  it('monitor-loyalty: a number written as a word', async () => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', 'points_expire_months: 12', 'points_expire_months: twelve');
    await refused(
      ws,
      'monitor-loyalty',
      [],
      'CONFIG',
      /^gtm\.yaml:\d+$/,
      /loyalty\.points_expire_months must be an integer/,
    );
  });

  it('monitor-personalization: a list written as a scalar', async () => {
    const ws = await workspace();
    await ws.edit(
      'gtm.yaml',
      'initiatives: [PLG Onboarding, Lifecycle Email]',
      'initiatives: PLG Onboarding',
    );
    await refused(
      ws,
      'monitor-personalization',
      [],
      'CONFIG',
      /^gtm\.yaml:\d+$/,
      /personalization\.initiatives must be a list/,
    );
  });

  it('optimize-referrals: no revenue stage is a CONFIG error, not broken SQL (exit 6)', async () => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', 'revenue_stages: [purchase, won]', 'revenue_stages: []');
    await refused(
      ws,
      'optimize-referrals',
      [],
      'CONFIG',
      /^gtm\.yaml:\d+$/,
      /referrals\.revenue_stages is an empty list — list at least one: /,
    );
  });

  it('optimize-referrals: a review band above the reject band is a CONFIG error, not a failed stage (exit 7)', async () => {
    const ws = await workspace();
    await ws.edit(
      'gtm.yaml',
      '  program: Acme referral program\n',
      '  program: Acme referral program\n  fraud: { bands: { review: 0.9, reject: 0.5 } }\n',
    );
    await refused(
      ws,
      'optimize-referrals',
      [],
      'CONFIG',
      /^gtm\.yaml:\d+$/,
      /referrals\.fraud\.bands review \(0\.9\) is above reject \(0\.5\) — set review ≤ reject/,
    );
  });

  it('monitor-personalization: a freshness warning after its error is a CONFIG error, not a failed stage (exit 7)', async () => {
    const ws = await workspace();
    await ws.edit(
      'gtm.yaml',
      'warn_after_hours: 6, error_after_hours: 24',
      'warn_after_hours: 30, error_after_hours: 24',
    );
    await refused(
      ws,
      'monitor-personalization',
      [],
      'CONFIG',
      /^gtm\.yaml:\d+$/,
      /personalization\.freshness\.decisions warn_after_hours \(30\) is above error_after_hours \(24\) — set warn_after_hours ≤ error_after_hours/,
    );
  });

  it.each([
    [
      'optimize-referrals',
      [
        '  program: Acme referral program\n',
        '  program: Acme referral program\n  fraud: { ring: { min_members: 10, max_members: 5 } }\n',
      ],
      /referrals\.fraud\.ring min_members \(10\) is above max_members \(5\)/,
    ],
    [
      'monitor-personalization',
      [
        '  minimum_detectable_effect: 0.25\n',
        '  minimum_detectable_effect: 0.25\n  anomalies: { volume_warn_drop: 0.9, volume_error_drop: 0.5 }\n',
      ],
      /personalization\.anomalies volume_warn_drop \(0\.9\) is above volume_error_drop \(0\.5\)/,
    ],
    [
      'monitor-personalization',
      [
        '  minimum_detectable_effect: 0.25\n',
        '  minimum_detectable_effect: 0.25\n  governance: { fallback_warn: 0.5 }\n',
      ],
      /personalization\.governance fallback_warn \(0\.5\) is above fallback_alert \(0\.2\)/,
    ],
  ] as const)(
    '%s: a lower level above its upper level is a CONFIG error (case %#)',
    async (command, [from, to], what) => {
      const ws = await workspace();
      await ws.edit('gtm.yaml', from, to);
      await refused(ws, command, [], 'CONFIG', /^gtm\.yaml:\d+$/, what);
    },
  );

  it('optimize-referrals: no lost stage is allowed (every other stage is pipeline)', async () => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', 'lost_stages: [lost]', 'lost_stages: []');
    await succeeded(ws, 'optimize-referrals');
  });

  it.each([
    [
      'optimize-referrals',
      'partner_ops',
      /escalation\.optimize-referrals\[1\] role "partner_ops" is not in the roster/,
    ],
    [
      'monitor-loyalty',
      'member_insights_analyst',
      /fallback role "member_insights_analyst" is not in the roster/,
    ],
    ['monitor-personalization', 'data_privacy_lead', /role "data_privacy_lead" is not in the roster/],
  ] as const)('%s: roster role %s missing', async (command, role, what) => {
    const ws = await workspace();
    await dropRole(ws, role);
    await refused(ws, command, [], 'CONFIG', /^gtm\.yaml:\d+$/, what);
  });
});

describe('fx rate missing for a currency in the data: the rows are rejected with the fix', () => {
  it.each([
    ['optimize-referrals', 'orders', 'EUR'],
    ['monitor-loyalty', 'loyalty_orders', 'EUR'],
  ] as const)('%s: no %s rate', async (command, source, currency) => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', new RegExp(`    - \\{ currency: ${currency}[^\\n]*\\n`, 'g'), '');
    const { of, rejects } = await succeeded(ws, command);
    expect(of(source).rejected).toBeGreaterThan(0);
    const mine = rejects.filter((x) => x.source === source);
    expect(mine).toHaveLength(of(source).rejected);
    for (const x of mine)
      expect(x.reason).toBe(`currency: no rate for ${currency}; add it under currency.rates`);
  });

  it('monitor-personalization: a JPY invoice', async () => {
    const ws = await workspace();
    await ws.cells('data/personalization/billing_events.csv', (v, c, i) =>
      c === 'currency' && i === 0 ? 'JPY' : v,
    );
    const { of, rejects } = await succeeded(ws, 'monitor-personalization');
    expect(of('billing_events').rejected).toBe(1);
    expect(rejects).toEqual([
      expect.objectContaining({
        source: 'billing_events',
        row: '2',
        reason: 'currency: no rate for JPY; add it under currency.rates',
      }),
    ]);
  });

  it('monitor-loyalty: above thresholds.max_reject_rate the run exits 5 naming file and row', async () => {
    const ws = await workspace();
    await ws.edit('gtm.yaml', new RegExp(`    - \\{ currency: EUR[^\\n]*\\n`, 'g'), '');
    await ws.edit('gtm.yaml', /max_reject_rate: [^\n]*/, 'max_reject_rate: 0.001');
    const r = await run(ws, 'monitor-loyalty');
    expect(r.code, r.stderr).toBe(5);
    // the run wrote its report (its warnings came first), then ends with the one error line
    const line = r.stderrLines.at(-1)!;
    expect(line).toMatch(POLICY_LINE);
    expect(line).toMatch(
      /^error\[DATA\] data\/loyalty\/orders\.csv:\d+: \d+ of \d+ rows of source loyalty_orders rejected .*first: currency: no rate for EUR/,
    );
    expect(
      r.stderrLines.slice(0, -1).every((l) => l.startsWith('warning: ')),
      r.stderr,
    ).toBe(true);
    expect(r.json<{ rejects: { rows: number } }>().rejects.rows).toBeGreaterThan(0);
  });
});

describe('file content', () => {
  it('optimize-referrals: an empty file is refused, named', async () => {
    const ws = await workspace();
    await ws.write('data/referrals/signups.csv', '');
    await refused(
      ws,
      'optimize-referrals',
      [],
      'INPUT',
      /signups\.csv$/,
      /empty file, no header and no rows — check sources\.referral_signups\.path/,
    );
  });

  it('monitor-loyalty: a header-only members file loads 0 rows and says the models were not fitted', async () => {
    const ws = await workspace();
    await ws.write(
      'data/loyalty/members.csv',
      (await ws.read('data/loyalty/members.csv')).split('\n')[0] + '\n',
    );
    const { of, r } = await succeeded(ws, 'monitor-loyalty');
    expect(of('loyalty_members')).toMatchObject({ rows_in: 0, accepted: 0, rejected: 0 });
    expect(r.stderr).toContain('no member has a purchase');
  });

  it('monitor-personalization: a header-only decision log is a DATA error naming the file, not the window', async () => {
    const ws = await workspace();
    await ws.write(
      'data/personalization/decisions.csv',
      (await ws.read('data/personalization/decisions.csv')).split('\n')[0] + '\n',
    );
    // it read "error[DATA] --window: no decisions of any initiative in the 14d window to 2026-11-30"
    // (and, with --initiative, "--initiative: no decisions of initiative …"): the file is the problem
    for (const args of [[], ['--initiative', 'PLG Onboarding']]) {
      const line = await refused(
        ws,
        'monitor-personalization',
        args,
        'DATA',
        'data/personalization/decisions.csv',
        /: no decisions to monitor: source decision_log has no data rows \(a header-only export\?\) — export the decision log again, or point sources\.decision_log in gtm\.yaml at a log with rows;/,
      );
      expect(line).not.toMatch(/--window|--initiative/);
    }
  });

  it('monitor-personalization: decisions all outside the window run on the empty window, and the warning names the window', async () => {
    const ws = await workspace();
    const r = await runCli(['monitor-personalization', '--as-of', '2099-01-01', '--no-snapshot', '--json'], {
      cwd: ws.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderrLines).toContainEqual(
      expect.stringMatching(
        /^warning: no decisions of any initiative in the 14d window to 2099-01-01 \([\d,]+ outside it\): .*check --window and --as-of$/,
      ),
    );
  });

  it('monitor-personalization: a semicolon-delimited file names the delimiter to set', async () => {
    const ws = await workspace();
    await ws.edit('data/personalization/decisions.csv', /,/g, ';');
    await refused(
      ws,
      'monitor-personalization',
      [],
      'INPUT',
      'data/personalization/decisions.csv',
      /looks ";"-delimited; set delimiter: ";" on sources\.decision_log/,
    );
  });

  it('optimize-referrals: a BOM before the header is skipped, the first column read', async () => {
    const ws = await workspace();
    const before = await succeeded(await workspace(), 'optimize-referrals');
    await ws.write(
      'data/referrals/advocates.csv',
      '\uFEFF' + (await ws.read('data/referrals/advocates.csv')),
    );
    const after = await succeeded(ws, 'optimize-referrals');
    expect(after.of('referral_advocates')).toEqual(before.of('referral_advocates'));
    expect(after.of('referral_advocates').rejected).toBe(0);
    expect(after.result.funnel).toEqual(before.result.funnel);
  });

  it('optimize-referrals: a Latin-1 row is rejected as not UTF-8, the rest loads', async () => {
    const ws = await workspace();
    await ws.cells('data/referrals/signups.csv', (v, c, i) => (c === 'name' && i === 3 ? 'José Müller' : v));
    await writeFile(
      ws.file('data/referrals/signups.csv'),
      Buffer.from(await ws.read('data/referrals/signups.csv'), 'latin1'),
    );
    const { of, rejects } = await succeeded(ws, 'optimize-referrals');
    expect(of('referral_signups').rejected).toBe(1);
    expect(rejects).toEqual([
      expect.objectContaining({ row: '5', reason: 'not valid UTF-8 text (re-export the file as UTF-8)' }),
    ]);
  });

  it('optimize-referrals: a 2 MB field rejects its row with the reason', async () => {
    const ws = await workspace();
    await ws.cells('data/referrals/signups.csv', (v, c, i) =>
      c === 'user_agent' && i === 3 ? 'A'.repeat(2_000_000) : v,
    );
    const { of, rejects } = await succeeded(ws, 'optimize-referrals');
    expect(of('referral_signups').rejected).toBe(1);
    expect(rejects[0]).toMatchObject({ source: 'referral_signups', row: '5' });
    expect(rejects[0].reason).toMatch(/line too long/);
  });

  it('monitor-loyalty: a column of all nulls (region, asked for as a dimension) loads every row', async () => {
    const ws = await workspace();
    await ws.cells('data/loyalty/members.csv', (v, c) => (c === 'region' ? '' : v));
    const { of } = await succeeded(ws, 'monitor-loyalty', ['--dimensions', 'region']);
    expect(of('loyalty_members').rejected).toBe(0);
  });

  it('optimize-referrals: a required time column of all nulls rejects every row and exits 5 naming the first', async () => {
    const ws = await workspace();
    await ws.cells('data/referrals/signups.csv', (v, c) => (c === 'signed_up_at' ? '' : v));
    const r = await run(ws, 'optimize-referrals');
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderrLines.at(-1)).toMatch(
      /^error\[DATA\] data\/referrals\/signups\.csv:2: (\d+) of \1 rows of source referral_signups rejected \(100\.00%.*first: signed_up_at: missing — fix the rows listed in/,
    );
  });

  it('optimize-referrals: amounts with thousands separators or in scientific notation read as the same numbers', async () => {
    const args = ['--window', '365d'];
    const plain = await succeeded(await workspace(), 'optimize-referrals', args);
    const ws = await workspace();
    let grouped = 0;
    await ws.cells('data/referrals/orders.csv', (v, c) => {
      if (c !== 'amount' || v === '') return v;
      if (Number(v) < 1000) return Number(v).toExponential();
      grouped++;
      return Number(v).toLocaleString('en-US', { minimumFractionDigits: 2 });
    });
    expect(grouped).toBeGreaterThan(0);
    const odd = await succeeded(ws, 'optimize-referrals', args);
    expect(odd.of('orders')).toEqual(plain.of('orders'));
    expect(odd.of('orders').rejected).toBe(0);
    expect(odd.result.funnel).toEqual(plain.result.funnel);
    const counts = (plain.result.funnel as { program: { current: { counts: Record<string, number> } } })
      .program.current.counts;
    expect(counts.newCustomerRevenue + counts.referredRevenue).toBeGreaterThan(1000);
  });

  it('monitor-personalization: timestamps in three formats read as the same instants', async () => {
    const plain = await succeeded(await workspace(), 'monitor-personalization');
    const ws = await workspace();
    await ws.cells('data/personalization/decisions.csv', (v, c, i) => {
      if (c !== 'ts' || v === '') return v;
      const d = new Date(v);
      return [v, `${v.slice(0, 10)} ${v.slice(11, 23)}`, String(d.getTime() / 1000)][i % 3];
    });
    const odd = await succeeded(ws, 'monitor-personalization');
    expect(odd.of('decision_log')).toEqual(plain.of('decision_log'));
    expect(odd.result.totals).toEqual(plain.result.totals);
    expect(odd.result.performance).toEqual(plain.result.performance);
  });

  it('monitor-loyalty: a ZIP archive renamed .csv is named as what it is', async () => {
    const ws = await workspace();
    await writeFile(ws.file('data/loyalty/points_ledger.csv'), Buffer.from('504b0304140000000800', 'hex'));
    await refused(
      ws,
      'monitor-loyalty',
      [],
      'INPUT',
      /points_ledger\.csv$/,
      /not a CSV text file: it is a ZIP archive/,
    );
  });

  it('monitor-loyalty: inf, NaN and 1e400 points are rejected rows naming the value', async () => {
    const ws = await workspace();
    const bad = ['inf', 'NaN', '1e400'];
    await ws.cells('data/loyalty/points_ledger.csv', (v, c, i) => (c === 'points' && i < 3 ? bad[i] : v));
    const { of, rejects } = await succeeded(ws, 'monitor-loyalty');
    expect(of('loyalty_ledger').rejected).toBe(3);
    expect(rejects.map((x) => [x.row, x.reason.startsWith('points: ')])).toEqual([
      ['2', true],
      ['3', true],
      ['4', true],
    ]);
  });

  it('monitor-loyalty: points in parentheses and a percent weight are rejected rows with their hint, never read (h-bad24)', async () => {
    const ws = await workspace();
    // an accounting negative: read as 138 the redemption would have lost its sign
    await ws.cells('data/loyalty/points_ledger.csv', (v, c, i) => (c === 'points' && i < 2 ? `(${v})` : v));
    await ws.cells('data/loyalty/experiments.csv', (v, c, i) => (c === 'weight' && i === 0 ? `${v}%` : v));
    // one of the 4 experiment rows is over the 5% limit: the run would stop (exit 5) on it
    await ws.edit('gtm.yaml', /max_reject_rate: [^\n]*/, 'max_reject_rate: 0.5');
    const { of, rejects } = await succeeded(ws, 'monitor-loyalty');
    expect(of('loyalty_ledger').rejected).toBe(2);
    expect(of('loyalty_experiments').rejected).toBe(1);
    const reasons = rejects.map((x) => [x.source, x.row, x.reason]);
    expect(reasons).toContainEqual([
      'loyalty_ledger',
      '2',
      expect.stringMatching(
        /^points: cannot read \(\d+\) as a number \(a negative in parentheses\? write it with a minus sign, -12\.50 for \(12\.50\)\)$/,
      ),
    ]);
    expect(reasons).toContainEqual([
      'loyalty_experiments',
      '2',
      'weight: cannot read 25% as a number (a percentage? write the number the column means, without the % sign)',
    ]);
  });

  it('monitor-personalization: an unterminated quote that swallows the decision log is named at its line, not "no decisions in the window"', async () => {
    const ws = await workspace();
    const lines = (await ws.read('data/personalization/decisions.csv')).split('\n');
    lines[4] = lines[4].replace(/,([A-Z_]+),/, ',"$1,');
    await ws.write('data/personalization/decisions.csv', lines.join('\n'));
    const line = await refused(
      ws,
      'monitor-personalization',
      [],
      'DATA',
      'data/personalization/decisions.csv:5',
      /rows of source decision_log rejected .*first: unterminated quoted value/,
    );
    expect(line).toMatch(/ — fix the rows \(gtm doctor names them\), or raise thresholds\.max_reject_rate/);
  });

  it('monitor-personalization: the header again mid-file and a repeated row: rejected and deduplicated', async () => {
    const ws = await workspace();
    const lines = (await ws.read('data/personalization/decisions.csv')).split('\n');
    await ws.write(
      'data/personalization/decisions.csv',
      [...lines.slice(0, -1), lines[0], lines[1], ''].join('\n'),
    );
    const { of, rejects } = await succeeded(ws, 'monitor-personalization');
    expect(of('decision_log')).toMatchObject({ deduplicated: 1, rejected: 1 });
    expect(rejects).toEqual([
      expect.objectContaining({
        source: 'decision_log',
        reason: expect.stringMatching(/^the header row again/),
      }),
    ]);
  });
});

/** The text columns of each command's files that reach its reports (names, dimensions, notes). */
const TEXT_COLUMNS: Record<Command, Record<string, string[]>> = {
  'optimize-referrals': {
    'advocates.csv': ['name', 'email', 'region', 'persona', 'user_agent'],
    'clicks.csv': ['channel', 'referrer'],
    'shares.csv': ['channel'],
    'signups.csv': ['name', 'email', 'user_agent'],
    'experiments.csv': ['name'],
  },
  'monitor-loyalty': {
    'members.csv': ['region', 'signup_channel'],
    'orders.csv': ['channel'],
    'csat.csv': ['touchpoint'],
    'rewards_catalog.csv': ['name'],
    'experiments.csv': ['name'],
  },
  'monitor-personalization': {
    'decisions.csv': ['profile', 'channel', 'cohort'],
    'rule_changes.csv': ['author', 'description', 'approver'],
    'experiments.csv': ['name'],
    'billing_events.csv': ['customer'],
  },
};
type Payload = (v: string, i: number) => string;
const FORMULAS: Payload[] = [
  (v, i) => `=HYPERLINK("http://x.test/${i}","${v}")`,
  (_, i) => `+cmd|'/c calc'!A${i}`,
  (_, i) => `@SUM(${i})`,
  (v) => `-2+3 ${v}`,
  (_, i) => `\t=1+${i}`,
];
const HTML: Payload[] = [
  (v, i) => `<script>alert(${i})</script>${v}`,
  (v, i) => `</script><img src=x onerror=alert(${i})>${v}`,
  (v, i) => `${v}"onload="alert(${i})`,
];
const ANSI: Payload[] = [
  (v, i) => `${v}\u001b]0;PWNED${i}\u0007`,
  (v, i) => `\u001b[2J${v}${i}`,
  (v, i) => `${v}\u009b31m${i}`,
];

/** Every value of the text columns replaced by a payload, the same value by the same payload. */
async function hostile(command: Command, payloads: Payload[]): Promise<Ws> {
  const ws = await workspace();
  const seen = new Map<string, string>();
  const sub = (v: string) => {
    if (!seen.has(v)) seen.set(v, payloads[seen.size % payloads.length](v, seen.size));
    return seen.get(v)!;
  };
  for (const [file, cols] of Object.entries(TEXT_COLUMNS[command]))
    await ws.cells(`${FOLDER[command]}/${file}`, (v, c) => (v !== '' && cols.includes(c) ? sub(v) : v));
  return ws;
}

const FULL: Record<Command, string[]> = {
  'optimize-referrals': ['--detail', 'full', '--dimensions', 'channel,persona,partner-tier,region'],
  'monitor-loyalty': ['--detail', 'full', '--dimensions', 'tier,cohort,region,channel'],
  'monitor-personalization': ['--detail', 'full', '--dimension', 'profile,channel,cohort'],
};
const COMMANDS = Object.keys(FOLDER) as Command[];

/** A cell a spreadsheet would run: starts with = + - @ tab or CR and is not a plain number. */
const live = (c: string) => /^[=+\-@\t\r]/.test(c) && !/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(c);

describe('hostile values in every text column', () => {
  it.each(COMMANDS)('%s: formulas are neutralized in every CSV written', async (command) => {
    const ws = await hostile(command, FORMULAS);
    const { dir, files } = await succeeded(ws, command, FULL[command]);
    let shown = 0;
    for (const f of files.filter((x) => x.endsWith('.csv'))) {
      const text = await readFile(path.join(dir, f), 'utf8');
      for (const row of parseCsv(text))
        for (const cell of Object.values(row)) expect(live(cell), `${f}: ${cell}`).toBe(false);
      shown += (text.match(/'=HYPERLINK|'\+cmd|'@SUM|'-2\+3|'\t=1/g) ?? []).length;
    }
    expect(shown, 'the payloads reach the CSVs, neutralized').toBeGreaterThan(0);
  });

  it.each(COMMANDS)('%s: HTML is escaped in dashboard.html and summary.md', async (command) => {
    const ws = await hostile(command, HTML);
    const { dir } = await succeeded(ws, command, FULL[command]);
    const html = await readFile(path.join(dir, 'dashboard.html'), 'utf8');
    expect(html).not.toMatch(/<script>alert|<img src=x|"onload="alert|onerror=alert\(\d+\)>/);
    expect(html).toMatch(/&lt;script&gt;alert|\\u003cscript>alert|\\u003cscript\\u003ealert/);
    const md = await readFile(path.join(dir, 'summary.md'), 'utf8');
    expect(md).not.toMatch(/(^|[^\\])<(script|img|\/script)/);
    expect(md).toMatch(/\\<script\\>alert|\\<\/script\\>/);
  });

  it.each(COMMANDS)('%s: terminal escapes print as text, --json stays clean', async (command) => {
    const ws = await hostile(command, ANSI);
    const human = await run(ws, command, [...FULL[command], '--no-json'], true);
    expect(human.code, human.stderr).toBe(0);
    const out = human.stdout + human.stderr;
    expect(out).not.toMatch(/\u001b\]|\u001b\[2J|\u009b|\u0007/);
    const json = await run(ws, command, FULL[command]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(JSON.stringify(json.json())).toContain('PWNED');
    for (const md of (await readdir(ws.file(json.json<{ reports_dir: string }>().reports_dir))).filter((f) =>
      f.endsWith('.md'),
    ))
      expect(
        await readFile(path.join(ws.file(json.json<{ reports_dir: string }>().reports_dir), md), 'utf8'),
      ).not.toMatch(/\u001b|\u009b|\u0007/);
  });
});

describe('output folders reached through a link out of the workspace: refused, nothing written there', () => {
  it.each([
    ['monitor-loyalty', 'reports'],
    ['monitor-personalization', 'reports/monitor-personalization'],
    ['optimize-referrals', '.claude/plans'],
  ] as const)('%s: %s is a link', async (command, link) => {
    const ws = await workspace();
    const outside = path.join(path.dirname(ws.dir), 'outside');
    await cp(ws.file('gtm.yaml'), path.join(outside, 'keep.yaml'));
    await mkdir(path.dirname(ws.file(link)), { recursive: true });
    await symlink(outside, ws.file(link));
    await refused(
      ws,
      command,
      [],
      'IO',
      ws.file(link),
      new RegExp(`"${link.replace('.', '\\.')}" is a symbolic link — replace the link with a real folder`),
    );
    expect(await readdir(outside)).toEqual(['keep.yaml']);
    expect((await lstat(ws.file(link))).isSymbolicLink()).toBe(true);
  });
});

describe('values that look like SQL are data', () => {
  it('optimize-referrals: a mapped column name holding a double quote is read', async () => {
    const ws = await workspace();
    await ws.edit('data/referrals/clicks.csv', /^id,code,/, 'id,"co""de",');
    await ws.edit('gtm.yaml', 'referral_code: code, clicked_at', `referral_code: 'co"de', clicked_at`);
    const { of } = await succeeded(ws, 'optimize-referrals');
    expect(of('referral_clicks').rejected).toBe(0);
    expect(of('referral_clicks').accepted).toBeGreaterThan(0);
  });

  it('monitor-personalization: an --initiative with quotes is an unknown initiative, named', async () => {
    await refused(
      base,
      'monitor-personalization',
      ['--initiative', "PLG Onboarding' OR '1'='1"],
      'USAGE',
      '--initiative',
      /no initiative "PLG Onboarding' OR '1'='1" .*use one of: "PLG Onboarding", "Lifecycle Email"/,
    );
  });
});

describe('--experiments naming a test the workspace does not have: refused, not a warning and exit 0', () => {
  it('optimize-referrals: a typo gets "did you mean"', async () => {
    await refused(
      base,
      'optimize-referrals',
      ['--experiments', 'ref-double-sidd'],
      'USAGE',
      '--experiments',
      /no experiment "ref-double-sidd" in the experiments or assignments sources — did you mean "ref-double-sided"\?/,
    );
  });

  it('optimize-referrals: a value that looks like SQL is an unknown id', async () => {
    await refused(
      base,
      'optimize-referrals',
      ['--experiments', "x' OR '1'='1"],
      'USAGE',
      '--experiments',
      /no experiment "x' OR '1'='1" .* use one of: .*"ref-double-sided"/,
    );
  });

  it('monitor-loyalty: an unknown id among known ones is named, with the ids there are', async () => {
    await refused(
      base,
      'monitor-loyalty',
      ['--experiments', 'double-points-oct,nope-123'],
      'USAGE',
      '--experiments',
      /no experiment "nope-123" .* use one of: .*"double-points-oct"/,
    );
  });

  it('monitor-loyalty: a known id in another case is not refused', async () => {
    const { r } = await succeeded(await workspace(), 'monitor-loyalty', [
      '--experiments',
      'DOUBLE-POINTS-OCT',
    ]);
    expect(r.stderr).not.toMatch(/no experiment/);
  });
});
