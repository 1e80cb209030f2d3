/**
 * Report sections every command shares: alerts and escalations, row accounting and rejects, and an
 * owned action list. They take plain shapes (what the plan records), not the plan types.
 */
import type { Block, Section, Status } from './dashboard.ts';
import { percentText } from './format-number.ts';

/** An alert as recorded in a plan (the fields the report shows). */
export interface AlertView {
  id: string;
  metric: string;
  value: number;
  threshold: number;
  breached: boolean;
  consecutive_breaches: number;
  escalate: boolean;
  unit?: 'share' | 'count' | 'amount' | 'ratio' | 'hours';
  /** Shown instead of "value vs guardrail" where no figure says it (e.g. no rows in a source). */
  detail?: string;
  escalation?: { role: string | null; person: string | null };
}

export interface RowAccountingView {
  source: string;
  entity?: string;
  rows_in: number;
  accepted: number;
  deduplicated: number;
  rejected: number;
}

/** An action with an owner, as every command's backlog lists them. */
export interface OwnedItemView {
  priority: 'high' | 'medium' | 'low';
  title: string;
  evidence: string;
  owner: { role: string; person: string | null; fallback_used: { from: string; reason: string } | null };
  /** Extra facts shown after the evidence, e.g. "ETA 2026-12-18; projected lift +42 conversions". */
  extra?: string;
}

const pct = (x: number) => percentText(x);
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(3));
const human = (role: string) => role.replace(/_/g, ' ');

/** An alert's value as it reads: percent for shares, hours with "h", plain for counts and ratios. */
export const alertValue = (a: Pick<AlertView, 'unit'>, x: number): string =>
  (a.unit ?? 'share') === 'share' ? pct(x) : a.unit === 'hours' ? `${num(x)} h` : num(x);

/** One callout per alert: value vs guardrail, the streak, and whether it escalated (and to whom). */
export function alertBlocks(alerts: readonly AlertView[]): Block[] {
  return alerts.map((a) => ({
    kind: 'callout',
    status: (a.escalate ? 'alert' : a.breached ? 'warn' : 'ok') as Status,
    text: `${a.id}: ${a.detail ?? `${alertValue(a, a.value)} vs guardrail ${alertValue(a, a.threshold)}`} — ${
      a.breached
        ? `breached (${a.consecutive_breaches} as-of date${a.consecutive_breaches === 1 ? '' : 's'} in a row)${
            a.escalate ? `; escalated${a.escalation?.person ? ` to ${a.escalation.person}` : ''}` : ''
          }`
        : 'within guardrail'
    }.`,
  }));
}

/** The row accounting table and the grouped reject reasons. */
export function rowAccountingBlocks(
  accounting: readonly RowAccountingView[],
  rejects: { rows: number; top_reasons: readonly { reason: string; rows: number }[] },
): Block[] {
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'Row accounting',
      columns: [
        { key: 'source', label: 'Source', format: 'text' },
        { key: 'entity', label: 'Entity', format: 'text' },
        { key: 'rows_in', label: 'Rows in', format: 'integer' },
        { key: 'accepted', label: 'Accepted', format: 'integer' },
        { key: 'deduplicated', label: 'Deduplicated', format: 'integer' },
        { key: 'rejected', label: 'Rejected', format: 'integer' },
      ],
      rows: accounting.map((x) => ({ ...x })),
    },
  ];
  if (rejects.rows) {
    const listed = rejects.top_reasons.reduce((n, x) => n + x.rows, 0);
    const items = rejects.top_reasons.map((x) => ({
      text: `${x.rows} × ${x.reason}`,
      status: 'warn' as const,
    }));
    if (listed < rejects.rows)
      items.push({
        text: `${rejects.rows - listed} × other reasons (every rejected row is in rejects.csv)`,
        status: 'warn' as const,
      });
    blocks.push({ kind: 'list', title: 'Reject reasons', items });
  }
  return blocks;
}

/**
 * Accepted rows a command could not use: they name something no other source has (an unknown
 * advocate, member or tier). Listed so that the accounting's "accepted" does not hide them.
 */
export interface UnmatchedView {
  /** What the rows are, e.g. "ledger rows of a member not in the members source". */
  what: string;
  rows: number;
  /** What the command did with them, e.g. "left out of the member summaries". */
  effect: string;
}

function unmatchedBlocks(unmatched: readonly UnmatchedView[]): Block[] {
  const some = unmatched.filter((u) => u.rows > 0);
  if (!some.length) return [];
  return [
    {
      kind: 'list',
      title: 'Accepted but matching nothing',
      items: some.map((u) => ({ text: `${u.rows} × ${u.what}: ${u.effect}`, status: 'warn' as const })),
    },
  ];
}

/** The title of `dataQualitySection`'s section. */
export const DATA_QUALITY_TITLE = 'Data quality and audit';

/** Dropped duplicates per source, with how many had values different from the row kept. */
export interface DuplicatesView {
  source: string;
  kept_source: string;
  rows: number;
  differing?: number;
  differing_columns?: Readonly<Record<string, number>>;
  /** Rows of `rows` that were continuation lines of a row of their source and file. */
  continuation?: number;
}

