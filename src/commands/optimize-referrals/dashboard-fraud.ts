import { barChart, moneyShort, type Section, percentText } from '../../report/index.ts';
import { ringNumber, type ReferralsResult } from './result.ts';

type R = ReferralsResult;
const pct = (x: number | null) => (x === null ? 'n/a' : percentText(x));
/** Flagged referrals shown on the dashboard (all of them are in flagged_referrals.csv). */
const SHOWN = 50;

/**
 * The review's bands and the payouts they hold, as the Fraud section's callout says it: money with
 * the currency's decimals below 1,000 ("USD 560.00 rejected", KWD 12.346), whole from 1,000 up.
 */
export function bandsLine(
  f: Pick<R['fraud'], 'by_band' | 'reject_share' | 'reject_threshold' | 'value_at_risk'>,
  currency: string,
): string {
  const money = (x: number) => `${currency} ${moneyShort(x, currency)}`;
  return `${f.by_band.approve} approved, ${f.by_band.review} to review, ${f.by_band.reject} rejected (${pct(f.reject_share)}; guardrail ${pct(f.reject_threshold)}). Payouts held: ${money(f.value_at_risk.review)} in review, ${money(f.value_at_risk.reject)} rejected.`;
}

/** Fraud and risk summary: bands, rules that fired, the flagged referrals with reasons, suspicious cohorts. */
export function fraudSection(r: R): Section {
  const f = r.fraud;
  const fired = f.rules.filter((x) => x.fired > 0);
  return {
    title: 'Fraud and risk review',
    summary: true,
    intro: `Every referral of the window is scored: each named rule that fires adds its weight by noisy-OR (score = 1 − Π(1 − w)); score ≥ ${f.bands.reject} rejects, ≥ ${f.bands.review} sends to review. ${f.candidates} of ${f.scored} referrals carried a signal; held payouts are the pending and paid rewards and incentives of review and reject referrals.`,
    blocks: [
      {
        kind: 'callout',
        status: (f.reject_share ?? 0) > f.reject_threshold ? 'alert' : f.by_band.review ? 'warn' : 'ok',
        text: bandsLine(f, r.currency),
      },
      {
        kind: 'chart',
        title: 'Referrals flagged by rule',
        spec: barChart({
          title: 'Referrals flagged by rule',
          data: fired.map((x) => ({ rule: x.title, referrals: x.fired })),
          x: 'rule',
          y: 'referrals',
          format: 'integer',
          horizontal: true,
        }),
      },
      {
        kind: 'table',
        title: 'Rules in force',
        columns: [
          { key: 'title', label: 'Rule', format: 'text' },
          { key: 'weight', label: 'Weight', format: 'number' },
          { key: 'threshold', label: 'Threshold', format: 'text' },
          { key: 'fired', label: 'Fired', format: 'integer' },
          { key: 'reward_value', label: 'Rewards on them', format: 'currency', currency: r.currency },
        ],
        rows: f.rules.map((x) => ({
          ...x,
          title: x.enabled ? x.title : `${x.title} (off)`,
          threshold: `${x.threshold === null ? 'exact' : `${x.threshold} ${x.unit ?? ''}`.trim()}${
            x.weak_ring_weight === undefined
              ? ''
              : `; weight ${x.weak_ring_weight} when linked only by email domains`
          }`,
        })),
      },
      {
        kind: 'table',
        title: `Flagged referrals (top ${Math.min(SHOWN, f.flagged_total)} of ${f.flagged_total} by score)`,
        columns: [
          { key: 'referral_id', label: 'Referral', format: 'text' },
          { key: 'band', label: 'Band', format: 'text' },
          { key: 'score', label: 'Score', format: 'number' },
          { key: 'advocate_id', label: 'Advocate', format: 'text' },
          { key: 'why', label: 'Reasons', format: 'text' },
          { key: 'held_value', label: 'Held', format: 'currency', currency: r.currency },
        ],
        rows: f.flagged
          .slice(0, SHOWN)
          .map((x) => ({ ...x, why: x.reasons.join(' · '), flag: x.band === 'reject' ? 'alert' : 'warn' })),
        highlight: { key: 'flag' },
      },
      {
        kind: 'table',
        title: 'Suspicious cohorts',
        columns: [
          { key: 'dimension', label: 'Dimension', format: 'text' },
          { key: 'value', label: 'Value', format: 'text' },
          { key: 'referrals', label: 'Referrals', format: 'integer' },
          { key: 'review', label: 'Review', format: 'integer' },
          { key: 'reject', label: 'Reject', format: 'integer' },
          { key: 'flagged_share', label: 'Flagged', format: 'percent' },
          { key: 'held_value', label: 'Held', format: 'currency', currency: r.currency },
        ],
        rows: f.cohorts.filter((c) => c.dimension !== 'program').map((c) => ({ ...c })),
      },
    ],
  };
}

