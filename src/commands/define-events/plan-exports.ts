import {
  PLACEHOLDER_IGLU_VENDOR,
  type PlanLoss,
  type TrackingPlan,
} from '../../analyses/instrumentation/index.ts';
import { dbtSchemaYaml } from '../../analyses/instrumentation/dbt-schema.ts';
import { WAREHOUSES, warehouseDdl, type Warehouse } from '../../analyses/instrumentation/warehouse-ddl.ts';
import type { ReportFile } from '../../report/index.ts';
import {
  DIRECTORY_FORMATS,
  exportLosses,
  importedPlanName,
  lossesFile,
  planExportFiles,
  type PlanFormat,
} from '../shared/tracking-plan-io/index.ts';
import { TOOLS } from './inputs.ts';

/** One export of the plan: gtm's own formats and each requested tool's. */
export interface PlanExport {
  /** The tools' labels, comma-separated (several tools can share one export: Mixpanel and Avo take JSON Schema), or `gtm` for gtm's own formats. */
  tool: string;
  /** The tools this export serves, in the order given (`['gtm']` for gtm's own formats). */
  tools: string[];
  /** The plan format (`dbt schema.yml` for dbt, `<warehouse> DDL` for a warehouse). */
  format: string;
  /** The file (or folder, for Iglu and JSON Schema) in the report folder. */
  file: string;
  /** What the format could not carry (empty: the round trip is exact); null for dbt and warehouse DDL, which gtm does not read back. */
  losses: PlanLoss[] | null;
  /** `<file>.losses.md` beside the export, when something was lost. */
  losses_file: string | null;
}

/** Where each tool's export goes in the report folder (`null`: the tool takes no plan file). */
export function exportFileOf(format: string): string {
  if (format === 'dbt') return 'exports/dbt/schema.yml';
  if ((WAREHOUSES as readonly string[]).includes(format)) return `exports/warehouse/${format}-tables.sql`;
  if (format === 'iglu' || format === 'json-schema') return `exports/${format}`;
  const ext = format === 'rudderstack' ? 'yaml' : format === 'amplitude' ? 'csv' : 'json';
  return `exports/${format}-plan.${ext}`;
}

const OWN: Array<[PlanFormat, string]> = [
  ['gtm-json', 'tracking-plan.json'],
  ['gtm-yaml', 'tracking-plan.yaml'],
  ['gtm-csv', 'tracking-plan.csv'],
];

/** One plan format written at `file`, with its losses and their sidecar. */
function formatExport(
  plan: TrackingPlan,
  tool: string,
  format: PlanFormat,
  file: string,
  now: string,
  vendor: string,
): PlanExport & { files: ReportFile[] } {
  const isDir = DIRECTORY_FORMATS.includes(format);
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const fileName = isDir ? '' : file.slice(dir.length);
  const written = planExportFiles({ format, plan, now, fileName, vendor });
  const losses = exportLosses({ plan, format, files: written, name: importedPlanName(file) });
  const sidecar = lossesFile(losses, { format, exportName: file, plan });
  const files = [
    ...written.map((f) => ({ ...f, name: isDir ? `${file}/${f.name}` : `${dir}${f.name}` })),
    ...sidecar,
  ];
  return { tool, tools: [tool], format, file, losses, losses_file: sidecar[0]?.name ?? null, files };
}

const cache = new WeakMap<TrackingPlan, Map<string, Array<PlanExport & { files: ReportFile[] }>>>();

/**
 * The plan in gtm's own formats and in each requested tool's format, with the files to write and
 * what each format lost (computed once per plan, tool list and vendor: the result and the report
 * files share it). `igluVendor` is the vendor of the Iglu schemas (gtm.yaml `events.iglu_vendor`;
 * null: the placeholder `com.example`).
 */
export function planExports(
  plan: TrackingPlan,
  tools: readonly string[],
  asOf: string,
  igluVendor: string | null,
): Array<PlanExport & { files: ReportFile[] }> {
  const vendor = igluVendor ?? PLACEHOLDER_IGLU_VENDOR;
  const key = `${tools.join(',')}@${asOf}@${vendor}`;
  const known = cache.get(plan)?.get(key);
  if (known) return known;
  const now = `${asOf}T00:00:00Z`;
  const out = OWN.map(([format, file]) => formatExport(plan, 'gtm', format, file, now, vendor));
  // One export per file: tools that take the same format (Mixpanel, Avo and JSON Schema all take
  // JSON Schema files) share it, and it names them all.
  const byFile = new Map<string, { format: string; labels: string[] }>();
  for (const t of tools) {
    const format = TOOLS[t].format;
    if (!format) continue;
    const file = exportFileOf(format);
    const entry = byFile.get(file) ?? { format, labels: [] };
    if (!entry.labels.includes(TOOLS[t].label)) entry.labels.push(TOOLS[t].label);
    byFile.set(file, entry);
  }
  for (const [file, { format, labels }] of byFile) {
    const tool = labels.join(', ');
    if (format === 'dbt' || (WAREHOUSES as readonly string[]).includes(format))
      out.push({
        tool,
        tools: labels,
        format: format === 'dbt' ? 'dbt schema.yml' : `${format} DDL`,
        file,
        losses: null,
        losses_file: null,
        files: [
          {
            name: file,
            content: format === 'dbt' ? dbtSchemaYaml(plan) : warehouseDdl(plan, format as Warehouse),
          },
        ],
      });
    else out.push({ ...formatExport(plan, tool, format as PlanFormat, file, now, vendor), tools: labels });
  }
  const byKey = cache.get(plan) ?? new Map<string, Array<PlanExport & { files: ReportFile[] }>>();
  byKey.set(key, out);
  cache.set(plan, byKey);
  return out;
}

/** An export as result.json lists it (without the file contents). */
export function exportSummary({
  files: _files,
  ...summary
}: PlanExport & { files: ReportFile[] }): PlanExport {
  return summary;
}
