import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GOLDEN_DIR,
  describeDiff,
  expectGolden,
  roundFloats,
  splitSvgTags,
  stableIds,
} from '../../test/helpers/golden.ts';

// The golden helper used by the report tests, tested where it is used.
const dir = path.join(GOLDEN_DIR, 'report', `.selftest-${process.pid}`);
const env = { UPDATE_GOLDEN: process.env.UPDATE_GOLDEN, CI: process.env.CI };

beforeEach(() => {
  delete process.env.UPDATE_GOLDEN;
  delete process.env.CI;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('expectGolden', () => {
  const name = `report/.selftest-${process.pid}/page.html`;
  const file = path.join(dir, 'page.html');
  const changed = path.join(dir, 'page-changed.html');

  it('writes a missing golden outside CI, fails inside CI', () => {
    process.env.CI = '1';
    expect(() => expectGolden(name, 'a\n')).toThrow(/missing; run UPDATE_GOLDEN=1/);
    delete process.env.CI;
    expectGolden(name, 'a\n');
    expect(readFileSync(file, 'utf8')).toBe('a\n');
  });

  it('on mismatch writes -changed beside the golden and shows the differing lines', () => {
    expectGolden(name, 'one\ntwo\nthree\nfour\n');
    let message = '';
    try {
      expectGolden(name, 'one\ntwo\nTHREE\nfour\n');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('page-changed.html');
    expect(message).toContain('UPDATE_GOLDEN=1');
    expect(message).toContain('first difference at line 3');
    expect(message).toContain('  one\n  two\n- three\n+ THREE\n  four');
    expect(readFileSync(changed, 'utf8')).toBe('one\ntwo\nTHREE\nfour\n');
    // A later match removes the stale -changed file.
    expectGolden(name, 'one\ntwo\nthree\nfour\n');
    expect(existsSync(changed)).toBe(false);
  });

  it('rewrites with UPDATE_GOLDEN=1 and compares normalised text', () => {
    expectGolden(name, 'x');
    process.env.UPDATE_GOLDEN = '1';
    expectGolden(name, '<p id="a7">0.123456789</p>', { normalize: [stableIds, roundFloats(4)] });
    expect(readFileSync(file, 'utf8')).toBe('<p id="id-1">0.1235</p>');
    delete process.env.UPDATE_GOLDEN;
    expect(() =>
      expectGolden(name, '<p id="b9">0.12345</p>', { normalize: [stableIds, roundFloats(4)] }),
    ).not.toThrow();
  });
});

describe('normalizers', () => {
  it('stableIds renames ids and their references together', () => {
    expect(stableIds('<g id="clip3"/><use href="#clip3"/><r fill="url(#clip3)"/><a href="#other"/>')).toBe(
      '<g id="id-1"/><use href="#id-1"/><r fill="url(#id-1)"/><a href="#other"/>',
    );
  });

  it('splitSvgTags puts each SVG element on its own line and leaves HTML alone', () => {
    expect(splitSvgTags('<p><b>x</b></p><svg><g><path/></g></svg>')).toBe(
      '<p><b>x</b></p><svg>\n<g>\n<path/>\n</g>\n</svg>',
    );
  });

  it('describeDiff aligns lines, shows context and caps long hunks', () => {
    const a = ['h', 'x1', 'same', 'x2', 't'].join('\n');
    const b = ['h', 'y1', 'same', 'y2', 'new', 't'].join('\n');
    expect(describeDiff(a, b, 1)).toBe(
      [
        'first difference at line 2 (3 lines expected, 4 actual in the differing region)',
        '  h',
        '- x1',
        '+ y1',
        '  same',
        '- x2',
        '+ y2',
        '+ new',
        '  t',
      ].join('\n'),
    );
    const long = describeDiff(
      Array.from({ length: 40 }, (_, i) => `a${i}`).join('\n'),
      Array.from({ length: 40 }, (_, i) => `b${i}`).join('\n'),
      3,
      5,
    );
    expect(long.split('\n').filter((l) => /^[-+] /.test(l))).toHaveLength(5);
    expect(long).toMatch(/… more differences follow$/);
  });
});

describe('describeDiff on long lines', () => {
  it('shows the part of a long line where it changed', () => {
    const line = (mid: string) => `${'a'.repeat(500)}${mid}${'b'.repeat(500)}`;
    const diff = describeDiff(line('OLD'), line('NEW'));
    expect(diff).toContain('OLD');
    expect(diff).toContain('NEW');
    expect(diff.split('\n').every((l) => l.length < 260)).toBe(true);
  });
});
