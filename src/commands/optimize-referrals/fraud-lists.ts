import { createRequire } from 'node:module';
import { disposableEmailBlocklist } from 'disposable-email-domains-js';
import {
  buildDisposableDomainSet,
  couponSiteSet,
  DEFAULT_COUPON_SITE_DOMAINS,
  isPublicEmailProvider,
  matchDisposableDomain,
} from '../../analyses/fraud/index.ts';
import type { ReferralsConfig } from '../../workspace/index.ts';

/** The lists the fraud rules look domains up in, built once per run, and where they come from. */
export interface FraudLists {
  disposable: ReadonlySet<string>;
  coupons: ReadonlySet<string>;
  /** For the compliance log: list sources, versions and sizes. */
  provenance: {
    disposable: { source: string; version: string | null; entries: number; added: number; allowed: number };
    coupon: { source: string; entries: number; added: number };
  };
}

const PACKAGE = 'disposable-email-domains-js';

function packageVersion(): string | null {
  try {
    return (
      (createRequire(import.meta.url)(`${PACKAGE}/package.json`) as { version?: string }).version ?? null
    );
  } catch {
    return null;
  }
}

/**
 * The disposable-domain set (the maintained list of `disposable-email-domains-js`, CC0, plus
 * `referrals.fraud.disposable_domains`, minus `allow_domains`) and the coupon-site set (built-in
 * list plus `coupon_domains`).
 */
export function fraudLists(cfg: ReferralsConfig['fraud']): FraudLists {
  const listed = disposableEmailBlocklist();
  const allowed = new Set(cfg.allow_domains.map((d) => d.trim().toLowerCase()));
  const set = new Set(buildDisposableDomainSet([...listed, ...cfg.disposable_domains]));
  for (const d of allowed) set.delete(d);
  return {
    disposable: set,
    coupons: couponSiteSet([...DEFAULT_COUPON_SITE_DOMAINS, ...cfg.coupon_domains]),
    provenance: {
      disposable: {
        source: `npm ${PACKAGE} (CC0-1.0)`,
        version: packageVersion(),
        entries: set.size,
        added: cfg.disposable_domains.length,
        allowed: allowed.size,
      },
      coupon: {
        source: 'gtm built-in coupon, deal and cashback sites',
        entries: DEFAULT_COUPON_SITE_DOMAINS.length + cfg.coupon_domains.length,
        added: cfg.coupon_domains.length,
      },
    },
  };
}

/** A domain's list verdicts: the disposable entry it falls under (itself or a parent), and webmail. */
export function classifyDomain(
  domain: string,
  lists: FraudLists,
): { disposable: string | null; public: boolean } {
  return {
    disposable: matchDisposableDomain(domain, lists.disposable),
    public: isPublicEmailProvider(domain),
  };
}
