// Preloaded into a benchmarked `gtm` process (`node --import bench/rusage-preload.mjs bin/gtm.js …`):
// at exit, writes the process's CPU times and peak RSS to the file GTM_BENCH_RUSAGE names, so a
// benchmark can measure the CLI as a user runs it (the parent times the wall clock).
import { writeFileSync } from 'node:fs';

const out = process.env.GTM_BENCH_RUSAGE;
if (out)
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({ user_ms: u.userCPUTime / 1000, system_ms: u.systemCPUTime / 1000, max_rss_kb: u.maxRSS }),
    );
  });
