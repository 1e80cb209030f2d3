import { buildDomainSet } from './build-domain-set.ts';
import { hostOf, matchDomainSuffix } from './match-domain-suffix.ts';

/**
 * Coupon, deal, cashback and code-sharing sites: a conversion whose referrer is one of these came
 * through a code posted publicly, not through a friend (coupon leakage). Maintained here as data,
 * exact registrable domains (subdomains match too); extend or replace it with
 * `couponSiteSet([...DEFAULT_COUPON_SITE_DOMAINS, 'mydeals.example'])`.
 */
export const DEFAULT_COUPON_SITE_DOMAINS: readonly string[] = [
  // coupon and promo-code directories
  'retailmenot.com',
  'couponfollow.com',
  'dealspotr.com',
  'coupons.com',
  'couponcabin.com',
  'couponbirds.com',
  'couponchief.com',
  'dontpayfull.com',
  'promocodes.com',
  'offers.com',
  'savings.com',
  'knoji.com',
  'wethrift.com',
  'simplycodes.com',
  'picodi.com',
  'cuponation.com',
  'vouchercodes.co.uk',
  'vouchercloud.com',
  'myvouchercodes.co.uk',
  // browser extensions that inject codes at checkout
  'joinhoney.com',
  'coupert.com',
  'capitaloneshopping.com',
  'karmanow.com',
  // deal communities and deal sites
  'slickdeals.net',
  'dealnews.com',
  'bradsdeals.com',
  'hip2save.com',
  'dealmoon.com',
  'hotukdeals.com',
  'mydealz.de',
  'dealabs.com',
  'ozbargain.com.au',
  'groupon.com',
  'groupon.co.uk',
  'groupon.de',
  'groupon.fr',
  // cashback portals
  'rakuten.com',
  'befrugal.com',
  'topcashback.com',
  'topcashback.co.uk',
  'quidco.com',
  'shopback.com',
  'swagbucks.com',
  'goodshop.com',
  // referral-code exchanges
  'referralcodes.com',
  'refermate.com',
];

/**
 * Lookup set of coupon-site domains (normalized as in `buildDomainSet`), built once per run.
 * @example const coupons = couponSiteSet(); // the defaults
 */
export function couponSiteSet(domains: Iterable<string> = DEFAULT_COUPON_SITE_DOMAINS): ReadonlySet<string> {
  return buildDomainSet(domains);
}

/**
 * The coupon-site entry a referrer URL or host belongs to, or null.
 * @example matchCouponSite('https://www.retailmenot.com/view/acme.com', couponSiteSet()); // 'retailmenot.com'
 */
export function matchCouponSite(
  referrer: string | null | undefined,
  set: ReadonlySet<string>,
): string | null {
  const host = hostOf(referrer);
  return host ? matchDomainSuffix(host, set) : null;
}
