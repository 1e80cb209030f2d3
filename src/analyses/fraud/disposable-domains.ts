import { buildDomainSet } from './build-domain-set.ts';
import { matchDomainSuffix } from './match-domain-suffix.ts';

/**
 * The set `isDisposableDomain` looks up, built once per run from any list of exact domains
 * (the command passes `disposableEmailBlocklist()` of the npm package `disposable-email-domains-js`,
 * CC0; this module does not import it, to stay pure). Normalized as in `buildDomainSet`; add your
 * own domains by concatenating lists. O(entries).
 *
 * @example
 * const disposable = buildDisposableDomainSet(['Mailinator.com', '@10minutemail.com']);
 */
export function buildDisposableDomainSet(domains: Iterable<string>): ReadonlySet<string> {
  return buildDomainSet(domains);
}

/**
 * The list entry that makes `domain` disposable (itself or a parent domain), or null. `domain` may
 * be an email domain in any case, with or without a trailing dot.
 *
 * @example matchDisposableDomain('x.mailinator.com', set); // 'mailinator.com'
 */
export function matchDisposableDomain(domain: string, set: ReadonlySet<string>): string | null {
  let d = domain.trim().toLowerCase();
  if (d.endsWith('.')) d = d.slice(0, -1);
  return matchDomainSuffix(d, set);
}

/**
 * Whether an email domain, or any parent domain of it, is on the disposable list: the lists carry
 * exact domains, and throwaway services hand out subdomains (`a.b.mailinator.com`).
 *
 * @example isDisposableDomain('a.b.mailinator.com', buildDisposableDomainSet(['mailinator.com'])); // true
 */
export function isDisposableDomain(domain: string, set: ReadonlySet<string>): boolean {
  return matchDisposableDomain(domain, set) !== null;
}
