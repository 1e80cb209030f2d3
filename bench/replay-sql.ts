/**
 * Replays a command's DuckDB statements from a `GTM_PROFILE_SQL=full` log in a fresh in-memory
 * DuckDB (2 threads), up to a line of the log, then times the statements of a variants file on that
 * state: the way to try a rewrite of one statement on real data without re-running the command.
 *
 *   GTM_PROFILE_SQL=full gtm optimize-referrals … 2> /tmp/log.txt
 *   grep -n 'TABLE ref_referrals AS' /tmp/log.txt          # the line to stop before
 *   npx tsx bench/replay-sql.ts /tmp/log.txt 247 variants.sql
 *
 * `variants.sql`: statements separated by a semicolon at the end of a line, run in order; alternate
 * the old and new forms (A, B, A, B) since this machine's speed moves between runs. Each prints its
 * wall and CPU time (the process's: DuckDB's threads and this one) and the first rows it returns.
 * `REPLAY_FULL=1` prints every row whole, one value a line (for `EXPLAIN ANALYZE` variants).
 * Statements of the log that fail are reported and skipped. Rows the command appended from
 * JavaScript (the log's `-- append n rows to t` lines) are not in the log: those tables stay empty,
 * so replay up to a statement before the first such append when a variant depends on them.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [log, upto, variants] = process.argv.slice(2);
if (!log || !upto) {
  console.error(
    'usage: npx tsx bench/replay-sql.ts <GTM_PROFILE_SQL=full log> <line to stop before> [variants.sql]',
  );
  process.exit(2);
}

/** The log's statements with the line each starts on; other stderr lines end a statement. */
function statements(text: string): { line: number; sql: string }[] {
  const out: { line: number; sql: string | null }[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const m = /^\[sql\] [0-9.]+ ms wall, [0-9.]+ ms cpu(?: \([^)]*\))?: (.*)$/.exec(l);
    if (m) out.push({ line: i + 1, sql: m[1] });
    else if (l.startsWith('[') || l === '') out.push({ line: i + 1, sql: null });
    else if (out.length && out[out.length - 1].sql !== null) out[out.length - 1].sql += '\n' + l;
  });
  return out.filter((s): s is { line: number; sql: string } => s.sql !== null && !s.sql.startsWith('-- '));
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
let replayed = 0;
for (const s of statements(readFileSync(log, 'utf8'))) {
  if (s.line >= Number(upto)) break;
  try {
    await con.run(s.sql);
    replayed++;
  } catch (err) {
    console.error(`line ${s.line}: ${String(err).slice(0, 200)}`);
  }
}
console.error(`replayed ${replayed} statements before line ${upto}`);
if (variants) {
  const parts = readFileSync(variants, 'utf8')
    .split(/;\s*\n/)
    .map((x) => x.trim())
    .filter(Boolean);
  for (const sql of parts) {
    const t = performance.now();
    const c = cpuMs();
    const rows = (await con.runAndReadAll(sql)).getRowObjects();
    console.log(
      `${(performance.now() - t).toFixed(0)} ms wall, ${(cpuMs() - c).toFixed(0)} ms CPU: ${sql.slice(0, 100).replace(/\s+/g, ' ')} → ${process.env.REPLAY_FULL ? rows.map((r) => Object.values(r).join('\n')).join('\n') : json(rows.slice(0, 3)).slice(0, 200)}`,
    );
  }
}
con.closeSync();
instance.closeSync();
