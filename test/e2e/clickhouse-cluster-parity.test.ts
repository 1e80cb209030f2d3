/**
 * Scale-out parity: the demo workspace is loaded with `gtm engine load` into a real two-shard
 * ClickHouse cluster on loopback (two clickhouse-server processes, local MergeTree tables under
 * Distributed tables sharded by the journey/member key), and `gtm attribute` and
 * `gtm experiment-readout --exposures` give the same numbers there as DuckDB on the same files.
 *
 * The touch log and the exposures are derived here from the demo's own files, independently of
 * gtm: a journey is a person's web, CRM and partner touches; it converts when the person's account
 * has a won opportunity (value: their amounts). The exposures are the loyalty experiment's members
 * with their orders before and after assignment.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entitySpec,
  loadSource,
  normalizeEntities,
  openClickHouse,
  openDuckDb,
  type Engine,
  type EntitySpec,
} from '../../src/data/index.ts';
import {
  canonicalRelation,
  clickHouseForm,
  normalizeEntitiesClickHouse,
} from '../../src/data/entities/normalize-clickhouse.ts';
import type { ClickHouseEntity } from '../../src/data/entities/entities-clickhouse.ts';
import { bindSource, normalizeSettingsOf, sourceSpecOf } from '../../src/commands/kit/workspace-sources.ts';
import { loadWorkspace } from '../../src/workspace/index.ts';
import { csvRow } from '../../src/data/csv-text.ts';
import {
  clickHouseParity,
  expectClose,
  type ClickHouseParity,
  type EngineLoadJson,
  expectRowsReconcile,
  skipClickHouse,
} from '../helpers/clickhouse-parity.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { DEMO_AS_OF, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const MODELS = ['markov', 'shapley', 'linear', 'time-decay', 'position-based', 'first-touch'];
/** The demo's sources of track-source's entities (people, touchpoints, opportunities, stage history). */
const TRACK_SOURCE_SOURCES = [
  'crm_contacts',
  'crm_campaign_members',
  'web_analytics',
  'nimbus_activity',
  'quantia_engagement',
  'crm_opportunities',
  'quantia_co_sell',
  'crm_stage_history',
];
/** Small reference entities: copied whole to every server. */
const COPIED = new Set(['crm_opportunities', 'quantia_co_sell', 'crm_stage_history']);

interface Derived {
  touchRows: number;
  journeys: number;
  converted: number;
  exposureRows: number;
  members: number;
}

