// `npx tsx bench/normalize-entities.ts [rows] [--dirty] [--materialize memory|disk] [--threads N] [--memory-limit 4GB]`:
// the kit's generic normalize stage (load → typed canonical rows → dedupe → accounting) on a typed
// Parquet source, then the three aggregate queries a command might run over the canonical entity,
// each beside its floor: the same work straight on the Parquet file. `--dirty` uses a copy with
// rejected rows (1 in 10,000) and duplicated ones (1 in 10,000); `--materialize` also copies the
// canonical rows into a table (in memory, or a temporary database file) and reruns the queries on
// it, which is what staging the rows once would cost and save. CPU is user + system of the whole
// process (DuckDB's threads included); wall follows the machine's load.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSource, normalizeEntities, openDuckDb, typedEntity } from '../src/data/index.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const dirty = args.includes('--dirty') ? (args.splice(args.indexOf('--dirty'), 1), true) : false;
const materialize = flag('--materialize');
const threads = flag('--threads');
const memoryLimit = flag('--memory-limit');
const rows = Number(args[0] ?? 10_000_000);
mkdirSync('bench-data', { recursive: true });
const file = path.resolve('bench-data', `ledger-${dirty ? 'dirty-' : ''}${rows}.parquet`);
const engine = await openDuckDb({
  threads: threads ? Number(threads) : undefined,
  memoryLimit,
  tempDirectory: memoryLimit ? path.join(os.tmpdir(), 'gtm-duckdb-spill') : undefined,
});
if (!existsSync(file)) {
  const clean = `SELECT 'M' || (i % 1000000) AS member_id, TIMESTAMP '2026-01-01' + INTERVAL (i % 31536000) SECOND AS occurred_at,
    CASE i % 4 WHEN 0 THEN 'earn' WHEN 1 THEN 'redeem' WHEN 2 THEN 'expire' ELSE 'adjust' END AS type,
    (i % 500)::DOUBLE AS points, 'O' || i AS order_id FROM range(${rows}) t(i)`;
  // dirty: a missing points value in 1 row of 10,000, and 1 row of 10,000 sent twice
  const rowsSql = dirty
    ? `SELECT * REPLACE (CASE WHEN hash(order_id) % 10000 = 7 THEN NULL ELSE points END AS points) FROM (${clean})
       UNION ALL SELECT * FROM (${clean}) WHERE hash(order_id) % 10000 = 3`
    : clean;
  await engine.exec(`COPY (${rowsSql}) TO '${file}' (FORMAT parquet)`);
}
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

/** Wall and CPU seconds of one step. */
async function timed<T>(step: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = await step();
  const used = process.cpuUsage(c);
  return { value, wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}
const fmt = (x: { wall: number; cpu: number }) => `${x.cpu.toFixed(2)} s CPU (${x.wall.toFixed(2)} s wall)`;

// three aggregates a command runs after normalize: totals, a breakdown by a token, one row per member
const queries = (from: string, member: string) => [
  `SELECT count(*) AS n, sum(points) AS points, max(occurred_at) AS last FROM ${from}`,
  `SELECT type, count(*) AS n, sum(points) AS points FROM ${from} GROUP BY type`,
  `SELECT count(*) AS members, sum(n) AS n FROM (SELECT ${member} AS m, count(*) AS n, max(occurred_at) AS last FROM ${from} GROUP BY m)`,
];
async function scans(from: string, member: string) {
  const out: { wall: number; cpu: number }[] = [];
  for (const q of queries(from, member)) out.push(await timed(() => engine.query(q)));
  return { each: out, cpu: out.reduce((s, x) => s + x.cpu, 0), wall: out.reduce((s, x) => s + x.wall, 0) };
}

const parquet = `read_parquet('${file}')`;
const floor = await timed(() =>
  engine.query(
    `SELECT count(*), min(member_id), max(occurred_at), min(type), sum(points), max(order_id) FROM ${parquet}`,
  ),
);
const floorScans = await scans(parquet, 'lower(member_id)');
const load = await timed(() => loadSource(engine, { name: 'ledger', kind: 'file', path: file }, 'raw_0'));
const norm = await timed(() =>
  normalizeEntities(
    engine,
    [ledger],
    [
      {
        load: load.value,
        binding: {
          source: 'ledger',
          entity: 'ledger',
          priority: 1,
          rawTable: load.value.table,
          columns: Object.fromEntries(ledger.columns.map((c) => [c, c])),
          columnTypes: Object.fromEntries(load.value.columns.map((c) => [c.name, c.type])),
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
  ),
);
const later = await scans('ledger', 'member_id');
const [a] = norm.value.accounting;
console.log(
  `${a.rows_in.toLocaleString('en-US')} rows${dirty ? ' (dirty)' : ''}: accepted ${a.accepted}, deduplicated ${a.deduplicated}, rejected ${a.rejected}
  floor, one scan of every column:   ${fmt(floor)}
  load:                              ${fmt(load)}
  normalize + dedupe + accounting:   ${fmt(norm)}
  3 aggregates on the canonical entity: ${fmt(later)} [${later.each.map((x) => x.cpu.toFixed(2)).join(' + ')} s CPU]
  the same 3 on the Parquet file:    ${fmt(floorScans)} [${floorScans.each.map((x) => x.cpu.toFixed(2)).join(' + ')} s CPU]`,
);
if (materialize) {
  let target = 'ledger_copy';
  let dbFile: string | undefined;
  if (materialize === 'disk') {
    dbFile = path.join(os.tmpdir(), `gtm-bench-stage-${process.pid}.duckdb`);
    await engine.exec(`ATTACH '${dbFile}' AS stage`);
    target = 'stage.ledger_copy';
  }
  const copy = await timed(() => engine.exec(`CREATE TABLE ${target} AS SELECT * FROM ledger`));
  const onCopy = await scans(target, 'member_id');
  const [size] = await engine.query<{ memory_usage: string; database_size: string }>(
    `SELECT memory_usage, database_size FROM pragma_database_size() WHERE database_name = '${materialize === 'disk' ? 'stage' : 'memory'}'`,
  );
  console.log(
    `  copy into a table (${materialize}):     ${fmt(copy)}, ${materialize === 'disk' ? `file ${size.database_size}` : `memory ${size.memory_usage}`}
  3 aggregates on the copy:          ${fmt(onCopy)} [${onCopy.each.map((x) => x.cpu.toFixed(2)).join(' + ')} s CPU]`,
  );
  if (dbFile) {
    await engine.exec('DETACH stage');
    rmSync(dbFile, { force: true });
    rmSync(`${dbFile}.wal`, { force: true });
  }
}
console.log(`  peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
await engine.close();
