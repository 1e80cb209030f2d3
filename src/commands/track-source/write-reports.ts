import { toCsvTable, type ReportFile } from '../../report/index.ts';
import type { TrackSourceResult } from './result.ts';

const cols = (...keys: string[]) => keys.map((k) => ({ key: k, label: k }));
const CREDIT = cols('key', 'pipeline', 'revenue', 'opportunities', 'won', 'touches');
const PARTNER = cols(
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
);
const CONTRIBUTION = cols(
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
);
const ACTIONS = cols('id', 'priority', 'title', 'evidence', 'owner_role', 'owner', 'fallback');
const COMPARISON = cols('dimension', 'key', 'min', 'max', 'spread', 'per_model');

/**
 * The CSV tables of a run (spreadsheet formulas neutralized by `toCsvTable`); the kit adds
 * result.json, summary.md, dashboard.html, row_accounting.csv and rejects.csv.
 */
export function trackSourceTables(r: TrackSourceResult): ReportFile[] {
  const files: ReportFile[] = [
    {
      name: 'by_partner.csv',
      content: toCsvTable(
        PARTNER,
        r.by_partner.map((p) => ({ ...p })),
      ),
    },
    creditFile('by_channel.csv', r.by_channel),
    {
      name: 'contribution.csv',
      content: toCsvTable(
        CONTRIBUTION,
        r.contribution.map((c) => ({ ...c })),
      ),
    },
    { name: 'actions.csv', content: toCsvTable(ACTIONS, actionRows(r)) },
  ];
  if (r.by_asset) files.push(creditFile('by_asset.csv', r.by_asset));
  if (r.by_region) files.push(creditFile('by_region.csv', r.by_region));
  if (r.comparison)
    files.push({
      name: 'model_comparison.csv',
      content: toCsvTable(
        COMPARISON,
        r.comparison.map((c) => ({ ...c })),
      ),
    });
  return files;
}

function creditFile(name: string, lines: TrackSourceResult['by_channel']): ReportFile {
  return {
    name,
    content: toCsvTable(
      CREDIT,
      lines.map((c) => ({ ...c })),
    ),
  };
}

/** Actions flattened for CSV: the owner's name, and a fallback as `from → to`. */
function actionRows(r: TrackSourceResult) {
  return r.actions.map((a) => ({
    ...a,
    owner: a.owner.person ?? '',
    fallback: a.owner.fallback_used ? `${a.owner.fallback_used.from} → ${a.owner.fallback_used.to}` : '',
  }));
}
