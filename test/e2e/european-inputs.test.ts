/**
 * A small European workspace end to end (doctor and track-source): `;`-delimited CSVs with decimal
 * commas and day-first dates. With `decimal: ","` and `date_order: dmy` every row is read as meant
 * (pipeline worked out by hand); without them the rows the default reading cannot take are rejected
 * with the hint naming the setting (never a number 100× off), and the accounting reconciles; without
 * `delimiter` the error says which to set; a misspelt threshold is refused.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const OPPORTUNITIES = `Id;AccountId;CreatedDate;StageName;Amount;CurrencyIsoCode
o1;acc1;02/11/2026 10:00:00;Closed Won;12.500,00;EUR
o2;acc2;15/11/2026;Prospecting;1.000,50;EUR
o3;acc3;01/12/2026 08:30;Closed Won;250,75;EUR
o4;acc4;20/11/2026;Closed Won;€ 1.234.567,89;EUR
`;
const TOUCHES = `touch_id;person_id;account_id;occurred_at;utm_source;utm_medium;utm_campaign
t1;p1;acc1;20/10/2026 09:00;partner-a;co-marketing;launch
t2;p2;acc2;05/11/2026;partner-a;co-marketing;launch
t3;p3;acc3;28/11/2026 14:00:00;google;cpc;launch
t4;p4;acc4;19/11/2026;partner-a;co-marketing;launch
`;

/** gtm.yaml with each source's reading settings (YAML lines, indented under the source). */
const config = (opps: string, touches: string, thresholds = '') => `version: 1
sources:
  - name: crm_opportunities
    entity: opportunities
    kind: file
    path: data/opportunities.csv
    priority: 1
    mapping: { opportunity_id: Id, account_id: AccountId, created_at: CreatedDate, stage: StageName, amount: Amount, currency: CurrencyIsoCode }
${opps}
  - name: web_analytics
    entity: touchpoints
    kind: file
    path: data/touchpoints.csv
    priority: 2
${touches}
currency:
  reporting: USD
  rates:
    - { currency: EUR, from: 2026-01-01, rate: 1.08 }
partners:
  - { id: partner_a, name: Partner A, tier: gold, aliases: [partner-a] }
campaigns:
  - { id: launch, name: Launch, partners: [partner_a], start: 2026-09-01, end: 2026-12-31, utm_campaigns: [launch] }
roster:
  roles:
    lead: { people: [{ name: Ada }] }
escalation:
  track-source: [lead]
thresholds:
  max_reject_rate: 0
${thresholds}`;

const EU = '    delimiter: ";"\n    decimal: ","\n    date_order: dmy';
const SEMI = '    delimiter: ";"';
const RUN = ['track-source', '--campaign', 'launch', '--as-of', '2026-12-05', '--json'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-european-'));
  await mkdir(path.join(dir, 'data'));
  await writeFile(path.join(dir, 'data/opportunities.csv'), OPPORTUNITIES);
  await writeFile(path.join(dir, 'data/touchpoints.csv'), TOUCHES);
  await writeFile(path.join(dir, 'eu.yaml'), config(EU, '    delimiter: ";"\n    date_order: dmy'));
  await writeFile(path.join(dir, 'plain.yaml'), config(SEMI, SEMI));
  await writeFile(path.join(dir, 'comma.yaml'), config('', SEMI));
  await writeFile(path.join(dir, 'typo.yaml'), config(EU, SEMI, '  referal_conversion_rate: 0.5\n'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('with decimal: "," and date_order: dmy', () => {
  it('doctor: every row readable', async () => {
    const r = await runCli(['doctor', '--config', 'eu.yaml', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const checks = r.json<{
      checks: { source: string; status: string; rows: number; rejects: unknown[] }[];
    }>().checks;
    expect(checks.map((c) => [c.source, c.status, c.rows, c.rejects.length])).toEqual([
      ['crm_opportunities', 'ok', 4, 0],
      ['web_analytics', 'ok', 4, 0],
    ]);
  });

  it('track-source: the amounts and days a European reader means', async () => {
    const r = await runCli([...RUN, '--config', 'eu.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const res = r.json<TrackSourceResult>();
    // window 2026-11-06 .. 12-06: o1 (2 November) is out; o2 (15 Nov), o3 (1 Dec), o4 (20 Nov) in
    expect(res.window).toMatchObject({ start: '2026-11-06T00:00:00.000Z', end: '2026-12-06T00:00:00.000Z' });
    expect(res.totals.opportunities).toBe(3);
    expect(res.totals.pipeline).toBeCloseTo((1000.5 + 250.75 + 1234567.89) * 1.08, 6);
    expect(res.totals.revenue).toBeCloseTo((250.75 + 1234567.89) * 1.08, 6);
    expect(
      [...res.row_accounting]
        .sort((a, b) => a.source.localeCompare(b.source))
        .map((a) => [a.source, a.rows_in, a.accepted, a.deduplicated, a.rejected]),
    ).toEqual([
      ['crm_opportunities', 4, 4, 0, 0],
      ['web_analytics', 4, 4, 0, 0],
    ]);
  });
});

describe('the same files without the settings', () => {
  it('doctor: the amounts are rejected with the setting to use; the dates are read day-first, as their values say', async () => {
    const r = await runCli(['doctor', '--config', 'plain.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(4);
    const checks = r.json<{ checks: { source: string; rejects: { reason: string; rows: number }[] }[] }>()
      .checks;
    // created_at has day-first-only dates (15/11/2026) and none that can only be month-first, so the
    // column is read day-first (9c14b72) and each row is rejected on its decimal-comma amount alone
    expect(checks[0].rejects).toEqual([
      {
        reason: 'amount: cannot read a value as a number (a decimal comma? set decimal: "," on the source)',
        rows: 4,
      },
    ]);
    // occurred_at likewise: 05/11/2026 is the 5th of November, beside 15/11, 20/11 and 01/12's days
    expect(checks[1].rejects).toEqual([]);
  });

  it('track-source: exits 5 on the rejects, every row accounted for', async () => {
    const r = await runCli([...RUN, '--config', 'plain.yaml'], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('set decimal: "," on the source');
    expect(r.stderr).toMatch(/web_analytics: occurred_at read day-first \(DD\/MM\/YYYY\)/);
    const res = r.json<TrackSourceResult>();
    expect(
      [...res.row_accounting]
        .sort((a, b) => a.source.localeCompare(b.source))
        .map((a) => [a.source, a.rows_in, a.accepted, a.deduplicated, a.rejected]),
    ).toEqual([
      ['crm_opportunities', 4, 0, 0, 4],
      ['web_analytics', 4, 4, 0, 0],
    ]);
    expect(res.totals.pipeline).toBe(0);
  });

  it('without delimiter: the error says which to set, on the source by name', async () => {
    const r = await runCli(['doctor', '--config', 'comma.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(4);
    const checks = r.json<{ checks: { source: string; message: string }[] }>().checks;
    expect(checks[0].message).toContain(
      'the header was read as one column: the file looks ";"-delimited; set delimiter: ";" on sources.crm_opportunities in gtm.yaml',
    );
  });
});

it('a misspelt threshold is refused with "did you mean"', async () => {
  const r = await runCli(['doctor', '--config', 'typo.yaml'], { cwd: dir });
  expect(r.code).toBe(3);
  expect(r.stderr).toContain('thresholds.referal_conversion_rate unknown key "referal_conversion_rate"');
  expect(r.stderr).toContain('did you mean "referral_conversion_rate"?');
});
