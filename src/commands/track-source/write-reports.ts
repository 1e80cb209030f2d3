import {
  renderDashboardHtml,
  renderDashboardMarkdown,
  toCsvTable,
  writeReportFiles,
  type ReportFile,
} from '../../report/index.ts';
import { buildTrackSourceDashboard, summaryView } from './build-dashboard.ts';
import type { RejectRow } from './normalize-stage.ts';
import type { TrackSourceResult } from './track-source-result.ts';

const cols = (...keys: string[]) => keys.map((k) => ({ key: k, label: k }));

/** Writes result.json, summary.md, dashboard.html and the CSV tables into the run's folder. */
export async function writeTrackSourceReports(
  dir: string,
  r: TrackSourceResult,
  rejects: RejectRow[],
): Promise<string[]> {
  const dashboard = buildTrackSourceDashboard(r);
  const credit = cols('key', 'pipeline', 'revenue', 'opportunities', 'won', 'touches');
  const files: ReportFile[] = [
    { name: 'result.json', content: `${JSON.stringify(r, null, 2)}\n` },
    {
      name: 'summary.md',
      content: renderDashboardMarkdown(r.inputs.detail === 'summary' ? summaryView(dashboard) : dashboard, {
        detail: r.inputs.detail,
      }),
    },
    { name: 'dashboard.html', content: await renderDashboardHtml(dashboard) },
    {
      name: 'by_partner.csv',
      content: toCsvTable(
        cols(
          'key',
          'name',
          'tier',
          'pipeline',
          'sourced_pipeline',
          'revenue',
          'sourced_revenue',
          'opportunities',
          'won',
          'touches',
        ),
        r.by_partner.map((p) => ({ ...p })),
      ),
    },
    {
      name: 'by_channel.csv',
      content: toCsvTable(
        credit,
        r.by_channel.map((c) => ({ ...c })),
      ),
    },
    {
      name: 'contribution.csv',
      content: toCsvTable(
        cols(
          'partner',
          'partner_name',
          'pipeline',
          'pipeline_target',
          'pipeline_target_in_window',
          'pipeline_attainment',
          'revenue',
          'revenue_target',
          'revenue_target_in_window',
          'revenue_attainment',
          'window_share',
          'status',
        ),
        r.contribution.map((c) => ({ ...c })),
      ),
    },
    {
      name: 'actions.csv',
      content: toCsvTable(
        cols('id', 'priority', 'title', 'evidence', 'owner_role', 'owner', 'fallback'),
        r.actions.map((a) => ({
          ...a,
          owner: a.owner.person ?? '',
          fallback: a.owner.fallback_used
            ? `${a.owner.fallback_used.from} → ${a.owner.fallback_used.to}`
            : '',
        })),
      ),
    },
    {
      name: 'row_accounting.csv',
      content: toCsvTable(
        cols('source', 'entity', 'rows_in', 'accepted', 'deduplicated', 'rejected'),
        r.row_accounting.map((x) => ({ ...x })),
      ),
    },
  ];
  if (r.by_asset)
    files.push({
      name: 'by_asset.csv',
      content: toCsvTable(
        credit,
        r.by_asset.map((c) => ({ ...c })),
      ),
    });
  if (r.by_region)
    files.push({
      name: 'by_region.csv',
      content: toCsvTable(
        credit,
        r.by_region.map((c) => ({ ...c })),
      ),
    });
  if (rejects.length)
    files.push({
      name: 'rejects.csv',
      content: toCsvTable(
        cols('source', 'file', 'row', 'reason', 'raw'),
        rejects.map((x) => ({ ...x })),
      ),
    });
  if (r.comparison)
    files.push({
      name: 'model_comparison.csv',
      content: toCsvTable(
        cols('dimension', 'key', 'min', 'max', 'spread', 'per_model'),
        r.comparison.map((c) => ({ ...c })),
      ),
    });
  return writeReportFiles(dir, files);
}
