/**
 * Benchmark: validate 1M Segment messages from an NDJSON file against a tracking plan.
 *
 *   npx tsx bench/events-validate.ts [count] [workers]
 *
 * Generates a seeded stream (the draft plan of all eight use cases, ~1% planted violations) to a
 * temporary file, then times `validateEventsFile` on it and prints wall time, events/s and peak
 * RSS. The planted counts are checked against the report, so a fast but wrong run fails.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  USE_CASE_TEMPLATES,
  VIOLATION_TYPES,
  createPayloadGenerator,
  draftPlan,
  useCaseRequirements,
} from '../src/analyses/instrumentation/index.ts';
import { validateEventsFile } from '../src/commands/events/index.ts';

const count = Number(process.argv[2] ?? 1_000_000);
const workers = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const plan = draftPlan(useCaseRequirements(USE_CASE_TEMPLATES.map((t) => t.id)), {
  name: 'Benchmark plan',
  version: '2-1-0',
  regulations: ['GDPR'],
});
const per = Math.floor(count / 1000);
const gen = createPayloadGenerator({
  plan,
  seed: 20240301,
  count,
  plant: Object.fromEntries(VIOLATION_TYPES.map((t) => [t, per])),
});

const dir = mkdtempSync(join(tmpdir(), 'gtm-bench-'));
const file = join(dir, 'events.ndjson');
const t0 = performance.now();
const fd = openSync(file, 'w');
let buf: string[] = [];
for (const msg of gen.messages()) {
  buf.push(JSON.stringify(msg));
  if (buf.length === 10_000) {
    writeSync(fd, buf.join('\n') + '\n');
    buf = [];
  }
}
if (buf.length) writeSync(fd, buf.join('\n') + '\n');
closeSync(fd);
const genMs = performance.now() - t0;
const bytes = statSync(file).size;

const t1 = performance.now();
const cpu0 = process.cpuUsage();
const report = await validateEventsFile({ plan, input: file, ...(workers ? { workers } : {}) });
const ms = performance.now() - t1;
const cpu = process.cpuUsage(cpu0);
rmSync(dir, { recursive: true, force: true });

const mismatches = VIOLATION_TYPES.filter((t) => report.violationsByType[t] !== gen.planted[t]);
console.log(
  `generated ${count.toLocaleString('en')} messages (${(bytes / 1e6).toFixed(0)} MB) in ${(genMs / 1000).toFixed(1)} s`,
);
console.log(
  `validated ${report.eventsChecked.toLocaleString('en')} messages in ${(ms / 1000).toFixed(2)} s (${workers ?? 'default'} workers, ${availableParallelism()} cores)`,
);
console.log(
  `CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)})`,
);
console.log(`throughput ${Math.round(report.eventsChecked / (ms / 1000)).toLocaleString('en')} events/s`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
console.log(
  `violations ${report.totalViolations} (planted ${VIOLATION_TYPES.reduce((n, t) => n + gen.planted[t], 0)})`,
);
if (mismatches.length) {
  console.error(
    `MISMATCH: ${mismatches.map((t) => `${t} found ${report.violationsByType[t]} planted ${gen.planted[t]}`).join('; ')}`,
  );
  process.exitCode = 1;
}
