/**
 * The channel of a touch on DuckDB: the first matching rule's channel, else the default — also with
 * no rule at all (`channels: { replace_defaults: true }` and no rules), which built `CASE ELSE … END`,
 * a syntax error, before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../duckdb-api.ts';
import type { Engine } from '../engine.ts';
import { channelSql } from './channel-sql.ts';

let duck: Engine;
beforeAll(async () => {
  duck = await openDuckDb();
});
afterAll(async () => {
  await duck?.close();
});

const COLS = { source: 's', medium: 'm', campaign: 'c', touchType: 't' };
const TOUCHES = `(VALUES (1, 'google', 'cpc', 'spring', 'click'), (2, 'newsletter', 'email', NULL, 'open'),
  (3, NULL, NULL, NULL, 'visit')) AS x(i, s, m, c, t)`;

async function channels(sql: string): Promise<string[]> {
  const rows = await duck.query<{ ch: string }>(`SELECT ${sql} AS ch FROM ${TOUCHES} ORDER BY i`);
  return rows.map((r) => r.ch);
}

describe('channelSql', () => {
  it('gives the first matching rule, else the default', async () => {
    const sql = channelSql(
      [
        { channel: 'paid_search', when: { medium: ['cpc'] } },
        { channel: 'email', when: { medium_regex: 'e-?mail' } },
      ],
      COLS,
      'other',
    );
    expect(await channels(sql)).toEqual(['paid_search', 'email', 'other']);
  });

  it('with no rule, gives every touch the default', async () => {
    expect(await channels(channelSql([], COLS, 'other'))).toEqual(['other', 'other', 'other']);
  });
});
