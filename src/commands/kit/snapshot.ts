import path from 'node:path';
import { GtmError } from '../../errors/index.ts';
import { chromiumPath, hasChromium, hasPlaywrightCore, snapshotPngs } from '../../report/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';

/** What a run does about dashboard.png: `--snapshot` / `--no-snapshot`, else `output.snapshot`. */
export type SnapshotMode = 'auto' | 'always' | 'never';

/** The snapshot files a result lists (paths inside the report folder). */
export interface SnapshotInfo {
  file: string;
  width: number;
  narrow: { file: string; width: number };
}

export const NARROW_WIDTH = 800;

/** What a snapshot needs that this machine lacks: the browser, or the library that drives it. */
export type SnapshotMissing = 'chromium' | 'playwright-core';

/** How the machine is probed (tests replace it). */
export interface SnapshotProbe {
  hasChromium(path: string): Promise<boolean>;
  hasPlaywrightCore(): boolean;
}

const MACHINE: SnapshotProbe = { hasChromium, hasPlaywrightCore };

/**
 * The mode, the Chromium it will use, and whether pictures can be taken: both the browser and
 * playwright-core (an optional peer dependency) must be there. In `auto` mode a missing one means
 * no pictures and one warning line (`snapshotSkippedWarning`); with `--snapshot` it is an error.
 */
export async function snapshotPlan(
  ws: WorkspaceConfig,
  flag: boolean | undefined,
  probe: SnapshotProbe = MACHINE,
): Promise<{ mode: SnapshotMode; chromium: string; available: boolean; missing?: SnapshotMissing }> {
  // --snapshot / --no-snapshot, then $GTM_SNAPSHOT (auto | always | never, for CI), then gtm.yaml
  const env = process.env.GTM_SNAPSHOT;
  const fromEnv = env === 'auto' || env === 'always' || env === 'never' ? env : undefined;
  const mode: SnapshotMode =
    flag === true ? 'always' : flag === false ? 'never' : (fromEnv ?? ws.output.snapshot);
  const chromium = chromiumPath(
    ws.output.chromium ? path.resolve(ws.baseDir, ws.output.chromium) : undefined,
  );
  if (mode === 'never') return { mode, chromium, available: false };
  const missing: SnapshotMissing | undefined = !(await probe.hasChromium(chromium))
    ? 'chromium'
    : !probe.hasPlaywrightCore()
      ? 'playwright-core'
      : undefined;
  if (mode === 'always' && missing === 'chromium')
    throw new GtmError('CONFIG', `no Chromium at ${chromium} for the dashboard snapshot`, {
      where: ws.output.chromium ? 'output.chromium' : '--snapshot',
      hint: 'apt-get install -y --no-install-recommends chromium, or set output.chromium in gtm.yaml (or run with --no-snapshot)',
    });
  if (mode === 'always' && missing === 'playwright-core')
    throw new GtmError('CONFIG', 'playwright-core is not installed for the dashboard snapshot', {
      where: '--snapshot',
      hint: 'npm install playwright-core (it drives the system Chromium; no browser download), or run with --no-snapshot',
    });
  return { mode, chromium, available: !missing, ...(missing ? { missing } : {}) };
}

/** The one line a run prints when it cannot take a snapshot in `auto` mode. */
export const missingChromiumWarning = (chromium: string) =>
  `no dashboard.png: no Chromium at ${chromium} — install it (apt-get install -y --no-install-recommends chromium) or set output.chromium in gtm.yaml; --no-snapshot silences this`;

/** The warning of an `auto` run that takes no pictures, naming what is missing. */
export const snapshotSkippedWarning = (s: { chromium: string; missing?: SnapshotMissing }) =>
  s.missing === 'playwright-core'
    ? 'no dashboard.png: playwright-core is not installed — npm install playwright-core (it drives the system Chromium; no browser download); --no-snapshot silences this'
    : missingChromiumWarning(s.chromium);

/**
 * Renders `dashboard.png` (full page, `width` wide) from the written dashboard.html, and
 * `dashboard-narrow.png` (800 px, the title and key metrics only) for chat tools.
 */
export async function takeSnapshots(
  reportsDir: string,
  opts: { chromium: string; width: number },
): Promise<SnapshotInfo> {
  // one Chromium launch and one page load for both pictures; the narrow one keeps the title and
  // the key metrics (the contents list, the sections and the notes are hidden)
  await snapshotPngs(
    path.join(reportsDir, 'dashboard.html'),
    [
      { png: path.join(reportsDir, 'dashboard.png'), width: opts.width, css: '.toc { display: none; }' },
      {
        png: path.join(reportsDir, 'dashboard-narrow.png'),
        width: NARROW_WIDTH,
        height: 200,
        css: 'main, footer, .toc { display: none; }',
      },
    ],
    { executablePath: opts.chromium },
  );
  return {
    file: 'dashboard.png',
    width: opts.width,
    narrow: { file: 'dashboard-narrow.png', width: NARROW_WIDTH },
  };
}
