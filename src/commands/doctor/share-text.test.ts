/**
 * gtm doctor said "1 of 23053 row(s) would be rejected (0.00%, limit 2.00%)": a share that is not
 * zero must not print as zero.
 */
import { describe, expect, it } from 'vitest';
import { judgeRejects, type DoctorCheck } from './run-doctor.ts';
import { shareText } from '../../analyses/text/index.ts';

describe('shareText', () => {
  it('keeps three significant digits below 0.01%: 1 row in 23,053 is 0.00434%', () => {
    expect(shareText(1 / 23053)).toBe('0.00434%');
    expect(shareText(1 / 1_000_000)).toBe('0.0001%');
  });

  it('prints two decimals otherwise, zero and all included', () => {
    expect(shareText(0)).toBe('0.00%');
    expect(shareText(0.02)).toBe('2.00%');
    expect(shareText(3 / 200)).toBe('1.50%');
    expect(shareText(1)).toBe('100.00%');
  });

  it('one row short of all is not 100.00%', () => {
    expect(shareText(23052 / 23053)).toBe('>99.99%');
  });
});

describe("the doctor's reject message", () => {
  it('says 0.00434% for 1 rejected row in 23,053, not 0.00%', () => {
    const c = {
      source: 'touchpoints',
      status: 'ok',
      rows: 23053,
      message: '',
      rejects: [],
    } as unknown as DoctorCheck;
    const norm = {
      rejects: [{ source: 'touchpoints', reason: 'amount: not a number', file: 'touchpoints.csv', row: 7 }],
      accounting: [{ source: 'touchpoints', rows_in: 23053 }],
    } as unknown as Parameters<typeof judgeRejects>[1];
    judgeRejects(c, norm, 0);
    expect(c.status).toBe('error');
    expect(c.message).toBe(
      '1 of 23053 row(s) would be rejected (0.00434%, above thresholds.max_reject_rate 0.00%: a run would stop with exit 5); first at touchpoints.csv:7: amount: not a number',
    );
  });
});
