// `npx tsx bench/normalize-entities.ts [rows]`: the kit's generic normalize stage (load → typed
// canonical rows → dedupe → accounting) on a typed Parquet source, with one scan as the floor.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadSource, normalizeEntities, openDuckDb, typedEntity } from '../src/data/index.ts';

const rows = Number(process.argv[2] ?? 10_000_000);
const file = path.resolve('bench-data', `ledger-${rows}.parquet`);
const engine = await openDuckDb();
if (!existsSync(file))
  await engine.exec(`COPY (SELECT 'M' || (i % 1000000) AS member_id, TIMESTAMP '2026-01-01' + INTERVAL (i % 31536000) SECOND AS occurred_at,
    CASE i % 4 WHEN 0 THEN 'earn' WHEN 1 THEN 'redeem' WHEN 2 THEN 'expire' ELSE 'adjust' END AS type,
    (i % 500)::DOUBLE AS points, 'O' || i AS order_id FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`);
const ledger = typedEntity({
  name: 'ledger',
  description: 'bench',
  columns: {
    member_id: { kind: 'key', required: true },
    occurred_at: { kind: 'timestamp', required: true },
    type: { kind: 'token', required: true, values: ['earn', 'redeem', 'expire', 'adjust', 'pending'] },
    points: { kind: 'number', required: true },
    order_id: { kind: 'id' },
  },
  dedupe: { keys: ['member_id', 'occurred_at', 'type', 'points', 'order_id'] },
});
let t = performance.now();
const [{ n }] = await engine.query<{ n: number }>(
  `SELECT count(*) AS n FROM read_parquet('${file}') WHERE points >= 0`,
);
const floor = performance.now() - t;
t = performance.now();
const load = await loadSource(engine, { name: 'ledger', kind: 'file', path: file }, 'raw_0');
const loadMs = performance.now() - t;
t = performance.now();
const result = await normalizeEntities(
  engine,
  [ledger],
  [
    {
      load,
      binding: {
        source: 'ledger',
        entity: 'ledger',
        priority: 1,
        rawTable: load.table,
        columns: Object.fromEntries(ledger.columns.map((c) => [c, c])),
        columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
        defaultCurrency: 'USD',
      },
    },
  ],
  {
    reportingCurrency: 'USD',
    ratesTable: 'fx',
    rates: [],
    partnerAliases: {},
    utmAliases: { source: {}, medium: {}, campaign: {} },
    channelRules: [],
    channelDefault: 'x',
    stageMapping: {},
    dedupe: {},
  },
  process.cwd(),
);
const normMs = performance.now() - t;
console.log(
  `${Number(n).toLocaleString('en-US')} rows: floor (one scan) ${(floor / 1000).toFixed(2)} s, load ${(loadMs / 1000).toFixed(2)} s, normalize+dedupe ${(normMs / 1000).toFixed(2)} s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; accepted ${result.accounting[0].accepted}`,
);
await engine.close();
