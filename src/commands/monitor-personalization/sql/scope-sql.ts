import { inList, type SqlDialect } from './dialect-sql.ts';

/** What every query of a run is limited to. */
export interface Scope {
  q: SqlDialect;
  /** The initiative's spellings as the data has them (matched ignoring case); null = every initiative. */
  initiatives: string[] | null;
  /** Window [start, end) as ISO instants. */
  start: string;
  end: string;
  /** First instant of the history the daily baselines learn from. */
  historyStart: string;
  /** Outcomes count from a user's first decision to this many days after it. */
  attributionDays: number;
  /** Outcome event names (canonical tokens) of engagement and of conversion. */
  engagement: string[];
  conversion: string[];
}

/**
 * The decisions of the initiative (any time). Exact spellings from the data, so the engine compares
 * dictionary codes instead of lower-casing 50M strings.
 */
export function initiativeWhere(s: Scope, alias = ''): string {
  if (!s.initiatives) return '1 = 1';
  return inList(s.q, `${alias}initiative`, s.initiatives);
}

/** The decisions of the initiative in [from, to). */
export function decisionsIn(s: Scope, from: string, to: string, alias = ''): string {
  return `${initiativeWhere(s, alias)} AND ${alias}decided_at >= ${s.q.ts(from)} AND ${alias}decided_at < ${s.q.ts(to)}`;
}

/** 1 when the outcome's event is an engagement event, else 0. */
export const engagedExpr = (s: Scope, alias = ''): string =>
  `CASE WHEN ${inList(s.q, `${alias}event`, s.engagement)} THEN 1 ELSE 0 END`;

/** 1 when the outcome's event is a conversion event, else 0. */
export const convertedExpr = (s: Scope, alias = ''): string =>
  `CASE WHEN ${inList(s.q, `${alias}event`, s.conversion)} THEN 1 ELSE 0 END`;
