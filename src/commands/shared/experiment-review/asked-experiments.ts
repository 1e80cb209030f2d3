import { didYouMean } from '../../../analyses/text/index.ts';
import type { Engine } from '../../../data/index.ts';
import { usageError } from '../../../errors/index.ts';

/**
 * Checks the ids asked for with `--experiments` against the workspace once its sources are loaded,
 * before any stage reads or alerts (nothing to do when none is asked for).
 *
 * @throws GtmError('USAGE') at `--experiments` for an id the workspace does not know
 */
export async function checkAskedExperiments(
  engine: Engine,
  asked: readonly string[] | null | undefined,
  rel?: (entity: string) => string,
): Promise<void> {
  if (asked?.length) refuseUnknownExperiments(asked, await workspaceExperimentIds(engine, rel));
}

/**
 * The experiment ids the workspace knows: defined in the experiments source or with assignments,
 * once each (ignoring case), sorted. `rel` names an entity's relation on the engine.
 */
export async function workspaceExperimentIds(
  engine: Engine,
  rel: (entity: string) => string = (entity) => entity,
): Promise<string[]> {
  const rows = await engine.query<{ id: string | null }>(
    `SELECT DISTINCT experiment_id AS id FROM ${rel('experiments')}
     UNION ALL SELECT DISTINCT experiment_id AS id FROM ${rel('assignments')}`,
  );
  const ids = new Map<string, string>();
  for (const { id } of rows) if (id && !ids.has(id.toLowerCase())) ids.set(id.toLowerCase(), id);
  return [...ids.values()].sort();
}

/**
 * Refuses ids asked for with `--experiments` that the workspace does not know (`known`, from
 * `workspaceExperimentIds`): a typo read out as nothing, with a warning and exit 0, looked like a
 * test without data. Ids compare ignoring case; a known test without data is not refused.
 *
 * @throws GtmError('USAGE') at `--experiments`, with "did you mean" or the ids there are
 */
export function refuseUnknownExperiments(asked: readonly string[], known: readonly string[]): void {
  const have = new Set(known.map((k) => k.toLowerCase()));
  const unknown = asked.filter((a) => !have.has(a.toLowerCase()));
  if (!unknown.length) return;
  const near = unknown.length === 1 ? didYouMean(unknown[0], known) : null;
  const quoted = (ids: readonly string[]) => ids.map((i) => `"${i}"`).join(', ');
  throw usageError(
    `no experiment${unknown.length > 1 ? 's' : ''} ${quoted(unknown)} in the experiments or assignments sources`,
    '--experiments',
    near
      ? `did you mean "${near}"?`
      : known.length
        ? `use one of: ${quoted(known)}`
        : 'the workspace has no experiments; leave --experiments out',
  );
}
