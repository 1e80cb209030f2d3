import {
  entitySpec,
  loadSource,
  inferredDateOrderLine,
  normalizeEntities,
  openDuckDb,
  topReasons,
  type BoundSource,
  type EntitySpec,
} from '../../data/index.ts';
import { reconcileSalesforceIds, salesforceIdsLine } from '../../data/entities/salesforce-ids.ts';
import { shareText } from '../../analyses/text/index.ts';
import { GtmError } from '../../errors/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';
import { bindSource, normalizeSettingsOf, sourceSpecOf } from '../kit/workspace-sources.ts';
import { emptySourceText } from '../kit/source-stages.ts';

export interface DoctorCheck {
  source: string;
  entity: string;
  status: 'ok' | 'warn' | 'error';
  rows: number | null;
  columns: string[];
  mapped: Record<string, string | undefined>;
  message: string;
  /** reject reasons after normalization, with counts */
  rejects: { reason: string; rows: number }[];
}

export interface DoctorReport {
  config: string;
  ok: boolean;
  checks: DoctorCheck[];
  notes: string[];
}

/**
 * Checks a workspace: each source reachable, its columns present and mapped, and its values
 * readable as the canonical types (by normalizing them and counting rejects by reason).
 */
export async function runDoctor(
  ws: WorkspaceConfig,
  env?: Record<string, string | undefined>,
): Promise<DoctorReport> {
  const engine = await openDuckDb();
  const checks: DoctorCheck[] = [];
  const bound: BoundSource[] = [];
  const inferred: string[] = [];
  const idLines: string[] = [];
  try {
    for (const [i, src] of ws.sources.entries()) {
      const check: DoctorCheck = {
        source: src.name,
        entity: src.entity,
        status: 'ok',
        rows: null,
        columns: [],
        mapped: {},
        message: 'ok',
        rejects: [],
      };
      checks.push(check);
      try {
        const load = await loadSource(engine, sourceSpecOf(src, ws.baseDir, env), `raw_${i}`);
        check.rows = load.rows + load.rejects.length;
        check.columns = load.columns.map((c) => c.name);
        const source = bindSource(src, i, load, ws);
        check.mapped = source.binding.columns;
        bound.push(source);
        if (load.rejects.length) {
          check.status = 'warn';
          check.message = `${load.rejects.length} unreadable line(s), first at ${load.rejects[0].row}: ${load.rejects[0].reason}`;
        } else if (check.rows === 0) {
          // a header-only export loads (README), but a run would read nothing from it: say so
          check.status = 'warn';
          check.message = emptySourceText(src);
        }
      } catch (e) {
        check.status = 'error';
        check.message = e instanceof GtmError ? e.oneLine() : String(e);
      }
    }
    if (checks.every((c) => c.status !== 'error')) {
      const specs = [...new Set(ws.sources.map((x) => x.entity))].map((e) => entitySpec(e) as EntitySpec);
      // Salesforce ids in 15 characters in one export and 18 in another: read as a run reads them
      // (one record), and said, as the run's warning says it
      const ids = await reconcileSalesforceIds(engine, bound);
      for (const line of ids.read.map(salesforceIdsLine)) if (line) idLines.push(line);
      const norm = await normalizeEntities(engine, specs, ids.sources, normalizeSettingsOf(ws), ws.baseDir);
      for (const c of checks) judgeRejects(c, norm, ws.thresholds.max_reject_rate);
      for (const x of norm.dateOrders ?? []) inferred.push(inferredDateOrderLine(x));
    }
  } finally {
    await engine.close();
  }
  const notes: string[] = [...inferred, ...idLines];
  for (const c of ws.campaigns) {
    const missing = c.partners.filter((p) => !c.targets[p]);
    if (missing.length)
      notes.push(
        `campaign ${c.id}: no targets for ${missing.join(', ')} (contribution vs target will say no_target)`,
      );
  }
  notes.push(...trackSourceRosterNotes(ws));
  return { config: ws.configPath, ok: checks.every((c) => c.status !== 'error'), checks, notes };
}

/** The entities only track-source reads, and its default escalation ladder. */
const TRACK_SOURCE_ENTITIES = new Set(['opportunities', 'touchpoints', 'people', 'stage_history']);
const TRACK_SOURCE_LADDER = ['co_marketing_analytics_lead', 'revops_finance', 'exec_sponsor'];

/**
 * Roles of track-source's default ladder the roster lacks, in a workspace that feeds track-source
 * and sets no `escalation.track-source` (a ladder set there is checked when gtm.yaml loads). A
 * loyalty, referral or personalization workspace is not told about track-source's roles.
 */
function trackSourceRosterNotes(ws: WorkspaceConfig): string[] {
  if (ws.escalation['track-source'] || !ws.sources.some((s) => TRACK_SOURCE_ENTITIES.has(s.entity)))
    return [];
  const fix = (role: string) => `add roster.roles.${role}, or set escalation.track-source`;
  return TRACK_SOURCE_LADDER.filter((role) => !Object.hasOwn(ws.roster.roles, role)).map((role) =>
    role === TRACK_SOURCE_LADDER[0]
      ? `roster has no role ${role}, track-source's first escalation role: its work, alerts and escalations will have no owner (${fix(role)})`
      : `roster has no role ${role} (track-source's escalation ladder): escalations to it will have no owner (${fix(role)})`,
  );
}

/**
 * A source's rejected rows against `thresholds.max_reject_rate`, as a run judges them: over the
 * limit is an error (the run would exit 5), under it a warning; both name the first row.
 */
export function judgeRejects(
  c: DoctorCheck,
  norm: Awaited<ReturnType<typeof normalizeEntities>>,
  limit: number,
): void {
  const mine = norm.rejects.filter((x) => x.source === c.source);
  c.rejects = topReasons(mine.map((x) => x.reason));
  if (!mine.length || c.status === 'error') return;
  const acc = norm.accounting.find((a) => a.source === c.source);
  const rowsIn = acc?.rows_in ?? c.rows ?? mine.length;
  const rate = rowsIn > 0 ? mine.length / rowsIn : 1;
  const first = mine[0];
  const over = rate > limit;
  c.status = over ? 'error' : 'warn';
  c.message =
    `${mine.length} of ${rowsIn} row(s) would be rejected (${shareText(rate)}` +
    (over
      ? `, above thresholds.max_reject_rate ${shareText(limit)}: a run would stop with exit 5`
      : `, limit ${shareText(limit)}`) +
    `); first at ${first.file}:${first.row}: ${first.reason}`;
}
