/**
 * `resolveMapping`'s errors name the source as gtm.yaml users type it (`sources.<name>`) and, when
 * the header was read as one column holding another delimiter, say which `delimiter:` to set.
 */
import { describe, expect, it } from 'vitest';
import { GtmError } from '../../errors/index.ts';
import { otherDelimiter } from '../file-relation.ts';
import { opportunities } from './opportunities.ts';
import { resolveMapping } from './resolve-mapping.ts';

const HEADER = ['opportunity_id', 'account_id', 'created_at', 'stage', 'amount'];

/** The message and hint of the error `f` throws. */
function failure(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(GtmError);
    const e = err as GtmError;
    return `${e.message} | ${e.hint ?? ''}`;
  }
  throw new Error('expected an error');
}

describe('resolveMapping', () => {
  for (const [d, setting] of [
    [';', 'delimiter: ";"'],
    ['\t', 'delimiter: "\\t"'],
    ['|', 'delimiter: "|"'],
  ] as const)
    it(`a header read as one column holding ${JSON.stringify(d)}: set ${setting}`, () => {
      const text = failure(() =>
        resolveMapping(opportunities, {}, [HEADER.join(d)], 'data/deals.csv', 'sources.crm'),
      );
      expect(text).toContain('missing column for "opportunity_id"');
      expect(text).toContain(`set ${setting} on sources.crm in gtm.yaml`);
    });

  it('a mapped column missing from a one-column header gets the same hint', () => {
    const text = failure(() =>
      resolveMapping(opportunities, { amount: 'Amount' }, ['Id;Amount'], 'deals.csv', 'sources.crm'),
    );
    expect(text).toContain('column "Amount" (mapped to amount) is not in the source');
    expect(text).toContain('set delimiter: ";" on sources.crm');
  });

  it('a mapped column misspelt: did you mean the column the source has, then the key to fix', () => {
    const present = ['Id', 'AccountId', 'CreatedDate', 'StageName', 'Amount'];
    const mapping = { opportunity_id: 'Id', account_id: 'AccountId', stage: 'StageName', amount: 'Amount' };
    expect(
      failure(() =>
        resolveMapping(
          opportunities,
          { ...mapping, created_at: 'CreatedDat' },
          present,
          'opps.csv',
          'sources.crm',
        ),
      ),
    ).toBe(
      'column "CreatedDat" (mapped to created_at) is not in the source; columns found: Id, AccountId, CreatedDate, StageName, Amount | did you mean "CreatedDate"? fix sources.crm.mapping.created_at in gtm.yaml',
    );
    // nothing close: the key to fix alone, as before
    expect(
      failure(() =>
        resolveMapping(
          opportunities,
          { ...mapping, created_at: 'Opened' },
          present,
          'opps.csv',
          'sources.crm',
        ),
      ),
    ).toMatch(/ \| fix sources\.crm\.mapping\.created_at in gtm\.yaml$/);
  });

  it("a header read from a comment line (Google Analytics' # ---- block): delete the comment lines", () => {
    const text = failure(() =>
      resolveMapping(
        opportunities,
        { created_at: 'Date' },
        ['# ----------------------------------------'],
        'ga4-export.csv',
        'sources.web',
      ),
    );
    expect(text).toBe(
      'column "Date" (mapped to created_at) is not in the source; columns found: # ---------------------------------------- | the header was read from a comment line ("# ----------------------…"): delete the lines starting with # above the header row (Google Analytics exports begin with such lines)',
    );
    expect(
      failure(() => resolveMapping(opportunities, {}, ['# Account: Acme', ' Inc.'], 'ga.csv', 'sources.web')),
    ).toContain('the header was read from a comment line ("# Account: Acme")');
  });

  it('a column named # (a row number) is a real header: no comment hint', () => {
    const text = failure(() =>
      resolveMapping(opportunities, {}, ['#', ...HEADER.slice(1)], 'deals.csv', 'sources.crm'),
    );
    expect(text).toBe(
      'missing column for "opportunity_id"; columns found: #, account_id, created_at, stage, amount | add the column, or map it: sources.crm.mapping.opportunity_id: <column>',
    );
  });

  it('a real missing column: the mapping to add, no delimiter hint', () => {
    const text = failure(() =>
      resolveMapping(
        opportunities,
        {},
        HEADER.filter((c) => c !== 'amount'),
        'deals.csv',
        'sources.crm',
      ),
    );
    expect(text).toBe(
      'missing column for "amount"; columns found: opportunity_id, account_id, created_at, stage | add the column, or map it: sources.crm.mapping.amount: <column>',
    );
  });

  it('header cells with spaces around their names (an export\'s " Amount ") are the columns the mapping names', () => {
    // it was `column "Amount" (mapped to amount) is not in the source … did you mean " Amount "?`
    const padded = [' opportunity_id', 'account_id ', '  created_at\t', 'stage', '\u00a0Amount\u00a0'];
    expect(
      resolveMapping(opportunities, { amount: 'Amount' }, padded, 'deals.csv', 'sources.crm'),
    ).toMatchObject({
      opportunity_id: ' opportunity_id',
      account_id: 'account_id ',
      created_at: '  created_at\t',
      stage: 'stage',
      amount: '\u00a0Amount\u00a0',
    });
    // the mapping's own spaces do not matter either
    expect(
      resolveMapping(opportunities, { amount: ' amount ' }, HEADER, 'deals.csv', 'sources.crm').amount,
    ).toBe('amount');
  });

  it('two columns whose names differ only by spaces or case are refused, both named as written', () => {
    expect(
      failure(() => resolveMapping(opportunities, {}, [...HEADER, 'Amount '], 'deals.csv', 'sources.crm')),
    ).toBe(
      'the source has 2 columns named "amount" ("amount", "Amount "); gtm cannot tell which one is meant | rename the duplicate columns in the source, or read it through a query that names one',
    );
  });

  it('maps present columns', () => {
    expect(resolveMapping(opportunities, {}, HEADER, 'deals.csv', 'sources.crm')).toMatchObject({
      opportunity_id: 'opportunity_id',
      amount: 'amount',
      currency: undefined,
    });
  });
});

describe('otherDelimiter', () => {
  it('the most frequent usual delimiter of a lone header, else none', () => {
    expect(otherDelimiter(['a;b;c'])).toBe(';');
    expect(otherDelimiter(['a\tb;c\td'])).toBe('\t');
    expect(otherDelimiter(['a|b'])).toBe('|');
    expect(otherDelimiter(['amount'])).toBeUndefined();
    expect(otherDelimiter(['a;b', 'c'])).toBeUndefined();
  });
});
