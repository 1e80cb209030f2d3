import { UNMATCHED_IDS_KEPT, UNMATCHED_IDS_LISTED } from './consent-ids.ts';
import { VIOLATION_TYPES, emptyViolationCounts } from './validation-report.ts';
import type {
  DuplicateConflict,
  EventValidationSummary,
  InconsistentType,
  ValidationReport,
  ViolationSample,
  ViolationType,
} from './validation-report.ts';

/** JSON type names tallied per property (index = position). `null` is never a conflict. */
export const TALLY_TYPES = ['string', 'number', 'boolean', 'object', 'array', 'null'] as const;
export const TALLY_NULL = 5;

/** Where a message was read: `where` as given, or `file` and a line local to the chunk read. */
export interface Evidence {
  payload: unknown;
  where?: string;
  file?: string;
  line?: number;
}

export interface SnapshotSample extends Evidence {
  type: ViolationType;
  event: string;
  property?: string;
  detail: string;
}

export interface SnapshotTally {
  property: string;
  /** Messages per JSON type, indexed like `TALLY_TYPES`. */
  counts: number[];
  /** The first message seen with each type (evidence for inconsistent_type). */
  first: Array<Evidence | null>;
}

export interface SnapshotEvent {
  name: string;
  planned: boolean;
  checked: number;
  messagesWithViolations: number;
  /** Violations per type, indexed like `VIOLATION_TYPES` (inconsistent_type excluded). */
  byType: number[];
  tallies: SnapshotTally[];
}

/** A messageId read again in a snapshot's part: its later copies there. */
export interface SnapshotDuplicate {
  id: string;
  /** Later copies read in this part (the first copy may be in an earlier part). */
  copies: number;
  /** Of those, copies that differ from the first. */
  differing: number;
  /** Where the first differing copy was read (no payload kept). */
  firstDiffering: Omit<Evidence, 'payload'> | null;
}

/**
 * The state of a validator as plain data: what a worker thread sends back, and what
 * `mergeValidatorSnapshots` turns into one report. Counts add up; evidence keeps stream order.
 */
export interface ValidatorSnapshot {
  plan: { name: string; version: string };
  maxSamplesPerType: number;
  checked: number;
  /** Later copies of a messageId already checked, not checked again. */
  duplicates: number;
  /** The messageIds read more than once, in the order their first later copy was read. */
  duplicateIds: SnapshotDuplicate[];
  messagesWithViolations: number;
  callTypes: Record<string, number>;
  events: SnapshotEvent[];
  /** At most `maxSamplesPerType` per type, in stream order. */
  samples: SnapshotSample[];
  /** Messages whose consent manager ids match no plan category and no mapping, and those ids. */
  consentIdsUnmatched?: { messages: number; ids: string[]; categories: string[] };
}

function whereOf(e: Evidence, lineOffset: number): string | undefined {
  if (e.where !== undefined) return e.where;
  if (e.file !== undefined) return e.line !== undefined ? `${e.file}:${e.line + lineOffset}` : e.file;
  return undefined;
}

function toSample(s: Omit<SnapshotSample, keyof Evidence> & Evidence, lineOffset: number): ViolationSample {
  const out: ViolationSample = { type: s.type, event: s.event, detail: s.detail, payload: s.payload };
  if (s.property !== undefined) out.property = s.property;
  const where = whereOf(s, lineOffset);
  if (where !== undefined) out.where = where;
  return out;
}

/**
 * Merges validator snapshots, in stream order, into one report. `lineOffset` shifts the line
 * numbers of a snapshot that read a chunk starting mid-file.
 *
 * @example mergeValidatorSnapshots([{ snapshot: a }, { snapshot: b, lineOffset: 500_000 }])
 */
