/**
 * A lookup set of exact domains for `matchDomainSuffix`: entries trimmed, lower-cased, stripped of
 * a leading `@` or `.` and a trailing dot; empty entries and bare top-level domains are skipped.
 * O(entries).
 *
 * @example buildDomainSet(['Mailinator.com', '@10minutemail.com', 'com']); // Set { 'mailinator.com', '10minutemail.com' }
 */
export function buildDomainSet(domains: Iterable<string>): ReadonlySet<string> {
  const set = new Set<string>();
  for (const raw of domains) {
    let d = raw.trim().toLowerCase();
    while (d.startsWith('@') || d.startsWith('.')) d = d.slice(1);
    if (d.endsWith('.')) d = d.slice(0, -1);
    if (d.indexOf('.') > 0) set.add(d);
  }
  return set;
}
