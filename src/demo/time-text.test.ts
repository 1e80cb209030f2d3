import { describe, expect, it } from 'vitest';
import { isoSeconds } from './time-text.ts';

const reference = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('isoSeconds', () => {
  it('writes what Date writes, on whole seconds across days, years and leap days', () => {
    let x = 0x2545f491;
    const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
    const cases = [
      0,
      86_399_000,
      86_400_000,
      Date.UTC(2024, 1, 29, 23, 59, 59),
      Date.UTC(2026, 11, 31, 0, 0, 0),
    ];
    for (let i = 0; i < 20_000; i++) cases.push(Math.floor((next() * 4096 + (next() & 4095)) / 1000) * 1000);
    for (const ms of cases) expect(isoSeconds(ms), String(ms)).toBe(reference(ms));
  });

  it('writes what Date writes on any millisecond, with the millisecond part padded', () => {
    let x = 0x1b873593;
    const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
    const cases = [1_700_000_000_001, 1_700_000_000_010, 1_700_000_000_100, 1_700_000_000_999, 86_399_999];
    for (let i = 0; i < 20_000; i++) cases.push(next() * 4096 + (next() & 4095));
    for (const ms of cases) expect(isoSeconds(ms), String(ms)).toBe(reference(ms));
  });

  it('falls back to Date for times before 1970, past 9999 and fractions', () => {
    for (const ms of [1_700_000_000_123, -86_400_000, -1000, -1, 1_700_000_000_000.5, 253_402_300_800_000])
      expect(isoSeconds(ms)).toBe(reference(ms));
  });
});
