import { lstatSync } from 'node:fs';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';

/**
 * The folders from `base` down to `target` that gtm chooses or creates, outermost first: every
 * folder strictly below `base` when `target` lies inside it; when it lies outside (an output folder
 * configured elsewhere), the folders below `target`'s own root — nothing then, as the root is the
 * user's explicit choice and whatever lies above it is theirs.
 */
function chosenFolders(base: string, target: string): string[] {
  const rel = path.relative(path.resolve(base), path.resolve(target));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return [];
  const parts = rel.split(path.sep).filter(Boolean);
  return parts.map((_, i) => path.join(path.resolve(base), ...parts.slice(0, i + 1)));
}

/**
 * Refuses an output folder reached through a symbolic link below the workspace: a `reports` or
 * `.claude/plans` that is a link would send a run's files (or its plan JSON) wherever the link
 * points, outside the folders the user chose. Folders that do not exist yet are fine (gtm creates
 * them as real folders). Checked before a run starts, so nothing is computed for a run that could
 * not be written; the report writer checks each level again as it creates it.
 *
 * @throws GtmError `IO` (exit 8) naming the link and where it points.
 * @example
 * refuseLinkedFolders(ws.baseDir, path.join(ws.baseDir, 'reports/track-source/20261205T0900'), 'the report folder');
 */
export function refuseLinkedFolders(base: string, target: string, what: string): void {
  for (const dir of chosenFolders(base, target)) {
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      return; // missing: everything below is created by gtm
    }
    if (st.isSymbolicLink()) {
      const shown = path.relative(path.resolve(base), dir) || dir;
      throw new GtmError('IO', `refusing to write ${what}: "${shown}" is a symbolic link`, {
        where: dir,
        hint: `replace the link with a real folder, or set output.reports_dir / output.plans_dir in gtm.yaml to the folder the link points to; gtm never writes through links`,
      });
    }
    if (!st.isDirectory()) return; // a file in the way: the writer reports it with its own error
  }
}
