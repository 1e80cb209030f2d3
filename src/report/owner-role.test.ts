import { describe, expect, it } from 'vitest';
import { ownerRole } from './owner-role.ts';

describe('ownerRole', () => {
  it('names the role of the person who covers, and whom they cover for', () => {
    expect(
      ownerRole({
        role: 'partner_manager',
        fallback_used: {
          from: 'partner_manager',
          to: 'co_marketing_analytics_lead',
          reason: 'nobody in "partner_manager" is available on 2026-11-15',
        },
      }),
    ).toBe('co_marketing_analytics_lead, covering for partner_manager');
  });
  it('the role alone when no fallback was used', () => {
    expect(ownerRole({ role: 'content_lead', fallback_used: null })).toBe('content_lead');
  });
});
