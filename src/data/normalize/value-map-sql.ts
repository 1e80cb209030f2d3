import { literal } from '../sql-text.ts';

/** Trimmed, lower-cased text, with empty strings as NULL. */
export const cleanTextSql = (expr: string) => `NULLIF(lower(trim(${expr})), '')`;

/**
 * A CASE expression that maps cleaned values through a dictionary, keeping unmapped values
 * (`otherwise: 'keep'`) or turning them into NULL (`otherwise: 'null'`).
 * @example valueMapSql('utm_source', { fb: 'facebook' }) // CASE NULLIF(lower(trim(utm_source)), '') WHEN 'fb' THEN 'facebook' ELSE … END
 */
export function valueMapSql(
  expr: string,
  map: Record<string, string>,
  otherwise: 'keep' | 'null' = 'keep',
): string {
  const clean = cleanTextSql(expr);
  const entries = Object.entries(map);
  if (!entries.length) return otherwise === 'keep' ? clean : 'NULL';
  const whens = entries
    .map(([k, v]) => `WHEN ${literal(k.trim().toLowerCase())} THEN ${literal(v)}`)
    .join(' ');
  return `(CASE ${clean} ${whens} ELSE ${otherwise === 'keep' ? clean : 'NULL'} END)`;
}
