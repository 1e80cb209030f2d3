/**
 * monitor-personalization reads user ids ignoring letter case (trimmed and lower-cased, the `key`
 * kind), as optimize-referrals does; the Data section says so, in README and the command's doc.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../../data/index.ts';
import { ratesTableSql } from '../../data/normalize/index.ts';
import { consentRecords, decisions, outcomes } from '../../data/entities/personalization.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
  await engine.exec(ratesTableSql('fx', [], 'USD'));
});
afterAll(() => engine.close());

const settings = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
};

async function userIds(entity: typeof decisions, columns: Record<string, string>, rows: string[][]) {
  const cols = Object.values(columns);
  const values = rows.map((r, i) => `(${r.map((v) => `'${v}'`).join(', ')}, 'f.csv', ${i + 2})`).join(', ');
  await engine.exec(
    `CREATE OR REPLACE TABLE raw AS SELECT * FROM (VALUES ${values}) t(${cols.join(', ')}, source_file, source_row)`,
  );
  const sql = entity.select(
    { source: 's', entity: entity.name, priority: 1, rawTable: 'raw', columns, defaultCurrency: 'USD' },
    settings,
  );
  return (await engine.query(`SELECT user_id FROM (${sql}) ORDER BY _row`)).map((r) => r.user_id);
}

describe('monitor-personalization user ids', () => {
  it('decisions, outcomes and consent records read U012, u012 and " U012 " as u012', async () => {
    const d = { user_id: 'u', decided_at: 't', rule_id: 'r', variant: 'v' };
    expect(await userIds(decisions, d, [['U012', '2026-11-01', 'hero', 'a']])).toEqual(['u012']);
    const o = { user_id: 'u', occurred_at: 't', event: 'e' };
    expect(await userIds(outcomes, o, [['u012', '2026-11-02', 'purchase']])).toEqual(['u012']);
    const c = { user_id: 'u', purpose: 'p', status: 's', recorded_at: 't' };
    expect(
      await userIds(consentRecords, c, [[' U012 ', 'personalization', 'granted', '2026-11-01']]),
    ).toEqual(['u012']);
  });

  it('the Data section says so, in README and docs/commands/monitor-personalization.md', () => {
    for (const file of ['README.md', 'docs/commands/monitor-personalization.md']) {
      const text = readFileSync(file, 'utf8').replace(/\s+/g, ' ');
      expect(text).toContain('**User ids ignore letter case.**');
      expect(text).toContain('an outcome of `u012` joins the decisions of `U012`');
    }
  });
});
