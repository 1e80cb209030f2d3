import { AttributionInputError } from './attribution-input-error.ts';
import { SequenceIndex } from './sequence-index.ts';
import type { PathOptions, PathRecord, PathTransform } from './types.ts';

const DAY_MS = 86_400_000;
const LEAD = 1;
const OPPORTUNITY = 2;
const CLOSED_WON = 4;

/**
 * Journeys after filtering, transforms and dictionary encoding: what every model runs on. Touches
 * are small integer "tokens" (a channel, or a channel with a frequency tag); identical token
 * sequences are stored once; rows carry the weights.
 */
export interface PreparedPaths {
  /** Output channels, in order of first appearance. */
  channels: string[];
  /** Token labels (`A`, or `A(2)` under the frequency transform). */
  tokens: string[];
  /** Token → index into `channels`. */
  tokenChannel: Int32Array;
  /** Token → 1 when its channel is a direct channel. */
  tokenDirect: Uint8Array;
  /** Distinct token sequences (never empty). */
  sequences: SequenceIndex;
  rowCount: number;
  /** Row → sequence id, or -1 for a journey left with no touch. */
  rowSeq: Int32Array;
  /** True when row r is sequence r for every sequence (no timestamps or roles kept rows apart). */
  rowsAreSequences: boolean;
  conversions: Float64Array;
  value: Float64Array;
  nulls: Float64Array;
  /** Row → offset of its per-touch timestamps in `times`, or -1. */
  timeStart: Int32Array | null;
  times: Float64Array | null;
  /** Row → conversion time (NaN when unknown). */
  convertedAt: Float64Array | null;
  /** Row → [lead, opportunity, closedWon] touch indices at 3·row (-1 when absent). */
  roles: Int32Array | null;
  /** Journeys removed by the conversion window. */
  dropped: { journeys: number; conversions: number; value: number; nulls: number };
}

type Step =
  | {
      kind:
        | 'unique'
        | 'exposure'
        | 'first'
        | 'frequency'
        | 'first-touch'
        | 'remove-direct'
        | 'remove-last-direct';
    }
  | { kind: 'trim'; n: number };

/**
 * Turns records into `PreparedPaths`. Order of application, per journey:
 * 1. conversion window (drop the journey when convertedAt − first touch > N days);
 * 2. day lookback (keep touches at most N days before convertedAt, or before the last touch when
 *    convertedAt is absent); both are skipped for journeys without timestamps;
 * 3. include/exclude channels; 4. direct handling; 5. step lookback (last N touches);
 * 6. the transforms, in the order given.
 * When a touch carrying a funnel role (lead, opportunity, closed-won) is removed, its role moves to
 * the nearest kept touch before it (or, if none, after it), so W-shaped and full-path still see it.
 * Records without timestamps or roles that end up with the same sequence are merged into one row.
 *
 * @example
 * const prepared = preparePaths([{ path: ['a', 'a', 'b'], conversions: 1, value: 10, nulls: 0 }], {
 *   transforms: ['exposure'],
 * });
 * prepared.sequences.count; // 1 — the sequence a > b
 */
