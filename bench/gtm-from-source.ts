// `gtm` from the TypeScript sources (through tsx), for benchmarks of a change before `npm run build`:
// `GTM_BENCH_FROM_SOURCE=1 npm run bench clickhouse-scale 1M`.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
