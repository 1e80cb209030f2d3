import { issueId } from './issue-id.ts';
import { DEFAULT_OWNER_ROLES, type OwnerRoles } from './owner-roles.ts';
import { severityRank } from './severity-rank.ts';
import { SEVERITIES, type Issue, type IssueSource, type Severity } from './types.ts';

/**
 * A finding of an anomaly detector, in the loosest shape that still says what it is: a detector
 * name (top level, or `evidence.detector` as `analyses/anomalies` emits it) and a severity word;
 * evidence and playbook may be text or objects. Optional `key`, `subject`, `metric` and `segment`
 * say what it is about, and `direction` which way (they make its id); `ownerRole` or a playbook's
 * `ownerRole` / `owner_role` / `owner` names who acts.
 */
export interface AnomalyFinding {
  readonly detector?: string | null;
  readonly severity: string;
  readonly direction?: string | null;
  readonly evidence?: unknown;
  readonly playbook?: unknown;
  readonly key?: string | null;
  readonly subject?: string | Readonly<Record<string, unknown>> | null;
  readonly metric?: string | null;
  readonly segment?: string | null;
  readonly title?: string | null;
  readonly ownerRole?: string | null;
  readonly [extra: string]: unknown;
}

export interface BacklogItem extends Issue {
  /** 1 = do first. */
  readonly rank: number;
  /** The same id was in the previous run's backlog. */
  readonly repeat: boolean;
  /** How many findings were merged into this item (same id). */
  readonly occurrences: number;
}

export interface Backlog {
  readonly items: readonly BacklogItem[];
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Ids also in the previous run. */
  readonly repeats: readonly string[];
  /** Ids of the previous run that are gone: resolved, or no longer in scope. */
  readonly resolved: readonly string[];
}

export interface BacklogInput {
  readonly governance?: readonly Issue[] | null;
  readonly experiments?: readonly Issue[] | null;
  readonly anomalies?: readonly AnomalyFinding[] | null;
}

const SOURCE_ORDER: readonly IssueSource[] = ['governance', 'experiment', 'anomaly'];

const SEVERITY_WORDS: Readonly<Record<string, Severity>> = {
  critical: 'critical',
  crit: 'critical',
  blocker: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  p0: 'critical',
  sev0: 'critical',
  sev1: 'critical',
  high: 'high',
  alert: 'high',
  error: 'high',
  major: 'high',
  severe: 'high',
  p1: 'high',
  sev2: 'high',
  medium: 'medium',
  moderate: 'medium',
  warn: 'medium',
  warning: 'medium',
  p2: 'medium',
  sev3: 'medium',
  low: 'low',
  minor: 'low',
  info: 'low',
  notice: 'low',
  p3: 'low',
  p4: 'low',
  sev4: 'low',
};

/**
 * A severity word → the four-level scale (critical / high / medium / low), ignoring case:
 * alert/error → high, warn/warning → medium, info/notice → low, P0–P4 and SEV0–SEV4 too.
 * Null when unknown.
 *
 * @example
 * parseSeverity('WARN'); // 'medium'
 */
export function parseSeverity(word: unknown): Severity | null {
  if (typeof word !== 'string') return null;
  return SEVERITY_WORDS[word.trim().toLowerCase()] ?? null;
}

/**
 * An anomaly finding as an issue. Its id is `anomaly-<detector>:<subject>`, the subject taken from
 * `key`, else `subject`, else `metric` and `segment`; a detector that gives none of these gets
 * one id per detector (its findings merge). An unknown severity is taken as medium, and said so.
 *
 * @example
 * anomalyIssue({ detector: 'conversion drop', severity: 'alert', metric: 'conversion_rate', segment: 'email', evidence: { z: -4.1 } }).id;
 * // 'anomaly-conversion-drop:metric=conversion_rate,segment=email'
 */
export function anomalyIssue(finding: AnomalyFinding, ownerRoles: Partial<OwnerRoles> = {}): Issue {
  const detector = nonBlank(finding.detector) ?? nonBlank(recordOf(finding.evidence)?.detector) ?? 'unknown';
  const kind = `anomaly-${slug(detector)}`;
  const subject = subjectOf(finding);
  const parsed = parseSeverity(finding.severity);
  const playbook = playbookOf(finding.playbook);
  const about = Object.keys(subject)
    .filter((k) => k !== 'direction')
    .sort()
    .map((k) => subject[k])
    .join(' / ');
  const evidence = textOf(finding.evidence) || 'no evidence given';
  return {
    id: issueId(kind, subject),
    source: 'anomaly',
    kind,
    severity: parsed ?? 'medium',
    ownerRole:
      nonBlank(finding.ownerRole) ??
      playbook.ownerRole ??
      { ...DEFAULT_OWNER_ROLES, ...ownerRoles }.anomalies,
    title: nonBlank(finding.title) ?? `${detector}${about ? ` on ${about}` : ''}`,
    evidence: parsed
      ? evidence
      : `${evidence} (severity '${String(finding.severity)}' not recognised, taken as medium)`,
    suggestedAction:
      playbook.action ?? `Investigate ${about || 'the finding'}; the detector gave no playbook.`,
    subject,
  };
}

