/**
 * The published CDNOW fits, through the command a user runs: the 1/10th CDNOW sample's 6,919
 * order lines (test/reference-data/loyalty/cdnow-sample-transactions.txt, 2,357 customers) as an
 * orders export, `gtm monitor-loyalty --as-of 1997-09-30` (the end of Fader, Hardie & Lee's 39-week
 * calibration period). The command's own SQL makes (x, t_x, T) from the orders (same-day lines one
 * purchase, times in days / 7) and must land on the published fits: BG/NBD r 0.243, α 4.414,
 * a 0.793, b 2.426 (FHL 2005) and Gamma-Gamma p 6.25, q 3.74, v 15.45 on the 946 repeat buyers
 * (lifetimes' documentation). The module tests fit the published summaries; this one checks the
 * path from transactions. Before, the command floored t_x and T to whole weeks and counted T to the
 * end of the as-of day: r 0.227, α 3.75, a 0.859, and 940 repeat buyers at --as-of 1997-09-29.
 *
 * P(alive) and purchases expected in the next 13 weeks of three customers are checked against
 * scipy (`hyp2f1`, FHL 2005 eq. 10 and A10) at the published parameters: customer 1 (x 2,
 * t_x 30.43, T 38.86 weeks) 0.72659 and 0.457245; customer 2 (x 1, t_x 1.71) 0.21226 and 0.074737;
 * customer 18 (x 1, t_x 4.86) 0.310718 and 0.109404.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../helpers/csv-parse.ts';
import { runCli } from '../helpers/run-cli.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-cdnow-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: members.csv }
  - { name: ledger, entity: ledger, kind: file, path: ledger.csv }
  - { name: orders, entity: orders, kind: file, path: orders.csv }
currency: { reporting: USD }
loyalty: { program: CDNOW, value_per_point: 0.01 }
output: { snapshot: never }
`;

/** The sample's lines (`master_id sample_id yyyymmdd cds dollars`) as an orders export and members. */
function writeWorkspace(dir: string): void {
  const text = readFileSync(
    path.resolve(import.meta.dirname, '../reference-data/loyalty/cdnow-sample-transactions.txt'),
    'utf8',
  );
  const orders = ['order_id,customer_id,amount,currency,ordered_at,is_member'];
  const first = new Map<string, string>();
  text
    .split('\n')
    .filter((l) => l.trim())
    .forEach((line, i) => {
      const [, id, d, , dollars] = line.trim().split(/\s+/);
      const day = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
      const customer = `c${Number(id)}`;
      orders.push(`o${i},${customer},${dollars},USD,${day}T12:00:00Z,true`);
      if (!first.has(customer) || day < first.get(customer)!) first.set(customer, day);
    });
  const members = ['member_id,enrolled_at,tier'];
  for (const [id, day] of first) members.push(`${id},${day}T00:00:00Z,base`);
  writeFileSync(path.join(dir, 'orders.csv'), orders.join('\n') + '\n');
  writeFileSync(path.join(dir, 'members.csv'), members.join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'ledger.csv'),
    'entry_id,member_id,occurred_at,type,points\ne1,c1,1997-01-01T12:00:00Z,earn,10\n',
  );
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
}

interface Fit {
  params: Record<string, number>;
  converged: boolean;
  members: number;
  used: boolean;
}

describe('monitor-loyalty on the CDNOW transactions', () => {
  it('reproduces the published BG/NBD and Gamma-Gamma fits and scipy predictions', async () => {
    const dir = path.join(root, 'ws');
    mkdirSync(dir, { recursive: true });
    writeWorkspace(dir);
    const cli = await runCli(['monitor-loyalty', '--as-of', '1997-09-30', '--detail', 'full', '--json'], {
      cwd: dir,
      env: { ...process.env, GTM_SNAPSHOT: 'never' },
    });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<{
      models: { bgnbd: Fit; gamma_gamma: Fit };
      member_scores: { file: string; rows: number };
    }>();
    const bg = r.models.bgnbd;
    expect(bg.converged && bg.used).toBe(true);
    expect(bg.members).toBe(2357);
    const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    for (const [k, v] of Object.entries(published)) expect(bg.params[k], k).toBeCloseTo(v, 3);
    const gg = r.models.gamma_gamma;
    expect(gg.converged).toBe(true);
    expect(gg.members).toBe(946);
    for (const [k, v] of Object.entries({ p: 6.25, q: 3.74, v: 15.45 }))
      expect(gg.params[k], k).toBeCloseTo(v, 2);

    const rows = parseCsv(readFileSync(path.join(dir, r.member_scores.file), 'utf8'));
    expect(rows).toHaveLength(2357);
    const byId = new Map(rows.map((row) => [row.member_id, row]));
    const scipy: [string, number, number][] = [
      ['c1', 0.72659, 0.457245],
      ['c2', 0.21226, 0.074737],
      ['c18', 0.310718, 0.109404],
    ];
    for (const [id, alive, expected] of scipy) {
      const row = byId.get(id)!;
      expect(Math.abs(Number(row.p_alive) - alive), id).toBeLessThan(5e-4);
      expect(Math.abs(Number(row.expected_purchases) - expected), id).toBeLessThan(5e-4);
    }
  }, 120_000);
});
