/**
 * Narrow tables on ClickHouse (`normalizeEntitiesClickHouse(…, { narrow })`) against DuckDB's
 * (`normalizeEntities(…, { narrow })`) on the demo workspace's clicks, ledger and outcomes, loaded
 * into a ClickHouse server with `gtm engine load` (`runEngineLoad`): the same rows (as a multiset),
 * the same codes and dictionaries, and the hashed columns equal through their text (each engine's
 * hash is mapped back to the value it hashes: `hash()` on DuckDB, `cityHash64` on ClickHouse).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClickHouseServer, startClickHouse } from '../helpers/clickhouse-server.ts';
import { makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runEngineLoad } from '../../src/commands/engine-load/run-engine-load.ts';
import { bindSource, normalizeSettingsOf, sourceSpecOf } from '../../src/commands/kit/workspace-sources.ts';
import { CLICKS_NARROW } from '../../src/commands/optimize-referrals/sql/derive-sql.ts';
import { LEDGER_NARROW } from '../../src/commands/monitor-loyalty/sql/member-summary-sql.ts';
import { loadWorkspace, type WorkspaceConfig } from '../../src/workspace/index.ts';
import { openClickHouse, openDuckDb, type Engine } from '../../src/data/index.ts';
import { loadSource } from '../../src/data/read-source.ts';
import type { EntitySpec } from '../../src/data/entities/entity-spec.ts';
import { entitySpec } from '../../src/data/entities/registry.ts';
import {
  canonicalRelation,
  narrowRelation,
  normalizeEntitiesClickHouse,
} from '../../src/data/entities/normalize-clickhouse.ts';
import {
  normalizeEntities,
  type NarrowSpec,
  type NormalizeResult,
} from '../../src/data/entities/normalize-entities.ts';

const server = findClickHouseServer();
const ENTITIES = ['clicks', 'ledger', 'outcomes'];

/** The commands' own narrow specs, and codes added on columns of each entity (rejected rows' values included). */
const NARROW: Record<string, NarrowSpec> = {
  clicks: { ...CLICKS_NARROW, codes: ['referrer'] },
  ledger: {
    ...LEDGER_NARROW,
    columns: [...LEDGER_NARROW.columns.filter((c) => c !== 'member_id'), '_source'],
    codes: ['member_id'],
  },
  outcomes: {
    table: 'mp_outcomes_in',
    columns: ['occurred_at', 'value', '_source'],
    codes: ['event'],
    hashes: ['user_id'],
  },
};

/** One value as text, whatever the engine's type: numbers to 12 digits, times as epoch ms. */
function text(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (v instanceof Date) return String(v.getTime());
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(12);
  const s = String(v);
  return /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(s) && !/^-?\d+$/.test(s) ? Number(s).toPrecision(12) : s;
}

interface Side {
  result: NormalizeResult;
  /** Per entity: the narrow rows as text, hashes mapped to their values, sorted. */
  rows: Record<string, string[]>;
  /** Per entity and coded column: the dictionary as `code=value` lines in code order. */
  dicts: Record<string, Record<string, string[]>>;
}

async function normalizeOn(engine: Engine, ws: WorkspaceConfig, specs: EntitySpec[]): Promise<Side> {
  const bound = [];
  for (const [i, s] of ws.sources.entries())
    if (ENTITIES.includes(s.entity))
      bound.push(bindSource(s, i, await loadSource(engine, sourceSpecOf(s, ws.baseDir), `raw_${i}`), ws));
  const ch = engine.dialect === 'clickhouse';
  const result = ch
    ? await normalizeEntitiesClickHouse(engine, specs, bound, normalizeSettingsOf(ws), ws.baseDir, {
        narrow: NARROW,
      })
    : await normalizeEntities(engine, specs, bound, normalizeSettingsOf(ws), ws.baseDir, { narrow: NARROW });
  const q = (name: string) => (ch ? `\`${name}\`` : `"${name}"`);
  const side: Side = { result, rows: {}, dicts: {} };
  for (const [entity, n] of Object.entries(NARROW)) {
    const table = result.narrow?.[entity]?.table as string;
    const rel = ch ? narrowRelation(engine, entity) : q(table);
    // each engine's hash back to its text, from the canonical rows of the entity
    const canonical = ch ? canonicalRelation(engine, entity) : q(entity);
    const textOf: Record<string, Map<string, string>> = {};
    for (const c of n.hashes ?? []) {
      const pairs = await engine.query(
        `SELECT DISTINCT ${q(c)} AS v, ${ch ? 'cityHash64' : 'hash'}(${q(c)}) AS h FROM ${canonical}`,
      );
      textOf[c] = new Map(pairs.map((p) => [text(p.h), text(p.v)]));
    }
    const timeCols = new Set(
      ch ? [] : (await engine.describe(table)).filter((d) => /TIMESTAMP/.test(d.type)).map((d) => d.name),
    );
    const cols = [
      ...n.columns.map((c) => (timeCols.has(c) ? `epoch_ms(${q(c)}) AS ${q(c)}` : q(c))),
      ...(n.codes ?? []).map(q),
      ...(n.hashes ?? []).map((c) => q(`${c}_hash`)),
    ];
    const rows = await engine.query(`SELECT ${cols.join(', ')} FROM ${rel}`);
    side.rows[entity] = rows
      .map((r) =>
        [
          ...n.columns.map((c) => `${c}=${text(r[c])}`),
          ...(n.codes ?? []).map((c) => `${c}#${text(r[c])}`),
          ...(n.hashes ?? []).map((c) => {
            const h = text(r[`${c}_hash`]);
            const v = textOf[c].get(h);
            if (v === undefined) throw new Error(`${entity}.${c}_hash ${h} hashes no value of the entity`);
            return `${c}:${v}`;
          }),
        ].join('|'),
      )
      .sort();
    side.dicts[entity] = {};
    for (const c of n.codes ?? []) {
      const d = await engine.query(`SELECT code, value FROM ${q(`${table}_${c}`)} ORDER BY code`);
      side.dicts[entity][c] = d.map((r) => `${text(r.code)}=${text(r.value)}`);
    }
  }
  return side;
}