export function preparePaths(records: readonly PathRecord[], options: PathOptions = {}): PreparedPaths {
  const steps = parseSteps(options);
  const lookbackSteps = optionalCount(options.lookbackSteps, 'lookbackSteps');
  const lookbackDays = optionalPositive(options.lookbackDays, 'lookbackDays');
  const windowDays = optionalPositive(options.conversionWindowDays, 'conversionWindowDays');
  const include = options.includeChannels ? new Set(options.includeChannels) : null;
  const exclude = options.excludeChannels ? new Set(options.excludeChannels) : null;
  const directNames = new Set((options.directChannels ?? ['direct']).map((d) => d.toLowerCase()));
  const directMode = options.direct ?? 'keep';
  if (!['keep', 'drop', 'drop-last'].includes(directMode)) {
    throw new AttributionInputError(`direct must be keep, drop or drop-last, not "${String(directMode)}"`, {
      option: 'direct',
    });
  }

  // Raw channels and tokens, dictionary-encoded in order of first appearance.
  const rawIds = new Map<string, number>();
  const rawNames: string[] = [];
  const rawDirect: number[] = [];
  const rawAllowed: number[] = [];
  const tokenIds = new Map<string, number>();
  const tokenLabels: string[] = [];
  const tokenRaw: number[] = [];
  let plainToken = new Int32Array(64).fill(-1);

  const tokenFor = (raw: number, label: string): number => {
    const key = `${raw}\u0000${label}`;
    let t = tokenIds.get(key);
    if (t === undefined) {
      t = tokenLabels.length;
      tokenIds.set(key, t);
      tokenLabels.push(label);
      tokenRaw.push(raw);
    }
    return t;
  };
  const rawFor = (name: string): number => {
    let r = rawIds.get(name);
    if (r === undefined) {
      r = rawNames.length;
      rawIds.set(name, r);
      rawNames.push(name);
      rawDirect.push(directNames.has(name.toLowerCase()) ? 1 : 0);
      rawAllowed.push((include === null || include.has(name)) && !(exclude?.has(name) ?? false) ? 1 : 0);
      if (r >= plainToken.length) {
        const bigger = new Int32Array(plainToken.length * 2).fill(-1);
        bigger.set(plainToken);
        plainToken = bigger;
      }
      plainToken[r] = tokenFor(r, name);
    }
    return r;
  };

  const tokens: TokenContext = {
    isDirect: (t) => rawDirect[tokenRaw[t]] === 1,
    relabel: (t, suffix) => tokenFor(tokenRaw[t], tokenLabels[t] + suffix),
  };
  const work = new Work();
  let touches = 0;
  for (const rec of records) touches += rec.path?.length ?? 0;
  const index = new SequenceIndex(Math.max(16, records.length), Math.max(64, touches));
  const rows = new RowBuilder(records.length);
  let mergedRow = new Int32Array(Math.max(16, records.length)).fill(-1);
  // Journeys left with no touch are pooled into one row added last, so that, without timestamps or
  // roles, row r is sequence r and models can read row weights as sequence weights.
  const empty = { conversions: 0, value: 0, nulls: 0, path: [] as string[] };
  let anyEmpty = false;
  const dropped = { journeys: 0, conversions: 0, value: 0, nulls: 0 };

  for (let r = 0; r < records.length; r++) {
    const rec = records[r];
    validateRecord(rec, r);
    const path = rec.path;
    const ts = rec.timestamps;
    const convAt = rec.convertedAt;

    if (windowDays !== undefined && ts && ts.length > 0 && convAt !== undefined) {
      let first = Infinity;
      for (const t of ts) if (t < first) first = t;
      if (convAt - first > windowDays * DAY_MS) {
        dropped.journeys += rec.conversions + rec.nulls;
        dropped.conversions += rec.conversions;
        dropped.value += rec.value;
        dropped.nulls += rec.nulls;
        continue;
      }
    }

    work.reset(path.length, ts !== undefined, rec.roles !== undefined);
    // Journeys repeat a channel often (a run of visits): reuse the previous lookup then.
    let lastName: string | undefined;
    let lastToken = -1;
    const ids = work.ids;
    for (let i = 0; i < path.length; i++) {
      const name = path[i];
      if (name !== lastName) {
        lastName = name;
        lastToken = plainToken[rawFor(name)];
      }
      ids[i] = lastToken;
      if (ts) work.ts[i] = ts[i];
    }
    if (rec.roles) {
      const { lead, opportunity, closedWon } = rec.roles;
      if (lead !== undefined) work.flags[lead] |= LEAD;
      if (opportunity !== undefined) work.flags[opportunity] |= OPPORTUNITY;
      if (closedWon !== undefined) work.flags[closedWon] |= CLOSED_WON;
    }

    if (lookbackDays !== undefined && ts && work.len > 0) {
      let ref = convAt;
      if (ref === undefined) {
        ref = -Infinity;
        for (let i = 0; i < work.len; i++) if (work.ts[i] > ref) ref = work.ts[i];
      }
      const limit = lookbackDays * DAY_MS;
      for (let i = 0; i < work.len; i++) work.keep[i] = ref - work.ts[i] <= limit ? 1 : 0;
      work.compact();
    }
    if (include !== null || exclude !== null) {
      for (let i = 0; i < work.len; i++) work.keep[i] = rawAllowed[tokenRaw[work.ids[i]]];
      work.compact();
    }
    if (directMode !== 'keep') {
      applyStep(work, { kind: directMode === 'drop' ? 'remove-direct' : 'remove-last-direct' }, tokens);
    }
    if (lookbackSteps !== undefined) applyStep(work, { kind: 'trim', n: lookbackSteps }, tokens);
    for (const step of steps) applyStep(work, step, tokens);

    const individual = work.hasTs || work.hasFlags;
    let seq = -1;
    if (work.len > 0) seq = index.add(work.ids, 0, work.len);
    if (!individual) {
      if (seq < 0) {
        anyEmpty = true;
        empty.conversions += rec.conversions;
        empty.value += rec.value;
        empty.nulls += rec.nulls;
      } else {
        if (seq >= mergedRow.length) {
          const bigger = new Int32Array(mergedRow.length * 2).fill(-1);
          bigger.set(mergedRow);
          mergedRow = bigger;
        }
        if (mergedRow[seq] < 0) mergedRow[seq] = rows.add(seq);
        rows.accumulate(mergedRow[seq], rec);
      }
      continue;
    }
    const row = rows.add(seq);
    rows.accumulate(row, rec);
    rows.setTimes(row, work.hasTs ? work.ts : null, work.len, convAt);
    if (work.hasFlags) {
      let lead = -1;
      let opp = -1;
      let won = -1;
      for (let i = work.len - 1; i >= 0; i--) {
        const f = work.flags[i];
        if (f & LEAD) lead = i;
        if (f & OPPORTUNITY) opp = i;
        if (f & CLOSED_WON) won = i;
      }
      rows.setRoles(row, lead, opp, won);
    }
  }

  if (anyEmpty) rows.accumulate(rows.add(-1), empty);
  let rowsAreSequences = rows.count >= index.count;
  for (let r = 0; rowsAreSequences && r < index.count; r++) rowsAreSequences = rows.seq[r] === r;

  // Only channels that survive in some sequence are reported.
  const usedToken = new Uint8Array(tokenLabels.length);
  for (let i = 0; i < index.starts[index.count]; i++) usedToken[index.data[i]] = 1;
  const channelOfRaw = new Int32Array(rawNames.length).fill(-1);
  for (let t = 0; t < tokenLabels.length; t++) if (usedToken[t]) channelOfRaw[tokenRaw[t]] = 0;
  const channels: string[] = [];
  for (let raw = 0; raw < rawNames.length; raw++) {
    if (channelOfRaw[raw] === 0) {
      channelOfRaw[raw] = channels.length;
      channels.push(rawNames[raw]);
    }
  }
  const tokenChannel = new Int32Array(tokenLabels.length);
  const tokenDirect = new Uint8Array(tokenLabels.length);
  for (let t = 0; t < tokenLabels.length; t++) {
    tokenChannel[t] = channelOfRaw[tokenRaw[t]];
    tokenDirect[t] = rawDirect[tokenRaw[t]];
  }

  return {
    channels,
    tokens: tokenLabels,
    tokenChannel,
    tokenDirect,
    sequences: index,
    ...rows.finish(),
    rowsAreSequences,
    dropped,
  };
}

