/**
 * Tier rules where two tiers share a rank are refused: the rank orders the tiers (tier mix,
 * migration matrix, upgrades and downgrades), and a tie was broken silently by the qualify
 * threshold, undocumented (and when the threshold disagreed with the rank, a later stage failed:
 * "tiers must be ordered lowest first", exit 7). One INPUT line (exit 4: a source holds a value
 * that is not what it must be) names the tier_rules source with its file and the tiers that share
 * the rank, before any KPI is computed; a run with distinct ranks goes through.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: tiers, entity: tier_rules, kind: file, path: data/tiers.csv }
currency: { reporting: USD }
loyalty: { program: Rank Club, value_per_point: 0.01 }
output: { snapshot: never }
`;
const FILES: Record<string, string> = {
  'members.csv': 'member_id,enrolled_at,tier\nA,2026-01-05,Gold\nB,2026-01-05,Silver\n',
  'ledger.csv': 'entry_id,member_id,occurred_at,type,points,order_id\nE1,A,2026-11-27,earn,100,O1\n',
  'orders.csv': 'order_id,customer_id,amount,ordered_at,currency\nO1,A,100,2026-11-27,USD\n',
};
const tiers = (silver: number, gold: number, platinum: number) =>
  `tier,rank,qualify\nBronze,0,0\nSilver,${silver},500\nGold,${gold},1500\nPlatinum,${platinum},5000\n`;

const root = mkdtempSync(path.join(tmpdir(), 'gtm-loy-rank-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(name: string, tierCsv: string) {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  for (const [f, text] of Object.entries({ ...FILES, 'tiers.csv': tierCsv }))
    writeFileSync(path.join(dir, 'data', f), text);
  return runCli(['monitor-loyalty', '--window', '30d', '--as-of', '2026-11-30', '--json'], {
    cwd: dir,
    env: { ...process.env, GTM_SNAPSHOT: 'never' },
  });
}

describe('monitor-loyalty: tiers sharing a rank', () => {
  it('is one INPUT error naming the source, its file and the tiers', async () => {
    const cli = await run('tie', tiers(1, 1, 2));
    expect(cli.code, cli.stderr).toBe(4);
    const lines = cli.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('error['));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error\[INPUT\] sources\.tiers \(data\/tiers\.csv\): tier rules: Silver and Gold share rank 1 — give each tier a rank of its own \(0 = the lowest tier, higher ranks for higher tiers\)/,
    );
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('names every rank that is shared', async () => {
    const cli = await run('ties', tiers(2, 2, 0));
    expect(cli.code, cli.stderr).toBe(4);
    expect(cli.stderr).toContain(
      'tier rules: Bronze and Platinum share rank 0; Silver and Gold share rank 2 —',
    );
  }, 120_000);

  it('refuses a higher rank that qualifies below a lower one, before the segments fail on it', async () => {
    // ranks 0..3 with Gold (rank 2) at 500 below Silver (rank 1) at 1,500: before, the insights stage
    // failed after the others ran (STAGE, exit 7: "tiers must be ordered lowest first"), naming no file
    const cli = await run(
      'order',
      'tier,rank,qualify\nBronze,0,0\nSilver,1,1500\nGold,2,500\nPlatinum,3,5000\n',
    );
    expect(cli.code, cli.stderr).toBe(4);
    const lines = cli.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('error['));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'error[INPUT] sources.tiers (data/tiers.csv): tier rules: Gold (rank 2) qualifies at 500, below Silver (rank 1) at 1500 —',
    );
  }, 120_000);

  it('runs with a rank per tier', async () => {
    const cli = await run('ok', tiers(1, 2, 3));
    expect(cli.code, cli.stderr).toBe(0);
  }, 120_000);
});
