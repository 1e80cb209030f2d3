/**
 * monitor-loyalty on a purchase history with no steady buying rate (the s10 review's loyB at
 * --as-of 2027-06-30, test/fixtures/loyalty-burst: 228 members bought in November 2026, 150 of them
 * again within 3 weeks, and nothing since, 34 weeks before as-of). The BG/NBD likelihood runs to the
 * edge of its parameters (alpha 1.5e-323, a 4e80, b 2e80) and the fit is not used; the run said
 * "BG/NBD fit did not converge (gradient 1.53e-9)", which is not what happened nor says what to
 * do. Now it says the fit is degenerate, what the sample shows (counted by hand from orders.csv:
 * 228 members with a purchase a week old or more, 150 with purchases on 2+ days, the latest repeat
 * 3 weeks after a first, first purchases up to 34 weeks old), and what to do.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: m, entity: members, kind: file, path: data/members.csv, mapping: { member_id: Kunde, enrolled_at: Beitritt, tier: Stufe } }
  - { name: l, entity: ledger, kind: file, path: data/ledger.csv, mapping: { entry_id: id, member_id: kunde, occurred_at: zeit, type: art, points: punkte } }
  - { name: o, entity: orders, kind: file, path: data/orders.csv, mapping: { order_id: nr, customer_id: kunde, amount: betrag, currency: whg, ordered_at: datum } }
currency: { reporting: USD }
loyalty: { program: Burst Club, value_per_point: 0.01 }
output: { snapshot: never }
`;

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-degenerate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  models: { bgnbd: { converged: boolean; used: boolean; params: Record<string, number> } | null };
}

describe('monitor-loyalty with a BG/NBD fit at the edge of its parameters', () => {
  it('says the fit is degenerate, what the purchases show and what to do (not "did not converge")', async () => {
    const dir = path.join(root, 'ws');
    mkdirSync(dir, { recursive: true });
    cpSync(path.resolve(import.meta.dirname, '../fixtures/loyalty-burst'), path.join(dir, 'data'), {
      recursive: true,
    });
    writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
    const cli = await runCli(['monitor-loyalty', '--as-of', '2027-06-30', '--json'], {
      cwd: dir,
      env: { ...process.env, GTM_SNAPSHOT: 'never' },
    });
    expect(cli.code, cli.stderr).toBe(0);
    const bg = cli.json<Result>().models.bgnbd!;
    expect(bg.used).toBe(false);
    expect(bg.params.alpha).toBeLessThan(1e-30);
    expect(bg.params.a).toBeGreaterThan(1e30);
    expect(cli.stderr).not.toMatch(/did not converge/);
    const line = cli.stderr.split('\n').find((l) => l.includes('BG/NBD'));
    expect(line).toMatch(
      /^warning: BG\/NBD not used: the fit is degenerate: its parameters ran to the edge of their range \(r 0\.00104, alpha [0-9.]+e-323, a 4\.08e\+80, b 2\.11e\+80\) instead of settling on credible values, because the purchases show no steady buying rate to extrapolate \(150 of the 228 members fitted on bought again, all within 3 weeks of their first purchase; first purchases up to 34 weeks old\); P\(alive\), expected purchases, CLV and the win-back segment are not computed; fit on a longer purchase history \(orders over a longer period, or a later as-of once members have bought again\), or check the order dates/,
    );
  }, 120_000);
});
