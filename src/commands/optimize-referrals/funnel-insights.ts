import type { ReferralMetrics } from '../../analyses/referrals/index.ts';
import type { StageDuration } from './diagnostics-stage.ts';
import type { FunnelSegment } from './funnel-rows.ts';
import { moneyShort, percentText, signedPercent } from '../../report/index.ts';

const pct = (x: number | null) => (x === null ? 'n/a' : percentText(x));
/** '8.44' below 1,000 (the currency's decimals), '20,709' from 1,000 up; 'n/a' when there is none. */
const money = (x: number | null, cur: string) => (x === null ? 'n/a' : moneyShort(x, cur));

/** The stage rates of the funnel, in order, with the words the insights use. */
export const STAGE_RATES: readonly { key: keyof ReferralMetrics; label: string; step: string }[] = [
  { key: 'participationRate', label: 'participation rate', step: 'eligible advocates → sharing advocates' },
  { key: 'clicksPerShare', label: 'clicks per share', step: 'share → click' },
  { key: 'signupRate', label: 'sign-up rate', step: 'click → sign-up' },
  { key: 'conversionRate', label: 'referral conversion rate', step: 'sign-up → customer' },
];

const DURATION_WORDS: Record<StageDuration['step'], string> = {
  share_to_click: 'share → click',
  click_to_signup: 'click → sign-up',
  signup_to_conversion: 'sign-up → first purchase',
  conversion_to_reward: 'purchase → reward paid',
};

function humanDuration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** The stage whose rate fell most against the previous window (relative), if any fell ≥ 5%. */
function biggestDrop(cur: ReferralMetrics, prev: ReferralMetrics): string | null {
  let worst: { label: string; step: string; a: number; b: number; rel: number } | null = null;
  for (const s of STAGE_RATES) {
    const a = prev[s.key];
    const b = cur[s.key];
    if (a === null || b === null || !(a > 0)) continue;
    const rel = (b - a) / a;
    if (rel <= -0.05 && (!worst || rel < worst.rel)) worst = { ...s, a, b, rel };
  }
  if (!worst) return null;
  const fmt = worst.label === 'clicks per share' ? (x: number) => x.toFixed(2) : pct;
  return `The funnel leaks most at ${worst.step}: ${worst.label} fell from ${fmt(worst.a)} to ${fmt(worst.b)} (${signedPercent(worst.rel, 0)}) against the previous window.`;
}

const BASE_OF: Partial<Record<keyof ReferralMetrics, keyof FunnelSegment['counts']>> = {
  participationRate: 'eligibleAdvocates',
  clicksPerShare: 'shares',
  signupRate: 'clicks',
  conversionRate: 'signups',
};

/** The count a stage rate is made of (its numerator): participating advocates, clicks, sign-ups, conversions. */
const OUTPUT_OF: Partial<Record<keyof ReferralMetrics, keyof FunnelSegment['counts']>> = {
  participationRate: 'participatingAdvocates',
  clicksPerShare: 'clicks',
  signupRate: 'signups',
  conversionRate: 'conversions',
};

/**
 * How sure a fall is: the upper 95% bound of log(b / a), the ratio of the window's rate to the
 * previous window's, from the counts behind them (delta method: var log p̂ ≈ (1 − p) / x for a
 * proportion of x successes, 1 / x for a count per unit such as clicks per share; x + 0.5 so a
 * rate that fell to 0 has a bound). The lower the bound, the larger the fall the data vouch for:
 * 4 of 30 sign-ups converting against 18 of 45 is a −67% fall that the counts vouch only −16% of,
 * 30 of 282 clicks signing up against 45 of 211 a −50% fall they vouch −24% of.
 */
function assuredLogRatio(
  key: keyof ReferralMetrics,
  a: number,
  b: number,
  prev: FunnelSegment,
  cur: FunnelSegment,
): number {
  const out = OUTPUT_OF[key]!;
  const xa = Number(prev.counts[out]) + 0.5;
  const xb = Number(cur.counts[out]) + 0.5;
  const proportion = key !== 'clicksPerShare';
  const v = (proportion ? Math.max(0, 1 - a) : 1) / xa + (proportion ? Math.max(0, 1 - b) : 1) / xb;
  return Math.log(Math.max(b, 1e-9) / a) + 1.96 * Math.sqrt(v);
}

/**
 * Per dimension, the segment and stage whose rate fell most surely against the previous window
 * (a fall of ≥ 20%, bases ≥ 30), ranked by the fall its counts vouch for (`assuredLogRatio`), not
 * the point estimate alone: on a base of 30 a few conversions more or less move a rate by a third.
 */
