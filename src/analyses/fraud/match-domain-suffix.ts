/**
 * The entry of `domains` that `host` is, or is a subdomain of, walking parents one label at a time
 * (`a.b.mailinator.com` → `b.mailinator.com` → `mailinator.com`), or null. Stops at two labels:
 * a bare top-level domain (`com`) never matches, even if a list carries one by mistake. `host` must
 * already be lower-case without a trailing dot (see `hostOf`). O(labels) set lookups.
 *
 * @example matchDomainSuffix('a.b.mailinator.com', new Set(['mailinator.com'])); // 'mailinator.com'
 */
export function matchDomainSuffix(host: string, domains: ReadonlySet<string>): string | null {
  let candidate = host;
  for (;;) {
    const dot = candidate.indexOf('.');
    if (dot <= 0) return null;
    if (domains.has(candidate)) return candidate;
    candidate = candidate.slice(dot + 1);
  }
}

/**
 * Lower-case host of a URL or bare host, without scheme, user info, port, path, trailing dot or a
 * leading `www.`; '' when there is none. A character scan rather than `new URL()`: referrer
 * columns are often hosts already or malformed, and this runs once per referral.
 *
 * @example hostOf('https://WWW.RetailMeNot.com:443/view/acme.com?c=1'); // 'retailmenot.com'
 */
export function hostOf(urlOrHost: string | null | undefined): string {
  if (!urlOrHost) return '';
  let s = urlOrHost.trim().toLowerCase();
  const scheme = s.indexOf('://');
  if (scheme >= 0) s = s.slice(scheme + 3);
  else if (s.startsWith('//')) s = s.slice(2);
  let end = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // '/', '?', '#'
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  s = s.slice(0, end);
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  const colon = s.indexOf(':');
  if (colon >= 0) s = s.slice(0, colon);
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (s.startsWith('www.')) s = s.slice(4);
  return s;
}