/**
 * Merges governance issues, experiment issues and anomaly findings into one ranked backlog:
 * findings with the same id become one item (the most severe kept, occurrences counted); items
 * whose id was in the previous run are repeats. Order: severity, then repeats first (a problem
 * that survived a run), then governance, experiments, anomalies, then id, so the order is stable.
 *
 * O(n log n).
 *
 * @example
 * const backlog = buildBacklog({ governance: scan.findings, anomalies }, { previousIds: lastRun.items.map((i) => i.id) });
 * backlog.items[0]; // { rank: 1, severity: 'critical', repeat: true, ... }
 */
export function buildBacklog(
  input: BacklogInput,
  options: { previousIds?: Iterable<string> | null; ownerRoles?: Partial<OwnerRoles> } = {},
): Backlog {
  const previous = new Set(options.previousIds ?? []);
  const all: Issue[] = [
    ...(input.governance ?? []),
    ...(input.experiments ?? []),
    ...(input.anomalies ?? []).map((f) => anomalyIssue(f, options.ownerRoles)),
  ];
  const merged = new Map<string, { issue: Issue; occurrences: number }>();
  for (const issue of all) {
    const seen = merged.get(issue.id);
    if (!seen) merged.set(issue.id, { issue, occurrences: 1 });
    else {
      seen.occurrences++;
      if (severityRank(issue.severity) < severityRank(seen.issue.severity)) seen.issue = issue;
    }
  }
  const sorted = [...merged.values()]
    .map(({ issue, occurrences }) => ({ issue, occurrences, repeat: previous.has(issue.id) }))
    .sort(
      (a, b) =>
        severityRank(a.issue.severity) - severityRank(b.issue.severity) ||
        Number(b.repeat) - Number(a.repeat) ||
        SOURCE_ORDER.indexOf(a.issue.source) - SOURCE_ORDER.indexOf(b.issue.source) ||
        (a.issue.id < b.issue.id ? -1 : a.issue.id > b.issue.id ? 1 : 0),
    );
  const items = sorted.map(({ issue, occurrences, repeat }, i): BacklogItem => ({
    ...issue,
    rank: i + 1,
    repeat,
    occurrences,
  }));
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, items.filter((x) => x.severity === s).length]),
  ) as Record<Severity, number>;
  const current = new Set(items.map((x) => x.id));
  return {
    items,
    bySeverity,
    repeats: items.filter((x) => x.repeat).map((x) => x.id),
    resolved: [...previous].filter((id) => !current.has(id)).sort(),
  };
}

/** What the finding is about; a rise and a drop of the same thing are different problems. */
function subjectOf(f: AnomalyFinding): Record<string, string> {
  const direction = nonBlank(f.direction);
  const withDirection = (s: Record<string, string>) => (direction ? { ...s, direction } : s);
  const key = nonBlank(f.key);
  if (key) return withDirection({ key });
  if (typeof f.subject === 'string' && f.subject.trim() !== '')
    return withDirection({ subject: f.subject.trim() });
  if (f.subject && typeof f.subject === 'object') {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.subject)) if (v !== null && v !== undefined) out[k] = scalar(v);
    if (Object.keys(out).length > 0) return withDirection(out);
  }
  const out: Record<string, string> = {};
  const metric = nonBlank(f.metric);
  const segment = nonBlank(f.segment);
  if (metric) out.metric = metric;
  if (segment) out.segment = segment;
  return withDirection(out);
}

function recordOf(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function playbookOf(playbook: unknown): { action: string | null; ownerRole: string | null } {
  if (typeof playbook === 'string') return { action: nonBlank(playbook), ownerRole: null };
  if (!playbook || typeof playbook !== 'object') return { action: null, ownerRole: null };
  const p = playbook as Record<string, unknown>;
  const steps = Array.isArray(p.steps) ? p.steps.map(scalar).join('; ') : null;
  const action =
    nonBlank(p.action) ??
    nonBlank(p.suggestedAction) ??
    nonBlank(p.summary) ??
    nonBlank(steps) ??
    nonBlank(p.title);
  const ownerRole = nonBlank(p.ownerRole) ?? nonBlank(p.owner_role) ?? nonBlank(p.owner);
  return { action, ownerRole };
}

/** Evidence in a line: text as is, lists joined, objects as sorted `key = value` pairs. */
function textOf(evidence: unknown): string {
  if (evidence === null || evidence === undefined) return '';
  if (typeof evidence === 'string') return evidence.trim();
  if (Array.isArray(evidence)) return evidence.map(textOf).filter(Boolean).join('; ');
  if (typeof evidence === 'object') {
    // The detector is already in the kind and title.
    return Object.keys(evidence as object)
      .filter((k) => k !== 'detector')
      .sort()
      .map((k) => `${k} = ${scalar((evidence as Record<string, unknown>)[k])}`)
      .join(', ');
  }
  return scalar(evidence);
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v) ?? String(v);
}

function nonBlank(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'unknown'
  );
}
