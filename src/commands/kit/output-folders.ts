import { statSync } from 'node:fs';
import path from 'node:path';
import { configError } from '../../errors/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';

/** The nearest path from `target` up that exists, with whether it is a folder; null when none does. */
function nearestExisting(target: string): { at: string; folder: boolean } | null {
  for (let at = path.resolve(target); ; at = path.dirname(at)) {
    try {
      return { at, folder: statSync(at).isDirectory() };
    } catch {
      if (path.dirname(at) === at) return null;
    }
  }
}

/**
 * Refuses, before anything runs, an output folder that cannot be created because a file is in
 * its way: `output.reports_dir` (or `output.plans_dir`, or a folder gtm creates below them) naming
 * an existing file. Without this check the run gathered and computed everything and failed only
 * when it wrote the report. Links are followed here (`refuseLinkedFolders` refuses those below
 * the workspace); a folder gtm may not write to is still the writer's error (exit 8).
 *
 * @throws GtmError `CONFIG` (exit 3) naming the key, its value and the file in the way.
 * @example
 * refuseFileInTheWay(ws, 'reports_dir', path.join(ws.baseDir, 'reports/track-source/20261205T0900'));
 */
export function refuseFileInTheWay(
  ws: WorkspaceConfig,
  key: 'reports_dir' | 'plans_dir',
  target: string,
): void {
  const found = nearestExisting(target);
  if (!found || found.folder) return;
  const shown = (p: string) => path.relative(ws.baseDir, p) || p;
  const value = ws.output[key];
  const file = shown(found.at);
  const what = key === 'reports_dir' ? 'report' : 'plan JSON';
  const problem =
    found.at === path.resolve(ws.baseDir, value)
      ? `output.${key} ${JSON.stringify(value)} is a file, not a folder: the ${what} cannot be written there`
      : `output.${key} ${JSON.stringify(value)}: ${file} is a file, not a folder: the ${what} cannot be written under it`;
  throw configError(
    problem,
    ws.configPath ? shown(ws.configPath) : '(defaults)',
    `set output.${key} in gtm.yaml to a folder (it is created when missing), or move ${file} out of the way`,
  );
}
