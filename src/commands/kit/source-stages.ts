import path from 'node:path';
import {
  entitySpec,
  loadSource,
  normalizeEntities,
  type BoundSource,
  type EntitySpec,
  type NarrowSpec,
  type NormalizeResult,
  type SourceLoad,
} from '../../data/index.ts';
import { shareText } from '../../analyses/text/index.ts';
import { normalizeEntitiesClickHouse } from '../../data/entities/normalize-clickhouse.ts';
import { inferredDateOrderLine } from '../../data/entities/infer-date-order.ts';
import { differingWithinSourceLines } from './differing-warning.ts';
import { reconcileSalesforceIds, salesforceIdsLine } from '../../data/entities/salesforce-ids.ts';
import { GtmError } from '../../errors/index.ts';
import type { StageContext, StageDef } from '../../orchestrator/index.ts';
import type { KitRun } from './command-def.ts';
import { bindSource, normalizeSettingsOf, sourceSpecOf } from './workspace-sources.ts';

/** The role that owns data pulls and normalization unless the roster says otherwise. */
export const DATA_OWNER = 'marketing_ops';

const loadVar = (name: string) => `load_${name}`;

/**
 * The sources stages of a command that reads `entities`: one gather task per configured source of
 * those entities (parallel; retried as data pulls), then `normalize` (canonical tables, dedupe,
 * row accounting, rejects, and the reject-rate alert).
 */
export function sourceStages(
  run: KitRun<unknown>,
  entities: readonly string[],
  narrow?: Readonly<Record<string, NarrowSpec>>,
): StageDef[] {
  const specs = entities.map((e) => {
    const spec = entitySpec(e);
    if (!spec) throw new GtmError('INTERNAL', `command ${run.command} reads unknown entity "${e}"`);
    return spec;
  });
  const sources = run.ws.sources
    .map((src, index) => ({ src, index }))
    .filter(({ src }) => entities.includes(src.entity));
  const gather: StageDef[] = sources.map(({ src, index }) => ({
    id: `gather_${src.name}`,
    name: `Gather ${src.name}`,
    owner: DATA_OWNER,
    purpose: `Read ${src.entity} from ${src.kind === 'file' ? src.path : `PostgreSQL ${src.table ?? 'query'}`}`,
    outputVar: loadVar(src.name),
    dependsOn: [],
    input: { source: src.name, kind: src.kind, entity: src.entity },
    run: async (ctx) => {
      ctx.progress(`reading ${src.name}`);
      const engine = await run.engine();
      const load = await loadSource(engine, sourceSpecOf(src, run.baseDir, run.env), `raw_${index}`);
      ctx.fingerprint({
        source: src.name,
        rows: load.rows + load.rejects.length,
        hash: load.fingerprint,
        columns: load.columns.map((c) => c.name),
      });
      return load;
    },
  }));
  const normalize: StageDef<NormalizeResult> = {
    id: 'normalize',
    name: 'Normalize and dedupe',
    owner: DATA_OWNER,
    purpose: `Reconcile schemas, currencies, funnel stages, UTMs, channels and partners of ${entities.join(', ')}; dedupe records seen in several sources`,
    outputVar: 'normalize',
    dependsOn: gather.map((g) => g.id),
    run: (ctx) => normalizeStage(ctx, run, specs, sources, narrow),
  };
  return [...gather, normalize];
}

async function normalizeStage(
  ctx: StageContext,
  run: KitRun<unknown>,
  specs: EntitySpec[],
  sources: { src: KitRun<unknown>['ws']['sources'][number]; index: number }[],
  narrow: Readonly<Record<string, NarrowSpec>> | undefined,
): Promise<NormalizeResult> {
  let bound: BoundSource[] = sources.map(({ src, index }) => {
    const load = ctx.outputs[loadVar(src.name)] as SourceLoad | undefined;
    if (!load) throw new GtmError('INTERNAL', `source ${src.name} was not gathered before normalize`);
    return bindSource(src, index, load, run.ws);
  });
  ctx.progress('normalizing');
  const engine = await run.engine();
  // CRM ids written in Salesforce's two forms across sources are read in the 18-character one
  const ids = await reconcileSalesforceIds(engine, bound);
  bound = ids.sources;
  for (const line of ids.read.map(salesforceIdsLine).filter((x): x is string => !!x)) {
    run.warn(line);
    ctx.note(line);
  }
  // narrow tables: on DuckDB tables written from the check pass, on ClickHouse views of this run
  // over the accepted rows (`result.narrow[entity].table` names them on both engines)
  const result =
    engine.dialect === 'clickhouse'
      ? await normalizeEntitiesClickHouse(engine, specs, bound, normalizeSettingsOf(run.ws), run.baseDir, {
          narrow,
        })
      : await normalizeEntities(engine, specs, bound, normalizeSettingsOf(run.ws), run.baseDir, { narrow });
  // dates read day-first because the column's values say so: the run says it, once per column
  for (const x of result.dateOrders ?? []) {
    run.warn(inferredDateOrderLine(x));
    ctx.note(inferredDateOrderLine(x));
  }
  // an id reused inside one source with other values: one line per source (CI shows no summary.md)
  for (const line of differingWithinSourceLines(result, (entity) => idKeyOf(run, specs, entity))) {
    run.warn(line);
    ctx.note(line);
  }
  const rejectsFile = run.rel(path.join(run.reportsDir, 'rejects.csv'));
  for (const a of result.accounting) ctx.rows({ ...a, rejects_file: a.rejected ? rejectsFile : undefined });
  // a source that read no rows (a header-only export, an empty table): the run goes on, and says so
  for (const { src } of sources) {
    if (run.emptyReported?.includes(src.entity)) continue;
    const acc = result.accounting.find((a) => a.source === src.name);
    if (!acc || acc.rows_in > 0) continue;
    run.warn(emptySourceLine(src));
    ctx.note(emptySourceLine(src));
  }
  alertRejectRate(ctx, run, result);
  return result;
}

