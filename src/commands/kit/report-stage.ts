import path from 'node:path';
import type { NormalizeResult } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import type { StageContext, StageDef } from '../../orchestrator/index.ts';
import {
  renderDashboardHtml,
  renderDashboardMarkdown,
  summaryView,
  toCsvTable,
  withoutFloatNoise,
  writeReportFiles,
  type Dashboard,
  type ReportFile,
} from '../../report/index.ts';
import {
  CONTINUATION_TITLE,
  continuationBlocks,
  DATA_QUALITY_TITLE,
  DIFFERING_TITLE,
  differingBlocks,
} from '../../report/common-sections.ts';
import type { Closing, CommandDef, KitRun } from './command-def.ts';
import type { FlagDecls } from './flag-spec.ts';
import { NARROW_WIDTH, snapshotSkippedWarning, takeSnapshots, type SnapshotInfo } from './snapshot.ts';

/** What the report stage hands back to `runCommand`. */
export interface ReportOutput<R> {
  result: R;
  /** Paths of the files written, relative to the workspace. */
  files: string[];
}

const cols = (...keys: string[]) => keys.map((key) => ({ key, label: key }));

/** The generic tables of a run that read sources: where every row went, and the rejected rows. */
export function sourceTables(n: NormalizeResult): ReportFile[] {
  const files: ReportFile[] = [
    {
      name: 'row_accounting.csv',
      content: toCsvTable(
        cols('source', 'entity', 'rows_in', 'accepted', 'deduplicated', 'rejected'),
        n.accounting.map((x) => ({ ...x })),
      ),
    },
  ];
  if (n.rejects.length)
    files.push({
      name: 'rejects.csv',
      content: toCsvTable(
        cols('source', 'file', 'row', 'reason', 'raw'),
        n.rejects.map((x) => ({ ...x })),
      ),
    });
  const differing = n.duplicates.reduce((s, d) => s + (d.differing ?? 0), 0);
  const continued = n.continuations ?? [];
  if (differing || continued.length) {
    const listed = n.differing ?? [];
    const rows: Record<string, unknown>[] = listed.map((d) => ({
      ...d,
      columns: d.values.map((v) => v.column).join(', '),
      values: d.values.map((v) => `${v.column}: ${shown(v.value)} → kept ${shown(v.kept)}`).join('; '),
    }));
    // the listing is cut at DIFFERING_LISTED rows: its last line says so (the counts are exact)
    if (listed.length < differing)
      rows.push({
        source: `… ${differing - listed.length} more differing duplicates not listed (the first ${listed.length} are; every count is in result.json duplicates[].differing)`,
      });
    // continuation lines: the row, its record's row (kept), and why it is no reject (`note`)
    for (const c of continued)
      rows.push({
        source: c.source,
        entity: c.entity,
        file: c.file,
        row: c.row,
        kept_source: c.source,
        kept_file: c.file,
        kept_row: c.kept_row,
        note: c.note,
      });
    const all = n.duplicates.reduce((s, d) => s + (d.continuation ?? 0), 0);
    if (continued.length < all)
      rows.push({
        source: `… ${all - continued.length} more continuation lines not listed (the first ${continued.length} are; every count is in result.json duplicates[].continuation)`,
      });
    files.push({
      name: 'duplicates.csv',
      content: toCsvTable(
        cols(
          'source',
          'entity',
          'file',
          'row',
          'kept_source',
          'kept_file',
          'kept_row',
          'columns',
          'values',
          ...(continued.length ? ['note'] : []),
        ),
        rows,
      ),
    });
  }
  return files;
}

/** A value of duplicates.csv's `values` column: NULL for none. */
const shown = (v: string | null) => (v === null ? 'NULL' : v);

/**
 * The dashboard with the line on differing duplicates (`differingBlocks`) in its "Data quality
 * and audit" section, for every command that normalizes sources, unless the command put it there.
 */
export function withDifferingDuplicates(dashboard: Dashboard, n: NormalizeResult | undefined): Dashboard {
  if (!n) return dashboard;
  const at = dashboard.sections.findIndex((s) => s.title === DATA_QUALITY_TITLE);
  if (at < 0) return dashboard;
  const section = dashboard.sections[at];
  const has = (title: string) => section.blocks.some((b) => b.kind === 'list' && b.title === title);
  const blocks = [
    ...(has(DIFFERING_TITLE) ? [] : differingBlocks(n.duplicates, n.differing?.length)),
    ...(has(CONTINUATION_TITLE) ? [] : continuationBlocks(n.duplicates)),
  ];
  if (!blocks.length) return dashboard;
  const sections = [...dashboard.sections];
  sections[at] = { ...section, blocks: [...section.blocks, ...blocks] };
  return { ...dashboard, sections };
}

/**
 * The last stage of every command: builds the result once every other stage has finished, with
 * the plan path, alerts and escalations, and writes the report folder once: `result.json`,
 * `summary.md`, `dashboard.html`, the command's tables, and the row accounting and rejects of the
 * sources it read. Retried like any stage (a chart render or a write can fail transiently).
 */