/** Rings drawn and listed on the dashboard, by rewards paid (all of them are in rings.csv). */
const RINGS_SHOWN = 25;

/** Fraud clusters: the rings, what links them, and what they were paid. */
export function ringSection(r: R): Section {
  const f = r.fraud;
  const rings = [...f.rings]
    .sort((a, b) => b.rewards_paid - a.rewards_paid || a.ring - b.ring)
    .slice(0, RINGS_SHOWN);
  const lists = f.inputs.lists;
  // said only when there is a weak ring to read it for
  const ringRule = f.rings.some((x) => x.strength === 'weak' || x.strongly_tied < x.members)
    ? f.rules.find((x) => x.rule === 'ring')
    : undefined;
  const weak =
    ringRule?.weak_ring_weight === undefined
      ? ''
      : ` An account tied to its ring only by shared company email domains is weakly tied (colleagues at one company refer each other in a B2B programme; a strongly tied one shares an IP + user agent, device, cookie or card with another member): the ring rule weighs ${ringRule.weak_ring_weight} for its referrals instead of ${ringRule.weight}, and the backlog checks those accounts rather than freezing them. A ring is strong when strong links alone connect at least 3 of its accounts, mixed when they connect fewer, weak with none.`;
  return {
    title: 'Fraud clusters',
    intro: `Accounts linked by a shared IP + user agent, device, cookie, card or company email domain (identifiers of more than the configured accounts are infrastructure and link nobody) form connected components; one of at least 3 accounts is a ring when few rewarded friends bought again after the reward or refunds dominate.${weak} ${f.inputs.ring_nodes} accounts share something (${f.inputs.ring_edges} links). Lists: disposable domains ${lists.disposable.source}${lists.disposable.version ? ` ${lists.disposable.version}` : ''} (${lists.disposable.entries} domains), ${lists.coupon.entries} coupon and cashback sites.`,
    blocks: f.rings.length
      ? [
          {
            kind: 'chart',
            title: `Rewards paid to rings (top ${rings.length} of ${f.rings.length})`,
            spec: barChart({
              title: 'Rewards paid to rings',
              data: rings.map((g) => ({
                ring: `ring #${ringNumber(g.ring)} (${g.members} accounts)`,
                rewards: g.rewards_paid,
              })),
              x: 'ring',
              y: 'rewards',
              format: 'currency',
              currency: r.currency,
              horizontal: true,
            }),
          },
          {
            kind: 'table',
            title: `Rings (top ${rings.length} of ${f.rings.length} by rewards paid)`,
            columns: [
              { key: 'ring', label: 'Ring', format: 'integer' },
              { key: 'members', label: 'Accounts', format: 'integer' },
              { key: 'strength', label: 'Strength', format: 'text' },
              { key: 'strongly_tied', label: 'Strongly tied', format: 'integer' },
              { key: 'linked_by', label: 'Linked by', format: 'text' },
              { key: 'rewards_paid', label: 'Rewards paid', format: 'currency', currency: r.currency },
              { key: 'retained', label: 'Bought again', format: 'text' },
              { key: 'why', label: 'Why', format: 'text' },
            ],
            rows: rings.map((g) => ({
              ...g,
              ring: ringNumber(g.ring),
              strength: g.strength === 'weak' ? 'weak: email domain only' : g.strength,
              linked_by: g.shared_identifiers.map((s) => `${s.kind} ${s.label ?? ''} ×${s.links}`).join('; '),
              retained: `${g.retained_friends} of ${g.rewarded_friends}`,
              why: g.reasons.join(', '),
            })),
          },
        ]
      : [{ kind: 'callout', status: 'ok', text: 'No fraud ring in the window.' }],
  };
}
