/**
 * Emails and names normalized in SQL exactly as the fraud scorer normalizes them in TypeScript
 * (`normalizeEmail`, `normalizeName` of analyses/fraud) for ASCII text, so that the engine can
 * pre-select the referrals worth scoring and join email domains to their list verdicts. Non-ASCII
 * values are not pre-filtered (see `nonAscii`): they always go to the scorer.
 *
 * The refresh computes them once per row (`withNormalizedPerson`): a layer extracts the raw local
 * part and domain with one regular expression each, the next derives the normalized forms from
 * those columns, so no expression is evaluated twice.
 */
import type { Dialect } from '../../../data/index.ts';
import { isAscii, regexpGroup, regexpReplaceAll, starExcept } from './sql-fns.ts';

const TITLES = ['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof'];

/** Lower-cased, trimmed email. */
const low = (e: string) => `lower(trim(${e}))`;
/**
 * Position (1-based) of the last `ch` (one ASCII character) in an ASCII text, 0 when none: string
 * functions, several times cheaper than a regular expression on millions of rows.
 */
function lastPosSql(e: string, ch: string, d: Dialect = 'duckdb'): string {
  const pos = (x: string) => (d === 'duckdb' ? `strpos(${x}, '${ch}')` : `position(${x}, '${ch}')`);
  return `(CASE WHEN ${pos(e)} = 0 THEN 0 ELSE length(${e}) + 1 - ${pos(`reverse(${e})`)} END)`;
}

/**
 * DuckDB: the text after the last `ch` (the whole text without one), by `split_part` from the
 * end, which does not copy the text reversed as `lastPosSql` does (at 1M sign-ups the two
 * reversed copies per email cost about 0.5 s of CPU).
 */
const afterLastSql = (e: string, ch: string) => `split_part(${e}, '${ch}', -1)`;

/**
 * Everything before the last `@` of a lower-cased email ('' without one), as the scorer's
 * `lastIndexOf`; non-ASCII text (where character positions and bytes part) through a regular expression.
 */
const localRawSql = (e: string, d: Dialect = 'duckdb') =>
  `(CASE WHEN ${isAscii(e, d)} THEN (CASE WHEN ${d === 'duckdb' ? `strpos(${e}, '@')` : lastPosSql(e, '@', d)} = 0 THEN '' ELSE ${
    d === 'duckdb'
      ? `left(${e}, strlen(${e}) - strlen(${afterLastSql(e, '@')}) - 1)`
      : `substr(${e}, 1, ${lastPosSql(e, '@', d)} - 1)`
  } END)
    ELSE ${regexpGroup(e, '^(.*)@[^@]*$', d)} END)`;
/** Everything after the last `@` ('' without one). */
const domainRawSql = (e: string, d: Dialect = 'duckdb') =>
  `(CASE WHEN ${isAscii(e, d)} THEN (CASE WHEN ${d === 'duckdb' ? `strpos(${e}, '@')` : lastPosSql(e, '@', d)} = 0 THEN '' ELSE ${
    d === 'duckdb' ? afterLastSql(e, '@') : `substr(${e}, ${lastPosSql(e, '@', d)} + 1)`
  } END)
    ELSE ${regexpGroup(e, '@([^@]*)$', d)} END)`;

/** The domain as the scorer sees it, from the raw domain: one trailing dot dropped, googlemail.com → gmail.com. */
export function domainFromRawSql(raw: string): string {
  const noDot = `(CASE WHEN ${raw} LIKE '%.' THEN substr(${raw}, 1, length(${raw}) - 1) ELSE ${raw} END)`;
  return `(CASE WHEN ${noDot} = 'googlemail.com' THEN 'gmail.com' ELSE ${noDot} END)`;
}

/**
 * The local part as the scorer sees it, from the raw local part and the normalized domain: before
 * the first `+`, dots removed for Gmail; '' when the scorer refuses the address (no local part, a
 * leading `+`, a domain without a dot after its first character).
 */
