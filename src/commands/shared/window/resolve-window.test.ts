import { describe, expect, it } from 'vitest';
import { previousWindow, resolveWindow } from './resolve-window.ts';

describe('previousWindow', () => {
  it('an Nd window: the same length before it, "previous 30d"', () => {
    const p = previousWindow(resolveWindow('30d', '2026-11-30'));
    expect(p).toEqual({
      label: 'previous 30d',
      start: '2026-10-02T00:00:00.000Z',
      end: '2026-11-01T00:00:00.000Z',
      days: 30,
    });
  });

  it('a quarter to date: the 61 days before it, not called the previous quarter (which began on 1 July)', () => {
    const q = resolveWindow('quarter', '2026-11-30', { keywords: ['quarter'] });
    expect(q).toMatchObject({ start: '2026-10-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', days: 61 });
    expect(previousWindow(q)).toEqual({
      label: '61d before the quarter',
      start: '2026-08-01T00:00:00.000Z',
      end: '2026-10-01T00:00:00.000Z',
      days: 61,
    });
  });
});
