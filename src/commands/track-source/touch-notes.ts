/**
 * What normalization did to the accepted touches that a user should see: UTM values URL-decoded
 * (or left as they were, an escape not being UTF-8), touches naming several partners (their credit
 * split equally), and explicit partner values that are no partner (then credited through
 * utm_source or the source's default partner, or kept as written). Read from the canonical
 * touchpoints' `_utm_decoded` and `_partner_unknown` columns (touchpoints.ts, entities-clickhouse.ts).
 */
import { canonicalRelation } from '../../data/entities/normalize-clickhouse.ts';
import type { Engine } from '../../data/index.ts';
import { UNDECODABLE_SHIFT, UTM_COLUMNS } from '../../data/normalize/utm-sql.ts';
import { partnersOf } from './partner-lists.ts';
import { partnerMembersCh } from './sql/journeys-clickhouse.ts';
import { partnerMembersSql } from './sql/journeys-sql.ts';

export interface TouchNotes {
  /** UTM column → accepted touches whose value was URL-decoded (columns with none left out). */
  url_decoded: Record<string, number>;
  /** UTM column → accepted touches whose URL-encoded value had an escape that is not UTF-8 (kept as it is). */
  url_undecodable: Record<string, number>;
  /** Touches naming several partners, by list (`acme|beta`), their credit split equally. */
  partner_lists: { partners: string[]; touches: number }[];
  /** Explicit partner values that are no partner, with what the touch was credited to instead. */
  unknown_partners: { value: string; credited_to: string | null; touches: number }[];
}

/** At most this many unknown partner values and partner lists are listed (the counts are exact). */
const LISTED = 20;

/** `partnerIds`: gtm.yaml's partner ids, which a partner list is made of (partner-lists.ts). */
export async function touchNotes(engine: Engine, partnerIds: readonly string[]): Promise<TouchNotes> {
  const ch = engine.dialect === 'clickhouse';
  const from = ch ? canonicalRelation(engine, 'touchpoints') : 'touchpoints';
  const has = (bit: number) =>
    ch
      ? `countIf(bitAnd(_utm_decoded, ${bit}) != 0)`
      : `count(*) FILTER (WHERE (_utm_decoded & ${bit}) <> 0)`;
  const counts = UTM_COLUMNS.flatMap((c, i) => [
    `${has(1 << i)} AS d_${c}`,
    `${has(1 << (i + UNDECODABLE_SHIFT))} AS u_${c}`,
  ]);
  const [row] = await engine.query<Record<string, number | bigint | string>>(
    `SELECT ${counts.join(', ')} FROM ${from}`,
  );
  const url_decoded: Record<string, number> = {};
  const url_undecodable: Record<string, number> = {};
  for (const c of UTM_COLUMNS) {
    if (Number(row?.[`d_${c}`] ?? 0)) url_decoded[c] = Number(row[`d_${c}`]);
    if (Number(row?.[`u_${c}`] ?? 0)) url_undecodable[c] = Number(row[`u_${c}`]);
  }
  const n = ch ? 'count()' : 'count(*)';
  // a list, not any value with a `|` (an unknown partner kept as written may hold one): told
  // apart once per distinct value
  const members = ch
    ? partnerMembersCh("ifNull(partner, '')", partnerIds)
    : partnerMembersSql('partner', partnerIds);
  const lists = await engine.query<{ partner: string; touches: number | bigint }>(
    `SELECT partner, ${n} AS touches FROM ${from} WHERE partner LIKE '%|%'
     GROUP BY partner HAVING ${ch ? 'length' : 'len'}(${members}) > 1 ORDER BY touches DESC, partner LIMIT ${LISTED}`,
  );
  const ids = new Set(partnerIds);
  const unknown = await engine.query<{ value: string; credited_to: string | null; touches: number | bigint }>(
    `SELECT _partner_unknown AS value, partner AS credited_to, ${n} AS touches FROM ${from}
     WHERE _partner_unknown IS NOT NULL GROUP BY _partner_unknown, partner ORDER BY touches DESC, value, credited_to LIMIT ${LISTED}`,
  );
  return {
    url_decoded,
    url_undecodable,
    partner_lists: lists.map((l) => ({
      partners: partnersOf(l.partner, ids),
      touches: Number(l.touches),
    })),
    unknown_partners: unknown.map((u) => ({
      value: u.value,
      credited_to: u.credited_to === u.value ? null : u.credited_to,
      touches: Number(u.touches),
    })),
  };
}

const counted = (by: Record<string, number>) =>
  Object.entries(by)
    .map(([c, k]) => `${c} ${k}`)
    .join(', ');
const sum = (by: Record<string, number>) => Object.values(by).reduce((s, k) => s + k, 0);

/** The notes as lines for the plan and the data-quality section (none when there is nothing to say). */
export function touchNoteLines(n: TouchNotes): { text: string; detail?: string; status?: 'warn' }[] {
  const out: { text: string; detail?: string; status?: 'warn' }[] = [];
  const decoded = sum(n.url_decoded);
  if (decoded)
    out.push({
      text: `${decoded} UTM value${decoded === 1 ? ' was' : 's were'} URL-decoded (${counted(n.url_decoded)})`,
      detail:
        "Read as URL-encoded: a value without a space holding a %XX escape or a + between two other characters ('Spring+Push', 'spring%20push'); + is a space, escapes are UTF-8.",
    });
  const undecodable = sum(n.url_undecodable);
  if (undecodable)
    out.push({
      text: `${undecodable} URL-encoded UTM value${undecodable === 1 ? '' : 's'} kept as written: an escape is not valid UTF-8 (${counted(n.url_undecodable)})`,
      detail: 'Fix the export (the value was probably cut inside a character), or map it under utm.aliases.',
      status: 'warn',
    });
  const listed = n.partner_lists.reduce((s, l) => s + l.touches, 0);
  if (listed)
    out.push({
      text: `${listed} touch${listed === 1 ? '' : 'es'} named several partners; each touch's credit is split equally among them`,
      detail: n.partner_lists.map((l) => `${l.partners.join(' + ')}: ${l.touches}`).join('; '),
    });
  const unknown = n.unknown_partners.reduce((s, u) => s + u.touches, 0);
  if (unknown)
    out.push({
      text: `${unknown} touch${unknown === 1 ? '' : 'es'} named a partner that is not in partners: in gtm.yaml`,
      detail: `${n.unknown_partners
        .map(
          (u) =>
            `'${u.value}' ${u.touches} (${u.credited_to ? `credited to ${u.credited_to} from utm_source or the source's partner` : 'kept as written'})`,
        )
        .join(
          '; ',
        )}. Add the name as an alias of the partner it means (partners[].aliases), or separate several partners with , ; | or ' & '.`,
      status: 'warn',
    });
  return out;
}
