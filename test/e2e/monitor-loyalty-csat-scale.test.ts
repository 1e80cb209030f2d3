/**
 * `monitor-loyalty` and the CSAT survey scale (`loyalty.csat_scale`, default 5). A 7 and a 10 on a
 * 1–5 survey were accepted and counted satisfied: CSAT 80 % (4 of 5, mean 5.6) from the responses
 * 5, 7, 10, 4, 2. Now they are rejected with their file row and a reason naming the setting, counted
 * in row accounting (rows in = accepted + deduplicated + rejected) and against the reject limit
 * (exit 5 at the default limit of 0); CSAT is 2 of the 5, 4 and 2 (mean 11/3). On a 1–10 survey
 * (`csat_scale: 10`) the five are read, satisfied from the top two scores (9): 1 of 5, mean 28/5.
 * A satisfied score above the scale is one config error naming both settings.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { runCli } from '../helpers/run-cli.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-csat-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const yaml = (loyalty: string, thresholds = '{ max_reject_rate: 0.5 }') => `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: csat, entity: csat_responses, kind: file, path: data/csat.csv }
currency: { reporting: USD }
loyalty: { program: CSAT Club${loyalty} }
thresholds: ${thresholds}
output: { snapshot: never }
`;

/** Five responses in the window and R1 exported twice (deduplicated). */
const CSAT = `response_id,customer_id,responded_at,score
R1,M1,2026-11-10,5
R2,M1,2026-11-11,7
R3,M2,2026-11-12,10
R4,M2,2026-11-13,4
R5,M1,2026-11-14,2
R1,M1,2026-11-10,5
`;

function workspace(name: string, loyalty: string, thresholds?: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), yaml(loyalty, thresholds));
  writeFileSync(
    path.join(dir, 'data/members.csv'),
    'member_id,enrolled_at,tier\nM1,2026-01-15,Gold\nM2,2026-02-01,Gold\n',
  );
  writeFileSync(
    path.join(dir, 'data/ledger.csv'),
    'entry_id,member_id,occurred_at,type,points\nE1,M1,2026-11-05,earn,100\nE2,M2,2026-11-06,earn,50\n',
  );
  writeFileSync(
    path.join(dir, 'data/orders.csv'),
    'order_id,customer_id,amount,ordered_at\nO1,M1,100,2026-11-05\nO2,M2,50,2026-11-06\n',
  );
  writeFileSync(path.join(dir, 'data/csat.csv'), CSAT);
  return dir;
}

const ML = ['monitor-loyalty', '--window', '30d', '--as-of', '2026-11-30', '--json'];
const env = { ...process.env, GTM_SNAPSHOT: 'never' };
const reportOf = (dir: string, r: MonitorLoyaltyResult, file: string) =>
  parseCsv(readFileSync(path.join(dir, r.reports_dir, file), 'utf8'));

describe('CSAT scores and the survey scale', () => {
  it('default scale 1–5: 7 and 10 rejected with the setting named, rows reconcile, CSAT of the rest', async () => {
    const dir = workspace('scale-5', '');
    const cli = await runCli(ML, { cwd: dir, env });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorLoyaltyResult>();
    const acc = r.row_accounting.find((a) => a.source === 'csat')!;
    expect(acc).toMatchObject({ rows_in: 6, accepted: 3, deduplicated: 1, rejected: 2 });
    expect(acc.accepted + acc.deduplicated + acc.rejected).toBe(acc.rows_in);
    // 2/3 as gtm writes numbers: to 15 significant digits
    expect(r.kpis.overall.csat).toMatchObject({ csat: 0.666666666666667, responses: 3 });
    expect(r.kpis.overall.csat.meanScore).toBeCloseTo(11 / 3, 12);
    const rejects = reportOf(dir, r, 'rejects.csv');
    expect(rejects.map((x) => [x.row, x.reason])).toEqual([
      [
        '3',
        "score: 7 is above the survey scale 1–5: set loyalty.csat_scale in gtm.yaml to your survey's top score (7 on a 1–7 survey, 10 on a 1–10 one), or correct the score",
      ],
      ['4', expect.stringMatching(/^score: 10 is above the survey scale 1–5: set loyalty.csat_scale/)],
    ]);
  }, 120_000);

  it('counts against the reject limit: at the default limit of 0 the run ends with exit 5 naming the row', async () => {
    const dir = workspace('limit-0', '', '{}');
    const cli = await runCli(ML, { cwd: dir, env });
    expect(cli.code).toBe(5);
    expect(cli.stderr).toMatch(
      /2 of 6 rows of source csat rejected .*first: score: 7 is above the survey scale 1–5: set loyalty\.csat_scale/,
    );
    expect(cli.stderr).toMatch(/data\/csat\.csv:3/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('a 1–10 survey (csat_scale: 10): every score read, satisfied from the top two (9)', async () => {
    const dir = workspace('scale-10', ', csat_scale: 10');
    const cli = await runCli(ML, { cwd: dir, env });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<MonitorLoyaltyResult>();
    expect(r.row_accounting.find((a) => a.source === 'csat')).toMatchObject({
      rows_in: 6,
      accepted: 5,
      deduplicated: 1,
      rejected: 0,
    });
    expect(r.kpis.overall.csat).toMatchObject({ csat: 1 / 5, responses: 5 });
    expect(r.kpis.overall.csat.meanScore).toBeCloseTo(28 / 5, 12);
  }, 120_000);

  it('a satisfied score above the scale is one config error naming both settings', async () => {
    const dir = workspace('bad-config', ', csat_scale: 5, csat_satisfied_from: 9');
    const cli = await runCli(ML, { cwd: dir, env });
    expect(cli.code).not.toBe(0);
    const lines = cli.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      /loyalty\.csat_satisfied_from .*csat_satisfied_from \(9\) is above csat_scale \(5\)/,
    );
    expect(cli.stderr).toMatch(/gtm\.yaml:\d+/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
