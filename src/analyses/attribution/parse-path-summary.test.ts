import { describe, expect, it } from 'vitest';
import { AttributionInputError } from './attribution-input-error.ts';
import { parsePathSummary } from './parse-path-summary.ts';

const errorOf = (fn: () => unknown): AttributionInputError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AttributionInputError) return e;
    throw e;
  }
  throw new Error('expected an AttributionInputError');
};

describe('parsePathSummary', () => {
  it('reads the ChannelAttribution format', () => {
    const res = parsePathSummary(
      'path;total_conversions;total_conversion_value;total_null\r\neta > iota > alpha;1;0.244;3\r\n\r\niota;2;3.195;6\r\n',
    );
    expect(res.format).toBe('channelattribution');
    expect(res.records).toEqual([
      { path: ['eta', 'iota', 'alpha'], conversions: 1, value: 0.244, nulls: 3 },
      { path: ['iota'], conversions: 2, value: 3.195, nulls: 6 },
    ]);
    expect(res.lines).toEqual([2, 4]);
  });

  it('reads the fractribution format (no value column → 0) and refuses empty paths', () => {
    const empty = errorOf(() =>
      parsePathSummary('path,total_conversions,total_non_conversions\nB > A,596,36462\n"",3,1\n'),
    );
    expect([empty.line, empty.column, empty.message]).toEqual([3, 1, 'the path is empty']);
    const res = parsePathSummary('path,total_conversions,total_non_conversions\nB > A,596,36462\nC,3,1\n');
    expect(res.format).toBe('fractribution');
    expect(res.columns).toEqual({
      path: 'path',
      conversions: 'total_conversions',
      nulls: 'total_non_conversions',
    });
    expect(res.records).toEqual([
      { path: ['B', 'A'], conversions: 596, value: 0, nulls: 36462 },
      { path: ['C'], conversions: 3, value: 0, nulls: 1 },
    ]);
  });

  it('honours column overrides, quoted fields and another separator', () => {
    const res = parsePathSummary('journey,conv,rev\n"a|b, the second",2,9.5\n', {
      separator: '|',
      columns: { path: 'journey', conversions: 'conv', value: 'rev' },
    });
    expect(res.records).toEqual([{ path: ['a', 'b, the second'], conversions: 2, value: 9.5, nulls: 0 }]);
  });

  it('names line and column of a bad number and says what to do', () => {
    const e = errorOf(() =>
      parsePathSummary('path;total_conversions;total_conversion_value;total_null\na;1;2;3\nb;x;2;3\n'),
    );
    expect([e.line, e.column]).toEqual([3, 2]);
    expect(e.message).toMatch(/total_conversions "x" is not a non-negative number/);
    expect(e.hint).toMatch(/plain number/);
  });

  it('reports wrong field counts, empty channel names, unclosed quotes and missing columns', () => {
    const header = 'path;total_conversions;total_conversion_value;total_null\n';
    expect(errorOf(() => parsePathSummary(`${header}a;1;2\n`)).line).toBe(2);
    const empty = errorOf(() => parsePathSummary(`${header}a >  > b;1;2;3\n`));
    expect([empty.line, empty.column, empty.message]).toEqual([
      2,
      1,
      'touch 2 of the path has no channel name',
    ]);
    expect(errorOf(() => parsePathSummary(`${header}"a;1;2;3\n`)).message).toMatch(/not closed/);
    const missing = errorOf(() => parsePathSummary('path,conversions\na,1\n'));
    expect([missing.line, missing.message]).toEqual([
      1,
      'no column "total_conversions" in the header (path, conversions)',
    ]);
    expect(errorOf(() => parsePathSummary('\n\n')).message).toBe('the file is empty');
    expect(errorOf(() => parsePathSummary('path total\n')).message).toMatch(/cannot tell the format/);
  });
});
