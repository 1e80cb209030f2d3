import { describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { createEventValidator } from './event-validator.ts';
import {
  formatDiffTable,
  formatInferenceTable,
  formatLintTable,
  formatValidationTable,
} from './format-tables.ts';
import { diffPlans } from './plan-diff.ts';
import { inferPlan } from './plan-inference.ts';
import { lintPlan } from './plan-lint.ts';

describe('terminal tables', () => {
  it('validation report', () => {
    const v = createEventValidator(shopPlan());
    v.validate(orderCompleted(), { file: 'e.ndjson', line: 1 });
    v.validate(orderCompleted({}, { revenue: 'x', note: 'jane@example.com' }), { file: 'e.ndjson', line: 2 });
    v.validate({ type: 'track', event: 'Mystery Happened', userId: 'u' }, { file: 'e.ndjson', line: 3 });
    expect(formatValidationTable(v.report())).toBe(
      [
        '3 messages checked against Shop 2-1-0: 3 violations in 2 messages',
        '3 messages read: 3 checked, 0 duplicates (later copies of a messageId, not checked again)',
        '',
        'violation                  count',
        '-------------------------  -----',
        'unplanned_event                1',
        'missing_required_property      0',
        'wrong_type                     1',
        'additional_property            0',
        'constraint_violation           0',
        'inconsistent_type              0',
        'outdated_version               0',
        'unexpected_source              0',
        'consent_violation              0',
        'pii_detected                   1',
        'future_timestamp               0',
        '',
        'event                         checked  violations  by type',
        '----------------------------  -------  ----------  ----------------------------',
        'Order Completed                     2           2  wrong_type 1, pii_detected 1',
        'Mystery Happened (unplanned)        1           1  unplanned_event 1',
        '',
        'evidence         event             where       detail',
        '---------------  ----------------  ----------  --------------------------------------------------------------------',
        'unplanned_event  Mystery Happened  e.ndjson:3  "Mystery Happened" is not in the plan',
        'wrong_type       Order Completed   e.ndjson:2  "revenue" must be number',
        'pii_detected     Order Completed   e.ndjson:2  "note" holds what looks like an email address but is not flagged PII',
        '',
      ].join('\n'),
    );
  });

  it('validation report of one message: singular counts', () => {
    const v = createEventValidator(shopPlan());
    v.validate(orderCompleted({}, { revenue: 'x' }), { file: 'e.ndjson', line: 1 });
    expect(formatValidationTable(v.report()).split('\n').slice(0, 2)).toEqual([
      '1 message checked against Shop 2-1-0: 1 violation in 1 message',
      '1 message read: 1 checked, 0 duplicates (later copies of a messageId, not checked again)',
    ]);
  });

  it('lint, diff and inference', () => {
    const p = shopPlan();
    p.events[1].description = undefined;
    for (const e of p.events) {
      e.consentCategory ??= 'Analytics';
      e.retentionDays ??= 365;
    }
    const lint = formatLintTable(lintPlan(p, { regulations: ['GDPR'] }));
    expect(lint.split('\n')[0]).toBe('1 error, 3 warnings (regulations: GDPR)');
    expect(lint).toContain('error     gdpr-opt-in');
    const q = shopPlan();
    q.events[0].properties[1].schema = { type: 'integer', minimum: 0, maximum: 100000 };
    expect(formatDiffTable(diffPlans(shopPlan(), q))).toBe(
      [
        '1 change(s): REVISION → 2-1-0 becomes 2-2-0',
        '',
        'level     event            property  change         detail',
        '--------  ---------------  --------  -------------  --------------------------------------------------------',
        'REVISION  Order Completed  revenue   type-narrowed  type number → integer: records with a dropped type break',
        '',
      ].join('\n'),
    );
    expect(
      formatInferenceTable(inferPlan([orderCompleted(), orderCompleted({}, { channel: 'web' })])),
    ).toContain('Order Completed  channel   50.0%     string');
  });
});
