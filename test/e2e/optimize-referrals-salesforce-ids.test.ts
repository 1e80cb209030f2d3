/**
 * optimize-referrals joins a referral to its friend's orders and to its advocate's own account by
 * customer id: with the friend ids of a Salesforce report (15 characters, case-sensitive) and the
 * customer ids of the API / a billing sync (18 characters), those joins found nothing, since the
 * entity lower-cases its keys (`001Ak00000Fr1AB` -> `001ak00000fr1ab`, `001Ak00000Fr1ABIAZ` ->
 * `001ak00000fr1abiaz`): 0 conversions of 5 sign-ups, no self-referral. Now the 15-character ids
 * are read in their 18-character form before the lower-casing, as track-source reads its ids.
 *
 * By hand (18-character forms computed apart, with Python, from the published CASESAFEID rule; the
 * rule's own example 0013k00002crTPa -> 0013k00002crTPaAAM checks that script):
 * - r1, r2, r3: friends Fr1AB, Fr2CD, Fr3EF ordered 100, 80 and 50 (o1-o3, 18 characters): 3
 *   referred conversions, 230 of revenue.
 * - r4: friend `001Ak00000fr4gh`, a record other than `001Ak00000Fr4GH` (o4, 40): letter case
 *   tells them apart in 15 characters (suffix IAA, not IAZ), so r4 stays unconverted; 4 new customers.
 * - r5: advocate a1 refers `001Ak00000Adv1X`, a1's own account (`001Ak00000Adv1XIAR` in the
 *   advocates export): self-referral-customer-id fires.
 * - Records written both ways: Fr1AB, Fr2CD, Fr3EF, Adv1X = 4; 5 friend ids read in 18.
 *
 * The same on ClickHouse 18.16 (loaded with gtm engine load); `gtm doctor` says the workspace mixes
 * the two forms; `id_format: as_is` on the report keeps its ids as written (the joins fail again).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLICKHOUSE_CONFIG, describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { makeFixtureDir, type FixtureDir } from '../helpers/fixture-dir.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: sf_accounts, entity: advocates, kind: file, path: advocates.csv }
  - { name: sf_report, entity: referrals, kind: file, path: referrals.csv }
  - { name: billing, entity: conversions, kind: file, path: orders.csv }
currency: { reporting: USD }
referrals: { revenue_stages: [purchase] }
`;
const FILES = {
  'gtm.yaml': YAML,
  'advocates.csv': `advocate_id,customer_id,referral_code,kind,joined_at
a1,001Ak00000Adv1XIAR,C1,customer,2026-01-01
a2,001Ak00000Adv2YIAR,C2,customer,2026-01-01
`,
  'referrals.csv': `referral_id,advocate_id,friend_id,signed_up_at
r1,a1,001Ak00000Fr1AB,2026-11-04T10:00:00Z
r2,a1,001Ak00000Fr2CD,2026-11-05T10:00:00Z
r3,a2,001Ak00000Fr3EF,2026-11-06T10:00:00Z
r4,a2,001Ak00000fr4gh,2026-11-06T11:00:00Z
r5,a1,001Ak00000Adv1X,2026-11-07T10:00:00Z
`,
  'orders.csv': `conversion_id,customer_id,amount,currency,stage,converted_at
o1,001Ak00000Fr1ABIAZ,100,USD,purchase,2026-11-05T10:00:00Z
o2,001Ak00000Fr2CDIAZ,80,USD,purchase,2026-11-06T10:00:00Z
o3,001Ak00000Fr3EFIAZ,50,USD,purchase,2026-11-07T10:00:00Z
o4,001Ak00000Fr4GHIAZ,40,USD,purchase,2026-11-07T12:00:00Z
`,
};
const ARGV = ['optimize-referrals', '--window', '30d', '--as-of', '2026-11-15', '--no-snapshot'];
const LINE =
  'warning: Salesforce ids: 4 customer/advocate ids are written in 15 characters in sf_report and in 18 in sf_accounts, billing, and joined as one record each; the 15-character ids of sf_report.friend_id (5) are read in their 18-character form (id_format: as_is on a source keeps its ids as written)';

interface Outcome {
  counts: Record<string, number>;
  flagged: { referral_id: string; rules: string[] }[];
}
function outcome(run: CliRun): Outcome {
  expect([0, 10], run.stderr).toContain(run.code);
  const r = run.json<{
    funnel: { program: { current: { counts: Record<string, number> } } };
    fraud: { flagged: { referral_id: string; rules: string[] }[] };
  }>();
  return {
    counts: r.funnel.program.current.counts,
    flagged: r.fraud.flagged.map((f) => ({ referral_id: f.referral_id, rules: f.rules })),
  };
}

const JOINED = {
  signups: 5,
  conversions: 3,
  referredRevenue: 230,
  newCustomers: 4,
  referredNewCustomers: 3,
  referredNewCustomerRevenue: 230,
  newCustomerRevenue: 270,
};

describe('optimize-referrals with 15- and 18-character Salesforce ids (DuckDB)', () => {
  let tmp: FixtureDir;
  beforeAll(async () => {
    tmp = await makeFixtureDir(FILES);
  });
  afterAll(() => tmp.remove());

  it('joins the report’s friends to their orders and to the advocate’s own account, and says so', async () => {
    const run = await runCli(ARGV, { cwd: tmp.dir });
    const o = outcome(run);
    expect(o.counts).toMatchObject(JOINED);
    expect(o.flagged).toEqual([{ referral_id: 'r5', rules: ['self-referral-customer-id'] }]);
    expect(run.stderrLines).toContain(LINE);
  });

  it('gtm doctor says the workspace writes the same records both ways', async () => {
    const run = await runCli(['doctor', '--json'], { cwd: tmp.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<{ notes: string[] }>().notes).toContain(LINE.replace(/^warning: /, ''));
  });

  it('id_format: as_is on the report keeps its ids as written: nothing joins', async () => {
    const asIs = YAML.replace('path: referrals.csv }', 'path: referrals.csv, id_format: as_is }');
    await writeFile(tmp.path('gtm.as-is.yaml'), asIs);
    const run = await runCli([...ARGV, '--config', 'gtm.as-is.yaml'], { cwd: tmp.dir });
    const o = outcome(run);
    expect(o.counts).toMatchObject({ signups: 5, conversions: 0, referredRevenue: 0, newCustomers: 4 });
    expect(o.flagged).toEqual([]);
    expect(run.stderr).not.toContain('Salesforce ids');
    const doctor = await runCli(['doctor', '--json', '--config', 'gtm.as-is.yaml'], { cwd: tmp.dir });
    expect(doctor.json<{ notes: string[] }>().notes.join('\n')).not.toContain('Salesforce ids');
  });
});

describeOnClickHouse('optimize-referrals with 15- and 18-character Salesforce ids (ClickHouse)', (ch) => {
  let tmp: FixtureDir;
  beforeAll(async () => {
    tmp = await makeFixtureDir(FILES);
  });
  afterAll(() => tmp.remove());

  it('gives the DuckDB counts, flags and warning', async () => {
    await loadOnClickHouse(tmp.dir, ch.url, 'sfids_referrals', await readFile(tmp.path('gtm.yaml'), 'utf8'));
    const duck = await runCli(ARGV, { cwd: tmp.dir });
    const click = await runCli([...ARGV, '--config', CLICKHOUSE_CONFIG], { cwd: tmp.dir });
    expect(outcome(click).counts).toMatchObject(JOINED);
    expect(outcome(click)).toEqual(outcome(duck));
    expect(click.stderrLines).toContain(LINE);
  }, 180_000);
});