/** Parses `'trim(5)'`-style transform names and validates the chain. */
function parseSteps(options: PathOptions): Step[] {
  const steps: Step[] = [];
  for (const t of options.transforms ?? []) steps.push(parseTransform(t));
  return steps;
}

function parseTransform(t: PathTransform): Step {
  if (typeof t === 'object' && t !== null && 'trim' in t) {
    return { kind: 'trim', n: requireCount(t.trim, 'transforms') };
  }
  const name = String(t).trim();
  const trim = /^trim(?:LongPath)?\(\s*(\d+)\s*\)$/i.exec(name);
  if (trim) return { kind: 'trim', n: requireCount(Number(trim[1]), 'transforms') };
  const aliases: Record<string, Step['kind']> = {
    unique: 'unique',
    exposure: 'exposure',
    first: 'first',
    frequency: 'frequency',
    'first-touch': 'first-touch',
    'remove-direct': 'remove-direct',
    removeifnotall: 'remove-direct',
    'remove-last-direct': 'remove-last-direct',
    removeiflastandnotall: 'remove-last-direct',
  };
  const kind = aliases[name.toLowerCase()];
  if (!kind || kind === 'trim') {
    throw new AttributionInputError(`unknown path transform "${name}"`, {
      option: 'transforms',
      hint: 'use unique, exposure, first, frequency, first-touch, trim(N), remove-direct or remove-last-direct',
    });
  }
  return { kind } as Step;
}

interface TokenContext {
  isDirect: (token: number) => boolean;
  /** The token of the same channel with `suffix` appended to the label. */
  relabel: (token: number, suffix: string) => number;
}

