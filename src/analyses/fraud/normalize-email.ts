/**
 * Providers that ignore dots in the local part (`j.o.h.n@gmail.com` reaches `john@gmail.com`).
 * Only Google documents this; other providers (Outlook, Yahoo, iCloud, Proton, …) treat dots as
 * significant, so removing them there would merge different people.
 */
export const DOT_INSENSITIVE_EMAIL_DOMAINS: ReadonlySet<string> = new Set(['gmail.com', 'googlemail.com']);

/** Domains that are the same mailbox namespace as another (Google serves both). */
export const EMAIL_DOMAIN_ALIASES: ReadonlyMap<string, string> = new Map([['googlemail.com', 'gmail.com']]);

export interface NormalizedEmail {
  /** Local part: lower-case, `+tag` removed, dots removed for dot-insensitive providers. */
  readonly local: string;
  /** Domain: lower-case, trailing dot removed, aliases resolved (googlemail.com → gmail.com). */
  readonly domain: string;
  /** `local@domain`: equal strings mean the same mailbox. */
  readonly address: string;
}

export interface NormalizeEmailOptions {
  dotInsensitiveDomains?: ReadonlySet<string>;
  domainAliases?: ReadonlyMap<string, string>;
}

/** Where `normalizeEmailInto` writes, reused across rows by the scorer. */
export interface EmailParts {
  local: string;
  domain: string;
}

/**
 * Canonical mailbox of an address, so that the variants one person can mint for free compare
 * equal: case, `+tag` sub-addressing (stripped for every provider: it is the common convention,
 * and a false merge needs two people whose addresses differ only after a `+`), and dots for
 * Gmail/Googlemail. Returns null for strings that are not addresses (no `@`, empty parts, no dot
 * in the domain). O(length), no regular expressions.
 *
 * @example
 * normalizeEmail(' J.O.H.N+ref@GoogleMail.com')?.address; // 'john@gmail.com'
 * normalizeEmail('j.smith+x@outlook.com')?.address;       // 'j.smith@outlook.com'
 */
export function normalizeEmail(
  raw: string | null | undefined,
  options: NormalizeEmailOptions = {},
): NormalizedEmail | null {
  const parts: EmailParts = { local: '', domain: '' };
  if (!normalizeEmailInto(raw, parts, options)) return null;
  return { local: parts.local, domain: parts.domain, address: `${parts.local}@${parts.domain}` };
}

/**
 * `normalizeEmail` without allocating a result: fills `out` and returns whether `raw` is an
 * address (the scorer calls it twice per referral).
 */
export function normalizeEmailInto(
  raw: string | null | undefined,
  out: EmailParts,
  options: NormalizeEmailOptions = {},
): boolean {
  if (!raw) return false;
  const email = raw.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return false;
  let domain = email.endsWith('.') ? email.slice(at + 1, -1) : email.slice(at + 1);
  if (domain.indexOf('.') <= 0) return false;
  domain = (options.domainAliases ?? EMAIL_DOMAIN_ALIASES).get(domain) ?? domain;
  const plus = email.indexOf('+');
  if (plus === 0) return false;
  let local = plus > 0 && plus < at ? email.slice(0, plus) : email.slice(0, at);
  if ((options.dotInsensitiveDomains ?? DOT_INSENSITIVE_EMAIL_DOMAINS).has(domain) && local.indexOf('.') >= 0)
    local = local.replaceAll('.', '');
  if (local.length === 0) return false;
  out.local = local;
  out.domain = domain;
  return true;
}
