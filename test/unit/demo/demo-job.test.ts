import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDemo, writeDemo } from '../../../src/demo/index.ts';
import { startDemoJob } from '../../../src/demo/demo-job.ts';
import { GtmError } from '../../../src/errors/index.ts';

const opts = { seed: 7, asOf: '2026-11-15', accounts: 300 };
const tmp = mkdtempSync(path.join(tmpdir(), 'gtm-demo-job-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the demo written by its worker thread', () => {
  it('writes the same files and truth as the demo generated in memory, track-source first', async () => {
    const dir = path.join(tmp, 'ws');
    const written = await writeDemo(dir, opts);
    const memory = generateDemo(opts);
    // every file of the in-memory demo, byte for byte (the truth adds the config's hash)
    for (const f of memory.files) {
      const text = readFileSync(path.join(dir, f.path), 'utf8');
      if (f.path === 'data/_truth.json') {
        expect(JSON.parse(text)).toEqual({ ...memory.truth, config_sha256: written.truth.config_sha256 });
      } else expect(text, f.path).toBe(f.content);
    }
    expect(written.files.map((f) => path.relative(dir, f)).sort()).toEqual(
      memory.files.map((f) => f.path).sort(),
    );
  }, 120_000);

  it('reports track-source’s files as written before the rest', async () => {
    const dir = path.join(tmp, 'order');
    const job = startDemoJob({ dir, ...opts });
    const order: string[] = [];
    await Promise.all([
      job.core.then((c) => {
        order.push('core');
        expect(c.paths).toContain('data/crm/opportunities.csv');
        expect(c.paths).not.toContain('data/events/captured.ndjson');
        expect(readFileSync(path.join(dir, 'data/crm/opportunities.csv'), 'utf8').length).toBeGreaterThan(0);
      }),
      job.rest.then((r) => {
        order.push('rest');
        expect(r.events.messages).toBe(4000);
        expect(r.parts.map((p) => p.name)).toEqual(['referrals', 'loyalty', 'personalization']);
      }),
    ]);
    expect(order).toEqual(['core', 'rest']);
  }, 120_000);

  it('reports a folder it cannot write as the IO error it is, with its place and hint', async () => {
    const blocker = path.join(tmp, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const job = startDemoJob({ dir: path.join(blocker, 'ws'), ...opts });
    const err = await job.core.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GtmError);
    expect(err).toMatchObject({ code: 'IO', where: path.join(blocker, 'ws') });
    expect((err as GtmError).message).toMatch(/cannot write the demo workspace \(ENOTDIR/);
    await expect(job.rest).rejects.toBe(err);
  }, 120_000);
});