/**
 * The id an entity's records are deduplicated on, when it is one key compared exactly (gtm.yaml's
 * `dedupe.<entity>.keys`, else the entity's): an order id, a ledger entry id. None for several
 * keys or a time matched within a tolerance (touches, decisions), whose copies may differ.
 */
function idKeyOf(run: KitRun<unknown>, specs: readonly EntitySpec[], entity: string): string | undefined {
  const spec = specs.find((x) => x.name === entity);
  const keys = run.ws.dedupe?.[entity]?.keys ?? spec?.dedupe.keys ?? [];
  return keys.length === 1 && keys[0] !== spec?.dedupe.timeKey ? keys[0] : undefined;
}

/**
 * What a run (a warning) and `gtm doctor` (the source's message) say of a source without a single
 * row: a CSV with its header only, an NDJSON of blank lines, an empty table. README: such a file
 * loads 0 rows; without this line a monitoring run reported 0 % active members or no pipeline with
 * nothing saying why.
 */
export function emptySourceText(src: KitRun<unknown>['ws']['sources'][number]): string {
  const what =
    src.kind === 'file'
      ? `${src.path} has no data rows (a header-only export?)`
      : `PostgreSQL ${src.table ? `table ${src.table}` : 'query'} returned no rows`;
  return `${what} — a run reads no ${src.entity} from it; check the export, or remove sources.${src.name} from gtm.yaml`;
}

/** The run's warning for a source without rows: `emptySourceText` after the source's name. */
export const emptySourceLine = (src: KitRun<unknown>['ws']['sources'][number]): string =>
  `source ${src.name}: ${emptySourceText(src)}`;

/** The share of rejected rows of the worst source against `thresholds.max_reject_rate`. */
function alertRejectRate(ctx: StageContext, run: KitRun<unknown>, result: NormalizeResult): void {
  const rates = result.accounting.filter((a) => a.rows_in > 0).map((a) => a.rejected / a.rows_in);
  if (!rates.length) return;
  ctx.alert({
    id: 'max_reject_rate',
    metric: 'share of rejected rows in the worst source',
    value: Math.max(...rates),
    threshold: run.ws.thresholds.max_reject_rate,
    direction: 'above',
    owner_role: DATA_OWNER,
  });
}

/**
 * The error a run ends with when a source has more rejected rows than `thresholds.max_reject_rate`
 * (reported after everything is written, exit 5). The limit applies per source: 60 broken
 * opportunities must not hide behind 70,000 clean web rows.
 */
export function rejectRateProblem(run: KitRun<unknown>, result: NormalizeResult): GtmError | null {
  const limit = run.ws.thresholds.max_reject_rate;
  const over = result.accounting
    .filter((a) => a.rows_in > 0 && a.rejected / a.rows_in > limit)
    .sort((a, b) => b.rejected / b.rows_in - a.rejected / a.rows_in);
  if (!over.length) return null;
  const worst = over[0];
  const first = result.rejects.find((r) => r.source === worst.source) ?? result.rejects[0];
  const others = over.length > 1 ? ` (and ${over.length - 1} more source${over.length > 2 ? 's' : ''})` : '';
  return new GtmError(
    'DATA',
    `${worst.rejected} of ${worst.rows_in} rows of source ${worst.source} rejected (${shareText(worst.rejected / worst.rows_in)}, limit ${shareText(limit)})${others}; first: ${first.reason}`,
    {
      where: `${first.file}:${first.row}`,
      hint: `fix the rows listed in ${run.rel(path.join(run.reportsDir, 'rejects.csv'))}, or raise thresholds.max_reject_rate in gtm.yaml`,
    },
  );
}
