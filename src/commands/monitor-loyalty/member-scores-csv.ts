/**
 * member_scores.csv (`--detail full`): one row per member with the figures the run's aggregates
 * are sums and counts of — dimensions, RFM, P(alive), expected purchases, CLV, points and the
 * segments the member is in — for lifecycle teams to load into their CRM.
 */
import { csvCell, type Engine } from '../../data/index.ts';
import type { ReportFile } from '../../report/index.ts';
import { RF_GRID_SEGMENTS } from '../../analyses/loyalty/index.ts';
import type { MonitorLoyaltyOutputs } from './plan.ts';
import { relationOf } from './run-tables.ts';

export const MEMBER_SCORES_FILE = 'member_scores.csv';

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

/** Member ids read per query (by member number, no sort of the member base). */
const PAGE = 200_000;
/**
 * Lines joined into one buffer at a time: few enough that they die young (20,000 at a time were
 * promoted and collected as old objects: 2.5 s of CPU per 100,000 members against 0.5 s).
 */
const LINES = 1000;

/**
 * The ids of members `from` … `to - 1` in member-number order. On DuckDB as one string joined by
 * NUL (a row object per member cost ~8 µs each, a million members seconds); should an id hold a
 * NUL itself, the count tells and the rows are read one by one.
 */
async function idPage(engine: Engine, from: number, to: number): Promise<(readonly [number, string])[]> {
  const rel = relationOf(engine)('lm_member_base');
  const where = `WHERE mi >= ${from} AND mi < ${to}`;
  if (engine.dialect !== 'clickhouse') {
    const [r] = await engine.query<{ ids: string | null }>(
      `SELECT string_agg(member_id, chr(0) ORDER BY mi) AS ids FROM ${rel} ${where}`,
    );
    const ids = r?.ids === null || r?.ids === undefined ? [] : r.ids.split('\0');
    if (ids.length === to - from) return ids.map((id, k) => [from + k, id] as const);
  }
  const rows = await engine.query<{ mi: number | string; member_id: string }>(
    `SELECT mi, member_id FROM ${rel} ${where}`,
  );
  return rows.map((r) => [Number(r.mi), r.member_id] as const);
}

/** Every member's id, by member number (the order all member columns share). */
async function memberIds(engine: Engine, members: number): Promise<string[]> {
  const ids = new Array<string>(members).fill('');
  for (let k = 0; k < members; k += PAGE)
    for (const [mi, id] of await idPage(engine, k, Math.min(members, k + PAGE))) ids[mi] = id;
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

/** The segments each member is in, as one cell (`win-back;expiring-points`), by member. */
function segmentCells(o: MonitorLoyaltyOutputs, n: number): (i: number) => string {
  const flags = o.insights.flags;
  const mask = new Uint8Array(n);
  flags.forEach(({ rows }, k) => {
    for (let i = 0; i < n; i++) if (rows[i]) mask[i] |= 1 << k;
  });
  const cells = new Map<number, string>();
  return (i) => {
    const m = mask[i];
    let cell = cells.get(m);
    if (cell === undefined) {
      cell = flags
        .filter((_, k) => m & (1 << k))
        .map((f) => f.segment)
        .join(';');
      cells.set(m, cell);
    }
    return cell;
  };
}

/** The CSV line of member `i` (text cells neutralized and quoted by `csvCell`). */
function lineOf(o: MonitorLoyaltyOutputs, names: (d: 'tier' | 'region' | 'channel' | 'cohort') => string[]) {
  const c = o.models.cols;
  const s = o.models.scores;
  const r = o.models.rfmMembers;
  const p = o.insights.points;
  const dims = (['tier', 'region', 'channel', 'cohort'] as const).map((d) => ({
    codes: c[d],
    cells: names(d),
  }));
  const rfmNames = RF_GRID_SEGMENTS.map((x) => csvCell(x.name));
  const segments = segmentCells(o, c.rowCount);
  const score = (a: Uint8Array | undefined, i: number) => (a && a[i] ? String(a[i]) : '');
  // money and points to 6 decimals (as result.json's money), P(alive) to 12, expected purchases to 9
  return (id: string, i: number): string => {
    const bought = c.has_purchase[i] === 1;
    const seg = r && r.segment[i] >= 0 ? rfmNames[r.segment[i]] : '';
    return (
      `${csvCell(id)},${dims[0].cells[dims[0].codes[i]] ?? ''},${dims[1].cells[dims[1].codes[i]] ?? ''},` +
      `${dims[2].cells[dims[2].codes[i]] ?? ''},${dims[3].cells[dims[3].codes[i]] ?? ''},` +
      `${bought ? fixed(c.recency_days[i], 6) : ''},${fixed(c.rfm_orders[i], 6)},${fixed(c.rfm_spend[i], 6)},` +
      `${score(r?.recency, i)},${score(r?.frequency, i)},${score(r?.monetary, i)},${seg},` +
      `${fixed(c.spend_total[i], 6)},${fixed(s.pAlive[i], 12)},${fixed(s.expected[i], 9)},${fixed(s.clv[i], 6)},` +
      `${fixed(p.balance[i], 6)},${fixed(p.expiring[i], 6)},${fixed(p.days_to_expiry[i], 6)},${segments(i)}`
    );
  };
}

/**
 * member_scores.csv: one line per member in member-id order (the order of the member columns),
 * empty cells where a figure is not computed (no purchase, no usable model). Written in buffers of
 * `LINES` lines, so a million members are never one string.
 */
export async function memberScoresFile(engine: Engine, o: MonitorLoyaltyOutputs): Promise<ReportFile> {
  const n = o.models.cols.rowCount;
  const ids = await memberIds(engine, n);
  const values = { tier: o.members.tiers.names, ...o.members.values };
  const cellsOf = (d: keyof typeof values) => values[d].map((v) => csvCell(v));
  const line = lineOf(o, cellsOf);
  const parts: Buffer[] = [Buffer.from(`${MEMBER_SCORES_COLUMNS.join(',')}\n`)];
  for (let k = 0; k < n; k += LINES) {
    const lines: string[] = [];
    for (let i = k; i < Math.min(n, k + LINES); i++) lines.push(line(ids[i], i));
    parts.push(Buffer.from(`${lines.join('\n')}\n`));
  }
  return { name: MEMBER_SCORES_FILE, content: Buffer.concat(parts) };
}
