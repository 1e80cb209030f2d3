import { expect, it } from 'vitest';
import { editDistance } from './edit-distance.ts';

it.each([
  ['', '', 0],
  ['abc', '', 3],
  ['windw', 'window', 1],
  ['kitten', 'sitting', 3],
  ['gdrp', 'gdpr', 2],
  ['flaw', 'lawn', 2],
])('distance(%s, %s) = %i, and is symmetric', (a, b, d) => {
  expect(editDistance(a, b)).toBe(d);
  expect(editDistance(b, a)).toBe(d);
});