export function reportStage<D extends FlagDecls, I, O, R>(
  def: CommandDef<D, I, O, R>,
  run: KitRun<I>,
  stageIds: readonly string[],
): StageDef<ReportOutput<R>> {
  return {
    id: 'report',
    name: 'Reporting package',
    owner: def.report.owner,
    purpose: def.report.purpose,
    outputVar: 'report',
    dependsOn: [...def.report.after],
    maxRetries: REPORT_RETRIES,
    run: async (ctx) => {
      const outputs = Object.fromEntries(stageIds.map((id) => [id, ctx.outputs[id]])) as O;
      const recorded = ctx.recorded();
      const closing: Closing = {
        plan_path: run.rel(ctx.planPath),
        alerts: [...recorded.alerts],
        escalations: [...recorded.escalations],
      };
      // once, for every output made from it: result.json, the JSON on stdout and an MCP tool's
      // structured content, the summary, the dashboard and the tables read no binary noise
      // (20160, not 20160.000000000004)
      const result = withoutFloatNoise(def.report.build(run, outputs, closing));
      const normalized = (outputs as { normalize?: NormalizeResult }).normalize;
      const dashboard = {
        ...withDifferingDuplicates(def.report.dashboard(result, outputs), normalized),
        // when the report was made, beside what the numbers cover (as-of, window)
        generatedAt: run.now().toISOString(),
      };
      dashboard.dataAsOf ??= run.asOf;
      if (run.snapshot.available) {
        const snapshot: SnapshotInfo = {
          file: 'dashboard.png',
          width: run.ws.output.snapshot_width,
          narrow: { file: 'dashboard-narrow.png', width: NARROW_WIDTH },
        };
        (result as { snapshot?: SnapshotInfo }).snapshot = snapshot;
      } else if (run.snapshot.mode === 'auto') run.warn(snapshotSkippedWarning(run.snapshot));
      const detail = def.report.detail?.(result) ?? 'full';
      // the command's own files first: what they wait on (an engine's reads) proceeds while this
      // thread renders the summary and the dashboard
      const own = Promise.resolve(def.report.files?.(result, outputs, run));
      own.catch(() => undefined);
      const files: ReportFile[] = [
        resultFile(result),
        {
          name: 'summary.md',
          content: renderDashboardMarkdown(detail === 'summary' ? summaryView(dashboard) : dashboard, {
            detail,
          }),
        },
        { name: 'dashboard.html', content: await renderDashboardHtml(dashboard) },
        ...((await own) ?? []),
        ...(normalized ? sourceTables(normalized) : []),
      ];
      const written = await writeReportFiles(run.reportsDir, files, { within: run.baseDir });
      if (run.snapshot.available) {
        ctx.progress('rendering dashboard.png');
        if (await renderPictures(ctx, run)) {
          written.push(
            path.join(run.reportsDir, 'dashboard.png'),
            path.join(run.reportsDir, 'dashboard-narrow.png'),
          );
        } else {
          // the fallback: the report without the pictures, and result.json no longer lists them
          delete (result as { snapshot?: SnapshotInfo }).snapshot;
          await writeReportFiles(run.reportsDir, [resultFile(result)], {
            within: run.baseDir,
          });
        }
      }
      return { result, files: written.map((f) => run.rel(f)) };
    },
  };
}

/** Retries of the report stage: a chart render (Chromium crashing or failing to start) may be transient. */
export const REPORT_RETRIES = 2;

const resultFile = (result: unknown): ReportFile => ({
  name: 'result.json',
  content: `${JSON.stringify(result, null, 2)}\n`,
});

/**
 * Takes dashboard.png and dashboard-narrow.png. A failed render is retried: the attempt throws a
 * retriable error, so the plan re-runs the report stage and logs each attempt. After the last
 * retry, a run that asked for the pictures (`--snapshot`, `output.snapshot: always`) fails; in
 * `auto` mode the report stands without them (the fallback), said in one warning line and a plan
 * note. Returns whether the pictures were taken.
 */
async function renderPictures(ctx: StageContext, run: KitRun<unknown>): Promise<boolean> {
  try {
    await takeSnapshots(run.reportsDir, {
      chromium: run.snapshot.chromium,
      width: run.ws.output.snapshot_width,
    });
    return true;
  } catch (err) {
    if (ctx.signal.aborted || !(err instanceof GtmError)) throw err;
    if (ctx.attempt <= REPORT_RETRIES) {
      throw new GtmError(err.code, err.message, {
        where: err.where,
        hint: err.hint,
        cause: err,
        retriable: true,
      });
    }
    if (run.snapshot.mode === 'always') throw err;
    const attempts = ctx.attempt === 1 ? '1 attempt' : `${ctx.attempt} attempts`;
    const line = `no dashboard.png: the chart render failed after ${attempts} (${err.message}); the report is complete without it (dashboard.html) — ${err.hint ?? 'check the Chromium of output.chromium'}; --no-snapshot skips it`;
    run.warn(line);
    ctx.note(line);
    return false;
  }
}
