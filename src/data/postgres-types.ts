/**
 * PostgreSQL column types (by type OID and modifier) → the DuckDB type the text value is cast to.
 * Rows arrive as PostgreSQL's own text output (UTC, ISO dates), which DuckDB casts exactly for
 * the types below; anything else (arrays, bytea, money, ranges, geometry, …) stays VARCHAR.
 */

const BY_OID: Record<number, string> = {
  16: 'BOOLEAN',
  20: 'BIGINT',
  21: 'SMALLINT',
  23: 'INTEGER',
  26: 'BIGINT', // oid
  700: 'FLOAT',
  701: 'DOUBLE',
  1082: 'DATE',
  1083: 'TIME',
  1114: 'TIMESTAMP',
  1184: 'TIMESTAMPTZ',
  1186: 'INTERVAL',
  2950: 'UUID',
  114: 'JSON',
  3802: 'JSON',
  25: 'VARCHAR',
  1043: 'VARCHAR',
  1042: 'VARCHAR',
  19: 'VARCHAR',
  18: 'VARCHAR',
};

const NUMERIC = 1700;

/**
 * The DuckDB type for a PostgreSQL column. `numeric(p,s)` with p ≤ 38 keeps its precision;
 * unconstrained or wider `numeric` becomes DOUBLE (DuckDB's DECIMAL stops at 38 digits).
 *
 * @example
 * duckDbTypeForPostgres(1700, ((12 << 16) | 2) + 4); // 'DECIMAL(12,2)'
 * duckDbTypeForPostgres(1009, -1);                    // 'VARCHAR' (text[])
 */
export function duckDbTypeForPostgres(oid: number, typmod: number): string {
  if (oid === NUMERIC) {
    if (typmod < 4) return 'DOUBLE';
    const precision = ((typmod - 4) >> 16) & 0xffff;
    const scale = (typmod - 4) & 0xffff;
    return precision >= 1 && precision <= 38 && scale <= precision
      ? `DECIMAL(${precision},${scale})`
      : 'DOUBLE';
  }
  return BY_OID[oid] ?? 'VARCHAR';
}
