/**
 * Small optimize-referrals workspaces written from the tables a test gives: gtm.yaml names one
 * source a table, always by the same name (adv, clicks, signups, orders, pay, exps, asg: the names
 * row accounting and rejects.csv report), so a test states only its rows. `useReferralsRun` also
 * runs the command once for the tests of the file (`--json`), as most of these tests do, and runs
 * it again on a ClickHouse server for the "same on ClickHouse 18.16" block.
 *
 * @example
 * const ref = useReferralsRun({
 *   referrals: `referral_id,advocate_id,friend_id,signed_up_at
 * r1,a1,f1,2026-11-01T10:00:00Z
 * `,
 *   conversions: `conversion_id,customer_id,amount,stage,converted_at
 * o1,f1,100,purchase,2026-11-04T10:00:00Z
 * `,
 * });
 * it('…', () => expect(ref.result.funnel.program.current.counts.conversions).toBe(1));
 * describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
 *   it('…', async () => expect((await ref.onClickHouse(ch, 'db')).code).toBe(0), 120_000);
 * });
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { runOptimizeReferrals } from '../../src/commands/optimize-referrals/index.ts';
import type { ReferralsResult } from '../../src/commands/optimize-referrals/result.ts';
import { runOnClickHouse, type OnClickHouse } from './clickhouse-parity.ts';
import { makeFixtureDir, type FixtureDir } from './fixture-dir.ts';
import { runCli, type CliRun } from './run-cli.ts';

/** The tables of a workspace, each a CSV file's text (header and rows); the source of each. */
const TABLES = [
  ['advocates', 'adv', 'advocates'],
  ['clicks', 'clicks', 'clicks'],
  ['referrals', 'signups', 'referrals'],
  ['conversions', 'orders', 'conversions'],
  ['payouts', 'pay', 'payouts'],
  ['experiments', 'exps', 'experiments'],
  ['assignments', 'asg', 'assignments'],
] as const;

type Table = (typeof TABLES)[number][0];

export type ReferralsSpec = { [T in Table]?: string } & {
  /** referrals.csv (required: the command reads sign-ups). */
  referrals: string;
  /**
   * advocates.csv. Default: each advocate id of referrals.csv, in order of first appearance, as
   * `advocate_id,kind,joined_at` rows of a customer who joined on 2026-01-01.
   */
  advocates?: string;
  /** The reporting currency (default USD). */
  currency?: string;
  /** `referrals.revenue_stages` (left out of gtm.yaml when not given). */
  revenueStages?: string[];
  /** More gtm.yaml lines, written last (e.g. `thresholds: { … }`). */
  yaml?: string;
};

/** The advocates of a referrals.csv: each advocate id, a customer who joined on 2026-01-01. */
export function advocatesOf(referrals: string): string {
  const [head, ...rows] = referrals.trim().split('\n');
  const col = head.split(',').indexOf('advocate_id');
  const ids = [...new Set(rows.map((r) => r.split(',')[col]).filter((id) => id))];
  return `advocate_id,kind,joined_at\n${ids.map((id) => `${id},customer,2026-01-01\n`).join('')}`;
}

/** The workspace's files (relative name → text). */
export function referralsFiles(spec: ReferralsSpec): Record<string, string> {
  const tables: ReferralsSpec = { ...spec, advocates: spec.advocates ?? advocatesOf(spec.referrals) };
  const present = TABLES.filter(([t]) => tables[t] !== undefined);
  const yaml = [
    'version: 1',
    'sources:',
    ...present.map(
      ([t, name, entity]) => `  - { name: ${name}, entity: ${entity}, kind: file, path: ${t}.csv }`,
    ),
    `currency: { reporting: ${spec.currency ?? 'USD'} }`,
    ...(spec.revenueStages ? ['referrals:', `  revenue_stages: [${spec.revenueStages.join(', ')}]`] : []),
    ...(spec.yaml ? [spec.yaml.trimEnd()] : []),
    '',
  ].join('\n');
  return {
    'gtm.yaml': yaml,
    ...Object.fromEntries(present.map(([t]) => [`${t}.csv`, tables[t] as string])),
  };
}

