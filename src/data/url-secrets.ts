/**
 * Connection URLs without their secrets, for messages, result files and plans: the one place that
 * knows where a URL can carry a credential. There are two: the user-info part
 * (`scheme://user:password@host`) and query parameters. libpq reads `password` and `sslpassword`
 * from the query; the ClickHouse client reads `http_header_<name>=<value>` as a request header (a
 * password sent as `http_header_X-ClickHouse-Key=…`, a token as `http_header_Authorization=…`); and
 * services commonly take `token`, `access_token`, `key` or `api_key`.
 */

/** A query parameter that may hold a credential (matched case-insensitively on its decoded name). */
const SECRET_PARAM =
  /^(?:password|passwd|pwd|pass|sslpassword|secret|client_secret|token|access_token|auth|authorization|key|api_?key|jwt|http_header_.*)$/i;

/** True when a query parameter of this (decoded) name may hold a credential. */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAM.test(name.trim());
}

/**
 * A URL as messages and outputs may show it: scheme, host, port and path, never the user, the
 * password, the query or the fragment; `null` for what is no URL.
 *
 * @example
 * displayUrl('postgres://app:s3cret@db.internal:5432/crm?sslmode=require'); // → 'postgres://db.internal:5432/crm'
 * displayUrl('http://127.0.0.1:8123/?http_header_X-ClickHouse-Key=s3cret'); // → 'http://127.0.0.1:8123'
 */
export function displayUrl(url: string): string | null {
  try {
    const u = new URL(url.trim());
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return null;
  }
}

/** A URL in free text: a scheme, `://`, then everything up to white space, a quote or an angle bracket. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

const decodeName = (name: string): string => {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
};

/** One URL with its secrets removed in place: the rest of it is kept byte for byte. */
function scrubOne(url: string, user: 'keep' | 'drop'): string {
  // the user-info: up to the last `@` of the authority (a password may hold an unencoded `@`, as
  // WHATWG URL parsers read it)
  const start = url.indexOf('://') + 3;
  const stop = url.slice(start).search(/[/?#]/);
  const authority = stop < 0 ? url.slice(start) : url.slice(start, start + stop);
  const at = authority.lastIndexOf('@');
  let out = url;
  if (at >= 0) {
    const info = authority.slice(0, at);
    const colon = info.indexOf(':');
    const kept = user === 'drop' ? '' : colon < 0 ? `${info}@` : `${info.slice(0, colon)}:***@`;
    out = `${url.slice(0, start)}${kept}${url.slice(start + at + 1)}`;
  }
  const q = out.indexOf('?');
  if (q >= 0) {
    const hash = out.indexOf('#', q);
    const end = hash < 0 ? out.length : hash;
    const query = out
      .slice(q + 1, end)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq < 0 ? pair : pair.slice(0, eq);
        return eq >= 0 && isSecretParam(decodeName(name)) ? `${name}=***` : pair;
      })
      .join('&');
    out = `${out.slice(0, q + 1)}${query}${out.slice(end)}`;
  }
  return out;
}

/**
 * Text with the secrets of every URL in it masked: the password of the user-info becomes `***`
 * (`user: 'keep'`, for messages: the user name helps) or the whole user-info goes (`'drop'`, for
 * records such as the plan); the value of each credential parameter of the query becomes `***`.
 * The rest of the text, and of each URL, is unchanged.
 *
 * @example
 * scrubUrlSecrets('connect postgres://app:pw@db/crm?password=x failed'); // → 'connect postgres://app:***@db/crm?password=*** failed'
 */
export function scrubUrlSecrets(text: string, user: 'keep' | 'drop' = 'keep'): string {
  return text.replace(URL_IN_TEXT, (url) => scrubOne(url, user));
}
