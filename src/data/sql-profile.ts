/**
 * `GTM_PROFILE_SQL=1`: every statement the DuckDB engine runs is written to stderr with its wall
 * time and the process's CPU time over it (DuckDB's worker threads included; statements run one at
 * a time per engine, so that is the statement's own cost plus any JavaScript running meanwhile).
 * `GTM_PROFILE_SQL=full` prints whole statements instead of their first 160 characters. For finding
 * what is slow on one's own data; stdout (and `--json`) is untouched.
 *
 * Whether profiling is on or not, the statements running at a given moment are kept (`inFlight`),
 * so that something watching a run that does not end can say which call it waits on.
 */
const mode = (): string | undefined => process.env.GTM_PROFILE_SQL || undefined;

const running = new Set<{ what: string; since: number }>();

/**
 * The DuckDB calls under way in this process (opening an engine, statements), oldest first, with
 * how long each has run.
 *
 * @example
 * inFlight(); // [{ what: 'SELECT count(*) FROM raw_0', ms: 41230.5 }] while that statement runs
 */
export function inFlight(): { what: string; ms: number }[] {
  const now = performance.now();
  return [...running].map((r) => ({ what: r.what, ms: now - r.since }));
}

/** Runs `work`, listed in `inFlight()` as `what` until it settles. */
export async function tracked<T>(what: string, work: () => Promise<T>): Promise<T> {
  const entry = { what, since: performance.now() };
  running.add(entry);
  try {
    return await work();
  } finally {
    running.delete(entry);
  }
}

/** Runs `work` (tracked as `sql`), and reports it when profiling is on. */
export async function profiled<T>(sql: string, work: () => Promise<T>): Promise<T> {
  const on = mode();
  if (!on) return tracked(sql, work);
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const faults = process.resourceUsage().minorPageFault;
  try {
    return await tracked(sql, work);
  } finally {
    const used = process.cpuUsage(cpu);
    const after = process.resourceUsage();
    const text = on === 'full' ? sql.trim() : sql.replace(/\s+/g, ' ').trim().slice(0, 160);
    process.stderr.write(
      `[sql] ${(performance.now() - wall).toFixed(1)} ms wall, ${((used.user + used.system) / 1000).toFixed(1)} ms cpu (${(used.system / 1000).toFixed(1)} ms system, ${after.minorPageFault - faults} page faults, peak ${Math.round(after.maxRSS / 1024)} MB): ${text}\n`,
    );
  }
}
