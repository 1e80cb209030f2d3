import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../../test/fixtures/events/shop-plan.ts';
import { serializePlanDocument } from '../../../analyses/instrumentation/index.ts';
import { withCancellation } from '../../../data/cancellation.ts';
import { validateEventsFile } from './validate-events-file.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gtm-validate-cancel-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const planFile = join(tmp, 'plan.yaml');
writeFileSync(planFile, serializePlanDocument(shopPlan(), 'yaml'));
const ndjson = (n: number, from: number) =>
  Array.from({ length: n }, (_, k) => JSON.stringify(orderCompleted({ messageId: `m-${from + k}` }))).join(
    '\n',
  ) + '\n';

/** A cancelled events validate (gtm mcp's events-validate tool) stops, between steps. */
describe('validateEventsFile in a cancelled run', () => {
  it('ends the workers running and starts no further task', async () => {
    const file = join(tmp, 'large.ndjson');
    writeFileSync(file, ndjson(40_000, 0));
    const ac = new AbortController();
    const started = Date.now();
    const run = withCancellation(ac.signal, () =>
      validateEventsFile({ plan: planFile, input: file, workers: 2 }),
    );
    setTimeout(() => ac.abort('cancelled by the test'), 100);
    await expect(run).rejects.toThrow(/the run was cancelled/);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 30_000);

  it('stops between the files of a folder (one worker)', async () => {
    const dir = join(tmp, 'folder');
    mkdirSync(dir);
    for (let f = 0; f < 3; f++) writeFileSync(join(dir, `part-${f}.ndjson`), ndjson(10, f * 10));
    const ac = new AbortController();
    ac.abort('cancelled before the first file');
    await expect(
      withCancellation(ac.signal, () => validateEventsFile({ plan: planFile, input: dir, workers: 1 })),
    ).rejects.toThrow(/the run was cancelled/);
    // the same folder in a run nobody cancels: 30 messages checked
    const report = await withCancellation(new AbortController().signal, () =>
      validateEventsFile({ plan: planFile, input: dir, workers: 1 }),
    );
    expect(report.eventsChecked).toBe(30);
  }, 30_000);
});
