import { describe, expect, it } from 'vitest';
import { duckDbTypeForPostgres } from './postgres-types.ts';

const numericTypmod = (precision: number, scale: number) => ((precision << 16) | scale) + 4;

describe('duckDbTypeForPostgres', () => {
  it.each([
    [16, -1, 'BOOLEAN'],
    [20, -1, 'BIGINT'],
    [23, -1, 'INTEGER'],
    [701, -1, 'DOUBLE'],
    [1114, -1, 'TIMESTAMP'],
    [1184, -1, 'TIMESTAMPTZ'],
    [1082, -1, 'DATE'],
    [3802, -1, 'JSON'],
    [2950, -1, 'UUID'],
    [1009, -1, 'VARCHAR'], // text[]
    [17, -1, 'VARCHAR'], // bytea stays as its hex text
    [790, -1, 'VARCHAR'], // money is locale-formatted text
  ])('maps oid %i to %s', (oid, typmod, expected) => {
    expect(duckDbTypeForPostgres(oid, typmod)).toBe(expected);
  });

  it('keeps numeric precision up to 38 digits and falls back to DOUBLE beyond', () => {
    expect(duckDbTypeForPostgres(1700, numericTypmod(12, 2))).toBe('DECIMAL(12,2)');
    expect(duckDbTypeForPostgres(1700, numericTypmod(38, 10))).toBe('DECIMAL(38,10)');
    expect(duckDbTypeForPostgres(1700, numericTypmod(39, 2))).toBe('DOUBLE');
    expect(duckDbTypeForPostgres(1700, -1)).toBe('DOUBLE');
  });
});
