/**
 * monitor-loyalty on the demo with a members source whose tiers the tier rules partly do not know:
 * every Platinum member written "Platnum" (a typo: no rule describes it) and every other Gold member
 * written " gOLD " (case and spaces: still Gold, as tiers are matched trimmed and case-insensitively).
 * The unknown tier is counted (members from the CSV, points from the KPI table's own pass), said in
 * summary.md and dashboard.html with the tier it probably means and the fix, kept in result.json
 * (valid against the schema) and raised as a data-quality alert that warns but never escalates.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MonitorLoyaltyResult } from '../../src/commands/monitor-loyalty/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

let demo: DemoWorkspace;
const results: MonitorLoyaltyResult[] = [];
let members: Record<string, string>[];
const ML = ['monitor-loyalty', '--window', '30d', '--dimensions', 'tier', '--json'];
/** The demo's as-of and the day after: two as-ofs in a row (the second breach of an alert that may not escalate). */
const AS_OFS = [DEMO_AS_OF, '2026-11-16'];

beforeAll(async () => {
  demo = await makeDemoWorkspace();
  const file = path.join(demo.dir, 'data/loyalty/members.csv');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const head = lines[0].split(',');
  const col = head.indexOf('tier');
  let gold = 0;
  const edited = lines.slice(1).map((line) => {
    const cells = line.split(',');
    if (cells[col] === 'Platinum') cells[col] = 'Platnum';
    else if (cells[col] === 'Gold' && gold++ % 2 === 1) cells[col] = ' gOLD ';
    return cells.join(',');
  });
  writeFileSync(file, `${[lines[0], ...edited].join('\n')}\n`);
  members = parseCsv(readFileSync(file, 'utf8'));
  for (const asOf of AS_OFS) {
    const cli = await runCli([...ML, '--as-of', asOf], { cwd: demo.dir });
    if (cli.code !== 0) throw new Error(`monitor-loyalty exited ${cli.code}: ${cli.stderr}`);
    results.push(cli.json<MonitorLoyaltyResult>());
  }
}, 600_000);
afterAll(() => demo?.remove());

/** Members of the CSV enrolled before the end of the window whose tier is `tier` (as written). */
const enrolledWith = (tier: (t: string) => boolean) =>
  members.filter(
    (m) => tier(m.tier) && Date.parse(m.enrolled_at) < Date.parse(`${DEMO_AS_OF}T00:00:00Z`) + 86_400_000,
  ).length;

it('counts the unknown tier, names the tier it probably means and the fix', () => {
  const r = results[0];
  const platnum = enrolledWith((t) => t === 'Platnum');
  expect(platnum).toBeGreaterThan(5);
  expect(r.members.tiers.unknown).toEqual(['Platnum']);
  const [u] = r.members.unknown_tiers;
  expect(r.members.unknown_tiers).toHaveLength(1);
  expect(u).toMatchObject({ tier: 'Platnum', members: platnum, suggestion: 'Platinum' });
  // points: the KPI table's tier row, from its own pass over every member
  const row = r.kpis.by_dimension.tier!.find((x) => x.key === 'Platnum')!;
  expect(row.members).toBe(platnum);
  expect(u.outstanding_points).toBe(row.outstanding_points);
  expect(u.outstanding_points).toBeGreaterThan(0);
  expect(u.liability).toBeCloseTo(
    u.outstanding_points * r.liability.value_per_point * r.liability.expected_redemption_rate,
    9,
  );
  expect(u.hint).toBe(
    'if it means Platinum, correct the tier values in sources.loyalty_members (data/loyalty/members.csv); if it is a tier of its own, add a row for it to sources.loyalty_tier_rules (data/loyalty/tier_rules.csv)',
  );
});

it('keeps tiers differing only by case and spaces in their tier', () => {
  const r = results[0];
  const gold = r.kpis.by_dimension.tier!.find((x) => x.key === 'Gold')!;
  expect(members.filter((m) => m.tier === ' gOLD ').length).toBeGreaterThan(5);
  expect(gold.members).toBe(enrolledWith((t) => t.trim().toLowerCase() === 'gold'));
  expect(r.members.tiers.names).toEqual(['Member', 'Silver', 'Gold', 'Platinum', 'Platnum']);
});

it('says it in summary.md and dashboard.html, with the fix', () => {
  const dir = path.join(demo.dir, results[0].reports_dir);
  const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
  const n = results[0].members.unknown_tiers[0].members;
  expect(summary).toContain(
    `**Warning:** ${n} members (${results[0].members.unknown_tiers[0].outstanding_points.toLocaleString('en-US')} points outstanding`,
  );
  expect(summary).toContain('hold tier "Platnum", which no tier rule describes — did you mean Platinum?');
  expect(summary).toContain('correct the tier values in sources.loyalty\\_members');
  const html = readFileSync(path.join(dir, 'dashboard.html'), 'utf8');
  expect(html).toContain('which no tier rule describes — did you mean Platinum?');
  expect(html).toContain('Accepted but matching nothing');
});

it('raises a data-quality alert that warns and never escalates', () => {
  const [first, second] = results.map((r) => r.alerts.find((a) => a.id === 'unknown_member_tiers')!);
  const n = results[0].members.unknown_tiers[0].members;
  expect(first).toMatchObject({ value: n, threshold: 0, unit: 'count', breached: true, escalate: false });
  expect(second).toMatchObject({ breached: true, consecutive_breaches: 2, escalate: false });
  expect(results[1].escalations.some((e) => e.alert_id === 'unknown_member_tiers')).toBe(false);
});

it('result.json keeps the unknown tiers as its schema says', () => {
  const schema = JSON.parse(
    readFileSync(path.resolve('src/commands/monitor-loyalty/monitor-loyalty.result.schema.json'), 'utf8'),
  ) as { properties: { members: object } };
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema.properties.members);
  expect(validate(results[0].members)).toBe(true);
  expect(validate({ ...results[0].members, unknown_tiers: [{ tier: 'Platnum' }] })).toBe(false);
});
