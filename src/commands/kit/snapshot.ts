import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GtmError } from '../../errors/index.ts';
import {
  chromiumPath,
  hasChromium,
  renderDashboardHtml,
  snapshotPng,
  type Dashboard,
} from '../../report/index.ts';
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
  dashboard: Dashboard,
  opts: { chromium: string; width: number },
): Promise<SnapshotInfo> {
  await snapshotPng(path.join(reportsDir, 'dashboard.html'), path.join(reportsDir, 'dashboard.png'), {
    executablePath: opts.chromium,
    width: opts.width,
    // the picture leads with the key metrics and the first charts: the contents list is for the page
    css: '.toc { display: none; }',
  });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'gtm-narrow-'));
  try {
    const html = path.join(tmp, 'narrow.html');
    await writeFile(html, await renderDashboardHtml({ ...dashboard, sections: [], footnotes: [] }));
    await snapshotPng(html, path.join(reportsDir, 'dashboard-narrow.png'), {
      executablePath: opts.chromium,
      width: NARROW_WIDTH,
      height: 200,
      css: '.toc { display: none; }',
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return {
    file: 'dashboard.png',
    width: opts.width,
    narrow: { file: 'dashboard-narrow.png', width: NARROW_WIDTH },
  };
}