/** The touch log and the exposures, from the demo's files. */
async function deriveInputs(ws: DemoWorkspace): Promise<Derived> {
  const accountOf = new Map(
    parseCsv(await ws.read('data/crm/contacts.csv')).map((c) => [c.Email.trim().toLowerCase(), c.AccountId]),
  );
  const wonValue = new Map<string, number>();
  for (const o of parseCsv(await ws.read('data/crm/opportunities.csv')))
    if (o.StageName === 'Closed Won')
      wonValue.set(o.AccountId, (wonValue.get(o.AccountId) ?? 0) + Number(o.Amount));
  const touches: [string, string, string][] = [];
  const add = (person: unknown, ts: unknown, channel: unknown) => {
    const p = typeof person === 'string' ? person.trim().toLowerCase() : '';
    const c = typeof channel === 'string' ? channel.trim().toLowerCase() : '';
    if (p && c && typeof ts === 'string' && ISO.test(ts)) touches.push([p, ts, c]);
  };
  for (const f of ['data/web/events-1.ndjson', 'data/web/events-2.ndjson'])
    for (const line of (await ws.read(f)).split('\n').filter(Boolean)) {
      const e = JSON.parse(line) as Record<string, unknown>;
      add(e.user_id, e.timestamp, e.utm_source);
    }
  for (const r of parseCsv(await ws.read('data/crm/campaign_members.csv')))
    add(r.Email, r.Timestamp, r.LeadSource);
  for (const r of parseCsv(await ws.read('data/partners/nimbus/activity_export.csv')))
    add(r['Attendee Email'], r['Activity Time (UTC)'], r.Source);
  const lines = touches.map(([p, ts, c]) => {
    const value = wonValue.get(accountOf.get(p) ?? '') ?? 0;
    return csvRow([p, ts, c, value > 0 ? 1 : 0, value]);
  });
  await mkdir(path.join(ws.dir, 'data/derived'), { recursive: true });
  await writeFile(
    path.join(ws.dir, 'data/derived/touches.csv'),
    `journey_id,ts,channel,converted,value\n${lines.join('\n')}\n`,
  );
  const people = new Set(touches.map((t) => t[0]));

  // exposures: the double-points experiment's members, one row per order (or one empty row)
  const assigned = parseCsv(await ws.read('data/loyalty/assignments.csv')).filter(
    (a) => a.experiment_id === 'double-points-oct',
  );
  const ordersOf = new Map<string, { at: string; total: number }[]>();
  for (const o of parseCsv(await ws.read('data/loyalty/orders.csv'))) {
    const list = ordersOf.get(o.customer_id) ?? [];
    list.push({ at: o.created_at, total: Number(o.total) });
    ordersOf.set(o.customer_id, list);
  }
  const exposures: string[] = [];
  for (const a of assigned) {
    const orders = ordersOf.get(a.member_id) ?? [];
    const since = Date.parse(a.assigned_at);
    if (orders.length === 0) exposures.push(csvRow([a.member_id, a.variant, 0, 0, 0, 0]));
    for (const o of orders) {
      const after = Date.parse(o.at) >= since;
      exposures.push(
        csvRow([
          a.member_id,
          a.variant,
          after ? 1 : 0,
          after ? o.total : 0,
          after ? 0 : o.total,
          after ? 1 : 0,
        ]),
      );
    }
  }
  await writeFile(
    path.join(ws.dir, 'data/derived/exposures.csv'),
    `member_id,variant,ordered,spend,pre_spend,orders\n${exposures.join('\n')}\n`,
  );
  // both as workspace sources, so `gtm engine load` reads them as it reads every source
  const yaml = await ws.read('gtm.yaml');
  await writeFile(
    path.join(ws.dir, 'gtm.yaml'),
    yaml.replace(
      /^sources:\n/m,
      `sources:
  - name: attribution_touches
    entity: touchpoints
    kind: file
    path: data/derived/touches.csv
    mapping: { person_id: journey_id, occurred_at: ts, utm_source: channel }
  - name: readout_exposures
    entity: assignments
    kind: file
    path: data/derived/exposures.csv
    mapping: { unit_id: member_id, variant: variant }
`,
    ),
  );
  return {
    touchRows: touches.length,
    journeys: people.size,
    converted: [...people].filter((p) => (wonValue.get(accountOf.get(p) ?? '') ?? 0) > 0).length,
    exposureRows: exposures.length,
    members: assigned.length,
  };
}

