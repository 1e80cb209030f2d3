import path from 'node:path';
import { GtmError } from '../../errors/index.ts';
import { chromiumPath, hasChromium, snapshotPngs } from '../../report/index.ts';
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

/** The mode, and the Chromium it will use when it is found. */
export async function snapshotPlan(
  ws: WorkspaceConfig,
  flag: boolean | undefined,
): Promise<{ mode: SnapshotMode; chromium: string; available: boolean }> {
  // --snapshot / --no-snapshot, then $GTM_SNAPSHOT (auto | always | never, for CI), then gtm.yaml
  const env = process.env.GTM_SNAPSHOT;
  const fromEnv = env === 'auto' || env === 'always' || env === 'never' ? env : undefined;
  const mode: SnapshotMode =
    flag === true ? 'always' : flag === false ? 'never' : (fromEnv ?? ws.output.snapshot);
  const chromium = chromiumPath(
    ws.output.chromium ? path.resolve(ws.baseDir, ws.output.chromium) : undefined,
  );
  const available = mode !== 'never' && (await hasChromium(chromium));
  if (mode === 'always' && !available)
    throw new GtmError('CONFIG', `no Chromium at ${chromium} for the dashboard snapshot`, {
      where: ws.output.chromium ? 'output.chromium' : '--snapshot',
      hint: 'apt-get install -y --no-install-recommends chromium, or set output.chromium in gtm.yaml (or run with --no-snapshot)',
    });
  return { mode, chromium, available };
}

/** The one line a run prints when it cannot take a snapshot in `auto` mode. */
export const missingChromiumWarning = (chromium: string) =>
  `no dashboard.png: no Chromium at ${chromium} — install it (apt-get install -y --no-install-recommends chromium) or set output.chromium in gtm.yaml; --no-snapshot silences this`;

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
