/**
 * Benchmark of the whole `gtm attribute` command, as a user runs it (wall time and peak RSS of the
 * process, start-up included), on inputs of the sizes in issue 9:
 *
 *   npx tsx bench/attribute-paths.ts [paths|touchpoints]
 *
 * - paths: seeded ChannelAttribution-format summaries of 1M and 5M journeys (≈ 240k and ≈ 970k
 *   distinct paths), `--model markov`, `--model linear` and `--model compare`, with where the
 *   time goes in-process (parse, prepare, models) and, when R and the ChannelAttribution package
 *   are installed, its `markov_model` at defaults on the same files (whole Rscript process);
 * - touchpoints: 10M touches, `--touchpoints --model markov` against one DuckDB sort of the same
 *   rows, each in its own process, interleaved so both see the same machine load.
 *
 * Every figure is the best of GTM_BENCH_REPEAT runs (default 3). Environment:
 * GTM_BENCH_JOURNEYS (default 1000000,5000000), GTM_BENCH_TOUCHES (default 10000000),
 * GTM_BENCH_R_LIBS (library folder holding ChannelAttribution, if not in R's own).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb } from '../src/data/index.ts';
import { ensureTouchData } from './attribution-data.ts';
import { ensurePathSummary } from './attribution-paths-data.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'bench-data');
const repeat = Number(process.env.GTM_BENCH_REPEAT ?? 3);
const only = process.argv[2];
const TIME = '/usr/bin/time';
const s = (ms: number) => (ms / 1000).toFixed(2);

interface Run {
  wall_ms: number;
  rss_mb: number | null;
}

/** Wall time and peak RSS of one process (RSS through /usr/bin/time when it is there). */
function timeProcess(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Run & { stdout: string } {
  const withTime = existsSync(TIME);
  const t = performance.now();
  const out = withTime
    ? spawnSync(TIME, ['-f', 'GTM_BENCH_RSS_KB=%M', cmd, ...args], {
        encoding: 'utf8',
        env,
        maxBuffer: 1 << 28,
      })
    : spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  const wall = performance.now() - t;
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${out.stderr}`);
  const kb = /GTM_BENCH_RSS_KB=(\d+)/.exec(out.stderr ?? '');
  return { wall_ms: wall, rss_mb: kb ? Number(kb[1]) / 1024 : null, stdout: out.stdout };
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.wall_ms < a.wall_ms ? b : a));
}

const gtm = (args: string[]) => timeProcess(process.execPath, [path.join(root, 'bin/gtm.js'), ...args]);
const rss = (r: Run) => (r.rss_mb === null ? 'n/a' : `${Math.round(r.rss_mb)} MB`);

const startup = best(Array.from({ length: repeat }, () => gtm(['--help'])));
console.log(`gtm --help (start-up): ${s(startup.wall_ms)} s, peak RSS ${rss(startup)}`);

if (!only || only === 'paths') {
  const sizes = (process.env.GTM_BENCH_JOURNEYS ?? '1000000,5000000').split(',').map(Number);
  const rLibs = process.env.GTM_BENCH_R_LIBS;
  const rEnv = rLibs ? { ...process.env, R_LIBS: rLibs } : process.env;
  const haveR =
    spawnSync('Rscript', ['-e', 'suppressMessages(library(ChannelAttribution))'], { env: rEnv }).status === 0;
  const rScript = path.join(mkdtempSync(path.join(tmpdir(), 'gtm-bench-')), 'markov.R');
  // ChannelAttribution's markov_model at its defaults (order 1, nsim_start 1e5, …); read.csv as a user would.
  writeFileSync(
    rScript,
    [
      'args <- commandArgs(trailingOnly = TRUE)',
      'suppressMessages(library(ChannelAttribution))',
      't0 <- Sys.time()',
      'Data <- read.csv(args[1], sep = ";", stringsAsFactors = FALSE)',
      't1 <- Sys.time()',
      'res <- markov_model(Data, "path", "total_conversions", var_value = "total_conversion_value", var_null = "total_null", verbose = FALSE, flg_adv = FALSE)',
      't2 <- Sys.time()',
      'cat(sprintf("GTM_BENCH_R read_ms=%.0f model_ms=%.0f\\n", 1000 * as.numeric(t1 - t0, units = "secs"), 1000 * as.numeric(t2 - t1, units = "secs")))',
    ].join('\n'),
  );
  console.log(
    '\nPath summaries (ChannelAttribution format, 12 channels), whole `gtm attribute --paths` command:',
  );
  for (const journeys of sizes) {
    const file = ensurePathSummary(dataDir, journeys);
    const inProcess = JSON.parse(
      execFileSync(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'bench/attribution-paths-run.ts'), file, 'markov,linear'],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n')
        .pop()!,
    );
    console.log(
      `  ${journeys.toLocaleString('en-US')} journeys, ${inProcess.paths.toLocaleString('en-US')} paths, ` +
        `${(inProcess.bytes / 1e6).toFixed(0)} MB: read ${s(inProcess.read_ms)} s, parse ${s(inProcess.parse_ms)} s, ` +
        `prepare ${s(inProcess.prepare_ms)} s, markov ${s(inProcess.models.markov)} s, linear ${s(inProcess.models.linear)} s ` +
        `(in one process, peak RSS ${Math.round(inProcess.peak_rss_mb)} MB)`,
    );
    const whole: Record<string, Run> = {};
    for (const model of ['markov', 'linear', 'compare']) {
      whole[model] = best(
        Array.from({ length: repeat }, () => gtm(['attribute', '--paths', file, '--model', model, '--json'])),
      );
      console.log(
        `    --model ${model.padEnd(7)} whole ${s(whole[model].wall_ms)} s (${s(whole[model].wall_ms - startup.wall_ms)} s after start-up), peak RSS ${rss(whole[model])}`,
      );
    }
    if (haveR) {
      const runs = Array.from({ length: repeat }, () => {
        const r = timeProcess('Rscript', [rScript, file], rEnv);
        const m = /read_ms=(\d+) model_ms=(\d+)/.exec(r.stdout);
        return { ...r, read_ms: Number(m?.[1]), model_ms: Number(m?.[2]) };
      });
      const peer = runs.reduce((a, b) => (b.wall_ms < a.wall_ms ? b : a));
      console.log(
        `    ChannelAttribution markov_model (R, defaults): whole ${s(peer.wall_ms)} s (read.csv ${s(peer.read_ms)} s, model ${s(peer.model_ms)} s), ` +
          `peak RSS ${rss(peer)}; gtm markov / peer ${(whole.markov.wall_ms / peer.wall_ms).toFixed(2)}×`,
      );
    } else {
      console.log('    (ChannelAttribution not installed: set GTM_BENCH_R_LIBS to compare with it)');
    }
  }
}

if (!only || only === 'touchpoints') {
  const touches = Number(process.env.GTM_BENCH_TOUCHES ?? 10_000_000);
  const engine = await openDuckDb();
  const file = await ensureTouchData(engine, dataDir, touches);
  await engine.close();
  const pairs = Array.from({ length: repeat }, () => {
    const sort = timeProcess(process.execPath, [
      '--import',
      'tsx',
      path.join(root, 'bench/attribution-sort.ts'),
      file,
    ]);
    const sortMs = JSON.parse(sort.stdout.trim()).sort_ms as number;
    const cmd = gtm(['attribute', '--touchpoints', file, '--model', 'markov', '--json']);
    return { sortMs, cmd };
  });
  const sortMs = Math.min(...pairs.map((p) => p.sortMs));
  const cmd = best(pairs.map((p) => p.cmd));
  const ratios = pairs.map((p) => p.cmd.wall_ms / p.sortMs).sort((a, b) => a - b);
  console.log(
    `\nTouch log, ${touches.toLocaleString('en-US')} touches: whole \`gtm attribute --touchpoints --model markov\` ${s(cmd.wall_ms)} s ` +
      `(${s(cmd.wall_ms - startup.wall_ms)} s after start-up), peak RSS ${rss(cmd)}; one DuckDB sort ${s(sortMs)} s; ` +
      `whole / sort ${(cmd.wall_ms / sortMs).toFixed(2)}× (per pair: ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
  );
}
