/**
 * Which column shards each entity on a cluster: the key its commands group by (the journey's
 * person, the loyalty member, the personalization user, the referral advocate), so that every
 * group lives whole on one shard and the shards can aggregate it without the others. Entities
 * without such a key are small reference tables (experiments, rewards, tier rules, opportunities):
 * they are copied whole to every server, where joins find them locally.
 */
export const SHARD_KEYS: Readonly<Record<string, readonly string[]>> = {
  touchpoints: ['person_id', 'account_id'],
  people: ['person_id'],
  members: ['member_id'],
  ledger: ['member_id'],
  orders: ['customer_id'],
  csat_responses: ['customer_id'],
  assignments: ['unit_id'],
  decisions: ['user_id'],
  outcomes: ['user_id'],
  consent_records: ['user_id'],
  shares: ['advocate_id'],
  referrals: ['advocate_id', 'referral_code'],
  clicks: ['referral_code'],
  conversions: ['customer_id'],
};

/**
 * The source columns that shard a source of `entity`: its canonical key columns as the source's
 * mapping names them (or by their own name when the source has such a column), those the source
 * has. Empty when the entity has no shard key or the source has none of its columns.
 *
 * @example shardColumnsOf('touchpoints', { person_id: 'Email' }, ['Email', 'ts']) // ['Email']
 */
export function shardColumnsOf(
  entity: string,
  mapping: Readonly<Record<string, string>>,
  columns: readonly string[],
): string[] {
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const out: string[] = [];
  for (const key of SHARD_KEYS[entity] ?? []) {
    const found = byLower.get((mapping[key] ?? key).toLowerCase());
    if (found !== undefined && !out.includes(found)) out.push(found);
  }
  return out;
}
