/**
 * A window past the data, with rejected rows (h-per23). The run stops when rejected rows may have
 * emptied the window (an unterminated quote that swallows the decision log), but it checked every
 * source: 3 bad rows of a billing export (outcomes) and an as-of six weeks past the data ended the
 * run with "3 of 1328 rows of source billing rejected … fix the rows", and no report — fixing
 * billing rows cannot put a decision in the window. Only the decisions' sources count now, and when
 * decisions were read outside the window the hint names the other explanation.
 *
 * Workspace: 10 days of decisions from 2026-11-01, 30 a day; outcomes with one unreadable amount.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { runCli } from '../../../test/helpers/run-cli.ts';
import type { MonitorPersonalizationResult } from './result.ts';

const GTM_YAML = `version: 1
sources:
  - { name: decision_log, entity: decisions, kind: file, path: decisions.csv }
  - { name: billing, entity: outcomes, kind: file, path: outcomes.csv }
personalization:
  initiatives: [Onboarding]
`;

function decisionsCsv(bad: boolean): string {
  const start = Date.parse('2026-11-01T09:00:00Z');
  const rows = ['decision_id,user_id,decided_at,initiative,rule_id,variant,reason'];
  for (let i = 0; i < 300; i++) {
    const at = new Date(start + Math.floor(i / 30) * 86_400_000 + (i % 30) * 600_000).toISOString();
    rows.push(`d${i},u${i},${at},Onboarding,hero,${i % 2 ? 'hero_a' : 'holdout'},TARGETING_MATCH`);
  }
  if (bad) rows.push('d999,,2026-11-05T10:00:00Z,Onboarding,hero,hero_a,TARGETING_MATCH');
  return `${rows.join('\n')}\n`;
}

const OUTCOMES = `outcome_id,user_id,occurred_at,event,value,currency
o1,u1,2026-11-01T10:00:00Z,purchase,10,USD
o2,u3,2026-11-01T10:30:00Z,purchase,"12,50",USD
`;

const argv = [
  'monitor-personalization',
  '--initiative',
  'Onboarding',
  '--window',
  '14d',
  '--as-of',
  '2027-01-15',
  '--json',
];

let dir: FixtureDir;
beforeAll(async () => {
  dir = await makeFixtureDir({ 'gtm.yaml': GTM_YAML, 'outcomes.csv': OUTCOMES });
}, 60_000);
afterAll(() => dir?.remove());

describe('a window past the data, with rejected rows', () => {
  it('rejected outcome rows do not stop it: the empty window is reported, then the reject alert exits 5', async () => {
    await dir.write('decisions.csv', decisionsCsv(false));
    const cli = await runCli(argv, { cwd: dir.dir });
    expect(cli.code, cli.stderr).toBe(5);
    const r = cli.json<MonitorPersonalizationResult>();
    expect(r.totals.decisions).toBe(0);
    expect(cli.stderr).toContain(
      'no decisions of Onboarding in the 14d window to 2027-01-15 (300 outside it)',
    );
    expect(cli.stderrLines.at(-1)).toMatch(
      /^error\[DATA\] outcomes\.csv:3: 1 of 2 rows of source billing rejected/,
    );
  });

  it('a rejected decision row stops it, naming the row, and the hint names a window past the data', async () => {
    await dir.write('decisions.csv', decisionsCsv(true));
    const cli = await runCli(argv, { cwd: dir.dir });
    expect(cli.code).toBe(5);
    expect(cli.stdout).toBe('');
    const line = cli.stderrLines.find((l) => l.startsWith('error['))!;
    expect(line).toMatch(/^error\[DATA\] decisions\.csv:302: 1 of 301 rows of source decision_log rejected/);
    expect(line).toContain(
      '— fix the rows (gtm doctor names them), or raise thresholds.max_reject_rate in gtm.yaml; or, if the window is past the data (300 decisions read outside it, the last from 2026-11-10T13:50:00',
    );
  });
});
