/**
 * The fixture builders of test/helpers write the files the tests used to spell out: expected texts
 * written out by hand here, as the moved tests had them.
 */
import { describe, expect, it } from 'vitest';
import { loyaltyFiles, ordersOfLedger } from '../../helpers/loyalty-workspace.ts';
import { advocatesOf, referralsFiles } from '../../helpers/referrals-workspace.ts';

describe('loyaltyFiles', () => {
  const files = loyaltyFiles({
    loyalty: { program: 'Test Club', points_expire_months: 3 },
    members: ['A,2025-12-01,Gold'],
    ledger: [
      'E10,A,2026-03-01,redeem,5',
      'E2,A,2026-02-01,earn,20,O2,2027-02-01',
      'E1,A,2026-01-10,earn,10,O1',
    ],
    rewards: ['R1,Coffee,50,0.4'],
  });

  it('writes gtm.yaml with the sources given and the loyalty settings', () => {
    expect(files['gtm.yaml']).toBe(`version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
  - { name: orders, entity: orders, kind: file, path: data/orders.csv }
  - { name: rewards, entity: rewards, kind: file, path: data/rewards.csv }
currency: { reporting: USD }
loyalty: { program: Test Club, value_per_point: 0.01, points_expire_months: 3 }
output: { snapshot: never }
`);
    expect(Object.keys(files).sort()).toEqual([
      'data/ledger.csv',
      'data/members.csv',
      'data/orders.csv',
      'data/rewards.csv',
      'gtm.yaml',
    ]);
  });

  it("gives the ledger the widest row's columns, in entry-id order, short rows padded", () => {
    expect(files['data/ledger.csv']).toBe(
      'entry_id,member_id,occurred_at,type,points,order_id,expires_at\n' +
        'E1,A,2026-01-10,earn,10,O1,\nE2,A,2026-02-01,earn,20,O2,2027-02-01\nE10,A,2026-03-01,redeem,5,,\n',
    );
    expect(loyaltyFiles({ ledger: ['E1,K1,2026-01-10,earn,100'] })['data/ledger.csv']).toBe(
      'entry_id,member_id,occurred_at,type,points\nE1,K1,2026-01-10,earn,100\n',
    );
  });

  it('derives one order per order id of the ledger, from its first row, in the reporting currency', () => {
    expect(files['data/orders.csv']).toBe(
      'order_id,customer_id,amount,ordered_at,currency\nO1,A,10,2026-01-10,USD\nO2,A,20,2026-02-01,USD\n',
    );
    expect(ordersOfLedger(['E2,B,2026-02-15,earn,90,O12', 'E1,B,2026-02-01,pending,90,O12'])).toEqual([
      'O12,B,90,2026-02-01',
    ]);
    const jpy = loyaltyFiles({
      currency: 'JPY',
      ledger: ['E1,K1,2026-01-10,earn,100,O9'],
      moreOrders: ['O1,K2,5,2026-01-01'],
    });
    expect(jpy['data/orders.csv']).toBe(
      'order_id,customer_id,amount,ordered_at,currency\nO1,K2,5,2026-01-01,JPY\nO9,K1,100,2026-01-10,JPY\n',
    );
    expect(jpy['data/members.csv']).toBe(
      'member_id,enrolled_at,tier\nK1,2026-01-05,Gold\nK2,2026-02-01,Silver\n',
    );
  });

  it('refuses a row with more cells than the table has columns', () => {
    expect(() => loyaltyFiles({ members: ['A,2025-12-01,Gold,extra'], ledger: [] })).toThrow(/more cells/);
  });
});

describe('referralsFiles', () => {
  it('names each source as the tests expect and writes the advocates of the referrals by default', () => {
    const referrals =
      'referral_id,advocate_id,friend_id,signed_up_at\nr1,a2,f1,2026-11-01\nr2,a1,f2,2026-11-02\nr3,a2,f3,2026-11-03\n';
    const files = referralsFiles({
      referrals,
      clicks: 'click_id,referral_code,clicked_at\n',
      revenueStages: ['purchase'],
    });
    expect(files['gtm.yaml']).toBe(`version: 1
sources:
  - { name: adv, entity: advocates, kind: file, path: advocates.csv }
  - { name: clicks, entity: clicks, kind: file, path: clicks.csv }
  - { name: signups, entity: referrals, kind: file, path: referrals.csv }
currency: { reporting: USD }
referrals:
  revenue_stages: [purchase]
`);
    expect(files['advocates.csv']).toBe(
      'advocate_id,kind,joined_at\na2,customer,2026-01-01\na1,customer,2026-01-01\n',
    );
    expect(advocatesOf('referral_id,friend_id,advocate_id\nr1,f1,\nr2,f2,a9\n')).toBe(
      'advocate_id,kind,joined_at\na9,customer,2026-01-01\n',
    );
    expect(files['referrals.csv']).toBe(referrals);
  });
});