export interface ReferralsWorkspace extends FixtureDir {
  /** The text of its gtm.yaml (for `runOnClickHouse`). */
  yaml: string;
}

/** A fresh workspace of `spec` in a temp folder; `remove()` it after. */
export async function makeReferralsWorkspace(spec: ReferralsSpec): Promise<ReferralsWorkspace> {
  const files = referralsFiles(spec);
  return Object.assign(await makeFixtureDir(files), { yaml: files['gtm.yaml'] });
}

/** A value set by a `beforeAll` hook, read in a test. */
function need<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('the referrals run is not made yet (read it inside a test)');
  return v;
}

/** The window and as-of most of these tests run with. */
export const REFERRALS_ARGS = ['--window', '30d', '--as-of', '2026-11-15'];

export interface ReferralsRun {
  /** The workspace's folder. */
  readonly dir: string;
  /** The workspace's gtm.yaml. */
  readonly yaml: string;
  /** The run on DuckDB. */
  readonly cli: CliRun;
  /** Its result.json. */
  readonly result: ReferralsResult;
  /** The same command on a ClickHouse server: the workspace loaded into `database` (exit code unchecked). */
  onClickHouse(ch: OnClickHouse, database: string): Promise<CliRun>;
}

/**
 * One workspace of `spec` and one `gtm optimize-referrals …args --json` in it (on DuckDB, the
 * embedded engine; `args` default REFERRALS_ARGS) before the tests of the file, which must exit 0
 * unless `anyExit`; the workspace is removed after them. Call at the top of the file; read the run
 * in the tests.
 */
export function useReferralsRun(
  spec: ReferralsSpec,
  opts: { args?: string[]; timeout?: number; anyExit?: boolean } = {},
): ReferralsRun {
  const argv = ['optimize-referrals', ...(opts.args ?? REFERRALS_ARGS), '--json'];
  let ws: ReferralsWorkspace | undefined;
  let cli: CliRun | undefined;
  let result: ReferralsResult | undefined;
  beforeAll(async () => {
    ws = await makeReferralsWorkspace(spec);
    cli = await runCli(argv, { cwd: ws.dir });
    if (!opts.anyExit) expect(cli.code, cli.stderr).toBe(0);
  }, opts.timeout ?? 60_000);
  afterAll(() => ws?.remove());
  return {
    get dir() {
      return need(ws).dir;
    },
    get yaml() {
      return need(ws).yaml;
    },
    get cli() {
      return need(cli);
    },
    get result() {
      return (result ??= need(cli).json<ReferralsResult>());
    },
    onClickHouse: (ch, database) => runOnClickHouse(ch, need(ws).dir, need(ws).yaml, argv, database),
  };
}

/**
 * One workspace of `spec` and one `runOptimizeReferrals` in it (in this process, no CLI; window
 * `window`, default 30d, as of `asOf`, default 2026-11-15) before the tests of the file; the
 * workspace is removed after them. Call at the top of the file; read the result in the tests.
 */
export function useReferralsResult(
  spec: ReferralsSpec,
  opts: { asOf?: string; window?: string } = {},
): { readonly dir: string; readonly result: ReferralsResult } {
  let ws: ReferralsWorkspace | undefined;
  let result: ReferralsResult | undefined;
  beforeAll(async () => {
    ws = await makeReferralsWorkspace(spec);
    const run = await runOptimizeReferrals(
      { window: opts.window ?? '30d' },
      { cwd: ws.dir, asOf: opts.asOf ?? '2026-11-15' },
    );
    result = run.result;
  }, 60_000);
  afterAll(() => ws?.remove());
  return {
    get dir() {
      return need(ws).dir;
    },
    get result() {
      return need(result);
    },
  };
}
