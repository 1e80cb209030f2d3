import { describe, expect, it } from 'vitest';
import { buildDomainSet } from './build-domain-set.ts';
import { couponSiteSet, DEFAULT_COUPON_SITE_DOMAINS, matchCouponSite } from './coupon-sites.ts';
import { buildDisposableDomainSet, isDisposableDomain, matchDisposableDomain } from './disposable-domains.ts';
import { hostOf, matchDomainSuffix } from './match-domain-suffix.ts';
import { isPublicEmailProvider, PUBLIC_EMAIL_PROVIDERS } from './public-email-providers.ts';

// A small stand-in for disposable-email-domains-js (exact domains, as that list carries them).
const FIXTURE = ['mailinator.com', 'Guerrillamail.com', '@10minutemail.com', 'yopmail.fr.', '', 'com'];

describe('disposable domains', () => {
  const set = buildDisposableDomainSet(FIXTURE);

  it('normalizes entries and drops empty ones and bare TLDs', () => {
    expect([...set].sort()).toEqual([
      '10minutemail.com',
      'guerrillamail.com',
      'mailinator.com',
      'yopmail.fr',
    ]);
  });

  it('walks parent domains: a.b.mailinator.com → b.mailinator.com → mailinator.com', () => {
    expect(matchDisposableDomain('a.b.mailinator.com', set)).toBe('mailinator.com');
    expect(isDisposableDomain('b.mailinator.com', set)).toBe(true);
    expect(isDisposableDomain('MAILINATOR.COM.', set)).toBe(true);
    expect(isDisposableDomain('yopmail.fr', set)).toBe(true);
  });

  it('does not match look-alikes, other TLDs or bare TLDs', () => {
    expect(isDisposableDomain('notmailinator.com', set)).toBe(false);
    expect(isDisposableDomain('mailinator.co', set)).toBe(false);
    expect(isDisposableDomain('gmail.com', set)).toBe(false);
    expect(isDisposableDomain('com', buildDomainSet(['com']))).toBe(false);
    expect(matchDomainSuffix('x.com', new Set(['com']))).toBeNull();
  });
});

describe('hostOf', () => {
  it.each([
    ['https://WWW.RetailMeNot.com:443/view/acme.com?c=1', 'retailmenot.com'],
    ['http://user:pw@deals.slickdeals.net/f/123#x', 'deals.slickdeals.net'],
    ['//www.groupon.co.uk/deals', 'groupon.co.uk'],
    ['retailmenot.com', 'retailmenot.com'],
    ['joinhoney.com/shop?x', 'joinhoney.com'],
    ['  ', ''],
    [null, ''],
  ])('%s → %s', (url, host) => {
    expect(hostOf(url)).toBe(host);
  });
});

describe('coupon sites', () => {
  const set = couponSiteSet();

  it('the default list is lower-case exact domains, without duplicates', () => {
    expect(set.size).toBe(DEFAULT_COUPON_SITE_DOMAINS.length);
    for (const d of DEFAULT_COUPON_SITE_DOMAINS) expect(d).toBe(buildDomainSet([d]).values().next().value);
  });

  it.each([
    ['https://www.retailmenot.com/view/acme.com', 'retailmenot.com'],
    ['https://slickdeals.net/f/17-acme-referral', 'slickdeals.net'],
    ['https://www.groupon.co.uk/deals/acme', 'groupon.co.uk'],
    ['https://uk.couponfollow.com/site/acme', 'couponfollow.com'],
    ['https://www.google.com/search?q=retailmenot.com', null], // only the host counts
    ['https://notretailmenot.com/', null],
    ['', null],
  ])('%s → %s', (referrer, site) => {
    expect(matchCouponSite(referrer, set)).toBe(site);
  });

  it('is configurable', () => {
    const custom = couponSiteSet([...DEFAULT_COUPON_SITE_DOMAINS, 'mydeals.example']);
    expect(matchCouponSite('https://mydeals.example/x', custom)).toBe('mydeals.example');
    expect(matchCouponSite('https://mydeals.example/x', set)).toBeNull();
  });
});

describe('public email providers', () => {
  it('webmail is public, a company or family domain is not', () => {
    expect(isPublicEmailProvider('gmail.com')).toBe(true);
    expect(isPublicEmailProvider('outlook.com')).toBe(true);
    expect(isPublicEmailProvider('acme-widgets.io')).toBe(false);
    expect(new Set(PUBLIC_EMAIL_PROVIDERS).size).toBe(PUBLIC_EMAIL_PROVIDERS.length);
  });
});
