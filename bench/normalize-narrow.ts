// `npx tsx bench/normalize-narrow.ts <workspace dir> <entity> <arrangement> [--columns a,b] [--codes c,d] [--hashes e]
//   [--unchecked e] [--computed 'name=sql;…'] [--threads N]`:
// the kit's normalize of one entity of a command bench's workspace, and a narrow table of the
// columns a command needs from it, in one of two arrangements (run each in its own process):
//   view    normalize (one check pass), then the command's read: CREATE TABLE … AS SELECT the
//           columns FROM the canonical view (a second read of the source), codes as the command
//           would make them (dictionary of the table, then the column rewritten)
//   narrow  normalize writing the narrow table from its check pass (`NormalizeOptions.narrow`)
//   none    normalize alone (no narrow table, no read): an entity a command reads through its view
// Prints CPU (user + system of the process, DuckDB's threads included) and wall of each step,
// the rows of the narrow table and the entity's accounting, and peak RSS.
import path from 'node:path';
import {
  entitySpec,
  loadSource,
  normalizeEntities,
  openDuckDb,
  quoteIdent as ident,
  type NarrowSpec,
} from '../src/data/index.ts';
import { bindSource, normalizeSettingsOf, sourceSpecOf } from '../src/commands/kit/workspace-sources.ts';
import { loadWorkspace } from '../src/workspace/index.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const list = (x: string | undefined) => (x ? x.split(',').filter(Boolean) : []);
const columns = list(flag('--columns'));
const codes = list(flag('--codes'));
const hashes = list(flag('--hashes'));
const unchecked = list(flag('--unchecked'));
// --computed 'name=sql;name2=sql2': columns the pass computes (NarrowSpec.computed, `s.` the staged row)
const computed = Object.fromEntries(
  (flag('--computed') ?? '')
    .split(';')
    .filter(Boolean)
    .map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]),
);
const threads = flag('--threads');
// --sql N: print the full text of the N costliest statements (default: their first 150 characters)
const fullSql = Number(flag('--sql') ?? 0);
const [dir, entity, arrangement = 'narrow'] = args;
if (!dir || !entity || !['view', 'narrow', 'none'].includes(arrangement)) {
  console.error(
    'usage: bench/normalize-narrow.ts <workspace dir> <entity> view|narrow|none [--columns …] [--codes …] [--hashes …]',
  );
  process.exit(2);
}
const ws = loadWorkspace({ cwd: path.resolve(dir) });
const engine = await openDuckDb({
  threads: threads ? Number(threads) : undefined,
  memoryLimit: ws.engine.kind === 'duckdb' ? ws.engine.memory_limit : undefined,
});
// the CPU of each statement, printed costliest first
const statements: { sql: string; cpu: number; wall: number }[] = [];
for (const method of ['exec', 'query'] as const) {
  const original = engine[method].bind(engine) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
  (engine as unknown as Record<string, unknown>)[method] = async (sql: string, ...rest: unknown[]) => {
    const t = performance.now();
    const c = process.cpuUsage();
    try {
      return await original(sql, ...rest);
    } finally {
      const used = process.cpuUsage(c);
      statements.push({ sql, cpu: (used.user + used.system) / 1e6, wall: (performance.now() - t) / 1000 });
    }
  };
}
const spec = entitySpec(entity);
if (!spec) throw new Error(`unknown entity ${entity}`);

async function timed<T>(step: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = await step();
  const used = process.cpuUsage(c);
  return { value, wall: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}
const fmt = (x: { wall: number; cpu: number }) => `${x.cpu.toFixed(2)} s CPU (${x.wall.toFixed(2)} s wall)`;

const sources = ws.sources.map((src, index) => ({ src, index })).filter((x) => x.src.entity === entity);
const load = await timed(async () => {
  const out = [];
  for (const { src, index } of sources)
    out.push(
      bindSource(src, index, await loadSource(engine, sourceSpecOf(src, ws.baseDir), `raw_${index}`), ws),
    );
  return out;
});
const narrow: NarrowSpec = {
  table: `narrow_${entity}`,
  columns,
  codes,
  hashes,
  ...(unchecked.length ? { unchecked } : {}),
  ...(Object.keys(computed).length ? { computed } : {}),
};
const norm = await timed(() =>
  normalizeEntities(
    engine,
    [spec],
    load.value,
    normalizeSettingsOf(ws),
    ws.baseDir,
    arrangement === 'narrow' ? { narrow: { [entity]: narrow } } : {},
  ),
);
let read: { wall: number; cpu: number } | undefined;
if (arrangement === 'view') {
  read = await timed(async () => {
    const t = ident(narrow.table);
    const cols = [
      ...[...columns, ...codes].map((c) => ident(c)),
      ...hashes.map((c) => `hash(${ident(c)}) AS ${ident(`${c}_hash`)}`),
    ];
    await engine.exec(`CREATE OR REPLACE TABLE ${t} AS SELECT ${cols.join(', ')} FROM ${ident(entity)}`);
    for (const c of codes) {
      const dict = ident(`${narrow.table}_${c}`);
      await engine.exec(
        `CREATE OR REPLACE TABLE ${dict} AS SELECT CAST(row_number() OVER (ORDER BY value) - 1 AS UINTEGER) AS code, value
         FROM (SELECT DISTINCT ${ident(c)} AS value FROM ${t} WHERE ${ident(c)} IS NOT NULL)`,
      );
      await engine.exec(`CREATE TYPE codes_${c} AS ENUM (SELECT value FROM ${dict} ORDER BY code)`);
      await engine.exec(
        `ALTER TABLE ${t} ALTER ${ident(c)} SET DATA TYPE UINTEGER USING CAST(enum_code(CAST(${ident(c)} AS codes_${c})) AS UINTEGER)`,
      );
    }
  });
}
const [{ n }] = await engine.query<{ n: number }>(
  `SELECT count(*) AS n FROM ${ident(arrangement === 'none' ? entity : narrow.table)}`,
);
const a = norm.value.accounting;
console.log(
  `${entity} (${arrangement}; columns ${columns.join(',') || '-'}; codes ${codes.join(',') || '-'}; hashes ${hashes.join(',') || '-'})
  accounting: ${a.map((x) => `${x.source} in ${x.rows_in} accepted ${x.accepted} deduplicated ${x.deduplicated} rejected ${x.rejected}`).join('; ')}
  ${arrangement === 'none' ? 'canonical' : 'narrow table'} rows: ${Number(n)}
  load:       ${fmt(load)}
  normalize:  ${fmt(norm)}${read ? `\n  command read through the view: ${fmt(read)}` : ''}
  total:      ${fmt({ cpu: norm.cpu + (read?.cpu ?? 0), wall: norm.wall + (read?.wall ?? 0) })}
  peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
);
for (const [i, x] of [...statements]
  .sort((p, q) => q.cpu - p.cpu)
  .slice(0, 8)
  .entries())
  console.log(
    `  ${x.cpu.toFixed(2)} s CPU ${x.wall.toFixed(2)} s wall  ${x.sql.replace(/\s+/g, ' ').slice(0, i < fullSql ? undefined : 150)}`,
  );
await engine.close();
