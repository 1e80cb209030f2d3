/**
 * `GTM_PROFILE_SQL=1`: every statement the DuckDB engine runs is written to stderr with its wall
 * time and the process's CPU time over it (DuckDB's worker threads included; statements run one at
 * a time per engine, so that is the statement's own cost plus any JavaScript running meanwhile).
 * `GTM_PROFILE_SQL=full` prints whole statements instead of their first 160 characters. For finding
 * what is slow on one's own data; stdout (and `--json`) is untouched.
 */
const mode = (): string | undefined => process.env.GTM_PROFILE_SQL || undefined;

/** Runs `work`, and reports it when profiling is on. */
export async function profiled<T>(sql: string, work: () => Promise<T>): Promise<T> {
  const on = mode();
  if (!on) return work();
  const wall = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await work();
  } finally {
    const used = process.cpuUsage(cpu);
    const text = on === 'full' ? sql.trim() : sql.replace(/\s+/g, ' ').trim().slice(0, 160);
    process.stderr.write(
      `[sql] ${(performance.now() - wall).toFixed(1)} ms wall, ${((used.user + used.system) / 1000).toFixed(1)} ms cpu: ${text}\n`,
    );
  }
}
