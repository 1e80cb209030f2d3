/**
 * Which id columns are read with their 15-character Salesforce ids in the 18-character form
 * (`reconcileSalesforceIds`, DuckDB, then the canonical values through `normalizeEntities`): only
 * columns of Salesforce-shaped ids that share records with ids written the other way, or of a
 * source saying `id_format: salesforce`; never another system's ids beside them (a HubSpot
 * 15-digit company id, Stripe's `cus_…`, hex), nor a source saying `as_is`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSource, normalizeEntities, openDuckDb, type BoundSource, type Engine } from '../index.ts';
import { reconcileSalesforceIds } from './salesforce-ids.ts';
import { opportunities } from './opportunities.ts';
import { touchpoints } from './touchpoints.ts';
import { stageHistory } from './stage-history.ts';
import { people } from './people.ts';
import type { SourceBinding } from './entity-spec.ts';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await openDuckDb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'gtm-sfids-'));
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: { prospecting: 'opportunity' },
  dedupe: {},
};

let n = 0;
async function bind(
  entity: string,
  lines: string[],
  idFormat?: SourceBinding['idFormat'],
): Promise<BoundSource> {
  const source = `${entity}_${n++}`;
  const file = path.join(dir, `${source}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  const load = await loadSource(engine, { name: source, kind: 'file', path: file }, `raw_${source}`);
  return {
    load,
    binding: {
      source,
      entity,
      priority: n,
      rawTable: load.table,
      columns: Object.fromEntries(lines[0].split(',').map((c) => [c, c])),
      columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
      defaultCurrency: 'USD',
      ...(idFormat ? { idFormat } : {}),
    },
  };
}

// Salesforce: account 0013k00002crTPa (published 18: 0013k00002crTPaAAM) and 0015g00000Lm2Np (…AAJ)
const opps = (idFormat?: SourceBinding['idFormat']) =>
  bind(
    'opportunities',
    [
      'opportunity_id,account_id,created_at,stage,amount',
      '0065g00000Pq1Rs,0013k00002crTPa,2026-03-10,Prospecting,100',
      '0065g00000Tu2Vw,0015g00000Lm2Np,2026-03-10,Prospecting,200',
    ],
    idFormat,
  );
const members = () =>
  bind('touchpoints', [
    'person_id,account_id,occurred_at',
    '0035g00000Gh4IjAAJ,0013k00002crTPaAAM,2026-03-05',
  ]);
/** A HubSpot contacts export beside them: 15-digit company ids, numeric contact ids. */
const hubspot = () =>
  bind('touchpoints', [
    'person_id,account_id,occurred_at',
    '51234567890,512345678901234,2026-03-06',
    '51234567891,512345678901235,2026-03-06',
  ]);

const columnsRead = (sources: BoundSource[]) =>
  Object.fromEntries(sources.map((s) => [s.binding.source, s.binding.salesforceIds ?? []]));

