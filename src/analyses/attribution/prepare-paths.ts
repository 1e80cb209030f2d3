import { directNameSet } from './direct-channels.ts';
import { AttributionInputError } from './attribution-input-error.ts';
import { SequenceIndex } from './sequence-index.ts';
import type { PathColumns, PathOptions, PathRecord, PathTransform } from './types.ts';

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
 * Path columns (`PathColumns`, what the parser and the engine produce) go through the same steps
 * without a string per touch: their codes map straight to tokens. O(touches) plus the transforms.
 *
 * @example
 * const prepared = preparePaths([{ path: ['a', 'a', 'b'], conversions: 1, value: 10, nulls: 0 }], {
 *   transforms: ['exposure'],
 * });
 * prepared.sequences.count; // 1 — the sequence a > b
 */
export function preparePaths(
  input: readonly PathRecord[] | PathColumns,
  options: PathOptions = {},
): PreparedPaths {
  const cols = isPathColumns(input) ? input : null;
  const records = cols ? [] : (input as readonly PathRecord[]);
  const rowCount = cols ? cols.rows : records.length;
  const steps = parseSteps(options);
  const lookbackSteps = optionalCount(options.lookbackSteps, 'lookbackSteps');
  const lookbackDays = optionalPositive(options.lookbackDays, 'lookbackDays');
  const windowDays = optionalPositive(options.conversionWindowDays, 'conversionWindowDays');
  const include = options.includeChannels ? new Set(options.includeChannels) : null;
  const exclude = options.excludeChannels ? new Set(options.excludeChannels) : null;
  const directNames = directNameSet(options.directChannels);
  const directMode = options.direct ?? 'keep';
  if (!['keep', 'drop', 'drop-last'].includes(directMode)) {
    throw new AttributionInputError(`direct must be keep, drop or drop-last, not "${String(directMode)}"`, {
      option: 'direct',
    });
  }

  const dict = new Dictionary(directNames, include, exclude);
  const tokens: TokenContext = {
    isDirect: (t) => dict.isDirect(t),
    relabel: (t, suffix) => dict.relabel(t, suffix),
  };
  const work = new Work();
  let touches = 0;
  let codeToken: Int32Array | null = null;
  if (cols) {
    validateColumns(cols);
    touches = cols.offsets[cols.rows];
    // Column codes are already a dictionary: map each once to its channel's plain token.
    codeToken = Int32Array.from(cols.channels, (name) => dict.plainToken(name));
  } else {
    for (const rec of records) touches += rec.path?.length ?? 0;
  }
  const dropped = { journeys: 0, conversions: 0, value: 0, nulls: 0 };
  // Columns that need no reshaping and hold distinct, non-empty paths (what a path summary is)
  // are already the prepared layout: share their arrays instead of copying them.
  const reshapes =
    steps.length > 0 ||
    lookbackSteps !== undefined ||
    include !== null ||
    exclude !== null ||
    directMode !== 'keep';
  if (cols && !reshapes && isIdentity(codeToken!)) {
    const shared = shareColumns(cols);
    if (shared) return dict.assemble(shared.index, shared.rows, true, dropped, shared.used);
  }
  const index = new SequenceIndex(Math.max(16, rowCount), Math.max(64, touches));
  const rows = new RowBuilder(rowCount);
  let mergedRow = new Int32Array(Math.max(16, rowCount)).fill(-1);
  // Journeys left with no touch are pooled into one row added last, so that, without timestamps or
  // roles, row r is sequence r and models can read row weights as sequence weights.
  const empty = { conversions: 0, value: 0, nulls: 0 };
  let anyEmpty = false;

  for (let r = 0; r < rowCount; r++) {
    let conversions: number;
    let value: number;
    let nulls: number;
    let ts: number[] | undefined;
    let convAt: number | undefined;
    if (cols) {
      conversions = cols.conversions[r];
      value = cols.value[r];
      nulls = cols.nulls[r];
      validateWeights(conversions, value, nulls, r);
      const off = cols.offsets[r];
      const len = cols.offsets[r + 1] - off;
      work.reset(len, false, false);
      const ids = work.ids;
      const codes = cols.codes;
      for (let i = 0; i < len; i++) {
        const t = codeToken![codes[off + i]];
        if (t === undefined) throw badCode(cols, off + i, r);
        ids[i] = t;
      }
    } else {
      const rec = records[r];
      validateRecord(rec, r);
      conversions = rec.conversions;
      value = rec.value;
      nulls = rec.nulls;
      const path = rec.path;
      ts = rec.timestamps;
      convAt = rec.convertedAt;

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
          lastToken = dict.plainToken(name);
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
      for (let i = 0; i < work.len; i++) work.keep[i] = dict.allowed(work.ids[i]);
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
        empty.conversions += conversions;
        empty.value += value;
        empty.nulls += nulls;
      } else {
        if (seq >= mergedRow.length) {
          const bigger = new Int32Array(mergedRow.length * 2).fill(-1);
          bigger.set(mergedRow);
          mergedRow = bigger;
        }
        if (mergedRow[seq] < 0) mergedRow[seq] = rows.add(seq);
        rows.accumulate(mergedRow[seq], conversions, value, nulls);
      }
      continue;
    }
    const row = rows.add(seq);
    rows.accumulate(row, conversions, value, nulls);
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

  if (anyEmpty) rows.accumulate(rows.add(-1), empty.conversions, empty.value, empty.nulls);
  // Row r is sequence r for every sequence, and any row after them is the empty journeys' (-1):
  // a later row of a sequence (kept apart by its timestamps or roles) must be summed into it.
  let rowsAreSequences = rows.count >= index.count;
  for (let r = 0; rowsAreSequences && r < rows.count; r++)
    rowsAreSequences = r < index.count ? rows.seq[r] === r : rows.seq[r] < 0;

  return dict.assemble(index, rows.finish(), rowsAreSequences, dropped);
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

/**
 * Raw channels and tokens (a channel, or a channel with a frequency tag), dictionary-encoded in
 * order of first appearance.
 */
class Dictionary {
  private readonly rawIds = new Map<string, number>();
  private readonly rawNames: string[] = [];
  private readonly rawDirect: number[] = [];
  private readonly rawAllowed: number[] = [];
  private readonly tokenIds = new Map<string, number>();
  private readonly tokenLabels: string[] = [];
  private readonly tokenRaw: number[] = [];
  /** Raw channel → its untagged token. */
  private plain: number[] = [];

  constructor(
    private readonly directNames: Set<string>,
    private readonly include: Set<string> | null,
    private readonly exclude: Set<string> | null,
  ) {}

  /** The untagged token of a channel name, registering the channel when new. */
  plainToken(name: string): number {
    let r = this.rawIds.get(name);
    if (r === undefined) {
      r = this.rawNames.length;
      this.rawIds.set(name, r);
      this.rawNames.push(name);
      this.rawDirect.push(this.directNames.has(name.toLowerCase()) ? 1 : 0);
      const { include, exclude } = this;
      this.rawAllowed.push((include === null || include.has(name)) && !(exclude?.has(name) ?? false) ? 1 : 0);
      this.plain.push(this.tokenFor(r, name));
    }
    return this.plain[r];
  }

  isDirect(token: number): boolean {
    return this.rawDirect[this.tokenRaw[token]] === 1;
  }

  allowed(token: number): number {
    return this.rawAllowed[this.tokenRaw[token]];
  }

  /** The token of the same channel with `suffix` appended to the label. */
  relabel(token: number, suffix: string): number {
    return this.tokenFor(this.tokenRaw[token], this.tokenLabels[token] + suffix);
  }

  /** The prepared paths around an index and its rows; only channels some sequence uses are listed. */
  assemble(
    index: SequenceIndex,
    rowArrays: RowArrays,
    rowsAreSequences: boolean,
    dropped: PreparedPaths['dropped'],
    used?: Uint8Array,
  ): PreparedPaths {
    const { tokenLabels, tokenRaw, rawNames, rawDirect } = this;
    let usedToken = used;
    if (!usedToken) {
      usedToken = new Uint8Array(tokenLabels.length);
      for (let i = 0; i < index.starts[index.count]; i++) usedToken[index.data[i]] = 1;
    }
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
      ...rowArrays,
      rowsAreSequences,
      dropped,
    };
  }

  private tokenFor(raw: number, label: string): number {
    const key = `${raw}\u0000${label}`;
    let t = this.tokenIds.get(key);
    if (t === undefined) {
      t = this.tokenLabels.length;
      this.tokenIds.set(key, t);
      this.tokenLabels.push(label);
      this.tokenRaw.push(raw);
    }
    return t;
  }
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

  accumulate(row: number, conversions: number, value: number, nulls: number): void {
    this.conv[row] += conversions;
    this.value[row] += value;
    this.nulls[row] += nulls;
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

/** Row arrays of `PreparedPaths`. */
type RowArrays = Pick<
  PreparedPaths,
  'rowCount' | 'rowSeq' | 'conversions' | 'value' | 'nulls' | 'timeStart' | 'times' | 'convertedAt' | 'roles'
>;

function isIdentity(map: Int32Array): boolean {
  for (let i = 0; i < map.length; i++) if (map[i] !== i) return false;
  return true;
}

/**
 * Prepared rows and sequences that share the columns' arrays (no copy), when every row is a
 * distinct non-empty path and every weight is valid; null otherwise.
 */
function shareColumns(cols: PathColumns): { index: SequenceIndex; rows: RowArrays; used: Uint8Array } | null {
  const n = cols.rows;
  const { codes, offsets } = cols;
  const channels = cols.channels.length;
  // Codes are tokens here (see isIdentity), so marking used codes marks used tokens.
  const used = new Uint8Array(channels);
  for (let r = 0; r < n; r++) {
    validateWeights(cols.conversions[r], cols.value[r], cols.nulls[r], r);
    for (let k = offsets[r]; k < offsets[r + 1]; k++) {
      const c = codes[k];
      if (!(c >= 0 && c < channels)) throw badCode(cols, k, r);
      used[c] = 1;
    }
  }
  const index = SequenceIndex.over(codes, offsets, n, cols.distinct === true);
  if (!index) return null;
  const rowSeq = new Int32Array(n);
  for (let r = 0; r < n; r++) rowSeq[r] = r;
  return {
    index,
    used,
    rows: {
      rowCount: n,
      rowSeq,
      conversions: cols.conversions.subarray(0, n),
      value: cols.value.subarray(0, n),
      nulls: cols.nulls.subarray(0, n),
      timeStart: null,
      times: null,
      convertedAt: null,
      roles: null,
    },
  };
}

/** Whether the input is path columns rather than an array of records. */
export const isPathColumns = (x: unknown): x is PathColumns =>
  typeof x === 'object' &&
  x !== null &&
  !Array.isArray(x) &&
  ((x as PathColumns).codes instanceof Int32Array ||
    (x as PathColumns).codes instanceof Uint8Array ||
    (x as PathColumns).codes instanceof Uint16Array) &&
  (x as PathColumns).offsets instanceof Int32Array;

function validateColumns(cols: PathColumns): void {
  const n = cols.rows;
  const ok =
    Number.isInteger(n) &&
    n >= 0 &&
    cols.offsets.length > n &&
    cols.conversions.length >= n &&
    cols.value.length >= n &&
    cols.nulls.length >= n &&
    cols.offsets[0] === 0 &&
    cols.offsets[n] <= cols.codes.length;
  if (!ok) {
    throw new AttributionInputError('path columns are inconsistent: rows, offsets and weights disagree', {
      hint: 'offsets need rows + 1 entries from 0 to at most codes.length, and one weight per row',
    });
  }
  for (let r = 0; r < n; r++) {
    if (!(cols.offsets[r + 1] >= cols.offsets[r])) {
      throw new AttributionInputError(`record ${r + 1}: offsets decrease`, {
        record: r,
        hint: 'offsets must be non-decreasing',
      });
    }
  }
}

function badCode(cols: PathColumns, k: number, r: number): AttributionInputError {
  return new AttributionInputError(
    `record ${r + 1}: channel code ${cols.codes[k]} is not an index into the ${cols.channels.length} channels`,
    { record: r, hint: 'codes index the channels list from 0' },
  );
}

/** A row's conversions and nulls are finite and ≥ 0, its value finite; else an error naming the record. */
export function validateWeights(c: number, v: number, n: number, r: number): void {
  if (c >= 0 && c < Infinity && n >= 0 && n < Infinity && Number.isFinite(v)) return;
  const bad = (message: string, hint: string) =>
    new AttributionInputError(`record ${r + 1}: ${message}`, { record: r, hint });
  if (!(c >= 0 && c < Infinity))
    throw bad(`conversions must be a finite number ≥ 0, got ${String(c)}`, 'fix conversions of this path');
  if (!(n >= 0 && n < Infinity))
    throw bad(`nulls must be a finite number ≥ 0, got ${String(n)}`, 'fix nulls of this path');
  throw bad(`value must be a finite number, got ${String(v)}`, 'use 0 when the value is unknown');
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
