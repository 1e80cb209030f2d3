import type { TableColumn } from './dashboard.ts';

type AnyObject = Record<string, unknown>;

export interface ChartData {
  columns: TableColumn[];
  rows: Record<string, unknown>[];
}

const isObject = (v: unknown): v is AnyObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Inline rows of the spec: top level first, then the first layer that has its own. */
function inlineRows(spec: AnyObject): AnyObject[] {
  const data = spec.data;
  if (isObject(data) && Array.isArray(data.values)) return data.values.filter(isObject);
  for (const layer of Array.isArray(spec.layer) ? spec.layer : []) {
    if (isObject(layer)) {
      const rows = inlineRows(layer);
      if (rows.length > 0) return rows;
    }
  }
  return [];
}

/** Fields used by position, colour and text encodings, in encoding order, through layers. */
function encodedFields(spec: AnyObject, out: Map<string, TableColumn>): void {
  const encoding = spec.encoding;
  if (isObject(encoding)) {
    for (const channel of ['x', 'y', 'color', 'text', 'theta', 'size']) {
      const def = encoding[channel];
      if (!isObject(def) || typeof def.field !== 'string' || out.has(def.field)) continue;
      const format =
        typeof def.format === 'string' ? def.format : isObject(def.axis) ? def.axis.format : undefined;
      out.set(def.field, {
        key: def.field,
        label: typeof def.title === 'string' ? def.title : def.field,
        format:
          def.type === 'quantitative'
            ? typeof format === 'string' && format.includes('%')
              ? 'percent'
              : 'number'
            : 'text',
      });
    }
  }
  for (const layer of Array.isArray(spec.layer) ? spec.layer : [])
    if (isObject(layer)) encodedFields(layer, out);
}

/**
 * The data behind a chart as a table, for text renderings (Markdown `full`, the HTML "Data"
 * disclosure): the columns a chart helper declared in `usermeta.table`, else the encoded fields,
 * else every key of the first row.
 *
 * @example
 * chartData(barChart({ title: 'Leads', data: [{ source: 'web', leads: 3 }], x: 'source', y: 'leads' }));
 * // { columns: [{ key: 'source', label: 'source' }, { key: 'leads', label: 'leads', format: 'number' }],
 * //   rows: [{ source: 'web', leads: 3 }] }
 */
export function chartData(spec: object): ChartData {
  const s = spec as AnyObject;
  const rows = inlineRows(s);
  const declared = isObject(s.usermeta) && Array.isArray(s.usermeta.table) ? s.usermeta.table : undefined;
  let columns: TableColumn[];
  if (declared) {
    columns = declared.filter(
      (c): c is TableColumn => isObject(c) && typeof c.key === 'string' && typeof c.label === 'string',
    );
  } else {
    const fields = new Map<string, TableColumn>();
    encodedFields(s, fields);
    columns = [...fields.values()];
    if (columns.length === 0 && rows.length > 0)
      columns = Object.keys(rows[0]).map((key) => ({ key, label: key }));
  }
  return { columns, rows };
}
