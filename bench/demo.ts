// Benchmark of `gtm demo` as a user runs it (`npx gtm demo` after `npm ci`): the compiled CLI
// (bin/gtm.js → dist/, so run `npm run build` first) in its own process, into a fresh folder, three
// ways: the demo as a user runs it (no dashboard.png unless asked), the demo with the Chromium
// pictures (`--snapshot`, when Chromium is found) and writing the workspace only (--no-run). For each: wall time, CPU time
// (user + system, children included, through /usr/bin/time when it exists), peak RSS, and the
// phases from the run's plan record: before the first stage (start-up and writing the workspace),
// each stage, and after the last one (until the process exits). The load average is printed beside
// the numbers: on a shared machine compare CPU time as well as wall time. No timed assertions.
//
//   npx tsx bench/demo.ts            (GTM_BENCH_REPEAT=3 to repeat each way)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/gtm.js');
const AS_OF = '2026-11-15';
const TIME = '/usr/bin/time';

interface Way {
  name: string;
  args: string[];
  env?: Record<string, string>;
}

const WAYS: Way[] = [
  { name: 'demo', args: [] },
  ...(existsSync(process.env.GTM_CHROMIUM ?? '/usr/bin/chromium')
    ? [{ name: 'demo --snapshot', args: ['--snapshot'] }]
    : []),
  { name: 'demo --no-run', args: ['--no-run'] },
];

interface Measure {
  wall: number;
  cpu?: number;
  rssMb?: number;
  phases: [string, number][];
}

interface PlanTask {
  task_id: string;
  started_at: string;
  ended_at: string;
}

/** Phases from the plan record: before the first stage, each stage (parallel gathers as one), after the last. */
function phases(dir: string, startedMs: number, endedMs: number): [string, number][] {
  const plans = path.join(dir, '.claude/plans');
  if (!existsSync(plans)) return [['workspace written', endedMs - startedMs]];
  const file = readdirSync(plans).filter((f) => f.endsWith('.json'))[0];
  const plan = JSON.parse(readFileSync(path.join(plans, file), 'utf8')) as {
    started_at: string;
    ended_at: string;
    stages: { tasks: PlanTask[] }[];
  };
  const out: [string, number][] = [['before the first stage', Date.parse(plan.started_at) - startedMs]];
  for (const s of plan.stages) {
    const from = Math.min(...s.tasks.map((t) => Date.parse(t.started_at)));
    const to = Math.max(...s.tasks.map((t) => Date.parse(t.ended_at)));
    const ids = s.tasks.map((t) => t.task_id);
    const name = ids.every((id) => id.startsWith('gather_'))
      ? `gather (${ids.length} sources)`
      : ids.join(' ‖ ');
    out.push([name, to - from]);
  }
  out.push(['after the last stage', endedMs - Date.parse(plan.ended_at)]);
  return out;
}

function runOnce(way: Way): Measure {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gtm-bench-demo-'));
  const dir = path.join(tmp, 'demo');
  const argv = [bin, 'demo', dir, '--as-of', AS_OF, ...way.args];
  const timed = existsSync(TIME);
  const started = Date.now();
  const r = timed
    ? spawnSync(TIME, ['-f', 'GTM_BENCH %e %U %S %M', process.execPath, ...argv], {
        env: { ...process.env, ...way.env },
        encoding: 'utf8',
      })
    : spawnSync(process.execPath, argv, { env: { ...process.env, ...way.env }, encoding: 'utf8' });
  const ended = Date.now();
  if (r.status !== 0) throw new Error(`${way.name} failed (${r.status}):\n${r.stderr}`);
  const m: Measure = { wall: (ended - started) / 1000, phases: phases(dir, started, ended) };
  const line = /GTM_BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (line) {
    m.wall = Number(line[1]);
    m.cpu = Number(line[2]) + Number(line[3]);
    m.rssMb = Number(line[4]) / 1024;
  }
  rmSync(tmp, { recursive: true, force: true });
  return m;
}

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const s = (x: number | undefined, digits = 2) => (x === undefined ? '-' : x.toFixed(digits));

if (!existsSync(path.join(root, 'dist/cli-bundle/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const repeat = Math.max(1, Number(process.env.GTM_BENCH_REPEAT ?? 1));
console.log(`gtm demo (as of ${AS_OF}), ${os.cpus().length} cores, load average ${load()}`);
for (const way of WAYS) {
  for (let i = 0; i < repeat; i++) {
    const m = runOnce(way);
    console.log(
      `\n${way.name}: ${s(m.wall)} s wall, ${s(m.cpu)} s CPU, peak RSS ${s(m.rssMb, 0)} MB (load ${load()})`,
    );
    for (const [name, ms] of m.phases) console.log(`  ${(ms / 1000).toFixed(2).padStart(6)} s  ${name}`);
  }
}
