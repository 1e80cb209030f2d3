import { describe, expect, it } from 'vitest';
import { plural } from './plural.ts';

describe('plural', () => {
  it('is singular for exactly one, plural otherwise (zero included)', () => {
    expect(plural(1, 'backlog item')).toBe('1 backlog item');
    expect(plural(0, 'backlog item')).toBe('0 backlog items');
    expect(plural(2, 'duplicate copy', 'duplicate copies')).toBe('2 duplicate copies');
    expect(plural(1, 'duplicate copy', 'duplicate copies')).toBe('1 duplicate copy');
  });
});
