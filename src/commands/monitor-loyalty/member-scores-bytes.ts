/**
 * member_scores.csv's bytes (`--detail full`): one line per member with the figures the run's
 * aggregates are sums and counts of, written straight into buffers. Pure: no engine (the ids are
 * read by member-scores-csv.ts).
 */
import { csvCell } from '../../data/csv-text.ts';
import { RF_GRID_SEGMENTS } from '../../analyses/loyalty/index.ts';
import type { MonitorLoyaltyOutputs } from './plan.ts';
import type { MemberColumns, MemberScores } from './member-scores.ts';
import type { RfmMembers } from './rfm-summary.ts';
import type { PointColumns } from './segments-stage.ts';

export const MEMBER_SCORES_COLUMNS = [
  'member_id',
  'tier',
  'region',
  'channel',
  'cohort',
  'recency_days',
  'frequency',
  'monetary',
  'r_score',
  'f_score',
  'm_score',
  'rfm_segment',
  'lifetime_spend',
  'p_alive',
  'expected_purchases',
  'clv',
  'points_balance',
  'expiring_points',
  'days_to_expiry',
  'segments',
] as const;

/** Bytes per output buffer: the file is written straight into buffers this size, no line strings. */
const CHUNK = 1 << 22;

/** Member ids `from` on: NUL-joined (`joined`) or listed (`ids`). */
export type IdPage = { from: number; joined: string } | { from: number; ids: string[] };

/** The ids of `pages` as one list, by member number. */
function idsOf(pages: readonly IdPage[], members: number): string[] {
  const ids = new Array<string>(members).fill('');
  for (const p of pages) {
    const list = 'ids' in p ? p.ids : p.joined.split('\0');
    for (let k = 0; k < list.length && p.from + k < members; k++) ids[p.from + k] = list[k];
  }
  return ids;
}

const POW10 = Array.from({ length: 13 }, (_, d) => 10 ** d);

/**
 * A number's cell rounded to `d` decimals (trailing zeros dropped), empty when it is not finite:
 * through its scaled integer, as `String` of a fraction (the shortest round trip) cost ~2 µs a value.
 *
 * @example fixed(349.43, 6); // '349.43'
 * @example fixed(0.0005, 6); // '0.0005'
 */
export function fixed(v: number, d: number): string {
  if (!Number.isFinite(v)) return '';
  if (Number.isInteger(v)) return String(v);
  const scaled = Math.round(Math.abs(v) * POW10[d]);
  if (scaled === 0) return '0';
  if (!Number.isSafeInteger(scaled)) return String(v);
  let digits = String(scaled);
  let places = d;
  let end = digits.length;
  while (places > 0 && digits.charCodeAt(end - 1) === 48) {
    end--;
    places--;
  }
  digits = digits.slice(0, end);
  const sign = v < 0 ? '-' : '';
  if (places === 0) return sign + digits;
  if (digits.length <= places) digits = '0'.repeat(places - digits.length + 1) + digits;
  return `${sign}${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`;
}

/**
 * CSV bytes written straight into buffers: a line per member as strings joined and encoded cost
 * ~2 µs a member (1M members: 2 s of the run's tail, a fifth of it collecting the strings); digits
 * written as bytes cost a fraction of that.
 */
export class CsvBytes {
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private readonly parts: Buffer[] = [];
  private readonly digits = new Uint8Array(24);

  /** Makes room for `n` more bytes (a new buffer when the current one cannot hold them). */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.parts.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.pos = 0;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  bytes(b: Uint8Array): void {
    for (let k = 0; k < b.length; k++) this.buf[this.pos++] = b[k];
  }

