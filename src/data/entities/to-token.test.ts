import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../index.ts';
import { tokenSql } from './source-columns.ts';
import { tokenAliases, toToken } from './typed-entity.ts';

const samples = [
  ' Sign Up ',
  'Deal-Registration',
  'in  progress',
  'A - b',
  'x--y',
  'Already_token',
  'ÉVÉNEMENT Spécial',
];

describe('toToken', () => {
  it('lower-cases, trims and turns runs of spaces and hyphens into one underscore', () => {
    expect(samples.map(toToken)).toEqual([
      'sign_up',
      'deal_registration',
      'in_progress',
      'a_b',
      'x_y',
      'already_token',
      'événement_spécial',
    ]);
    expect(tokenAliases({ ' In Progress': 'pending' })).toEqual({ in_progress: 'pending' });
  });

  it('agrees with the SQL form the sources are normalized with (DuckDB)', async () => {
    const engine = await openDuckDb();
    try {
      const values = samples.map((s) => `('${s.replace(/'/g, "''")}')`).join(', ');
      const rows = await engine.query<{ t: string }>(
        `SELECT ${tokenSql('v')} AS t FROM (VALUES ${values}) AS x(v)`,
      );
      expect(rows.map((r) => r.t)).toEqual(samples.map(toToken));
    } finally {
      await engine.close();
    }
  });
});
