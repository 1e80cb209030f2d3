import { toCsvTable, type ReportFile } from '../../report/index.ts';
import type { TrackSourceResult } from './result.ts';

const cols = (...keys: string[]) => keys.map((k) => ({ key: k, label: k }));
const CREDIT = cols('key', 'pipeline', 'revenue', 'opportunities', 'won', 'touches');

/**
 * The CSV tables of a run (spreadsheet formulas neutralized by `toCsvTable`); the kit adds
 * result.json, summary.md, dashboard.html, row_accounting.csv and rejects.csv.
 */
export function trackSourceTables(r: TrackSourceResult): ReportFile[] {
  const files: ReportFile[] = [
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
        CREDIT,
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
  ];
  if (r.by_asset)
    files.push({
      name: 'by_asset.csv',
      content: toCsvTable(
        CREDIT,
        r.by_asset.map((c) => ({ ...c })),
      ),
    });
  if (r.by_region)
    files.push({
      name: 'by_region.csv',
      content: toCsvTable(
        CREDIT,
        r.by_region.map((c) => ({ ...c })),
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
  return files;
}
