/**
 * Payout kinds as partner programmes write them: a commission or a bounty is the advocate's reward.
 * `Commission` was rejected ("kind: commission is not one of reward, incentive, fee"), and with the
 * default reject limit of 0 the run stopped (h-refacc20's acceptance run of optimize-referrals).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Engine } from '../index.ts';
import { ratesTableSql } from '../normalize/index.ts';
import { literal } from '../sql-text.ts';
import type { SourceBinding } from './entity-spec.ts';
import { payouts } from './referrals.ts';

const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
};
const HEADER = ['payout_id', 'advocate_id', 'kind', 'amount', 'created_at'];
/** [raw kind, canonical kind or null when rejected] */
const KINDS: [string, string | null][] = [
  ['Commission', 'reward'],
  ['partner commission', 'reward'],
  ['Referral-Commission', 'reward'],
  ['BOUNTY', 'reward'],
  ['referral bonus', 'reward'],
  ['bonus', 'reward'],
  ['friend discount', 'incentive'],
  ['Platform Fee', 'fee'],
  ['salary', null],
];

const binding: SourceBinding = {
  source: 's',
  entity: 'payouts',
  priority: 1,
  rawTable: 'raw',
  columns: Object.fromEntries(HEADER.map((c) => [c, c])),
  defaultCurrency: 'USD',
};

describe('payout kinds', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    await duck.exec(ratesTableSql('fx', [], 'USD'));
    const values = KINDS.map(
      ([k], i) =>
        `(${[`p${i}`, 'a1', k, '10', '2026-11-10'].map((v) => literal(v)).join(', ')}, 'f.csv', ${i + 2})`,
    ).join(', ');
    await duck.exec(
      `CREATE TABLE raw AS SELECT * FROM (VALUES ${values}) t(${HEADER.join(', ')}, source_file, source_row)`,
    );
  });
  afterAll(async () => duck?.close());

  it('read commissions and bounties as rewards, and still refuse a kind they do not name', async () => {
    const out = await duck.query<{ kind: string | null; _reject_reason: string | null }>(
      `SELECT kind, _reject_reason FROM (${payouts.select(binding, SETTINGS)}) ORDER BY _row`,
    );
    expect(out.map((r) => (r._reject_reason ? null : r.kind))).toEqual(KINDS.map((k) => k[1]));
    expect(out.at(-1)?._reject_reason).toMatch(/^kind: salary is not one of reward, incentive, fee/);
  });
});
