/**
 * `amount_unit: minor` end to end: the demo's orders and payouts rewritten in cents, as Stripe's
 * API and Sigma export them (`62.00` → `6200`, by string: the digits of the amount without its
 * point), with `amount_unit: minor` on both sources. optimize-referrals gives the result.json of
 * the unedited demo (to 1e-9), on DuckDB and on a two-shard ClickHouse cluster after `gtm engine
 * load` (which types the whole-number column Int64); without the setting the amounts would read
 * 100 times too high. The plan records how the amounts were read.
 *
 * Skipped (with the reason) when no clickhouse-server is installed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseParity, expectRowsReconcile, skipClickHouse } from '../helpers/clickhouse-parity.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const SOURCES = [
  'experiment_registry',
  'loyalty_experiments',
  'loyalty_assignments',
  'referral_advocates',
  'referral_shares',
  'referral_clicks',
  'referral_signups',
  'orders',
  'referral_payouts',
  'nps_survey',
  'referral_experiments',
  'referral_assignments',
];
const CENTS = { orders: 'data/referrals/orders.csv', referral_payouts: 'data/referrals/payouts.csv' };
const ARGV = ['optimize-referrals', '--window', '30d', '--as-of', DEMO_AS_OF];

/** `62.00` → `6200`, `5` → `500`: the amount's digits in cents (the demo writes two decimals at most). */
function cents(amount: string): string {
  const [whole, frac = ''] = amount.split('.');
  if (frac.length > 2) throw new Error(`not in cents: ${amount}`);
  return String(Number(`${whole}${frac.padEnd(2, '0')}`));
}

describe.skipIf(skipClickHouse)('amount_unit: minor (demo orders and payouts in cents)', () => {
  let plain: DemoWorkspace;
  let edited = 0;
  const parity = clickHouseParity({
    sources: SOURCES,
    prepare: async (w) => {
      let yaml = await w.read('gtm.yaml');
      for (const [source, rel] of Object.entries(CENTS)) {
        const lines = (await w.read(rel)).trimEnd().split('\n');
        const col = lines[0].split(',').indexOf('amount');
        const out = lines.slice(1).map((line) => {
          const cells = line.split(',');
          if (cells[col] !== '') {
            cells[col] = cents(cells[col]);
            edited++;
          }
          return cells.join(',');
        });
        await writeFile(path.join(w.dir, rel), `${[lines[0], ...out].join('\n')}\n`);
        const at = `  - name: ${source}\n`;
        expect(yaml).toContain(at);
        yaml = yaml.replace(at, `${at}    amount_unit: minor\n`);
      }
      await writeFile(path.join(w.dir, 'gtm.yaml'), yaml);
    },
  });
  beforeAll(async () => {
    [plain] = await Promise.all([makeDemoWorkspace(), parity.start()]);
  }, 600_000);
  afterAll(async () => {
    await parity.stop();
    await plain?.remove();
  });

  it('gives the result.json of the demo in major units, on DuckDB and on ClickHouse', async () => {
    expect(edited).toBeGreaterThan(1000);
    const base = await runCli([...ARGV, '--json'], { cwd: plain.dir });
    expect(base.code, base.stderr).toBe(0);
    const { duck, ch, duckRun } = await parity.runBoth(ARGV);
    expectRowsReconcile(duck.data as Record<string, unknown>);
    const r = duck as { data: { row_accounting: { source: string; rejected: number }[] } };
    for (const source of Object.keys(CENTS))
      expect(r.data.row_accounting.find((a) => a.source === source)?.rejected, source).toBe(0);
    const strip = (x: Record<string, unknown>) => {
      const data = x.data as { rejects: Record<string, unknown> };
      return { ...x, data: { ...data, rejects: { ...data.rejects, file: undefined } } };
    };
    parity.expectSameResult(duck, base.json(), strip);
    parity.expectSameResult(ch, base.json(), strip);
    void duckRun;
  }, 900_000);

  it('the plan records amount_unit per source (major by default)', async () => {
    const run = await runCli([...ARGV, '--json'], { cwd: parity.ws.dir });
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(
      await readFile(path.join(parity.ws.dir, run.json<{ plan_path: string }>().plan_path), 'utf8'),
    ) as { settings: { source_config: Record<string, { amount_unit: string }> } };
    expect(plan.settings.source_config.orders.amount_unit).toBe('minor');
    expect(plan.settings.source_config.referral_payouts.amount_unit).toBe('minor');
    expect(plan.settings.source_config.referral_signups.amount_unit).toBe('major');
  }, 300_000);
});
