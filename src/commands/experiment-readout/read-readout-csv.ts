import { checkCount } from './check-count.ts';
import { parseCsv, type CsvRecord } from './parse-csv.ts';
import {
  ARM_FIELDS,
  buildArm,
  CUPED_FIELDS,
  inputError,
  METRIC_TYPES,
  type MetricType,
  type ReadoutInput,
  type ReadoutMetricInput,
  type ReadoutVariantInput,
} from '../shared/experiment-review/readout-input.ts';

const STAT_COLUMNS = [
  ...new Set([...ARM_FIELDS.proportion, ...ARM_FIELDS.mean, ...ARM_FIELDS.ratio, ...CUPED_FIELDS]),
];
const METRIC_COLUMNS = [
  'type',
  'cuped',
  'lower_is_better',
  'guardrail',
  'non_inferiority_margin',
  'absolute_margin',
];
const VARIANT_COLUMNS = ['weight', 'users'];
const REQUIRED_COLUMNS = ['metric', 'type', 'variant', 'n'];
const ALL_COLUMNS = ['metric', 'variant', ...STAT_COLUMNS, ...METRIC_COLUMNS, ...VARIANT_COLUMNS];

interface Cell {
  readonly value: string;
  readonly where: string;
}

/** The file name and header columns every cell lookup needs. */
interface Sheet {
  readonly file: string;
  readonly columns: readonly string[];
}

interface RowGroups {
  variantOrder: string[];
  variantInfo: Map<string, { weight?: Cell; users?: Cell }>;
  metricOrder: string[];
  metricRows: Map<string, Map<string, CsvRecord>>;
  metricInfo: Map<string, Record<string, Cell | undefined>>;
}

/**
 * Reads the CSV form of a readout input: one row per metric and variant, with a header row.
 *
 * | column | meaning |
 * |---|---|
 * | `metric`, `variant` | names; variants are ordered by first appearance and the first is the control |
 * | `type` | `proportion`, `mean` or `ratio` |
 * | `n` | units in the arm |
 * | `sum` | proportion: converted units; mean: Σ value |
 * | `sum_squares` | mean: Σ value² |
 * | `num_sum`, `num_sum_squares`, `den_sum`, `den_sum_squares`, `num_den_sum_product` | ratio: Σ M, Σ M², Σ D, Σ D², Σ M·D |
 * | `pre_sum`, `pre_sum_squares`, `post_pre_sum_product` | CUPED covariate: Σ X, Σ X², Σ Y·X (a proportion's covariate may omit Σ X² when binary) |
 * | `cuped`, `lower_is_better`, `guardrail` | true/false per metric (`cuped` defaults to true when `pre_sum` is filled) |
 * | `non_inferiority_margin` | per metric, for guardrails (a lift for relative analyses) |
 * | `absolute_margin` | per metric, for guardrails: a floor under that margin in the metric's own units (0.005: half a point of a rate at 0 %) |
 * | `weight`, `users` | per variant: planned traffic weight (default 1) and exposed units (for the sample ratio check) |
 *
 * Empty cells are absent values. Metric columns repeat on each of the metric's rows (or stay
 * empty after the first); variant columns likewise. CSV carries no settings: use the flags.
 * Errors point at `file:row:column`.
 *
 * @example
 * readReadoutCsv('metric,type,variant,n,sum\nsignup,proportion,A,1000,100\nsignup,proportion,B,1000,120\n', 'r.csv');
 */
export function readReadoutCsv(text: string, file: string): ReadoutInput {
  const parsed = parseCsv(text);
  if ('unterminatedQuoteAt' in parsed) {
    throw inputError(
      'a quoted field is never closed',
      `${file}:${parsed.unterminatedQuoteAt}`,
      'close the quote, or double a quote inside a field as ""',
    );
  }
  const [header, ...rows] = parsed.records;
  const sheet: Sheet = { file, columns: readHeader(header, file) };
  if (rows.length === 0) throw inputError('no data rows', file, 'add one row per metric and variant');
  const groups = groupRows(sheet, rows);
  if (groups.variantOrder.length < 2)
    throw inputError(
      'only one variant found',
      file,
      'the first variant is the control; add rows for at least one more',
    );
  const variants = readVariants(groups, file);
  const metrics = groups.metricOrder.map((name) => readMetric(sheet, groups, name));
  return { settings: {}, variants, metrics, daysRunning: null, multipleExposures: null };
}

