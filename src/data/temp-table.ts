/**
 * Names and clean-up for the scratch tables that loaders stage data in.
 */
import { randomBytes } from 'node:crypto';
import type { Engine } from './engine.ts';
import { quoteIdent } from './sql-text.ts';

/** A fresh scratch table name, unlikely to collide with anything a user creates. */
export function tempName(purpose: string): string {
  return `__gtm_${purpose}_${randomBytes(6).toString('hex')}`;
}

/** Drops tables if they exist, ignoring failures: used in `finally` blocks. */
export async function dropTables(engine: Engine, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await engine.exec(`DROP TABLE IF EXISTS ${quoteIdent(name, engine.dialect)}`).catch(() => undefined);
  }
}
