import { describe, expect, it } from 'vitest';
import { dataQualitySection } from '../../../src/report/index.ts';

const accounting = [{ source: 'ledger', rows_in: 10, accepted: 7, deduplicated: 1, rejected: 2 }];

describe('dataQualitySection', () => {
  it('lists accepted rows that match nothing, and only when there are some', () => {
    const s = dataQualitySection({
      alerts: [],
      accounting,
      planPath: 'p.json',
      unmatched: [
        { what: 'ledger rows of an unknown member', rows: 3, effect: 'left out of the member summaries' },
        { what: 'orders of an unknown member', rows: 0, effect: 'left out' },
      ],
    });
    expect(s.intro).toContain('accepted rows that match nothing are listed below');
    const list = s.blocks.find((b) => b.kind === 'list' && b.title === 'Accepted but matching nothing');
    expect(list).toMatchObject({
      items: [
        { text: '3 × ledger rows of an unknown member: left out of the member summaries', status: 'warn' },
      ],
    });
    const none = dataQualitySection({ alerts: [], accounting, planPath: 'p.json', unmatched: [] });
    expect(none.intro).not.toContain('match nothing');
    expect(none.blocks.some((b) => b.kind === 'list' && b.title === 'Accepted but matching nothing')).toBe(
      false,
    );
  });

  it('says how many rejected rows the top reasons leave out', () => {
    const s = dataQualitySection({
      alerts: [],
      accounting,
      planPath: 'p.json',
      rejects: { rows: 9, top_reasons: [{ reason: 'points: cannot read abc as a number', rows: 5 }] },
    });
    const list = s.blocks.find((b) => b.kind === 'list' && b.title === 'Reject reasons');
    expect(list).toMatchObject({
      items: [
        { text: '5 × points: cannot read abc as a number' },
        { text: '4 × other reasons (every rejected row is in rejects.csv)' },
      ],
    });
  });
});
