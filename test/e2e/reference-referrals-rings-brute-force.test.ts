/**
 * optimize-referrals' fraud rings through the CLI against brute force: 120 referred friends whose
 * sign-ups carry a device (groups of 2–3 friends share one), a cookie (every fifth friend, 7
 * cookies) and a payment fingerprint (every ninth, 4 cards); every referral converts and its
 * advocate's reward is paid, nobody orders again, so every connected component of 3 to 200
 * accounts is a ring (README, Rings). The command builds the links and the components in the
 * engine; the test rebuilds them with a plain union-find over the same rows (an identifier on more
 * than 50 accounts would link nobody; none is here, at most 4). Python's union-find on the files
 * gave the same 11 rings, of 3, 3, 3, 3, 6, 7, 7, 9, 10, 16 and 17 accounts, three of them joined
 * through two or three kinds of identifier.
 */
import { describe, expect, it } from 'vitest';
import { makeReferralsWorkspace } from '../helpers/referrals-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The tables, by formula (no random numbers). */
function ringTables(): { referrals: string; conversions: string; payouts: string } {
  const refs = ['referral_id,advocate_id,friend_id,device_id,cookie_id,payment_fingerprint,signed_up_at'];
  const conv = ['conversion_id,customer_id,referral_id,amount,stage,converted_at'];
  const pay = ['payout_id,advocate_id,referral_id,kind,amount,status,created_at'];
  for (let i = 1; i <= 120; i++) {
    const device = `d${(i * 5) % 53}`;
    const cookie = i % 5 === 0 ? `c${i % 7}` : `cu${i}`;
    const card = i % 9 === 0 ? `p${i % 4}` : `pu${i}`;
    const day = String(1 + (i % 20)).padStart(2, '0');
    refs.push(`r${i},a${i},f${i},${device},${cookie},${card},2026-10-${day}T09:00:00Z`);
    conv.push(`o${i},f${i},r${i},100,purchase,2026-10-${day}T12:00:00Z`);
    pay.push(`p${i},a${i},r${i},reward,20,paid,2026-10-${day}T18:00:00Z`);
  }
  return {
    referrals: refs.join('\n') + '\n',
    conversions: conv.join('\n') + '\n',
    payouts: pay.join('\n') + '\n',
  };
}

/** Connected components of the friends linked by a shared device, cookie or payment fingerprint. */
function bruteForceRings(referrals: string): string[][] {
  const [head, ...rows] = referrals.trim().split('\n');
  const col = (name: string) => head.split(',').indexOf(name);
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const byIdentifier = new Map<string, string[]>();
  for (const row of rows) {
    const cells = row.split(',');
    const friend = cells[col('friend_id')];
    parent.set(friend, friend);
    for (const kind of ['device_id', 'cookie_id', 'payment_fingerprint']) {
      const key = `${kind}:${cells[col(kind)]}`;
      byIdentifier.set(key, [...(byIdentifier.get(key) ?? []), friend]);
    }
  }
  for (const accounts of byIdentifier.values()) {
    if (accounts.length > 50) continue;
    for (const a of accounts.slice(1)) parent.set(find(a), find(accounts[0]));
  }
  const components = new Map<string, string[]>();
  for (const friend of parent.keys())
    components.set(find(friend), [...(components.get(find(friend)) ?? []), friend]);
  return [...components.values()]
    .filter((c) => c.length >= 3 && c.length <= 200)
    .map((c) => c.sort())
    .sort((a, b) => a.join().localeCompare(b.join()));
}

describe('optimize-referrals rings against brute force', () => {
  it('finds exactly the connected components of 3 to 200 accounts', async () => {
    const tables = ringTables();
    const ws = await makeReferralsWorkspace(tables);
    try {
      const cli = await runCli(['optimize-referrals', '--window', '30d', '--as-of', '2026-11-15', '--json'], {
        cwd: ws.dir,
      });
      expect(cli.code, cli.stderr).toBe(0);
      const rings = cli.json<{
        fraud: { rings: { accounts: string[] }[]; oversized_components: unknown[] };
      }>().fraud;
      const expected = bruteForceRings(tables.referrals);
      expect(expected.map((c) => c.length).sort((a, b) => a - b)).toEqual([
        3, 3, 3, 3, 6, 7, 7, 9, 10, 16, 17,
      ]);
      const found = rings.rings
        .map((r) => [...r.accounts].sort())
        .sort((a, b) => a.join().localeCompare(b.join()));
      expect(found).toEqual(expected);
      expect(rings.oversized_components).toEqual([]);
    } finally {
      await ws.remove();
    }
  }, 120_000);
});
