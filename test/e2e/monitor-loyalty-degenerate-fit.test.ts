/**
 * monitor-loyalty on purchase histories with no steady buying rate.
 *
 * 1. The s10 review's loyB at --as-of 2027-06-30 (test/fixtures/loyalty-burst: 228 members bought
 *    in November 2026, 150 of them again within 1–26 days, and nothing since, 31–34 weeks before
 *    as-of). With times floored to whole weeks the BG/NBD likelihood ran to the edge of its
 *    parameters (alpha 1.5e-323, a 4e80) and the fit was not used. In days / 7 (the published
 *    convention, since 2026-12-07) the gaps say something: the fit settles on a ridge with a mean
 *    dropout a / (a + b) of 0.66 after a purchase, and the 150 repeat buyers silent for 30 weeks
 *    are the members at risk (the 78 one-time buyers are alive, BG/NBD's known quirk).
 * 2. 150 members who bought on two consecutive days and 78 who bought once, all 238 days before
 *    as-of: the optimum is a mean dropout of 100% after every purchase (a 2.0e5, b 5e-6), which
 *    would call every repeat buyer lapsed however recent: reported as degenerate, not used.
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
  models: {
    bgnbd: { converged: boolean; used: boolean; params: Record<string, number> } | null;
    churn: { overall: { purchasers: number; at_risk: number | null } };
  };
}

describe('monitor-loyalty with a BG/NBD fit at the edge of its parameters', () => {
  it("fits the review's burst history in days: the silent repeat buyers are at risk", async () => {
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
    const r = cli.json<Result>();
    const bg = r.models.bgnbd!;
    expect(bg.used).toBe(true);
    expect(bg.params.a / (bg.params.a + bg.params.b)).toBeCloseTo(0.66, 2);
    expect(r.models.churn.overall).toMatchObject({ purchasers: 228, at_risk: 150 });
    expect(cli.stderr).not.toMatch(/BG\/NBD not used/);
  }, 120_000);

  it('says a fit with a mean dropout of 100% is degenerate and does not use it', async () => {
    const dir = path.join(root, 'nextday');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    const members = ['Kunde,Beitritt,Stufe'];
    const orders = ['nr,kunde,betrag,whg,datum'];
    const ledger = ['id,kunde,zeit,art,punkte'];
    for (let i = 0; i < 228; i++) {
      members.push(`K${i},2026-11-01,Basic`);
      for (const day of i < 150 ? ['2026-11-02', '2026-11-03'] : ['2026-11-02'])
        orders.push(`o${orders.length},K${i},30,USD,${day}`);
      ledger.push(`e${i},K${i},2026-11-02T10:00:00Z,earn,30`);
    }
    for (const [name, lines] of [
      ['members', members],
      ['orders', orders],
      ['ledger', ledger],
    ] as const)
      writeFileSync(path.join(dir, 'data', `${name}.csv`), lines.join('\n') + '\n');
    writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
    const cli = await runCli(['monitor-loyalty', '--as-of', '2027-06-28', '--json'], {
      cwd: dir,
      env: { ...process.env, GTM_SNAPSHOT: 'never' },
    });
    expect(cli.code, cli.stderr).toBe(0);
    const bg = cli.json<Result>().models.bgnbd!;
    expect(bg.converged).toBe(true);
    expect(bg.used).toBe(false);
    expect(cli.stderr).not.toMatch(/did not converge/);
    const line = cli.stderr.split('\n').find((l) => l.includes('BG/NBD'));
    expect(line).toMatch(
      /^warning: BG\/NBD not used: the fit is degenerate \(a [0-9.]+e\+5, b [0-9.]+e-6: a mean dropout of 100\.0% after every purchase, so every repeat buyer would look lapsed however recent the purchase\); P\(alive\), expected purchases, CLV and the win-back segment are not computed/,
    );
  }, 120_000);
});