/** The header's column names, after checking each is known, appears once, and the required ones are there. */
function readHeader(header: CsvRecord | undefined, file: string): string[] {
  if (!header)
    throw inputError(
      'the file is empty',
      file,
      `start with a header row: ${REQUIRED_COLUMNS.join(',')},sum,...`,
    );
  const columns = header.cells.map((c) => c.trim());
  columns.forEach((c, i) => {
    if (!ALL_COLUMNS.includes(c))
      throw inputError(
        `unknown column '${c}'`,
        `${file}:${header.line}:${i + 1}`,
        `columns are ${ALL_COLUMNS.join(', ')}`,
      );
    if (columns.indexOf(c) !== i)
      throw inputError(`column '${c}' appears twice`, `${file}:${header.line}:${i + 1}`, 'keep one');
  });
  for (const c of REQUIRED_COLUMNS) {
    if (!columns.includes(c))
      throw inputError(
        `missing column '${c}'`,
        `${file}:${header.line}`,
        `the header needs ${REQUIRED_COLUMNS.join(', ')}`,
      );
  }
  return columns;
}

/** A non-empty cell of `row` with its `file:row:column`, or undefined when the column is absent or the cell empty. */
function cellOf(sheet: Sheet, row: CsvRecord, column: string): Cell | undefined {
  const i = sheet.columns.indexOf(column);
  if (i < 0) return undefined;
  const value = (row.cells[i] ?? '').trim();
  return value === '' ? undefined : { value, where: `${sheet.file}:${row.line}:${i + 1}` };
}

/** Rows grouped by metric and variant, in order of first appearance, with the per-metric and per-variant cells. */
function groupRows(sheet: Sheet, rows: readonly CsvRecord[]): RowGroups {
  const { file, columns } = sheet;
  const groups: RowGroups = {
    variantOrder: [],
    variantInfo: new Map(),
    metricOrder: [],
    metricRows: new Map(),
    metricInfo: new Map(),
  };
  for (const row of rows) {
    if (row.cells.length > columns.length) {
      throw inputError(
        `row has ${row.cells.length} cells but the header has ${columns.length}`,
        `${file}:${row.line}`,
        'quote cells that contain commas',
      );
    }
    const metric = required(
      cellOf(sheet, row, 'metric'),
      `${file}:${row.line}:${columns.indexOf('metric') + 1}`,
      'metric',
    );
    const variant = required(
      cellOf(sheet, row, 'variant'),
      `${file}:${row.line}:${columns.indexOf('variant') + 1}`,
      'variant',
    );
    addVariantRow(sheet, groups, row, variant.value);
    addMetricRow(sheet, groups, row, metric.value, variant.value);
  }
  return groups;
}

function addVariantRow(sheet: Sheet, groups: RowGroups, row: CsvRecord, variant: string): void {
  if (!groups.variantInfo.has(variant)) {
    groups.variantOrder.push(variant);
    groups.variantInfo.set(variant, {});
  }
  const vInfo = groups.variantInfo.get(variant) ?? {};
  for (const column of VARIANT_COLUMNS as ('weight' | 'users')[]) {
    const c = cellOf(sheet, row, column);
    if (c === undefined) continue;
    const prior = vInfo[column];
    if (prior && prior.value !== c.value) {
      throw inputError(
        `variant '${variant}' has ${column} ${prior.value} on an earlier row and ${c.value} here`,
        c.where,
        `give ${column} once per variant, or the same value on every row`,
      );
    }
    vInfo[column] = c;
  }
}

function addMetricRow(
  sheet: Sheet,
  groups: RowGroups,
  row: CsvRecord,
  metric: string,
  variant: string,
): void {
  if (!groups.metricRows.has(metric)) {
    groups.metricOrder.push(metric);
    groups.metricRows.set(metric, new Map());
    groups.metricInfo.set(metric, {});
  }
  const byVariant = groups.metricRows.get(metric) ?? new Map<string, CsvRecord>();
  if (byVariant.has(variant)) {
    throw inputError(
      `metric '${metric}' has two rows for variant '${variant}'`,
      `${sheet.file}:${row.line}`,
      'keep one row per metric and variant',
    );
  }
  byVariant.set(variant, row);
  const mInfo = groups.metricInfo.get(metric) ?? {};
  for (const column of METRIC_COLUMNS) {
    const c = cellOf(sheet, row, column);
    if (c === undefined) continue;
    const prior = mInfo[column];
    if (prior && prior.value !== c.value) {
      throw inputError(
        `metric '${metric}' has ${column} '${prior.value}' on an earlier row and '${c.value}' here`,
        c.where,
        `use one ${column} per metric`,
      );
    }
    mInfo[column] = c;
  }
}

