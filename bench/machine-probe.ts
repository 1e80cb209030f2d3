// The machine's speed right now, for reading the benchmarks' figures: a fixed DuckDB workload (2
// threads: hash and sum 30 × 20M integers, CPU-bound and parallel) and a fixed single-threaded JS one
// (sha256 of 256 MB in memory, as the kit fingerprints its sources). The development VM's speed
// moves by up to 1.5x within hours with nothing else running (no steal time shows: the host's
// cores are shared), and every benchmark moves with it; compare a benchmark's wall time only with
// runs whose probe reads about the same. `npx tsx bench/machine-probe.ts` alone, or printed by
// `npm run bench` before the monitoring benchmarks. No assertions.
//
// A third reading, memory: the first write to each 4 KiB page of 1 GiB just allocated. On this VM
// (a Firecracker guest, transparent huge pages on `madvise` only) a first touch costs about 10 µs a
// page, 2.5 s a GiB, where a bare-metal machine takes ~0.1 s: a command that touches 3 GB pays it on
// every run (DuckDB's jemalloc cannot ask for huge pages in this build), so the benchmarks' CPU moves
// with it even when the hashing probe reads quiet.
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { openDuckDb } from '../src/data/index.ts';

export interface Probe {
  duckdb_wall_s: number;
  duckdb_cpu_s: number;
  js_wall_s: number;
  /** Seconds to write one byte to every 4 KiB page of 1 GiB freshly allocated (first-touch page faults). */
  touch_1gib_s: number;
  load: number[];
}

/** Seconds to touch every page of 1 GiB freshly allocated. */
function firstTouch(): number {
  const t0 = performance.now();
  const b = Buffer.allocUnsafeSlow(1 << 30);
  for (let i = 0; i < b.length; i += 4096) b[i] = 1;
  return (performance.now() - t0) / 1000;
}

const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;

export async function machineProbe(): Promise<Probe> {
  const load = loadavg().map((x) => Number(x.toFixed(1)));
  const engine = await openDuckDb({ threads: 2 });
  // a table first: range() is read by one thread, a table's row groups by both
  await engine.exec('CREATE TABLE probe AS SELECT i FROM range(20000000) t(i)');
  await engine.query('SELECT sum(hash(i)) AS s FROM probe'); // warm-up
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let k = 0; k < 30; k++) await engine.query(`SELECT sum(hash(i + ${k})) AS s FROM probe`);
  const duckdbWall = (performance.now() - w0) / 1000;
  const duckdbCpu = cpuSeconds(process.cpuUsage(c0));
  await engine.close();
  const buf = Buffer.alloc(1 << 24, 7);
  const j0 = performance.now();
  const h = createHash('sha256');
  for (let i = 0; i < 16; i++) h.update(buf);
  h.digest();
  const jsWall = (performance.now() - j0) / 1000;
  const touch = firstTouch();
  return { duckdb_wall_s: duckdbWall, duckdb_cpu_s: duckdbCpu, js_wall_s: jsWall, touch_1gib_s: touch, load };
}

export function probeLine(p: Probe): string {
  return (
    `machine probe: DuckDB 600M hashes ${p.duckdb_wall_s.toFixed(2)} s wall (${p.duckdb_cpu_s.toFixed(2)} s CPU), ` +
    `sha256 of 256 MB ${p.js_wall_s.toFixed(2)} s, first touch of 1 GiB ${p.touch_1gib_s.toFixed(2)} s, load ${p.load.join(', ')} ` +
    `(see the README's performance section for the readings of the recorded runs)`
  );
}

if (process.argv[1]?.endsWith('machine-probe.ts')) {
  const p = await machineProbe();
  console.log(probeLine(p));
  console.log(JSON.stringify(p));
}
