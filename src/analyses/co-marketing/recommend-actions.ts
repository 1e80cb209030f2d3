import type { ContributionRow } from './contribution-vs-target.ts';
import { worstAgainstOverall, type FunnelDropoff } from './funnel-dropoff.ts';
import { moneyShort, percentText } from '../text/index.ts';

export interface CreditRow {
  key: string;
  /** owning partner of an asset, if any */
  partner?: string | null;
  label: string;
  pipeline: number;
  revenue: number;
  touches: number;
}

export interface ActionInput {
  contribution: ContributionRow[];
  assets: CreditRow[];
  channels: CreditRow[];
  funnelByPartner: FunnelDropoff[];
  funnelByChannel: FunnelDropoff[];
  /** `value` null: no pipeline to match (no check, no action). */
  confidence: { value: number | null; threshold: number; unmatchedPipeline: number };
  unassigned: {
    touches: number;
    totalTouches: number;
    top: { source: string; medium: string; touches: number }[];
  };
  rejects: { rows: number; topReason: string | null };
  currency: string;
}

export interface Action {
  id: string;
  priority: 'high' | 'medium' | 'low';
  title: string;
  evidence: string;
  /** what the action adjusts */
  target: { partner?: string; channel?: string; asset?: string };
  owner_role: string;
}

const pct = (x: number) => percentText(x);
/** 'USD 8.44' below 1,000 (the currency's decimals), 'USD 20,709' from 1,000 up. */
const money = (x: number, cur: string) => `${cur} ${moneyShort(x, cur)}`;

/**
 * Rule-based recommendations, each citing the numbers behind it, high priority first (then medium,
 * then low; the rules' order within each). Thresholds are deliberately simple and stated in the
 * evidence so a reader can check them.
 * @example recommendActions(input).map((a) => a.title)
 */