function applyStep(work: Work, step: Step, tokens: TokenContext): void {
  const { isDirect } = tokens;
  const { ids, keep } = work;
  const len = work.len;
  if (len === 0) return;
  switch (step.kind) {
    case 'unique':
      return;
    case 'exposure':
      for (let i = 0; i < len; i++) keep[i] = i === 0 || ids[i] !== ids[i - 1] ? 1 : 0;
      break;
    case 'first': {
      const seen = new Set<number>();
      for (let i = 0; i < len; i++) {
        keep[i] = seen.has(ids[i]) ? 0 : 1;
        seen.add(ids[i]);
      }
      break;
    }
    case 'frequency': {
      const counts = new Map<number, number>();
      for (let i = 0; i < len; i++) counts.set(ids[i], (counts.get(ids[i]) ?? 0) + 1);
      const seen = new Set<number>();
      for (let i = 0; i < len; i++) {
        const t = ids[i];
        keep[i] = seen.has(t) ? 0 : 1;
        seen.add(t);
      }
      // Relabel after deciding what to keep so that counts refer to the original tokens.
      for (let i = 0; i < len; i++) {
        if (keep[i]) ids[i] = tokens.relabel(ids[i], `(${counts.get(ids[i])})`);
      }
      break;
    }
    case 'first-touch':
      keep.fill(0, 0, len);
      keep[0] = 1;
      break;
    case 'trim':
      for (let i = 0; i < len; i++) keep[i] = i >= len - step.n ? 1 : 0;
      break;
    case 'remove-direct': {
      let any = false;
      for (let i = 0; i < len; i++) {
        keep[i] = isDirect(ids[i]) ? 0 : 1;
        any ||= keep[i] === 1;
      }
      if (!any) return;
      break;
    }
    case 'remove-last-direct': {
      let tail = len;
      while (tail > 0 && isDirect(ids[tail - 1])) tail--;
      if (tail === 0 || tail === len) return;
      for (let i = 0; i < len; i++) keep[i] = i < tail ? 1 : 0;
      break;
    }
  }
  work.compact();
}

/** Scratch arrays for one journey, reused across records. */
class Work {
  ids = new Int32Array(256);
  ts = new Float64Array(256);
  flags = new Uint8Array(256);
  keep = new Uint8Array(256);
  len = 0;
  hasTs = false;
  hasFlags = false;

  reset(len: number, hasTs: boolean, hasFlags: boolean): void {
    if (len > this.ids.length) {
      let cap = this.ids.length;
      while (cap < len) cap *= 2;
      this.ids = new Int32Array(cap);
      this.ts = new Float64Array(cap);
      this.flags = new Uint8Array(cap);
      this.keep = new Uint8Array(cap);
    }
    this.len = len;
    this.hasTs = hasTs;
    this.hasFlags = hasFlags;
    if (hasFlags) this.flags.fill(0, 0, len);
  }

  /** Keeps touches with keep[i] = 1; roles on removed touches move to the nearest kept touch before (else after). */
  compact(): void {
    const { ids, ts, flags, keep } = this;
    let w = 0;
    let pending = 0;
    for (let i = 0; i < this.len; i++) {
      if (keep[i]) {
        ids[w] = ids[i];
        ts[w] = ts[i];
        if (this.hasFlags) {
          flags[w] = flags[i] | pending;
          pending = 0;
        }
        w++;
      } else if (this.hasFlags && flags[i]) {
        if (w > 0) flags[w - 1] |= flags[i];
        else pending |= flags[i];
      }
    }
    this.len = w;
  }
}

/** Growable columns of the prepared rows. */
class RowBuilder {
  count = 0;
  seq: Int32Array;
  conv: Float64Array;
  value: Float64Array;
  nulls: Float64Array;
  timeStart: Int32Array | null = null;
  times: Float64Array | null = null;
  timeLen = 0;
  convertedAt: Float64Array | null = null;
  roles: Int32Array | null = null;

  constructor(expected: number) {
    const cap = Math.max(16, expected);
    this.seq = new Int32Array(cap);
    this.conv = new Float64Array(cap);
    this.value = new Float64Array(cap);
    this.nulls = new Float64Array(cap);
  }

  add(seq: number): number {
    if (this.count === this.seq.length) {
      const cap = this.count * 2;
      this.seq = growI(this.seq, cap);
      this.conv = growF(this.conv, cap);
      this.value = growF(this.value, cap);
      this.nulls = growF(this.nulls, cap);
      if (this.timeStart) this.timeStart = growI(this.timeStart, cap, -1);
      if (this.convertedAt) this.convertedAt = growF(this.convertedAt, cap, NaN);
      if (this.roles) this.roles = growI(this.roles, cap * 3, -1);
    }
    this.seq[this.count] = seq;
    return this.count++;
  }

  accumulate(row: number, rec: PathRecord): void {
    this.conv[row] += rec.conversions;
    this.value[row] += rec.value;
    this.nulls[row] += rec.nulls;
  }