function segmentDrops(current: readonly FunnelSegment[], previous: readonly FunnelSegment[]): string[] {
  const out: string[] = [];
  const dims = [...new Set(current.map((s) => s.dimension))].filter((d) => d !== 'program');
  for (const dim of dims) {
    let worst: { text: string; assured: number } | null = null;
    for (const cur of current.filter((s) => s.dimension === dim)) {
      const prev = previous.find((s) => s.dimension === dim && s.value === cur.value);
      if (!prev) continue;
      for (const st of STAGE_RATES) {
        const base = BASE_OF[st.key]!;
        const a = prev.metrics[st.key];
        const b = cur.metrics[st.key];
        if (
          a === null ||
          b === null ||
          !(a > 0) ||
          Number(prev.counts[base]) < 30 ||
          Number(cur.counts[base]) < 30
        )
          continue;
        const rel = (b - a) / a;
        const fmt = st.key === 'clicksPerShare' ? (x: number) => x.toFixed(2) : pct;
        const assured = rel <= -0.2 ? assuredLogRatio(st.key, a, b, prev, cur) : Infinity;
        if (rel <= -0.2 && (!worst || assured < worst.assured))
          worst = {
            assured,
            text: `By ${dim}: ${cur.value} ${st.label} fell from ${fmt(a)} to ${fmt(b)} (${signedPercent(rel, 0)}) against the previous window — the biggest leak of the ${dim} breakdown (${st.step}).`,
          };
      }
    }
    if (worst) out.push(worst.text);
  }
  return out;
}

/**
 * The weakest segment of a dimension by conversion rate (≥ 30 sign-ups), against the strongest and
 * the program; none when the judged segments all convert alike (no segment is weaker).
 */
function weakestSegment(current: readonly FunnelSegment[], program: FunnelSegment): string[] {
  const out: string[] = [];
  const dims = [...new Set(current.map((s) => s.dimension))].filter((d) => d !== 'program');
  for (const dim of dims) {
    const judged = current.filter(
      (s) => s.dimension === dim && s.counts.signups >= 30 && s.metrics.conversionRate !== null,
    );
    if (judged.length < 2) continue;
    const worst = judged.reduce((a, b) => (b.metrics.conversionRate! < a.metrics.conversionRate! ? b : a));
    const best = judged.reduce((a, b) => (b.metrics.conversionRate! > a.metrics.conversionRate! ? b : a));
    if (best.metrics.conversionRate === worst.metrics.conversionRate) continue;
    out.push(
      `By ${dim}: ${worst.value} converts ${pct(worst.metrics.conversionRate)} of its ${worst.counts.signups} sign-ups, ${best.value} ${pct(best.metrics.conversionRate)} (program ${pct(program.metrics.conversionRate)}).`,
    );
  }
  return out;
}

/**
 * Annotated insights of the funnel, each stated with its numbers: volume and conversion against
 * the previous window, the stage that leaks most (program, then per dimension), the weakest
 * segment per dimension, incentive efficiency, and the slowest step. Money is in `currency` (the
 * reporting currency) and the k-factor and payout ROI say what they are.
 */
export function funnelInsights(
  program: { current: FunnelSegment; previous: FunnelSegment },
  current: readonly FunnelSegment[],
  previous: readonly FunnelSegment[],
  durations: readonly StageDuration[],
  currency: string,
): string[] {
  const c = program.current;
  const p = program.previous;
  const m = c.metrics;
  const delta =
    p.counts.conversions > 0
      ? ` (${signedPercent((c.counts.conversions - p.counts.conversions) / p.counts.conversions, 0)} against the previous window's ${p.counts.conversions})`
      : '';
  const out = [
    `${c.counts.conversions} referred customers${delta} from ${c.counts.signups} referred sign-ups: referral conversion rate ${pct(m.conversionRate)}, k-factor ${m.kFactor === null ? 'n/a' : `${m.kFactor.toFixed(3)} (referred customers per eligible advocate)`}, ${pct(m.shareOfNewCustomers)} of all new customers.`,
  ];
  const drop = biggestDrop(m, p.metrics);
  if (drop) out.push(drop);
  out.push(...segmentDrops(current, previous));
  out.push(...weakestSegment(current, c));
  if (m.costPerReferredCustomer !== null)
    out.push(
      `Incentive efficiency: ${currency} ${money(m.programCost, currency)} spent (rewards + incentives + fees − clawbacks), ${currency} ${money(m.costPerReferredCustomer, currency)} per referred customer, payout ROI ${m.payoutRoi === null ? 'n/a' : `${m.payoutRoi.toFixed(2)}× ((referred revenue − spent) / spent)`}.`,
    );
  const slow = durations
    .filter((d) => d.median_seconds !== null && d.pairs > 0)
    .sort((a, b) => b.median_seconds! - a.median_seconds!)[0];
  if (slow)
    out.push(
      `Slowest step: ${DURATION_WORDS[slow.step]}, median ${humanDuration(slow.median_seconds!)} over ${slow.pairs} pairs.`,
    );
  return out;
}