export function recommendActions(x: ActionInput): Action[] {
  const out: Action[] = [];
  if (x.confidence.value !== null && x.confidence.value < x.confidence.threshold)
    out.push({
      id: 'fix-touch-matching',
      priority: 'high',
      title: 'Fix touch matching before trusting partner credit',
      evidence: `only ${pct(x.confidence.value)} of pipeline has a matched campaign touch (guardrail ${pct(x.confidence.threshold)}); ${money(x.confidence.unmatchedPipeline, x.currency)} is unattributed. Check utm_campaign tagging and contact-to-account matching.`,
      target: {},
      owner_role: 'co_marketing_analytics_lead',
    });
  for (const c of x.contribution) {
    if (c.status === 'behind' && c.pipeline_attainment !== null) {
      const best = bestAssetOf(x.assets.filter((a) => a.partner === c.partner));
      out.push({
        id: `close-gap-${c.partner}`,
        priority: 'high',
        title: `Close the pipeline gap with ${c.partner_name}${best ? `: put more of the joint budget behind "${best.label}"` : ''}`,
        evidence: `${pct(c.pipeline_attainment)} of its ${money(c.pipeline_target_in_window ?? 0, x.currency)} pipeline target for this window (${pct(c.window_share)} of the campaign target of ${money(c.pipeline_target ?? 0, x.currency)})${best ? `; "${best.label}" yields ${money(best.pipeline / Math.max(1, best.touches), x.currency)} of attributed pipeline per touch` : ''}.`,
        target: { partner: c.partner, asset: best?.key },
        owner_role: 'partner_manager',
      });
    } else if (c.status === 'ahead' && c.pipeline_attainment !== null) {
      out.push({
        id: `scale-${c.partner}`,
        priority: 'medium',
        title: `Scale the motion with ${c.partner_name} (ahead of target)`,
        evidence: `${pct(c.pipeline_attainment)} of its pipeline target for this window; consider more joint programs or raising the target.`,
        target: { partner: c.partner },
        owner_role: 'partner_manager',
      });
    }
  }
  const totalTouches = x.assets.reduce((s, a) => s + a.touches, 0);
  const totalPipe = x.assets.reduce((s, a) => s + a.pipeline, 0);
  if (totalTouches > 0 && totalPipe > 0) {
    const avg = totalPipe / totalTouches;
    const ranked = x.assets
      .filter((a) => a.touches >= 20 && a.key !== '(none)')
      .sort((a, b) => b.pipeline / b.touches - a.pipeline / a.touches || a.key.localeCompare(b.key));
    const top = ranked[0];
    if (top && top.pipeline / top.touches > 1.2 * avg)
      out.push({
        id: `promote-${top.key}`,
        priority: 'medium',
        title: `Promote "${top.label}" across both partners' channels`,
        evidence: `${money(top.pipeline / top.touches, x.currency)} of attributed pipeline per touch, ${(top.pipeline / top.touches / avg).toFixed(1)}× the campaign average of ${money(avg, x.currency)} (${top.touches} touches).`,
        target: { asset: top.key },
        owner_role: 'content_lead',
      });
    for (const a of ranked.slice(1)) {
      const touchShare = a.touches / totalTouches;
      const pipeShare = a.pipeline / totalPipe;
      if (touchShare >= 0.1 && pipeShare < 0.5 * touchShare)
        out.push({
          id: `rework-${a.key}`,
          priority: 'low',
          title: `Rework or retire "${a.label}"`,
          evidence: `${pct(touchShare)} of campaign touches but ${pct(pipeShare)} of attributed pipeline.`,
          target: { asset: a.key },
          owner_role: 'content_lead',
        });
    }
  }
  const chTouches = x.channels.reduce((s, c) => s + c.touches, 0);
  const chPipe = x.channels.reduce((s, c) => s + c.pipeline, 0);
  if (chTouches > 0 && chPipe > 0)
    for (const c of [...x.channels].sort((a, b) => a.key.localeCompare(b.key))) {
      const ts = c.touches / chTouches;
      const ps = c.pipeline / chPipe;
      if (ts >= 0.08 && ps < 0.5 * ts)
        out.push({
          id: `shift-from-${c.key}`,
          priority: 'medium',
          title: `Shift budget away from ${c.label}`,
          evidence: `${pct(ts)} of touches but ${pct(ps)} of attributed pipeline.`,
          target: { channel: c.key },
          owner_role: 'demand_gen_lead',
        });
      else if (ps >= 0.05 && ps >= 1.5 * ts)
        out.push({
          id: `invest-in-${c.key}`,
          priority: 'medium',
          title: `Invest more in ${c.label}`,
          evidence: `${pct(ps)} of attributed pipeline from ${pct(ts)} of touches.`,
          target: { channel: c.key },
          owner_role: 'demand_gen_lead',
        });
    }
  for (const [kind, rows] of [
    ['partner', x.funnelByPartner],
    ['channel', x.funnelByChannel],
  ] as const) {
    const worst = worstAgainstOverall(rows);
    if (worst)
      out.push({
        id: `dropoff-${kind}-${worst.row.value}`,
        priority: 'medium',
        title: `Fix the drop-off from ${label(worst.step.from)} to ${label(worst.step.to)} for ${kind} ${worst.row.value}`,
        evidence: `${pct(worst.step.rate!)} convert at this step vs ${pct(worst.overall)} across all ${kind}s.`,
        target: kind === 'partner' ? { partner: worst.row.value } : { channel: worst.row.value },
        owner_role: kind === 'partner' ? 'partner_manager' : 'demand_gen_lead',
      });
  }
  if (x.unassigned.totalTouches > 0 && x.unassigned.touches / x.unassigned.totalTouches > 0.02) {
    const top = x.unassigned.top
      .slice(0, 3)
      .map((t) => `${t.source || '(empty)'} / ${t.medium || '(empty)'} (${t.touches})`);
    out.push({
      id: 'add-channel-rules',
      priority: 'low',
      title: 'Add channel grouping rules for unassigned traffic',
      evidence: `${pct(x.unassigned.touches / x.unassigned.totalTouches)} of campaign touches fall in no channel; top source/medium: ${top.join(', ')}. Add rules under channels.rules in gtm.yaml.`,
      target: { channel: 'unassigned' },
      owner_role: 'marketing_ops',
    });
  }
  if (x.rejects.rows > 0)
    out.push({
      id: 'fix-rejected-rows',
      priority: 'low',
      title: `Fix ${x.rejects.rows} rejected source row${x.rejects.rows === 1 ? '' : 's'}`,
      evidence: `top reason: ${x.rejects.topReason}; see rejects.csv.`,
      target: {},
      owner_role: 'marketing_ops',
    });
  return bySeverity(out);
}

const RANK: Record<Action['priority'], number> = { high: 0, medium: 1, low: 2 };

/** High first, then medium, then low; a stable sort keeps the rules' order within a priority. */
const bySeverity = (actions: Action[]): Action[] =>
  actions.sort((a, b) => RANK[a.priority] - RANK[b.priority]);

const label = (s: string) => s.replace(/_/g, ' ');

function bestAssetOf(assets: CreditRow[]): CreditRow | undefined {
  return assets
    .filter((a) => a.touches >= 20 && a.key !== '(none)')
    .sort((a, b) => b.pipeline / b.touches - a.pipeline / a.touches || a.key.localeCompare(b.key))[0];
}
