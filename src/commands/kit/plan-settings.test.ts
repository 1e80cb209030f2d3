import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../workspace/index.ts';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { kitSettings, redactedUrl, withoutUrlSecrets } from './plan-settings.ts';

let fx: FixtureDir | undefined;
afterEach(async () => {
  await fx?.remove();
  fx = undefined;
});

describe('redactedUrl', () => {
  it('keeps scheme, host, port and database; drops user, password and query', () => {
    expect(redactedUrl('postgres://app:s3cret@db.internal:5432/crm?sslmode=require&password=x')).toBe(
      'postgres://db.internal:5432/crm',
    );
    expect(redactedUrl('postgresql://db.internal/crm')).toBe('postgresql://db.internal/crm');
    expect(redactedUrl('http://default:pw@127.0.0.1:8123/')).toBe('http://127.0.0.1:8123');
  });

  it('keeps env:VAR (the variable is named, its value never read) and leaves out what is no URL', () => {
    expect(redactedUrl('env:CRM_DATABASE_URL')).toBe('env:CRM_DATABASE_URL');
    expect(redactedUrl('not a url')).toBeNull();
  });
});

describe('withoutUrlSecrets', () => {
  it('strips the user and password of every URL string, at any depth, and leaves other values alone', () => {
    const v = {
      a: 'http://gtm:s3cret@ch.internal:8123',
      b: [{ url: 'postgres://u:p@h/db' }],
      c: 'user@example.com',
      d: 'http://ch.internal:8123',
      n: 3,
      z: null,
    };
    expect(withoutUrlSecrets(v)).toEqual({
      a: 'http://ch.internal:8123',
      b: [{ url: 'postgres://h/db' }],
      c: 'user@example.com',
      d: 'http://ch.internal:8123',
      n: 3,
      z: null,
    });
  });

  it('masks the credentials a URL carries in its query (a ClickHouse header, a libpq password), wherever the URL stands', () => {
    expect(
      withoutUrlSecrets({
        clickhouse: 'http://ch.internal:8123/?http_header_X-ClickHouse-Key=s3cret&ch_max_threads=2',
        note: 'from postgres://app:pw@db/crm?password=s3cret',
      }),
    ).toEqual({
      clickhouse: 'http://ch.internal:8123/?http_header_X-ClickHouse-Key=***&ch_max_threads=2',
      note: 'from postgres://db/crm?password=***',
    });
  });
});

describe('kitSettings', () => {
  it('records the currency, the dedupe rule of each entity read and how each of its sources is read, without secrets', async () => {
    fx = await makeFixtureDir({
      'gtm.yaml': `version: 1
sources:
  - { name: crm, entity: opportunities, kind: postgres, url: "postgres://app:s3cret@db.internal:5432/crm?sslmode=require", table: opps, priority: 1 }
  - { name: crm_env, entity: opportunities, kind: postgres, url: env:CRM_URL, query: "SELECT * FROM opps" }
  - name: web
    entity: touchpoints
    kind: file
    path: web.csv
    decimal: ","
    date_order: dmy
    amount_unit: minor
    id_format: salesforce
    currency: EUR
    mapping: { person_id: visitor }
  - { name: members, entity: members, kind: file, path: members.csv }
currency: { reporting: usd, rates: [{ currency: eur, from: 2026-01-01, rate: 1.1 }] }
dedupe:
  touchpoints: { time_tolerance_seconds: 30 }
`,
    });
    const ws = loadWorkspace({ cwd: fx.dir });
    const s = kitSettings(ws, ['opportunities', 'touchpoints']);
    expect(JSON.stringify(s)).not.toMatch(/s3cret|app:|sslmode/);
    expect(s).toEqual({
      currency: { reporting: 'USD', rates: [{ currency: 'EUR', from: '2026-01-01', rate: 1.1 }] },
      dedupe: {
        opportunities: { keys: ['opportunity_id'] },
        touchpoints: {
          keys: ['person_id', 'touch_type', 'occurred_at', 'utm_campaign', 'asset', 'channel'],
          time_tolerance_seconds: 30,
        },
      },
      source_config: {
        crm: {
          kind: 'postgres',
          server: 'postgres://db.internal:5432/crm',
          schema: null,
          table: 'opps',
          query: null,
          entity: 'opportunities',
          priority: 1,
          mapping: {},
          partner: null,
          currency: 'USD',
          decimal: '.',
          date_order: null,
          amount_unit: 'major',
          id_format: 'auto',
        },
        crm_env: {
          kind: 'postgres',
          server: 'env:CRM_URL',
          schema: null,
          table: null,
          query: 'SELECT * FROM opps',
          entity: 'opportunities',
          priority: 10,
          mapping: {},
          partner: null,
          currency: 'USD',
          decimal: '.',
          date_order: null,
          amount_unit: 'major',
          id_format: 'auto',
        },
        web: {
          kind: 'file',
          path: 'web.csv',
          format: null,
          delimiter: null,
          entity: 'touchpoints',
          priority: 10,
          mapping: { person_id: 'visitor' },
          partner: null,
          currency: 'EUR',
          decimal: ',',
          date_order: 'dmy',
          amount_unit: 'minor',
          id_format: 'salesforce',
        },
      },
    });
  });

  it('records nothing for a command that reads no entity', async () => {
    fx = await makeFixtureDir({ 'gtm.yaml': 'version: 1\nsources: []\n' });
    expect(kitSettings(loadWorkspace({ cwd: fx.dir }), [])).toEqual({});
  });
});
