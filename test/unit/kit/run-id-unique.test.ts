/**
 * Two runs of a command started in the same millisecond (an MCP client calling a tool twice at
 * once, or a library caller running two) get report folders of their own. The run id was the start
 * time alone, so both wrote into one folder and the later report replaced the earlier one's files:
 * h-agent25 found it through `gtm mcp` (six define-events calls at once, two in one millisecond).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runDefineEvents } from '../../../src/commands/define-events/index.ts';

const AT = new Date('2026-11-15T09:00:00.123Z');
const STAMP = '20261115T090000123Z';
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const readResult = (reportsDir: string) =>
  JSON.parse(readFileSync(path.join(reportsDir, 'result.json'), 'utf8')) as {
    run_id: string;
    inputs: { use_case: string[] };
  };

it('gives runs started in the same millisecond their own report folders and run ids', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-run-id-'));
  const opts = { cwd: dir, asOf: '2026-11-15', now: () => AT, snapshot: false };
  const useCases = ['pipeline velocity', 'activation', 'trial conversion'];
  const runs = await Promise.all(useCases.map((u) => runDefineEvents({ use_case: [u] }, opts)));
  const root = path.join(dir, 'reports', 'define-events');
  expect(runs.map((r) => path.relative(root, r.reportsDir)).sort()).toEqual([
    STAMP,
    `${STAMP}-1`,
    `${STAMP}-2`,
  ]);
  runs.forEach((r, i) => {
    // each folder holds its own run's report, and the result names its own folder
    const onDisk = readResult(r.reportsDir);
    expect(onDisk.inputs.use_case).toEqual([useCases[i]]);
    expect(onDisk.run_id).toBe(path.basename(r.reportsDir));
    expect(r.result.run_id).toBe(onDisk.run_id);
  });
  // and a run of the same millisecond after them (another process's, say) takes the next free name
  const later = await runDefineEvents({ use_case: ['attribution'] }, opts);
  expect(path.basename(later.reportsDir)).toBe(`${STAMP}-3`);
  expect(readResult(path.join(root, STAMP)).inputs.use_case).not.toEqual(['attribution']);
  expect(existsSync(path.join(root, `${STAMP}-3`, 'result.json'))).toBe(true);
}, 120_000);
