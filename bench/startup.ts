/**
 * Start-up of the compiled CLI (issue 9): `gtm --help`, and for each workspace command the time
 * from spawning `node bin/gtm.js` to the start of the plan's first task (read from the plan JSON
 * the run writes), in the demo workspace. Best of GTM_BENCH_REPEAT runs (default 5).
 *
 *   npm run build && npx tsx bench/startup.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/gtm.js');
const repeat = Number(process.env.GTM_BENCH_REPEAT ?? 5);
const AS_OF = '2026-11-15';

const LINES: Record<string, string[]> = {
  'track-source': ['track-source', '--campaign', 'AI Launch Tour', '--window', '30d'],
  'define-events': [
    'define-events',
    '--use-case',
    'pipeline velocity',
    '--sources',
    'product,crm',
    '--tools',
    'Segment,dbt',
  ],
  'optimize-referrals': ['optimize-referrals', '--window', '30d'],
  'monitor-loyalty': ['monitor-loyalty', '--window', '30d'],
  'monitor-personalization': ['monitor-personalization', '--initiative', 'PLG Onboarding', '--window', '14d'],
};

function run(args: string[], cwd: string): { wallMs: number; startMs: number } {
  const start = Date.now();
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GTM_SNAPSHOT: 'never' },
  });
  const wallMs = performance.now() - t;
  if (r.status !== 0 && r.status !== 5 && r.status !== 10)
    throw new Error(`gtm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wallMs, startMs: start };
}

/** Milliseconds from spawn to the first task's start, from the newest plan of the workspace. */
function firstTaskDelay(ws: string, spawnedAt: number): number {
  const dir = path.join(ws, '.claude/plans');
  const newest = readdirSync(dir).sort().pop()!;
  const plan = JSON.parse(readFileSync(path.join(dir, newest), 'utf8')) as {
    stages: { tasks: { started_at?: string }[] }[];
  };
  const starts = plan.stages
    .flatMap((s) => s.tasks.map((t) => t.started_at))
    .filter((x): x is string => Boolean(x))
    .map((x) => Date.parse(x));
  return Math.min(...starts) - spawnedAt;
}

if (!existsSync(path.join(root, 'dist'))) throw new Error('run `npm run build` first');
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; best of ${repeat}`,
);
const help = Math.min(...Array.from({ length: repeat }, () => run(['--help'], root).wallMs));
console.log(`gtm --help: ${(help / 1000).toFixed(3)} s (target ≤ 0.15 s)`);

const ws = path.join(mkdtempSync(path.join(tmpdir(), 'gtm-startup-')), 'demo');
run(['demo', ws, '--no-run', '--as-of', AS_OF], root);
for (const [name, argv] of Object.entries(LINES)) {
  const delays: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const r = run([...argv, '--as-of', AS_OF, '--json'], ws);
    delays.push(firstTaskDelay(ws, r.startMs));
    walls.push(r.wallMs);
  }
  console.log(
    `${name.padEnd(24)} start-up (spawn → first stage) ${(Math.min(...delays) / 1000).toFixed(3)} s (target ≤ 0.3 s); whole run ${(Math.min(...walls) / 1000).toFixed(2)} s`,
  );
}
