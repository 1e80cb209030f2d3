/**
 * Whether a run takes dashboard pictures: both Chromium and playwright-core (an optional peer
 * dependency that `npm install gtm-analytics` does not bring) must be there. In `auto` mode a
 * missing one means no pictures and one warning naming it; `--snapshot` makes it an error. (A
 * review found every report-writing command of an installed package failing with exit 8 on a
 * machine with Chromium but without playwright-core.)
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  snapshotPlan,
  snapshotSkippedWarning,
  type SnapshotProbe,
} from '../../../src/commands/kit/snapshot.ts';
import { defaultWorkspace } from '../../../src/workspace/index.ts';

const probe = (chromium: boolean, playwright: boolean): SnapshotProbe => ({
  hasChromium: async () => chromium,
  hasPlaywrightCore: () => playwright,
});
const ws = defaultWorkspace('/tmp/gtm-snapshot-plan');
let saved: string | undefined;
beforeEach(() => {
  saved = process.env.GTM_SNAPSHOT;
  delete process.env.GTM_SNAPSHOT;
});
afterEach(() => {
  if (saved === undefined) delete process.env.GTM_SNAPSHOT;
  else process.env.GTM_SNAPSHOT = saved;
});

it('takes pictures in auto mode only when both Chromium and playwright-core are there', async () => {
  expect(ws.output.snapshot).toBe('auto');
  expect(await snapshotPlan(ws, undefined, probe(true, true))).toMatchObject({
    mode: 'auto',
    available: true,
  });
  const noLib = await snapshotPlan(ws, undefined, probe(true, false));
  expect(noLib).toMatchObject({ available: false, missing: 'playwright-core' });
  expect(snapshotSkippedWarning(noLib)).toMatch(
    /^no dashboard\.png: playwright-core is not installed — npm install playwright-core .*--no-snapshot silences this$/,
  );
  const noBrowser = await snapshotPlan(ws, undefined, probe(false, true));
  expect(noBrowser).toMatchObject({ available: false, missing: 'chromium' });
  expect(snapshotSkippedWarning(noBrowser)).toMatch(/^no dashboard\.png: no Chromium at /);
});

it('--snapshot makes a missing browser or library a CONFIG error; --no-snapshot probes nothing', async () => {
  await expect(snapshotPlan(ws, true, probe(true, false))).rejects.toMatchObject({
    code: 'CONFIG',
    message: 'playwright-core is not installed for the dashboard snapshot',
  });
  await expect(snapshotPlan(ws, true, probe(false, true))).rejects.toMatchObject({ code: 'CONFIG' });
  const never = await snapshotPlan(ws, false, {
    hasChromium: () => Promise.reject(new Error('probed')),
    hasPlaywrightCore: () => {
      throw new Error('probed');
    },
  });
  expect(never).toEqual({ mode: 'never', chromium: expect.any(String), available: false });
});
