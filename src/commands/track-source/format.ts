import { executiveSummary } from './dashboard.ts';
import type { TrackSourceResult } from './result.ts';
import { fmtMoney, fmtPct, textTable } from '../../report/index.ts';
import { touchNoteLines } from './touch-notes.ts';
import { ownerRole } from '../../report/owner-role.ts';

/** Terminal view of a track-source result. */
export function formatTrackSource(r: TrackSourceResult, detail: 'summary' | 'full'): string {
  const cur = r.currency;
  const out: string[] = [executiveSummary(r).replace(/\*\*/g, ''), ''];
  out.push(`Partners (${cur}):`);
  out.push(partnerTable(r));
  out.push('', `Channels (${r.model.name}):`);
  out.push(
    textTable(
      ['channel', 'pipeline', 'revenue', 'touches', 'share'],
      r.by_channel.map((c) => [
        c.key,
        fmtMoney(c.pipeline, cur),
        fmtMoney(c.revenue, cur),
        c.touches,
        fmtPct(r.totals.pipeline ? c.pipeline / r.totals.pipeline : 0),
      ]),
    ),
  );
  if (detail === 'full') out.push(...detailSections(r));
  if (r.comparison) out.push(...comparisonSection(r.comparison, cur));
  out.push('', 'Actions:');
  for (const a of r.actions.slice(0, detail === 'full' ? undefined : 5))
    out.push(
      `  [${a.priority}] ${a.title} — owner ${a.owner.person ?? 'unassigned'} (${ownerRole(a.owner)})`,
    );
  const rowsIn = r.row_accounting.reduce((s, a) => s + a.rows_in, 0);
  const dd = r.row_accounting.reduce((s, a) => s + a.deduplicated, 0);
  out.push(
    '',
    `Rows: ${rowsIn} in, ${rowsIn - dd - r.rejects.rows} accepted, ${dd} deduplicated, ${r.rejects.rows} rejected${r.rejects.file ? ` (${r.rejects.file})` : ''}.`,
  );
  // URL-decoded UTM values, partner lists and unknown partners (details in the dashboard)
  for (const n of touchNoteLines(r.normalization)) out.push(`Touches: ${n.text}.`);
  out.push(
    `Reports: ${r.reports_dir}/ (dashboard.html, summary.md, result.json, CSV)`,
    `Plan:    ${r.plan_path}`,
  );
  return out.join('\n');
}

/** One row per partner with its contribution target and status, then the unattributed remainder. */
function partnerTable(r: TrackSourceResult): string {
  const cur = r.currency;
  return textTable(
    ['partner', 'pipeline', 'sourced', 'revenue', 'target (window)', 'attain', 'status'],
    [
      ...r.by_partner.map((p) => {
        const c = r.contribution.find((x) => x.partner === p.key);
        return [
          p.name,
          fmtMoney(p.pipeline, cur),
          fmtMoney(p.sourced_pipeline, cur),
          fmtMoney(p.revenue, cur),
          c?.pipeline_target_in_window ? fmtMoney(c.pipeline_target_in_window, cur) : null,
          fmtPct(c?.pipeline_attainment),
          c?.status ?? '',
        ];
      }),
      [
        'Unattributed',
        fmtMoney(r.unattributed.pipeline, cur),
        fmtMoney(0, cur),
        fmtMoney(r.unattributed.revenue, cur),
        null,
        null,
        '',
      ],
    ],
  );
}

/** The `--detail full` extras: asset and region credit (when present) and the insight statements. */
function detailSections(r: TrackSourceResult): string[] {
  const cur = r.currency;
  const out: string[] = [];
  for (const [label, lines] of [
    ['Assets', r.by_asset],
    ['Regions', r.by_region],
  ] as const)
    if (lines)
      out.push(
        '',
        `${label}:`,
        textTable(
          ['value', 'pipeline', 'revenue', 'touches'],
          lines.map((c) => [c.key, fmtMoney(c.pipeline, cur), fmtMoney(c.revenue, cur), c.touches]),
        ),
      );
  out.push('', 'Insights:', ...r.insights.statements.map((s) => `  • ${s}`));
  return out;
}

function comparisonSection(comparison: NonNullable<TrackSourceResult['comparison']>, cur: string): string[] {
  const models = Object.keys(comparison[0]?.per_model ?? {});
  return [
    '',
    'Model comparison (pipeline credit):',
    textTable(
      ['dim', 'value', ...models, 'spread'],
      comparison
        .filter((c) => c.dimension !== 'asset')
        .map((c) => [
          c.dimension,
          c.key,
          ...models.map((m) => fmtMoney(c.per_model[m], cur)),
          fmtMoney(c.spread, cur),
        ]),
    ),
  ];
}