/** The title of the list `continuationBlocks` gives (so that it is added to a section once). */
export const CONTINUATION_TITLE = 'Continuation lines';

/**
 * One line when rows were continuation lines (a record's later rows, one per line item, its own
 * fields blank: counted as deduplicated, not rejected), with the count per source. Nothing when none.
 */
export function continuationBlocks(duplicates: readonly DuplicatesView[]): Block[] {
  const n = duplicates.reduce((k, d) => k + (d.continuation ?? 0), 0);
  if (!n) return [];
  const bySource = duplicates
    .filter((d) => d.continuation)
    .map((d) => `${d.continuation} in ${d.source}`)
    .join('; ');
  return [
    {
      kind: 'list',
      title: CONTINUATION_TITLE,
      items: [
        {
          text: `${n} ${n === 1 ? 'row was a continuation line' : 'rows were continuation lines'} of a record on an earlier row of the same file (one row per line item): counted as deduplicated, not rejected; see duplicates.csv`,
          detail: `Each repeats its record's id with the record's other fields blank or equal to that row's. ${bySource}.`,
          status: 'ok',
        },
      ],
    },
  ];
}

/** The title of the list `differingBlocks` gives (so that it is added to a section once). */
export const DIFFERING_TITLE = 'Deduplicated but different';

/**
 * One line when dropped duplicates had values different from the row kept: how many of all the
 * deduplicated rows, in which columns, and where they are listed (`duplicates.csv`, of which
 * `listed` rows when the listing was cut). Nothing when none differ.
 */
export function differingBlocks(duplicates: readonly DuplicatesView[], listed?: number): Block[] {
  const differing = duplicates.reduce((n, d) => n + (d.differing ?? 0), 0);
  if (!differing) return [];
  const all = duplicates.reduce((n, d) => n + d.rows, 0);
  const columns: Record<string, number> = {};
  for (const d of duplicates)
    for (const [c, k] of Object.entries(d.differing_columns ?? {})) columns[c] = (columns[c] ?? 0) + k;
  const bySource = duplicates
    .filter((d) => d.differing)
    .map((d) => `${d.differing} of ${d.rows} from ${d.source} (kept: ${d.kept_source})`);
  const cut = listed !== undefined && listed < differing ? ` (the first ${listed} are listed)` : '';
  return [
    {
      kind: 'list',
      title: DIFFERING_TITLE,
      items: [
        {
          text: `${differing} duplicate row${differing === 1 ? '' : 's'} (of ${all} deduplicated) had values different from the row kept: see duplicates.csv${cut}`,
          detail: `Columns: ${Object.entries(columns)
            .map(([c, k]) => `${c} ${k}`)
            .join(', ')}. ${bySource.join('; ')}.`,
          status: 'warn',
        },
      ],
    },
  ];
}

/** "Data quality and audit": alerts, then where every input row went. */
export function dataQualitySection(opts: {
  alerts: readonly AlertView[];
  accounting?: readonly RowAccountingView[];
  rejects?: { rows: number; top_reasons: readonly { reason: string; rows: number }[] };
  planPath: string;
  /** Accepted rows that match nothing the command joins them to (listed when any). */
  unmatched?: readonly UnmatchedView[];
  /** The dropped duplicates (a line when some had values different from the row kept). */
  duplicates?: readonly DuplicatesView[];
}): Section {
  const unmatched = (opts.unmatched ?? []).some((u) => u.rows > 0);
  return {
    title: DATA_QUALITY_TITLE,
    intro: opts.accounting
      ? `Every input row is accepted, deduplicated or rejected with a reason${
          unmatched ? '; accepted rows that match nothing are listed below' : ''
        }. Plan: ${opts.planPath}.`
      : `Plan: ${opts.planPath}.`,
    blocks: [
      ...alertBlocks(opts.alerts),
      ...(opts.accounting
        ? rowAccountingBlocks(opts.accounting, opts.rejects ?? { rows: 0, top_reasons: [] })
        : []),
      ...unmatchedBlocks(opts.unmatched ?? []),
      ...differingBlocks(opts.duplicates ?? []),
      ...continuationBlocks(opts.duplicates ?? []),
    ],
  };
}

/** A prioritized list of owned actions (high = alert, medium = warning). */
export function actionsSection(title: string, items: readonly OwnedItemView[], summary = true): Section {
  return {
    title,
    summary,
    blocks: [
      {
        kind: 'list',
        title: 'Actions',
        items: items.map((a) => ({
          text: `[${a.priority}] ${a.title}`,
          detail: `${a.evidence}${a.extra ? ` ${a.extra}` : ''} Owner: ${a.owner.person ?? 'unassigned'} (${human(a.owner.role)})${
            a.owner.fallback_used
              ? `, covering for ${human(a.owner.fallback_used.from)}: ${a.owner.fallback_used.reason}`
              : ''
          }.`,
          status: a.priority === 'high' ? 'alert' : a.priority === 'medium' ? 'warn' : 'ok',
        })),
      },
    ],
  };
}