export function localFromRawSql(raw: string, domain: string): string {
  const plusFree = `split_part(${raw}, '+', 1)`;
  const local = `(CASE WHEN ${domain} = 'gmail.com' THEN replace(${plusFree}, '.', '') ELSE ${plusFree} END)`;
  return `(CASE WHEN ${raw} = '' OR ${raw} LIKE '+%' OR strpos(${domain}, '.') <= 1 THEN '' ELSE ${local} END)`;
}

/**
 * A name lower-cased with every run of non-alphanumerics one space (before the title is dropped).
 * On DuckDB a name that already is words of ASCII letters and digits between single spaces (most
 * of them) is taken as it is: a full match costs about a quarter of the global replacement, which
 * would change nothing there.
 */
function nameCleanSql(name: string, d: Dialect = 'duckdb'): string {
  const replaced = `trim(${regexpReplaceAll(`lower(${name})`, '[^a-z0-9]+', ' ', d)})`;
  if (d !== 'duckdb') return replaced;
  return `(CASE WHEN regexp_full_match(lower(${name}), '[a-z0-9]+( [a-z0-9]+)*') THEN lower(${name}) ELSE ${replaced} END)`;
}

/** The cleaned name without a leading title (Mr, Mrs, Dr, …). */
export function nameFromCleanSql(clean: string): string {
  const titled = TITLES.map((t) => `${clean} LIKE '${t} %'`).join(' OR ');
  return `(CASE WHEN ${titled} THEN substr(${clean}, strpos(${clean}, ' ') + 1) ELSE ${clean} END)`;
}

/** The domain of an email as the scorer sees it; '' when none. */
export const emailDomainSql = (email: string, d: Dialect = 'duckdb'): string =>
  domainFromRawSql(domainRawSql(low(email), d));

/** The mailbox local part as the scorer sees it ('' when the scorer refuses the address). */
export const emailLocalSql = (email: string, d: Dialect = 'duckdb'): string =>
  localFromRawSql(localRawSql(low(email), d), emailDomainSql(email, d));

/** A name lower-cased, every run of non-alphanumerics one space, a leading title dropped. */
export const nameSql = (name: string, d: Dialect = 'duckdb'): string =>
  nameFromCleanSql(nameCleanSql(name, d));

/** First word of a normalized name. */
export const firstWordSql = (normalized: string): string => `split_part(${normalized}, ' ', 1)`;

/** Last word of a normalized name (which is ASCII: lower-case letters, digits and single spaces). */
export const lastWordSql = (normalized: string, d: Dialect = 'duckdb'): string =>
  d === 'duckdb'
    ? afterLastSql(normalized, ' ')
    : `(CASE WHEN ${lastPosSql(normalized, ' ', d)} = 0 THEN ${normalized} ELSE substr(${normalized}, ${lastPosSql(normalized, ' ', d)} + 1) END)`;

/**
 * `select` with five more columns, each computed once per row: `email_local`, `email_domain` (as
 * the scorer normalizes them; '' when not an address), `name_norm`, and its first and last words
 * `name_first`, `name_last` (what the name rule compares).
 */
export function withNormalizedPerson(
  select: string,
  email: string,
  name: string,
  d: Dialect = 'duckdb',
): string {
  const domain = domainFromRawSql('_dr');
  return `SELECT *, ${firstWordSql('name_norm')} AS name_first, ${lastWordSql('name_norm', d)} AS name_last
     FROM (SELECT ${starExcept(['_e', '_lr', '_dr', '_n'], d)}, ${localFromRawSql('_lr', domain)} AS email_local,
       ${domain} AS email_domain, ${nameFromCleanSql('_n')} AS name_norm
     FROM (SELECT *, ${localRawSql('_e', d)} AS _lr, ${domainRawSql('_e', d)} AS _dr, ${nameCleanSql(name, d)} AS _n
           FROM (SELECT *, ${low(email)} AS _e FROM (${select}) s0) s1) s2) s3`;
}