function readVariants(groups: RowGroups, file: string): ReadoutVariantInput[] {
  const variants: ReadoutVariantInput[] = groups.variantOrder.map((name) => {
    const info = groups.variantInfo.get(name) ?? {};
    const weight = info.weight ? number(info.weight, 'weight') : 1;
    if (!(weight > 0))
      throw inputError(
        `weight must be positive, got ${weight}`,
        info.weight?.where ?? file,
        'the planned share of traffic, on any scale',
      );
    if (!info.users) return { name, weight };
    const users = number(info.users, 'users');
    if (!Number.isSafeInteger(users) || users < 0)
      throw inputError(
        `users must be a whole number from 0 to 2^53 − 1, got ${users}`,
        info.users.where,
        'units exposed to this variant',
      );
    return { name, weight, users };
  });
  const withUsers = variants.filter((v) => v.users !== undefined).length;
  if (withUsers > 0 && withUsers < variants.length) {
    throw inputError(
      'users are given for some variants only',
      file,
      'give users for every variant (for the sample ratio check), or for none',
    );
  }
  return variants;
}

function readMetric(sheet: Sheet, groups: RowGroups, name: string): ReadoutMetricInput {
  const { file } = sheet;
  const info = groups.metricInfo.get(name) ?? {};
  const typeCell = info.type;
  const type = typeCell?.value as MetricType;
  if (!typeCell || !METRIC_TYPES.includes(type)) {
    throw inputError(
      `type must be one of ${METRIC_TYPES.join(', ')}, got '${typeCell?.value ?? ''}'`,
      typeCell?.where ?? file,
      `set the type of metric '${name}'`,
    );
  }
  const byVariant = groups.metricRows.get(name) ?? new Map<string, CsvRecord>();
  const anyPre = [...byVariant.values()].some((row) => cellOf(sheet, row, 'pre_sum') !== undefined);
  const cuped = info.cuped ? boolean(info.cuped) : anyPre;
  const arms = groups.variantOrder.map((variant) => {
    const row = byVariant.get(variant);
    if (!row)
      throw inputError(
        `metric '${name}' has no row for variant '${variant}'`,
        file,
        `add a row: ${name},${type},${variant},n,...`,
      );
    return readArm(sheet, row, type, cuped);
  });
  const margin = marginOf(info, 'non_inferiority_margin', file);
  const absoluteMargin = marginOf(info, 'absolute_margin', file);
  return {
    name,
    type,
    cuped,
    lowerIsBetter: info.lower_is_better ? boolean(info.lower_is_better) : false,
    guardrail: info.guardrail ? boolean(info.guardrail) : false,
    nonInferiorityMargin: margin,
    absoluteMargin,
    arms,
  };
}

/** A metric's margin cell (0 when empty), ≥ 0. */
function marginOf(
  info: Record<string, Cell | undefined>,
  key: 'non_inferiority_margin' | 'absolute_margin',
  file: string,
): number {
  const cell = info[key];
  const margin = cell ? number(cell, key) : 0;
  if (margin < 0)
    throw inputError(
      `${key} must be ≥ 0, got ${margin}`,
      cell?.where ?? file,
      key === 'absolute_margin'
        ? 'the largest acceptable harm in the metric’s own units, e.g. 0.005 for half a point of a rate'
        : 'the largest acceptable harm, e.g. 0.02 for 2%',
    );
  return margin;
}

function readArm(
  sheet: Sheet,
  row: CsvRecord,
  type: MetricType,
  cuped: boolean,
): ReturnType<typeof buildArm> {
  const fields: Record<string, number | undefined> = {};
  for (const column of STAT_COLUMNS) {
    const c = cellOf(sheet, row, column);
    fields[column] = c === undefined ? undefined : number(c, column);
  }
  const locate = (field: string) => {
    const i = sheet.columns.indexOf(field);
    return i < 0 ? `${sheet.file}:${row.line}` : `${sheet.file}:${row.line}:${i + 1}`;
  };
  checkCount(fields.n, locate('n'));
  return buildArm(type, cuped, fields, locate);
}

function required(cell: Cell | undefined, where: string, column: string): Cell {
  if (!cell) throw inputError(`'${column}' is empty`, where, `every row needs a ${column}`);
  return cell;
}

function number(cell: Cell, column: string): number {
  // Number('') and Number(' ') are 0, hence the explicit pattern.
  const ok = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell.value);
  const x = Number(cell.value);
  if (!ok || !Number.isFinite(x)) {
    throw inputError(
      `'${column}' must be a number, got '${cell.value}'`,
      cell.where,
      'use a plain number such as 1234 or 0.25, without thousands separators',
    );
  }
  return x;
}

function boolean(cell: Cell): boolean {
  const v = cell.value.toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw inputError(`expected true or false, got '${cell.value}'`, cell.where, 'use true or false');
}