export function mergeValidatorSnapshots(
  parts: Array<{ snapshot: ValidatorSnapshot; lineOffset?: number }>,
): ValidationReport {
  if (parts.length === 0) throw new Error('mergeValidatorSnapshots needs at least one snapshot');
  const first = parts[0].snapshot;
  const maxSamples = first.maxSamplesPerType;
  let checked = 0;
  let duplicates = 0;
  const dupes = new Map<string, { copies: number; differing: number; where: string | undefined }>();
  let messagesWithViolations = 0;
  const callTypes: Record<string, number> = {};
  interface Acc {
    planned: boolean;
    checked: number;
    messagesWithViolations: number;
    byType: number[];
    tallies: Map<string, { counts: number[]; first: Array<(Evidence & { offset: number }) | null> }>;
  }
  const events = new Map<string, Acc>();
  const samples: ViolationSample[] = [];
  const perType = new Map<ViolationType, number>();
  let unmatchedMessages = 0;
  const unmatchedIds = new Set<string>();
  let categories: string[] = [];

  for (const { snapshot, lineOffset = 0 } of parts) {
    checked += snapshot.checked;
    if (snapshot.consentIdsUnmatched) {
      unmatchedMessages += snapshot.consentIdsUnmatched.messages;
      categories = snapshot.consentIdsUnmatched.categories;
      for (const id of snapshot.consentIdsUnmatched.ids)
        if (unmatchedIds.size < UNMATCHED_IDS_KEPT) unmatchedIds.add(id);
    }
    duplicates += snapshot.duplicates;
    for (const d of snapshot.duplicateIds) {
      let acc = dupes.get(d.id);
      if (!acc) dupes.set(d.id, (acc = { copies: 0, differing: 0, where: undefined }));
      acc.copies += d.copies;
      acc.differing += d.differing;
      if (acc.where === undefined && d.firstDiffering)
        acc.where = whereOf({ payload: undefined, ...d.firstDiffering }, lineOffset);
    }
    messagesWithViolations += snapshot.messagesWithViolations;
    for (const [t, n] of Object.entries(snapshot.callTypes)) callTypes[t] = (callTypes[t] ?? 0) + n;
    for (const e of snapshot.events) {
      let acc = events.get(e.name);
      if (!acc) {
        acc = {
          planned: e.planned,
          checked: 0,
          messagesWithViolations: 0,
          byType: VIOLATION_TYPES.map(() => 0),
          tallies: new Map(),
        };
        events.set(e.name, acc);
      }
      acc.planned ||= e.planned;
      acc.checked += e.checked;
      acc.messagesWithViolations += e.messagesWithViolations;
      e.byType.forEach((n, i) => (acc.byType[i] += n));
      for (const t of e.tallies) {
        let tl = acc.tallies.get(t.property);
        if (!tl) {
          tl = { counts: TALLY_TYPES.map(() => 0), first: TALLY_TYPES.map(() => null) };
          acc.tallies.set(t.property, tl);
        }
        t.counts.forEach((n, i) => (tl.counts[i] += n));
        t.first.forEach((ev, i) => {
          if (ev && !tl.first[i]) tl.first[i] = { ...ev, offset: lineOffset };
        });
      }
    }
    for (const s of snapshot.samples) {
      const n = perType.get(s.type) ?? 0;
      if (n >= maxSamples) continue;
      perType.set(s.type, n + 1);
      samples.push(toSample(s, lineOffset));
    }
  }

  const violationsByType = emptyViolationCounts();
  const inconsistentTypes: InconsistentType[] = [];
  const byEvent: EventValidationSummary[] = [];
  let inconsistentSamples = 0;
  for (const name of [...events.keys()].sort()) {
    const acc = events.get(name)!;
    const byType: Partial<Record<ViolationType, number>> = {};
    let violations = 0;
    VIOLATION_TYPES.forEach((t, i) => {
      if (acc.byType[i]) {
        byType[t] = acc.byType[i];
        violations += acc.byType[i];
        violationsByType[t] += acc.byType[i];
      }
    });
    for (const property of [...acc.tallies.keys()].sort()) {
      const tl = acc.tallies.get(property)!;
      const seen = tl.counts.map((c, j) => (j === TALLY_NULL ? 0 : c));
      if (seen.filter((c) => c > 0).length < 2) continue;
      const total = seen.reduce((a, b) => a + b, 0);
      const max = Math.max(...seen);
      const major = seen.indexOf(max);
      const types: Record<string, number> = {};
      seen.forEach((c, j) => {
        if (c) types[TALLY_TYPES[j]] = c;
      });
      const n = total - max;
      inconsistentTypes.push({ event: name, property, types, violations: n });
      byType.inconsistent_type = (byType.inconsistent_type ?? 0) + n;
      violations += n;
      violationsByType.inconsistent_type += n;
      seen.forEach((c, j) => {
        const ev = tl.first[j];
        if (!c || j === major || !ev || inconsistentSamples >= maxSamples) return;
        inconsistentSamples++;
        samples.push(
          toSample(
            {
              ...ev,
              type: 'inconsistent_type',
              event: name,
              property,
              detail: `"${property}" arrived as ${TALLY_TYPES[j]} in ${c} message${c === 1 ? '' : 's'}, as ${TALLY_TYPES[major]} in ${max}`,
            },
            ev.offset,
          ),
        );
      });
    }
    byEvent.push({
      event: name,
      planned: acc.planned,
      checked: acc.checked,
      messagesWithViolations: acc.messagesWithViolations,
      violations,
      byType,
    });
  }
  let totalViolations = 0;
  for (const t of VIOLATION_TYPES) totalViolations += violationsByType[t];
  const order = new Map(VIOLATION_TYPES.map((t, i) => [t, i]));
  const duplicateConflicts: DuplicateConflict[] = [];
  let conflictingDuplicates = 0;
  for (const [messageId, d] of dupes) {
    if (!d.differing) continue;
    conflictingDuplicates++;
    if (duplicateConflicts.length >= maxSamples) continue;
    const copies = d.copies + 1;
    const c: DuplicateConflict = {
      messageId,
      copies,
      differing: d.differing,
      detail:
        `messageId ${JSON.stringify(messageId)} seen ${copies} times with different payloads` +
        (copies > 2 ? ` (${d.differing} of the ${copies - 1} later copies differ from the first)` : ''),
    };
    if (d.where !== undefined) c.where = d.where;
    duplicateConflicts.push(c);
  }
  return {
    plan: { ...first.plan },
    eventsChecked: checked,
    messagesRead: checked + duplicates,
    duplicates,
    conflictingDuplicates,
    duplicateConflicts,
    callTypes,
    messagesWithViolations,
    totalViolations,
    violationsByType,
    byEvent,
    inconsistentTypes,
    samples: samples.sort((a, b) => order.get(a.type)! - order.get(b.type)!),
    ...(unmatchedMessages > 0
      ? { consentIdsUnmatched: unmatchedOf(unmatchedMessages, unmatchedIds, categories) }
      : {}),
  };
}

/** The report's account of unmatched consent ids: the first ids in sorted order, and how many more. */
function unmatchedOf(
  messages: number,
  ids: ReadonlySet<string>,
  categories: string[],
): ValidationReport['consentIdsUnmatched'] {
  const sorted = [...ids].sort();
  return {
    messages,
    ids: sorted.slice(0, UNMATCHED_IDS_LISTED),
    more: Math.max(0, sorted.length - UNMATCHED_IDS_LISTED),
    categories: [...categories],
  };
}
