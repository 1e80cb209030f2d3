import { describe, expect, it } from 'vitest';
import { shopPlan } from '../../../../test/fixtures/events/shop-plan.ts';
import { consentIdsWarning, knownConsentCategories } from '../../../analyses/instrumentation/consent-ids.ts';
import { checkConsentIds } from './consent-ids-config.ts';

describe('events.governance.consent.ids', () => {
  const known = knownConsentCategories(shopPlan(), {
    consent: { default_category: 'Essential' },
    retention: { categories: { Marketing: 180 } },
  });

  it('knows the plan’s categories and those gtm.yaml names', () => {
    expect(known).toEqual(['Analytics', 'Advertising', 'Functional', 'Essential', 'Marketing']);
  });

  it('maps ids to those categories as they are written', () => {
    expect(checkConsentIds({ C0002: 'analytics', C0004: 'Advertising ' }, known)).toEqual({
      C0002: 'Analytics',
      C0004: 'Advertising',
    });
    expect(checkConsentIds(undefined, known)).toBeUndefined();
    expect(checkConsentIds({}, known)).toBeUndefined();
  });

  it('refuses an id mapped to no known category, naming the key', () => {
    expect(() => checkConsentIds({ C0002: 'Analytics', C0004: 'Advertsing' }, known)).toThrow(
      expect.objectContaining({
        code: 'CONFIG',
        where: 'events.governance.consent.ids.C0004',
        message:
          'maps consent id "C0004" to "Advertsing", which is no consent category of the plan or gtm.yaml (Analytics, Advertising, Functional, Essential, Marketing)',
      }),
    );
    // written the wrong way round: the category as the key
    expect(() => checkConsentIds({ Analytics: 'C0002' }, known)).toThrow(
      expect.objectContaining({ code: 'CONFIG', where: 'events.governance.consent.ids.Analytics' }),
    );
  });

  it('refuses an id given twice (ignoring case)', () => {
    expect(() => checkConsentIds({ C0004: 'Advertising', c0004: 'Marketing' }, known)).toThrow(
      expect.objectContaining({ code: 'CONFIG', where: 'events.governance.consent.ids.c0004' }),
    );
  });

  it('writes one warning line: count, ids, the plan’s categories, the key to set', () => {
    expect(consentIdsWarning({})).toBeNull();
    expect(
      consentIdsWarning({
        consentIdsUnmatched: {
          messages: 1200,
          ids: ['C0001', 'C0002'],
          more: 3,
          categories: ['Analytics', 'Advertising'],
        },
      }),
    ).toBe(
      '1,200 captured messages carry consent manager ids (C0001, C0002, and 3 more) that match no consent ' +
        'category of the plan (Analytics, Advertising) and no mapping, so their consent was not read ' +
        "(opt-out lets them pass, opt-in counts them as consent violations): map the ids to the plan's " +
        "categories in gtm.yaml events.governance.consent.ids, id first (e.g. ids: { C0002: Analytics, C0004: Advertising }; OneTrust's defaults are C0001 Strictly Necessary, C0002 Performance, C0003 Functional, C0004 Targeting, C0005 Social Media: check your consent manager's)",
    );
  });
});
