import { describe, expect, it } from 'vitest';
import { retentionConsentLine } from './format.ts';

describe('retentionConsentLine', () => {
  it('says how many events each rule decided, as events', () => {
    const rule = (kind: 'retention' | 'consent', value: number | string, events: number, source: string) => ({
      kind,
      id: 'x',
      source,
      value,
      description: '',
      events,
    });
    expect(
      retentionConsentLine([
        rule('retention', 730, 6, 'gtm default'),
        rule('retention', 400, 1, '--retention-days'),
        rule('consent', 'Analytics', 7, 'gtm default'),
      ]),
    ).toBe(
      'Retention: 730 days for 6 events (gtm default), 400 days for 1 event (--retention-days); consent: Analytics for 7 events (gtm default).',
    );
  });
});