  setTimes(row: number, ts: Float64Array | null, len: number, convertedAt: number | undefined): void {
    if (!this.convertedAt) {
      this.convertedAt = new Float64Array(this.seq.length).fill(NaN);
      this.timeStart = new Int32Array(this.seq.length).fill(-1);
      this.times = new Float64Array(1024);
    }
    if (convertedAt !== undefined) this.convertedAt[row] = convertedAt;
    if (!ts) return;
    if (this.timeLen + len > this.times!.length) {
      this.times = growF(this.times!, Math.max(this.times!.length * 2, this.timeLen + len));
    }
    this.times!.set(ts.subarray(0, len), this.timeLen);
    this.timeStart![row] = this.timeLen;
    this.timeLen += len;
  }

  setRoles(row: number, lead: number, opp: number, won: number): void {
    if (!this.roles) this.roles = new Int32Array(this.seq.length * 3).fill(-1);
    this.roles[row * 3] = lead;
    this.roles[row * 3 + 1] = opp;
    this.roles[row * 3 + 2] = won;
  }

  /** Views, not copies: copying tens of megabytes would only feed the garbage collector. */
  finish() {
    const n = this.count;
    return {
      rowCount: n,
      rowSeq: this.seq.subarray(0, n),
      conversions: this.conv.subarray(0, n),
      value: this.value.subarray(0, n),
      nulls: this.nulls.subarray(0, n),
      timeStart: this.timeStart ? this.timeStart.subarray(0, n) : null,
      times: this.times ? this.times.subarray(0, this.timeLen) : null,
      convertedAt: this.convertedAt ? this.convertedAt.subarray(0, n) : null,
      roles: this.roles ? this.roles.subarray(0, n * 3) : null,
    };
  }
}

function growI(a: Int32Array, size: number, fill = 0): Int32Array {
  const b = new Int32Array(size);
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}

function growF(a: Float64Array, size: number, fill = 0): Float64Array {
  const b = new Float64Array(size);
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}

function validateRecord(rec: PathRecord, r: number): void {
  // Fast path first: this runs once per record, so no allocation unless something is wrong.
  const c = rec.conversions;
  const n = rec.nulls;
  const v = rec.value;
  if (
    Array.isArray(rec.path) &&
    typeof c === 'number' &&
    c >= 0 &&
    c < Infinity &&
    typeof n === 'number' &&
    n >= 0 &&
    n < Infinity &&
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (rec.timestamps === undefined || rec.timestamps.length === rec.path.length) &&
    (rec.roles === undefined ||
      (validRole(rec.roles.lead, rec.path.length) &&
        validRole(rec.roles.opportunity, rec.path.length) &&
        validRole(rec.roles.closedWon, rec.path.length)))
  ) {
    return;
  }
  const bad = (message: string, hint: string) =>
    new AttributionInputError(`record ${r + 1}: ${message}`, { record: r, hint });
  if (!Array.isArray(rec.path)) throw bad('path is not an array of channel names', 'give path as string[]');
  for (const [name, x] of [
    ['conversions', c],
    ['nulls', n],
  ] as const) {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
      throw bad(`${name} must be a finite number ≥ 0, got ${String(x)}`, `fix ${name} of this path`);
    }
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw bad(`value must be a finite number, got ${String(v)}`, 'use 0 when the value is unknown');
  }
  if (rec.timestamps !== undefined && rec.timestamps.length !== rec.path.length) {
    throw bad(
      `has ${rec.timestamps.length} timestamps for ${rec.path.length} touches`,
      'give one timestamp per touch, or none',
    );
  }
  if (rec.roles) {
    for (const [name, i] of Object.entries(rec.roles)) {
      if (i === undefined) continue;
      if (!Number.isInteger(i) || i < 0 || i >= rec.path.length) {
        throw bad(
          `roles.${name} = ${String(i)} is not a touch index of a ${rec.path.length}-touch path`,
          'roles are 0-based touch indices; leave a role out when the milestone has no touch',
        );
      }
    }
  }
}

function validRole(i: number | undefined, len: number): boolean {
  return i === undefined || (Number.isInteger(i) && i >= 0 && i < len);
}

function optionalCount(x: number | undefined, option: string): number | undefined {
  return x === undefined ? undefined : requireCount(x, option);
}

function requireCount(x: number, option: string): number {
  if (!Number.isInteger(x) || x < 1) {
    throw new AttributionInputError(`${option} must be a whole number ≥ 1, got ${String(x)}`, { option });
  }
  return x;
}

function optionalPositive(x: number | undefined, option: string): number | undefined {
  if (x === undefined) return undefined;
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) {
    throw new AttributionInputError(`${option} must be a positive number of days, got ${String(x)}`, {
      option,
    });
  }
  return x;
}
