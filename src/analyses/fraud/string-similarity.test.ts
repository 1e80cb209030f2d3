/**
 * Reference values:
 * - Winkler (1990), "String Comparator Metrics and Enhanced Decision Rules in the Fellegi-Sunter
 *   Model of Record Linkage", table of examples: MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.840,
 *   DIXON/DICKSONX 0.813 (Jaro–Winkler, p = 0.1).
 * - R 4.2.2, package stringdist 0.9.10 (Debian r-cran-stringdist), run offline:
 *   `1 - stringdist(a, b, method = "jw")` (Jaro), `1 - stringdist(a, b, method = "jw", p = 0.1)`
 *   (Jaro–Winkler; stringdist boosts at any Jaro, so only pairs with Jaro > 0.7 are compared with
 *   it: below 0.7 Winkler's original, which we follow, gives no boost), `stringdist(a, b, method = "lv")`.
 */
import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from './jaro-winkler.ts';
import { levenshtein, normalizedLevenshtein } from './normalized-levenshtein.ts';
import { similarityUpperBound } from './similarity-upper-bound.ts';
import { createRng } from '../attribution/create-rng.ts';

// a, b, Jaro, Jaro–Winkler, Levenshtein — from stringdist as above
const STRINGDIST: [string, string, number, number, number][] = [
  ['MARTHA', 'MARHTA', 0.944444444444444, 0.961111111111111, 2],
  ['DWAYNE', 'DUANE', 0.822222222222222, 0.84, 2],
  ['DIXON', 'DICKSONX', 0.766666666666667, 0.813333333333333, 4],
  ['jon', 'john', 0.916666666666667, 0.933333333333333, 1],
  ['michael', 'michelle', 0.869047619047619, 0.921428571428571, 3],
  ['daniel', 'danielle', 0.916666666666667, 0.95, 2],
  ['maria', 'mario', 0.866666666666667, 0.92, 1],
  ['asmith', 'psmith', 0.888888888888889, 0.888888888888889, 1],
  ['johnsmith', 'johnsmith2', 0.966666666666667, 0.98, 1],
  ['sarah', 'sara', 0.933333333333333, 0.96, 1],
  ['chris', 'christine', 0.851851851851852, 0.911111111111111, 4],
  ['kitten', 'sitting', 0.746031746031746, 0.746031746031746, 3],
  ['flaw', 'lawn', 0.833333333333333, 0.833333333333333, 2],
  ['saturday', 'sunday', 0.719444444444444, 0.7475, 3],
];

describe('jaro / jaroWinkler', () => {
  it('Winkler 1990: MARTHA 0.961, DWAYNE 0.840, DIXON 0.813 (3 decimals)', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 3);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.813, 3);
  });

  it.each(STRINGDIST)('stringdist: %s / %s → jaro %f, jw %f', (a, b, j, jw) => {
    expect(jaro(a, b)).toBeCloseTo(j, 12);
    expect(jaroWinkler(a, b)).toBeCloseTo(jw, 12);
    expect(jaroWinkler(b, a)).toBeCloseTo(jw, 12); // symmetric
  });

  it('no prefix boost at Jaro ≤ 0.7 (Winkler): annasmith / petersmith stays at Jaro 0.685185…', () => {
    // stringdist (jw, p = 0): 0.685185185185185; no common prefix anyway, so also its jw value
    expect(jaroWinkler('annasmith', 'petersmith')).toBeCloseTo(0.685185185185185, 12);
    // hand: 'abcx' vs 'abyz' — window 1, matches a,b → m = 2, t = 0, jaro = (2/4 + 2/4 + 1)/3 = 0.6667
    // ≤ 0.7 so no boost, although the prefix 'ab' is common
    expect(jaroWinkler('abcx', 'abyz')).toBeCloseTo(2 / 3, 15);
  });

  it('edge cases: equal 1, empty vs non-empty 0, disjoint 0', () => {
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('abc', '')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('same', 'same')).toBe(1);
  });

  it('scratch buffers grow for long strings', () => {
    const a = 'x'.repeat(500) + 'abc';
    expect(jaroWinkler(a, a + 'd')).toBeGreaterThan(0.99);
  });
});

describe('levenshtein', () => {
  it.each(STRINGDIST)('stringdist lv: %s / %s', (a, b, _j, _jw, lv) => {
    expect(levenshtein(a, b)).toBe(lv);
    expect(levenshtein(b, a)).toBe(lv);
  });

  it('normalized: 1 − d / max length (kitten/sitting: 1 − 3/7)', () => {
    expect(normalizedLevenshtein('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 15);
    expect(normalizedLevenshtein('', '')).toBe(1);
    expect(normalizedLevenshtein('abc', '')).toBe(0);
  });
});

describe('similarityUpperBound', () => {
  it('never undercuts the exact similarity (random strings over a small alphabet, seeded)', () => {
    const rng = createRng(11);
    const word = () =>
      Array.from({ length: 1 + (rng.nextUint32() % 12) }, () => 'abcdeij.'[rng.nextUint32() % 8]).join('');
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = word();
      expect(similarityUpperBound(a, b, 'jaro-winkler')).toBeGreaterThanOrEqual(jaroWinkler(a, b) - 1e-12);
      expect(similarityUpperBound(a, b, 'levenshtein')).toBeGreaterThanOrEqual(
        normalizedLevenshtein(a, b) - 1e-12,
      );
    }
  });

  it('hand: anna / peter share no letter; anna / hanna share 4', () => {
    // anna vs peter: no common letter → jaro ≤ (0 + 0 + 1)/3, JW ≤ 1/3 + 0.4 × 2/3 = 0.6
    expect(similarityUpperBound('anna', 'peter', 'jaro-winkler')).toBeCloseTo(0.6, 15);
    // anna vs hanna: c = 4 → jaro ≤ (1 + 4/5 + 1)/3 = 0.9333; Levenshtein ≤ 4/5
    expect(similarityUpperBound('anna', 'hanna', 'levenshtein')).toBeCloseTo(0.8, 15);
    expect(similarityUpperBound('zoë', 'zoe', 'jaro-winkler')).toBe(1); // non-ASCII: no bound
  });
});
