/**
 * A PostgreSQL source through a whole track-source run: the tiny workspace's opportunities move
 * from a CSV file into a table on a real server (started on loopback), and the run must give the
 * same numbers as the file-based run. The URL comes from the environment (`env:VAR`), as users
 * are told to keep passwords out of gtm.yaml.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { parseCsv } from '../helpers/csv-parse.ts';
import { copyFixtureWorkspace, TINY_AS_OF, type FixtureWorkspace } from '../helpers/fixture-workspace.ts';
import { findPostgresBin, startPostgres, type PostgresServer } from '../helpers/postgres-server.ts';
import { runCli } from '../helpers/run-cli.ts';

const bin = await findPostgresBin();
if (bin === null && process.env.CI)
  throw new Error('CI must install postgresql (server binaries under /usr/lib/postgresql/*/bin)');

let server: PostgresServer;
let fileWs: FixtureWorkspace;
let pgWs: FixtureWorkspace;

beforeAll(async () => {
  if (bin === null) return;
  server = await startPostgres();
  fileWs = await copyFixtureWorkspace();
  pgWs = await copyFixtureWorkspace();
  const rows = parseCsv(readFileSync(fileWs.path('data/opportunities.csv'), 'utf8'));
  const columns = Object.keys(rows[0]);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query('CREATE SCHEMA crm');
  await client.query(
    `CREATE TABLE crm.opportunities (${columns.map((c) => `"${c}" ${c === 'Amount' ? 'NUMERIC(14,2)' : c === 'CreatedDate' ? 'TIMESTAMPTZ' : 'TEXT'}`).join(', ')})`,
  );
  try {
    for (const r of rows)
      await client.query(
        `INSERT INTO crm.opportunities VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        // a warehouse column holds numbers, not the export's "3,000"
        columns.map((c) => (r[c] === '' ? null : c === 'Amount' ? r[c].replace(/,/g, '') : r[c])),
      );
  } finally {
    await client.end();
  }
  await pgWs.replace(
    'gtm.yaml',
    'kind: file\n    path: data/opportunities.csv',
    'kind: postgres\n    url: env:GTM_TEST_PG_URL\n    schema: crm\n    table: opportunities',
  );
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await fileWs?.remove();
  await pgWs?.remove();
});

it.skipIf(bin === null)(
  'gives the same attribution from a PostgreSQL table as from the CSV export of it',
  async () => {
    const args = ['track-source', '--campaign', 'Spring Launch', '--as-of', TINY_AS_OF, '--json'];
    const fromFile = await runCli(args, { cwd: fileWs.dir });
    const fromPg = await runCli(args, {
      cwd: pgWs.dir,
      env: { ...process.env, GTM_TEST_PG_URL: server.url },
    });
    expect(fromPg.stderrLines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(fromPg.code).toBe(fromFile.code);
    const pick = (r: Record<string, unknown>) => ({
      totals: r.totals,
      by_partner: r.by_partner,
      by_channel: r.by_channel,
      unattributed: r.unattributed,
    });
    expect(pick(fromPg.json())).toEqual(pick(fromFile.json()));
    const acct = fromPg
      .json<{ row_accounting: { source: string; rows_in: number }[] }>()
      .row_accounting.find((a) => a.source === 'crm_opportunities');
    expect(acct?.rows_in).toBe(parseCsv(readFileSync(fileWs.path('data/opportunities.csv'), 'utf8')).length);
  },
);

it.skipIf(bin === null)(
  'says which variable is missing when the URL is env:VAR and it is unset',
  async () => {
    const env = { ...process.env };
    delete env.GTM_TEST_PG_URL;
    const res = await runCli(
      ['track-source', '--campaign', 'Spring Launch', '--as-of', TINY_AS_OF, '--json'],
      { cwd: pgWs.dir, env },
    );
    expect(res.code).not.toBe(0);
    expect(res.stderrLines).toHaveLength(1);
    expect(res.stderrLines[0]).toMatch(/GTM_TEST_PG_URL/);
  },
);
