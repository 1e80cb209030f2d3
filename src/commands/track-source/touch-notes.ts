/**
 * What normalization did to the accepted touches that a user should see: UTM values URL-decoded
 * (or left as they were, an escape not being UTF-8), per touchpoints source the touches whose UTMs
 * came from their landing URL or whose source and medium from its click id (`landing_url`),
 * touches naming several partners (their credit split equally), and explicit partner values that
 * are no partner (then credited through utm_source or the source's default partner, or kept as
 * written). Read from the canonical touchpoints' `_utm_decoded` (its bits) and `_partner_unknown`
 * columns (touchpoints.ts, entities-clickhouse.ts).
 */
import { canonicalRelation } from '../../data/entities/normalize-clickhouse.ts';
import type { Engine } from '../../data/index.ts';
import {
  FROM_CLICK_ID_BIT,
  FROM_URL_BIT,
  UNDECODABLE_SHIFT,
  UTM_COLUMNS,
} from '../../data/normalize/utm-sql.ts';
import { partnersOf } from './partner-lists.ts';
import { partnerMembersCh } from './sql/journeys-clickhouse.ts';
import { partnerMembersSql } from './sql/journeys-sql.ts';

export interface TouchNotes {
  /** UTM column → accepted touches whose value was URL-decoded (columns with none left out). */
  url_decoded: Record<string, number>;
  /** UTM column → accepted touches whose URL-encoded value had an escape that is not UTF-8 (kept as it is). */
  url_undecodable: Record<string, number>;
  /**
   * Per touchpoints source mapping `landing_url` (sources with no such touch left out; the key
   * absent when none): its accepted touches, those whose utm_source, utm_medium or utm_campaign
   * (any) came from the landing URL (the column empty), and those whose source and medium came
   * from the URL's click id (gclid: google/cpc, …).
   */
  landing_url?: LandingUrlNote[];
  /** Touches naming several partners, by list (`acme|beta`), their credit split equally. */
  partner_lists: { partners: string[]; touches: number }[];
  /** Explicit partner values that are no partner, with what the touch was credited to instead. */
  unknown_partners: { value: string; credited_to: string | null; touches: number }[];
}

export interface LandingUrlNote {
  source: string;
  touches: number;
  utm_from_url: number;
  click_id: number;
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
  // values from landing URLs: the bits are set for sources mapping landing_url only
  counts.push(`${has(FROM_URL_BIT | FROM_CLICK_ID_BIT)} AS landing`);
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
  const landing = Number(row?.landing ?? 0) ? await landingNotes(engine, from, has) : undefined;
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
    ...(landing ? { landing_url: landing } : {}),
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

/** `TouchNotes.landing_url`: by source, the sources with a touch of a landing URL's values. */
async function landingNotes(
  engine: Engine,
  from: string,
  has: (bit: number) => string,
): Promise<LandingUrlNote[]> {
  const ch = engine.dialect === 'clickhouse';
  const rows = await engine.query<Record<string, number | bigint | string>>(
    `SELECT ${ch ? 'toString(_source)' : 'CAST(_source AS VARCHAR)'} AS source, ${ch ? 'count()' : 'count(*)'} AS touches,
       ${has(FROM_URL_BIT)} AS utm_from_url, ${has(FROM_CLICK_ID_BIT)} AS click_id
     FROM ${from} GROUP BY source ORDER BY source`,
  );
  return rows
    .map((r) => ({
      source: String(r.source),
      touches: Number(r.touches),
      utm_from_url: Number(r.utm_from_url),
      click_id: Number(r.click_id),
    }))
    .filter((r) => r.utm_from_url + r.click_id > 0);
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
  for (const l of n.landing_url ?? [])
    out.push({
      text: `${l.source}: ${l.utm_from_url} of ${l.touches} touch${l.touches === 1 ? '' : 'es'} took utm_source, utm_medium or utm_campaign from landing_url; ${l.click_id} took source and medium from a click id`,
      detail:
        "A UTM value is read from the landing URL when its column is empty; a touch left with neither a source nor a medium takes those of the URL's first click id (gclid, wbraid, gbraid: google/cpc; msclkid: bing/cpc; li_fat_id: linkedin/paid_social; ttclid: tiktok/paid_social).",
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