describe.skipIf(!server && !process.env.CI)('narrow tables on ClickHouse equal DuckDB’s', () => {
  let ch: Awaited<ReturnType<typeof startClickHouse>>;
  let demo: DemoWorkspace;
  let onCh: Side;
  let onDuck: Side;
  let ws: WorkspaceConfig;
  let specs: EntitySpec[];

  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    [ch, demo] = await Promise.all([startClickHouse(), makeDemoWorkspace()]);
    const all = loadWorkspace({ cwd: demo.dir });
    ws = { ...all, sources: all.sources.filter((s) => ENTITIES.includes(s.entity)) };
    await runEngineLoad({
      cwd: demo.dir,
      clickhouse: [ch.url],
      database: 'gtm',
      sources: ws.sources.map((s) => s.name),
    });
    specs = ENTITIES.map((e) => entitySpec(e) as EntitySpec);
    const click = await openClickHouse({ url: ch.url, database: 'gtm' });
    const duck = await openDuckDb();
    try {
      onCh = await normalizeOn(click, ws, specs);
      onDuck = await normalizeOn(duck, ws, specs);
    } finally {
      await click.close();
      await duck.close();
    }
  }, 300_000);
  afterAll(async () => {
    await ch?.stop();
    await demo?.remove();
  });

  it('has the accepted rows only, as many as the accounting says', () => {
    for (const entity of ENTITIES) {
      const accepted = onDuck.result.accounting
        .filter((a) => a.entity === entity)
        .reduce((s, a) => s + a.accepted, 0);
      expect(accepted, entity).toBeGreaterThan(100);
      expect(onCh.result.narrow?.[entity]?.rows, entity).toBe(accepted);
      expect(onCh.rows[entity], entity).toHaveLength(accepted);
      expect(onDuck.rows[entity], entity).toHaveLength(accepted);
    }
    // the demo has rejected or duplicate rows in these entities: the narrow tables must leave them out
    expect(onDuck.result.accounting.some((a) => a.rejected + a.deduplicated > 0)).toBe(true);
    expect(onCh.result.accounting).toEqual(onDuck.result.accounting);
  });

  it('has the same rows: columns as normalized, codes, and hashes through their text', () => {
    for (const entity of ENTITIES) {
      const [a, b] = [onCh.rows[entity], onDuck.rows[entity]];
      const diff = a.filter((r, i) => r !== b[i]).slice(0, 3);
      expect(diff, entity).toEqual([]);
    }
  });

  it('stops when two distinct values share a hash (a 3-bit hash forces it), naming the column', async () => {
    const click = await openClickHouse({ url: ch.url, database: 'gtm' });
    try {
      const bound = [];
      for (const [i, s] of ws.sources.entries())
        bound.push(bindSource(s, i, await loadSource(click, sourceSpecOf(s, ws.baseDir), `raw_${i}`), ws));
      const run = normalizeEntitiesClickHouse(click, specs, bound, normalizeSettingsOf(ws), ws.baseDir, {
        narrow: { ledger: LEDGER_NARROW },
        hash: (x) => `cityHash64(${x}) % 8`,
      });
      await expect(run).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(
          /^narrow table lm_ledger_in: \d+ distinct values of ledger\.entry_id have 8 distinct 64-bit hashes/,
        ),
      });
    } finally {
      await click.close();
    }
  }, 120_000);

  it('has the same dictionaries: dense codes 0 … n − 1 in the byte order of the values', () => {
    for (const entity of ENTITIES)
      for (const [column, lines] of Object.entries(onDuck.dicts[entity])) {
        expect(onCh.dicts[entity][column], `${entity}.${column}`).toEqual(lines);
        expect(lines.length, `${entity}.${column}`).toBeGreaterThan(1);
        const values = lines.map((l) => l.slice(l.indexOf('=') + 1));
        expect(lines.map((l) => Number(l.slice(0, l.indexOf('='))))).toEqual(values.map((_, i) => i));
        // byte order, independently: sorted as UTF-8 bytes
        const bytes = [...values].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
        expect(values, `${entity}.${column}`).toEqual(bytes);
      }
  });
});