  /** Text as UTF-8 (room for 3 bytes per UTF-16 unit made by the caller). */
  text(s: string): void {
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * The decimal digits of a non-negative safe integer into `digits`, least significant first;
   * returns how many. In int32 steps (eight low digits, then the rest: below 2^53 / 10^8 < 2^31).
   */
  private digitsOf(n: number): number {
    const digits = this.digits;
    let len = 0;
    if (n >= 1e8) {
      const hi = Math.floor(n / 1e8);
      let lo = n - hi * 1e8;
      for (let k = 0; k < 8; k++) {
        const q = (lo / 10) | 0;
        digits[len++] = lo - q * 10;
        lo = q;
      }
      n = hi;
    }
    let m = n | 0;
    do {
      const q = (m / 10) | 0;
      digits[len++] = m - q * 10;
      m = q;
    } while (m > 0);
    return len;
  }

  /** The bytes of `fixed(v, d)` (the same text, checked on random values in the tests). */
  fixed(v: number, d: number): void {
    if (!Number.isFinite(v)) return;
    const integer = Number.isInteger(v);
    const scaled = integer ? Math.abs(v) : Math.round(Math.abs(v) * POW10[d]);
    if (!Number.isSafeInteger(scaled)) return this.text(String(v));
    if (scaled === 0) return this.byte(48);
    const len = this.digitsOf(scaled);
    const digits = this.digits;
    // trailing zeros among the decimals dropped
    let lo = 0;
    let places = integer ? 0 : d;
    while (places > 0 && digits[lo] === 0) {
      lo++;
      places--;
    }
    const buf = this.buf;
    let pos = this.pos;
    if (v < 0) buf[pos++] = 45;
    const kept = len - lo;
    if (kept <= places) {
      buf[pos++] = 48;
      buf[pos++] = 46;
      for (let z = kept; z < places; z++) buf[pos++] = 48;
      for (let k = len - 1; k >= lo; k--) buf[pos++] = 48 + digits[k];
    } else {
      for (let k = len - 1; k >= lo + places; k--) buf[pos++] = 48 + digits[k];
      if (places > 0) {
        buf[pos++] = 46;
        for (let k = lo + places - 1; k >= lo; k--) buf[pos++] = 48 + digits[k];
      }
    }
    this.pos = pos;
  }

  /** Everything written, as the buffers in order (no copy into one). */
  end(): Buffer[] {
    this.parts.push(this.buf.subarray(0, this.pos));
    return this.parts;
  }
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const COMMA = 44;
const NEWLINE = 10;

/** What member_scores.csv is written from, as plain typed arrays and strings (member-number order). */
export interface MemberScoresInput {
  n: number;
  /** tier, region, channel and cohort: each member's code, and each code's cell (csvCell'd). */
  dims: { codes: Float64Array; cells: string[] }[];
  cols: Pick<MemberColumns, 'has_purchase' | 'recency_days' | 'rfm_orders' | 'rfm_spend' | 'spend_total'>;
  scores: MemberScores;
  rfm: RfmMembers | null;
  points: Pick<PointColumns, 'balance' | 'expiring' | 'days_to_expiry'>;
  flags: { segment: string; rows: Uint8Array }[];
}

/** The run's figures member_scores.csv is written from (no copy: views of the stages' arrays). */
export function memberScoresInput(o: MonitorLoyaltyOutputs): MemberScoresInput {
  const c = o.models.cols;
  const values = { tier: o.members.tiers.names, ...o.members.values };
  const p = o.insights.points;
  return {
    n: c.rowCount,
    dims: (['tier', 'region', 'channel', 'cohort'] as const).map((d) => ({
      codes: c[d],
      cells: values[d].map((v) => csvCell(v)),
    })),
    cols: {
      has_purchase: c.has_purchase,
      recency_days: c.recency_days,
      rfm_orders: c.rfm_orders,
      rfm_spend: c.rfm_spend,
      spend_total: c.spend_total,
    },
    scores: o.models.scores,
    rfm: o.models.rfmMembers,
    points: { balance: p.balance, expiring: p.expiring, days_to_expiry: p.days_to_expiry },
    flags: o.insights.flags.map((f) => ({ segment: f.segment, rows: f.rows })),
  };
}

/** The segments each member is in, as one cell's bytes (`win-back;expiring-points`), by member. */
function segmentCells(
  flags: MemberScoresInput['flags'],
  n: number,
): { cell: (i: number) => Uint8Array; most: number } {
  const mask = new Uint8Array(n);
  flags.forEach(({ rows }, k) => {
    for (let i = 0; i < n; i++) if (rows[i]) mask[i] |= 1 << k;
  });
  const cells = new Map<number, Uint8Array>();
  return {
    cell: (i) => {
      const m = mask[i];
      let cell = cells.get(m);
      if (cell === undefined) {
        cell = utf8(
          flags
            .filter((_, k) => m & (1 << k))
            .map((f) => f.segment)
            .join(';'),
        );
        cells.set(m, cell);
      }
      return cell;
    },
    // every segment's name and a separator: no cell is longer
    most: flags.reduce((sum, f) => sum + Buffer.byteLength(f.segment) + 1, 0),
  };
}

/** Bytes of the longest cell among `cells`. */
const longest = (cells: readonly Uint8Array[]) => cells.reduce((m, c) => Math.max(m, c.length), 0);

/**
 * Writes member `i`'s CSV line (text cells neutralized and quoted by `csvCell`, number cells by
 * `fixed`'s rule) into `out`.
 */
function lineWriter(x: MemberScoresInput, out: CsvBytes) {
  const c = x.cols;
  const s = x.scores;
  const r = x.rfm;
  const p = x.points;
  const dims = x.dims.map((d) => ({ codes: d.codes, cells: d.cells.map(utf8) }));
  const rfmNames = RF_GRID_SEGMENTS.map((g) => utf8(csvCell(g.name)));
  const segments = segmentCells(x.flags, x.n);
  // a line's bytes but the id's: 10 numbers (≤ 25 bytes each as written: 32 allowed), 3 scores, 20 separators, the text cells
  const bound =
    10 * 32 + 3 * 4 + 20 + dims.reduce((m, d) => m + longest(d.cells), 0) + longest(rfmNames) + segments.most;
  const dim = (k: number, i: number) => {
    const cell = dims[k].cells[dims[k].codes[i]];
    if (cell) out.bytes(cell);
    out.byte(COMMA);
  };
  const score = (a: Uint8Array | undefined, i: number) => {
    if (a && a[i]) out.fixed(a[i], 0);
    out.byte(COMMA);
  };
  const num = (v: number, d: number) => {
    out.fixed(v, d);
    out.byte(COMMA);
  };
  // money and points to 6 decimals (as result.json's money), P(alive) to 12, expected purchases to 9
  return (id: string, i: number): void => {
    const cell = csvCell(id);
    out.room(3 * cell.length + bound);
    out.text(cell);
    out.byte(COMMA);
    for (let k = 0; k < 4; k++) dim(k, i);
    if (c.has_purchase[i] === 1) out.fixed(c.recency_days[i], 6);
    out.byte(COMMA);
    num(c.rfm_orders[i], 6);
    num(c.rfm_spend[i], 6);
    score(r?.recency, i);
    score(r?.frequency, i);
    score(r?.monetary, i);
    if (r && r.segment[i] >= 0) out.bytes(rfmNames[r.segment[i]]);
    out.byte(COMMA);
    num(c.spend_total[i], 6);
    num(s.pAlive[i], 12);
    num(s.expected[i], 9);
    num(s.clv[i], 6);
    num(p.balance[i], 6);
    num(p.expiring[i], 6);
    num(p.days_to_expiry[i], 6);
    out.bytes(segments.cell(i));
    out.byte(NEWLINE);
  };
}

/**
 * member_scores.csv's bytes: one line per member in member-id order (the order of the member
 * columns), empty cells where a figure is not computed (no purchase, no usable model). Written into
 * buffers of `CHUNK` bytes, so a million members are never one string.
 */
export function memberScoresBytes(x: MemberScoresInput, pages: readonly IdPage[]): Buffer[] {
  const ids = idsOf(pages, x.n);
  const out = new CsvBytes();
  const header = `${MEMBER_SCORES_COLUMNS.join(',')}\n`;
  out.room(header.length);
  out.text(header);
  const line = lineWriter(x, out);
  for (let i = 0; i < x.n; i++) line(ids[i], i);
  return out.end();
}
