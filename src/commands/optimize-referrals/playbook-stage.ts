import type { ReferralsConfig, WorkspaceConfig } from '../../workspace/index.ts';
import type { OwnerRef } from '../kit/index.ts';
import type { ExperimentReview } from '../shared/experiment-review/index.ts';
import {
  experimentItems,
  fraudItems,
  funnelItems,
  partnerItems,
  regressionItems,
  type BacklogKind,
  type DraftItem,
  type ProjectedLift,
} from './backlog.ts';
import type { Diagnostics } from './diagnostics-stage.ts';
import { scheduleEtas } from './eta.ts';
import type { PartnerReport } from './partner-stage.ts';
import type { RiskReview } from './risk-stage.ts';

/** One item of the optimization backlog: evidence, owner (fallback recorded), ETA and projected lift. */
export interface BacklogItem {
  id: string;
  kind: BacklogKind;
  priority: 'high' | 'medium' | 'low';
  title: string;
  evidence: string;
  owner: OwnerRef;
  effort_days: number;
  eta: string;
  eta_basis: { queued_days: number; capacity_days_per_week: number; away_days: number };
  projected_lift: ProjectedLift;
}

export interface PlaybookInputs {
  diagnostics: Diagnostics;
  risk: RiskReview;
  partners: PartnerReport;
  experiments: ExperimentReview | undefined;
  alerts: { conversion: boolean; fraud: boolean };
}

/** Items of the largest money value that are high priority whatever else. */
const TOP_BY_VALUE = 3;

/** Money value of an item for ranking: extra revenue plus cost avoided. */
const valueOf = (p: ProjectedLift) => (p.extra_revenue ?? 0) + (p.cost_avoided ?? 0);

function ownerRoleOf(kind: BacklogKind, owners: ReferralsConfig['owners']): string {
  switch (kind) {
    case 'messaging':
      return owners.messaging;
    case 'enablement':
    case 'partner-review':
      return owners.partners;
    case 'fraud-rule':
      return owners.fraud;
    case 'experiment':
      return owners.experiments;
    default:
      return owners.program;
  }
}

/**
 * The playbook: backlog items from funnel gaps, partners, fraud findings and incentive tests,
 * ranked by projected money value (extra revenue + cost avoided); high priority for items tied to
 * a breached alert or a breakage and for the three largest by value, medium for the rest with any
 * projected value.
 * Owners come from the roster (fallbacks recorded); ETAs from the owners' capacity.
 */
export function buildBacklog(
  i: PlaybookInputs,
  cfg: ReferralsConfig,
  ws: WorkspaceConfig,
  asOfDay: string,
  owner: (role: string) => OwnerRef,
): BacklogItem[] {
  const cur = ws.currency.reporting;
  const drafts: DraftItem[] = [
    ...fraudItems(i.risk, cur, i.alerts.fraud),
    ...partnerItems(i.partners, cfg.backlog, cur),
    ...regressionItems(i.diagnostics, cfg.backlog, cur, i.alerts.conversion),
    ...funnelItems(i.diagnostics, cfg.backlog, cur, i.alerts.conversion),
    ...experimentItems(i.experiments, i.diagnostics, cur),
  ].sort((a, b) => valueOf(b.projected_lift) - valueOf(a.projected_lift) || a.id.localeCompare(b.id));
  const top = drafts.slice(0, TOP_BY_VALUE).map((d) => d.id);
  const ranked = drafts
    .map((d) => ({
      ...d,
      priority: (d.urgent || (top.includes(d.id) && valueOf(d.projected_lift) > 0)
        ? 'high'
        : valueOf(d.projected_lift) > 0 || (d.projected_lift.extra_conversions ?? 0) > 0
          ? 'medium'
          : 'low') as BacklogItem['priority'],
    }))
    .sort(
      (a, b) => rank(a.priority) - rank(b.priority) || valueOf(b.projected_lift) - valueOf(a.projected_lift),
    )
    .slice(0, cfg.backlog.max_items);
  const withOwners = ranked.map((d) => ({
    ...d,
    owner: owner(ownerRoleOf(d.kind, cfg.owners)),
    effort_days: cfg.backlog.effort_days[d.kind] ?? 3,
  }));
  const etas = scheduleEtas(withOwners, ws, asOfDay, {
    byRole: cfg.backlog.capacity,
    defaultDays: cfg.backlog.capacity_days_per_week,
  });
  return withOwners.map((d, k) => ({
    id: d.id,
    kind: d.kind,
    priority: d.priority,
    title: d.title,
    evidence: d.evidence,
    owner: d.owner,
    effort_days: d.effort_days,
    eta: etas[k].eta,
    eta_basis: {
      queued_days: etas[k].queued_days,
      capacity_days_per_week: etas[k].capacity_days_per_week,
      away_days: etas[k].away_days,
    },
    projected_lift: d.projected_lift,
  }));
}

const rank = (p: BacklogItem['priority']) => (p === 'high' ? 0 : p === 'medium' ? 1 : 2);
