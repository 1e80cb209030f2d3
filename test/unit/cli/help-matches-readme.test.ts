/**
 * A command's --help says what its README section says: monitor-loyalty's and track-source's
 * --alert-threshold fall back to 0.25 and 0.7 when gtm.yaml sets no threshold (the help named only
 * the gtm.yaml key), optimize-referrals' conversion rate is referred customers / referred
 * sign-ups (the help said "conversions / sign-ups"), and monitor-loyalty's --experiments reads by
 * default the tests whose units are mostly loyalty members (the help said every experiment).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { THRESHOLDS } from '../../../src/workspace/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

async function help(command: string): Promise<string> {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
  expect(await main([command, '--help'], { streams: { stdout: sink, stderr: sink } })).toBe(0);
  return text.replace(/\s+/g, ' ');
}

const doc = (command: string) => readFileSync(path.join(ROOT, 'docs/commands', `${command}.md`), 'utf8');

describe('--alert-threshold in --help agrees with the README', () => {
  it('monitor-loyalty: default thresholds.loyalty_active_member_rate, else 0.25', async () => {
    expect(doc('monitor-loyalty')).toContain('`thresholds.loyalty_active_member_rate`, else 0.25');
    expect(await help('monitor-loyalty')).toContain('default thresholds.loyalty_active_member_rate or 0.25');
  });

  it('track-source: default thresholds.attribution_confidence, else 0.7', async () => {
    expect(doc('track-source')).toContain('`thresholds.attribution_confidence`, 0.7');
    expect(await help('track-source')).toContain('default thresholds.attribution_confidence or 0.7');
  });

  it('optimize-referrals: referred customers / referred sign-ups', async () => {
    expect(doc('optimize-referrals')).toContain('(referred customers / referred sign-ups)');
    const text = await help('optimize-referrals');
    expect(text).toContain('minimum referral conversion rate (referred customers / referred sign-ups)');
    expect(text).not.toContain('conversions / sign-ups');
  });

  it("monitor-loyalty's --experiments: by default the tests whose units are mostly loyalty members", async () => {
    // the help said "every experiment with assignments", but the experiments entity is shared
    // with the other monitoring commands and a test of theirs is not read out here
    expect(doc('monitor-loyalty')).toContain(
      'every experiment with assignments whose units are mostly loyalty members',
    );
    expect(await help('monitor-loyalty')).toContain(
      'default: every experiment with assignments whose units are mostly loyalty members',
    );
  });

  it("gtm.yaml's thresholds.referral_conversion_rate says the same (its schema description)", () => {
    expect(THRESHOLDS.referral_conversion_rate.what).toContain('referred customers / referred sign-ups');
    for (const f of ['gtm.schema.json', 'gtm.referrals.schema.json'])
      expect(readFileSync(path.join(ROOT, 'src/workspace', f), 'utf8')).not.toContain(
        'conversions / sign-ups',
      );
  });
});

describe('gtm mcp --help agrees with the README', () => {
  it('registers the server as the README says (no npx: outside the clone it would fetch a package named gtm)', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const lines = (await help('mcp')).match(/claude mcp add [^`]*?--workspace "\$PWD"/g) ?? [];
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toMatch(/\bnpx\b/);
      expect(readme).toContain(line);
    }
  });
});