describe('reconcileSalesforceIds', () => {
  it("joins a report's 15-character ids to the 18-character ones; the HubSpot source beside them is read as written", async () => {
    const parts = [await opps(), await members(), await hubspot()];
    const got = await reconcileSalesforceIds(engine, parts);
    expect(Object.values(columnsRead(got.sources))).toEqual([['account_id'], ['account_id'], []]);
    expect(got.read).toEqual([
      {
        key: 'account',
        reconciled: 1,
        columns: [
          { source: parts[0].binding.source, column: 'account_id', ids15: 2, ids18: 0 },
          { source: parts[1].binding.source, column: 'account_id', ids15: 0, ids18: 1 },
        ],
      },
    ]);
    await normalizeEntities(engine, [opportunities, touchpoints], got.sources, SETTINGS, dir);
    const accounts = await engine.query<{ account_id: string }>(
      'SELECT account_id FROM opportunities ORDER BY 1',
    );
    // every id of the report in 18 characters (the second one's by hand: Lm2Np → A A J)
    expect(accounts.map((r) => r.account_id)).toEqual(['0013k00002crTPaAAM', '0015g00000Lm2NpAAJ']);
    const touches = await engine.query<{ account_id: string }>(
      'SELECT account_id FROM touchpoints ORDER BY 1',
    );
    expect(touches.map((r) => r.account_id)).toEqual([
      '0013k00002crTPaAAM',
      '512345678901234',
      '512345678901235',
    ]);
  });

  it('reads nothing otherwise when no record is written both ways (15 characters everywhere)', async () => {
    const hex = await bind('stage_history', [
      'opportunity_id,stage,changed_at',
      '0065g00000Pq1Rs,Prospecting,2026-03-10',
    ]);
    const got = await reconcileSalesforceIds(engine, [await opps(), hex, await hubspot()]);
    expect(got.read).toEqual([]);
    expect(got.sources.every((s) => s.binding.salesforceIds === undefined)).toBe(true);
  });

  it('a column with a value of another shape (Stripe cus_…, a hex id of 18) is not read as Salesforce ids', async () => {
    const stripe = await bind('touchpoints', [
      'person_id,account_id,occurred_at',
      '0035g00000Gh4IjAAJ,cus_9s6XKzkNRiz8i3,2026-03-05',
      '0035g00000Gh4IjAAJ,0013k00002crTPaAAM,2026-03-05',
    ]);
    const hex18 = await bind('people', ['person_id,account_id', 'p1,a3f9c2e17b4d5e6f00']);
    const got = await reconcileSalesforceIds(engine, [await opps(), stripe, hex18]);
    expect(got.read).toEqual([]);
  });

  it('id_format: salesforce reads the source and the columns sharing its records in 18; as_is keeps a source as written', async () => {
    const history = await bind('stage_history', [
      'opportunity_id,stage,changed_at',
      '0065g00000Pq1Rs,Prospecting,2026-03-10',
    ]);
    const other = await bind('stage_history', [
      'opportunity_id,stage,changed_at',
      '0065g00000Zz9Zz,Prospecting,2026-03-10',
    ]);
    const got = await reconcileSalesforceIds(engine, [await opps('salesforce'), history, other]);
    expect(Object.values(columnsRead(got.sources))).toEqual([
      ['account_id', 'opportunity_id'],
      ['opportunity_id'],
      [],
    ]);
    // nothing was written both ways: no warning's count
    expect(got.read.map((r) => r.reconciled)).toEqual([0, 0]);
    await normalizeEntities(engine, [opportunities, stageHistory], got.sources, SETTINGS, dir);
    const ids = await engine.query<{ opportunity_id: string }>(
      'SELECT opportunity_id FROM stage_history ORDER BY 1',
    );
    expect(ids.map((r) => r.opportunity_id)).toEqual(['0065g00000Pq1RsAAJ', '0065g00000Zz9Zz']);

    const asIs = await reconcileSalesforceIds(engine, [await opps('as_is'), await members()]);
    expect(asIs.read).toEqual([]);
  });

  it('person ids: the 18-character form before the lower-casing, so that ids differing in case stay two people', async () => {
    // 0035g00000Gh4Ij and 0035g00000GH4IJ are two contacts: lower-cased as written they were one
    const contacts = await bind('people', [
      'person_id,account_id',
      '0035g00000Gh4Ij,0013k00002crTPa',
      '0035g00000GH4IJ,0015g00000Lm2Np',
    ]);
    const got = await reconcileSalesforceIds(engine, [contacts, await members()]);
    await normalizeEntities(engine, [people, touchpoints], got.sources, SETTINGS, dir);
    const rows = await engine.query<{ person_id: string }>('SELECT person_id FROM people ORDER BY 1');
    expect(rows.map((r) => r.person_id)).toEqual(['0035g00000gh4ijaa1', '0035g00000gh4ijaaj']);
  });
});