describe.skipIf(skipClickHouse)('a two-shard ClickHouse cluster gives the DuckDB numbers', () => {
  let derived: Derived;
  const parity = clickHouseParity({
    sources: ['attribution_touches', 'readout_exposures', ...TRACK_SOURCE_SOURCES],
    prepare: async (w) => void (derived = await deriveInputs(w)),
  });
  let ws: DemoWorkspace;
  let cluster: ClickHouseParity['cluster'];
  let load: EngineLoadJson;

  beforeAll(async () => {
    load = await parity.start();
    ({ ws, cluster } = parity);
  }, 180_000);
  afterAll(() => parity.stop());

  it('loads every row, sharded by the journey and member keys, and counts them back', async () => {
    const byTable = Object.fromEntries(load.tables.map((t) => [t.table, t]));
    const lines = async (rel: string) => (await ws.read(rel)).split('\n').filter(Boolean).length;
    // independent counts: data lines of the files
    expect(byTable.attribution_touches.rows.loaded).toBe(derived.touchRows);
    expect(byTable.readout_exposures.rows.loaded).toBe(derived.exposureRows);
    expect(byTable.crm_contacts.rows.loaded).toBe((await lines('data/crm/contacts.csv')) - 1);
    expect(byTable.web_analytics.rows.loaded).toBe(
      (await lines('data/web/events-1.ndjson')) + (await lines('data/web/events-2.ndjson')),
    );
    for (const t of load.tables) {
      expect(t.rows.read).toBe(t.rows.loaded + t.rows.rejected);
      expect(t.rows.in_clickhouse).toBe(t.rows.loaded);
      if (COPIED.has(t.table)) {
        expect(t.layout).toBe('copied');
        expect(t.rows.per_server).toEqual([t.rows.loaded, t.rows.loaded]);
        continue;
      }
      expect(t.layout).toBe('sharded');
      expect(t.rows.per_server.reduce((a, b) => a + b, 0)).toBe(t.rows.loaded);
      // both shards hold rows
      expect(Math.min(...t.rows.per_server)).toBeGreaterThan(0);
    }
    expect(byTable.attribution_touches.shard_key).toEqual(['journey_id']);
    expect(byTable.readout_exposures.shard_key).toEqual(['member_id']);

    // every journey lives on exactly one shard
    const shards = await Promise.all(cluster.urls.map((url) => openClickHouse({ url, database: 'gtm' })));
    try {
      const sets = await Promise.all(
        shards.map(async (e) =>
          (
            await e.query<{ j: string }>('SELECT DISTINCT journey_id AS j FROM attribution_touches_local')
          ).map((r) => r.j),
        ),
      );
      const both = sets[0].filter((j) => new Set(sets[1]).has(j));
      expect(both).toEqual([]);
      expect(sets[0].length + sets[1].length).toBe(derived.journeys);
    } finally {
      await Promise.all(shards.map((e) => e.close()));
    }
  });

  it.each(MODELS)(
    'attribute --model %s: the same credit per channel, journeys and conversions',
    async (model) => {
      const onCluster = await runCli(
        [
          'attribute',
          '--touchpoints',
          'gtm.attribution_touches',
          '--clickhouse',
          cluster.urls[0],
          '--model',
          model,
          '--json',
        ],
        { cwd: ws.dir },
      );
      const onDuckDb = await runCli(
        ['attribute', '--touchpoints', 'data/derived/touches.csv', '--model', model, '--json'],
        { cwd: ws.dir },
      );
      expect(onCluster.stderr).toBe('');
      expect(onCluster.code).toBe(0);
      expect(onDuckDb.code).toBe(0);
      type R = {
        totals: { conversions: number; nulls: number; value: number; paths: number; distinctPaths: number };
        channels: { channel: string; conversions: number; value: number }[];
        source: { records: number };
        markov?: { transitions: { from: string; to: string }[] };
        shapley?: unknown;
      };
      const ch = onCluster.json<R>();
      const duck = onDuckDb.json<R>();
      // the derived log's own truth: every journey once, converted as derived
      expect(duck.totals.conversions + duck.totals.nulls).toBe(derived.journeys);
      expect(duck.totals.conversions).toBe(derived.converted);
      expectClose(ch.totals, duck.totals, 'totals');
      expect(ch.source.records).toBe(duck.source.records);
      const credit = (r: R) =>
        Object.fromEntries(r.channels.map((c) => [c.channel, [c.conversions, c.value]]));
      expectClose(credit(ch), credit(duck), 'channels');
      expect(ch.channels.length).toBeGreaterThan(3);
      // the transition list follows the order paths arrive in, which no engine promises: compare as a set
      const sorted = (m: NonNullable<R['markov']>) => ({
        ...m,
        transitions: [...m.transitions].sort((a, b) =>
          `${a.from}\0${a.to}`.localeCompare(`${b.from}\0${b.to}`),
        ),
      });
      if (duck.markov && ch.markov) expectClose(sorted(ch.markov), sorted(duck.markov), 'markov');
      if (duck.shapley) expectClose(ch.shapley, duck.shapley, 'shapley');
    },
  );

  it('experiment-readout --exposures: the same readout from the Distributed table', async () => {
    const flags = [
      '--variant-column',
      'variant',
      '--unit-column',
      'member_id',
      '--metric',
      'purchase:proportion:ordered,spend:mean:spend:pre_spend,aov:ratio:spend/orders',
      '--control',
      'holdout',
      '--json',
    ];
    const onCluster = await runCli(
      [
        'experiment-readout',
        '--exposures',
        'gtm.readout_exposures',
        '--clickhouse',
        cluster.urls[1],
        ...flags,
      ],
      { cwd: ws.dir },
    );
    const onDuckDb = await runCli(
      ['experiment-readout', '--exposures', 'data/derived/exposures.csv', ...flags],
      {
        cwd: ws.dir,
      },
    );
    expect(onCluster.stderr).toBe('');
    expect(onCluster.code).toBe(0);
    expect(onDuckDb.code).toBe(0);
    const ch = onCluster.json<Record<string, unknown> & { reduced_from: { rows: number } }>();
    const duck = onDuckDb.json<Record<string, unknown> & { reduced_from: { rows: number; file: string } }>();
    expect(ch.reduced_from.rows).toBe(derived.exposureRows);
    expect(duck.reduced_from.rows).toBe(derived.exposureRows);
    const { reduced_from: _a, ...chRest } = ch;
    const { reduced_from: _b, ...duckRest } = duck;
    // the readout names its input in places: the table on one side, the file on the other
    const text = JSON.stringify(chRest).replaceAll('gtm.readout_exposures', duck.reduced_from.file);
    expectClose(JSON.parse(text), duckRest, 'readout');
    type Readout = { metrics: { name: string; control: { n: number }; variants: { n: number }[] }[] };
    const metrics = (duck as unknown as Readout).metrics;
    expect(metrics.map((m) => m.name)).toEqual(['purchase', 'spend', 'aov']);
    // every assigned member is one unit
    expect(metrics[0].control.n + metrics[0].variants.reduce((a, v) => a + v.n, 0)).toBe(derived.members);
  });
  it('track-source with engine: clickhouse gives the DuckDB result.json, row accounting and rejects included', async () => {
    // the same workspace, its sources read from the cluster's tables instead of the files
    const {
      ch: chJson,
      duck: duckJson,
      chRun,
    } = await parity.runBoth([
      'track-source',
      '--campaign',
      'AI Launch Tour',
      '--window',
      '30d',
      '--as-of',
      DEMO_AS_OF,
      '--attribution_model',
      'compare',
      '--dimensions',
      'asset,region',
    ]);
    expect(chRun.stderr).toBe('');
    type Accounting = {
      source: string;
      rows_in: number;
      accepted: number;
      deduplicated: number;
      rejected: number;
    };
    type R = Record<string, unknown> & {
      row_accounting: Accounting[];
      rejects: { rows: number; top_reasons: { reason: string; rows: number }[] };
      journeys: { opportunities: number; touches: number };
      alerts: Record<string, unknown>[];
    };
    const ch = chJson as R;
    const duck = duckJson as R;
    // independent truth: every data line of each file is one input row, in exactly one bucket
    const lines = async (rel: string) => (await ws.read(rel)).split('\n').filter(Boolean).length;
    const expectedIn: Record<string, number> = {
      crm_contacts: (await lines('data/crm/contacts.csv')) - 1,
      crm_campaign_members: (await lines('data/crm/campaign_members.csv')) - 1,
      web_analytics: (await lines('data/web/events-1.ndjson')) + (await lines('data/web/events-2.ndjson')),
      nimbus_activity: (await lines('data/partners/nimbus/activity_export.csv')) - 1,
      quantia_engagement: (await lines('data/partners/quantia/engagement.csv')) - 1,
      crm_opportunities: (await lines('data/crm/opportunities.csv')) - 1,
      quantia_co_sell: (await lines('data/partners/quantia/co_sell_deals.csv')) - 1,
      crm_stage_history: (await lines('data/crm/opportunity_history.csv')) - 1,
      attribution_touches: derived.touchRows,
    };
    for (const a of ch.row_accounting) {
      expect(a.rows_in, a.source).toBe(expectedIn[a.source]);
      expect(a.accepted + a.deduplicated + a.rejected, a.source).toBe(a.rows_in);
    }
    expect(ch.row_accounting.map((a) => a.source).sort()).toEqual(Object.keys(expectedIn).sort());
    // the demo has duplicates across sources and rejected rows: both paths are exercised
    expect(ch.row_accounting.some((a) => a.deduplicated > 0)).toBe(true);
    expect(ch.rejects.rows).toBeGreaterThan(0);
    expect(ch.journeys.opportunities).toBeGreaterThan(50);
    expectRowsReconcile(ch);
    // everything else equal to 1e-9; what names the run (ids, paths, when an alert was evaluated
    // and the previous run it is compared with) differs by nature
    parity.expectSameResult(ch, duck);
    // the run's views are dropped when it ends
    await parity.expectNoRunTables();
  }, 600_000);
  it.each(['linear', 'position-based'])(
    'track-source --attribution_model %s on the cluster: journeys grouped by path on the server, the DuckDB result.json',
    async (model) => {
      // a path-only model without a bootstrap: the cluster sends each dimension's distinct paths
      // with summed pipeline and revenue instead of one line per opportunity and per account
      const {
        ch: chJson,
        duck: duckJson,
        chRun,
      } = await parity.runBoth([
        'track-source',
        '--campaign',
        'AI Launch Tour',
        '--window',
        '30d',
        '--as-of',
        DEMO_AS_OF,
        '--attribution_model',
        model,
        '--dimensions',
        'asset,region',
        '--detail',
        'full',
      ]);
      expect(chRun.stderr).toBe('');
      type R = Record<string, unknown> & {
        journeys: { opportunities: number; non_converting: number; touches: number };
      };
      const ch = chJson as R;
      expect(ch.journeys.opportunities).toBeGreaterThan(50);
      expect(ch.journeys.non_converting).toBeGreaterThan(0);
      expect(ch.journeys.touches).toBeGreaterThan(ch.journeys.opportunities);
      parity.expectSameResult(ch, duckJson as R);
      await parity.expectNoRunTables();
    },
    600_000,
  );
  it('normalize on the cluster: every entity of the demo workspace accounted, deduplicated and valued as on DuckDB', async () => {
    // the workspace's other sources (referrals, loyalty, personalization), loaded as users do
    const loaded = new Set(load.tables.map((t) => t.table));
    // the demo's own sources: the two derived above serve attribute and experiment-readout only
    const all = loadWorkspace({ cwd: ws.dir });
    const config = {
      ...all,
      sources: all.sources.filter((s) => !['attribution_touches', 'readout_exposures'].includes(s.name)),
    };
    const rest = config.sources.map((s) => s.name).filter((n) => !loaded.has(n));
    await parity.loadSources(rest);
    const entities = [...new Set(config.sources.map((s) => s.entity))];
    const specs = entities.map((e) => entitySpec(e) as EntitySpec);
    const click = await openClickHouse({ url: cluster.urls[0], database: 'gtm' });
    const duck = await openDuckDb();
    try {
      const normalize = async (engine: Engine) => {
        const bound = [];
        for (const [i, s] of config.sources.entries())
          bound.push(
            bindSource(s, i, await loadSource(engine, sourceSpecOf(s, config.baseDir), `raw_${i}`), config),
          );
        return engine.dialect === 'clickhouse'
          ? normalizeEntitiesClickHouse(engine, specs, bound, normalizeSettingsOf(config), config.baseDir)
          : normalizeEntities(engine, specs, bound, normalizeSettingsOf(config), config.baseDir);
      };
      const onCh = await normalize(click);
      const onDuck = await normalize(duck);
      expect(entities.length).toBeGreaterThan(20);
      expect(onCh.accounting).toEqual(onDuck.accounting);
      expect(onCh.duplicates).toEqual(onDuck.duplicates);
      // the duplicates whose values differ from the row kept (read back from the shards), listed alike
      expect(onCh.differing?.length).toBeGreaterThan(0);
      expect(onCh.differing).toEqual(onDuck.differing);
      expect(onCh.entities).toEqual(onDuck.entities);
      const cite = (r: typeof onCh) => r.rejects.map((x) => [x.source, x.file, x.row, x.reason]);
      expect(cite(onCh)).toEqual(cite(onDuck));
      // every source accounted for: rows in = accepted + duplicates + rejected
      for (const a of onCh.accounting)
        expect(a.accepted + a.deduplicated + a.rejected, a.source).toBe(a.rows_in);
      // the canonical values: per column, the values present, distinct texts and sums of numbers and times
      for (const spec of specs) {
        const form = clickHouseForm(spec) as ClickHouseEntity;
        const cols = form.columns.filter(([n]) => !n.startsWith('_'));
        const chAgg = cols.map(([n, t]) =>
          /String/.test(t) ? `uniqExact("${n}")` : /Float/.test(t) ? `sum("${n}")` : `toString(sum("${n}"))`,
        );
        const types = new Map((await duck.describe(spec.name)).map((d) => [d.name, d.type]));
        const duckAgg = cols.map(([n]) => {
          const t = types.get(n) ?? '';
          if (t === 'VARCHAR') return `count(DISTINCT "${n}")`;
          if (t === 'DOUBLE') return `sum("${n}")`;
          if (/TIMESTAMP|DATE/.test(t)) return `CAST(sum(epoch_ms("${n}")) AS VARCHAR)`;
          if (t === 'BOOLEAN') return `CAST(sum(CAST("${n}" AS INTEGER)) AS VARCHAR)`;
          return `CAST(sum("${n}") AS VARCHAR)`;
        });
        const counts = (agg: string[]) =>
          [...cols.map(([n]) => `count("${n}")`), ...agg].map((x, i) => `${x} AS "a${i}"`).join(', ');
        const [c] = await click.query(`SELECT ${counts(chAgg)} FROM ${canonicalRelation(click, spec.name)}`);
        const [d] = await duck.query(`SELECT ${counts(duckAgg)} FROM "${spec.name}"`);
        const norm = (row: Record<string, unknown>) =>
          Object.values(row).map((v) => (v === null ? 0 : typeof v === 'string' ? Number(v) : Number(v)));
        expectClose(norm(c), norm(d), spec.name);
      }
    } finally {
      await click.close();
      await duck.close();
    }
  }, 600_000);
});
