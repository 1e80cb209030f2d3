// The work of one `gtm attribute` run after start-up, in its own process: loading the command's
// modules, running it and serializing its JSON result, as the CLI does, timed apart so the start-up
// of the `gtm` binary (tsx today) does not hide the command's own time.
import { performance } from 'node:perf_hooks';

const [kind, file, model] = process.argv.slice(2);
const t0 = performance.now();
const { runAttribute, runAttributeTouchpoints } = await import('../src/commands/attribute/index.ts');
const t1 = performance.now();
const result =
  kind === 'touchpoints'
    ? await runAttributeTouchpoints({ touchpoints: file, model })
    : await runAttribute({ paths: file, model });
const t2 = performance.now();
const json = JSON.stringify(result, null, 2);
const t3 = performance.now();
console.log(
  JSON.stringify({
    import_ms: t1 - t0,
    run_ms: t2 - t1,
    json_ms: t3 - t2,
    json_bytes: json.length,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }),
);
