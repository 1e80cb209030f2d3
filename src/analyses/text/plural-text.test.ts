import { describe, expect, it } from 'vitest';
import { noun, plural, withArticle } from './plural-text.ts';

describe('plural and noun', () => {
  it('are singular for exactly one, plural otherwise (zero included)', () => {
    expect(plural(1, 'payload')).toBe('1 payload');
    expect(plural(0, 'payload')).toBe('0 payloads');
    expect(plural(1, 'property', 'properties')).toBe('1 property');
    expect(plural(2, 'property', 'properties')).toBe('2 properties');
    expect(noun(1, 'message')).toBe('message');
    expect(noun(1_000, 'message')).toBe('messages');
  });
});

describe('withArticle', () => {
  it('takes "an" before a vowel sound, "a" before a consonant sound', () => {
    const cases: Array<[string, string]> = [
      ['email', 'an email'],
      ['ipv4', 'an ipv4'],
      ['amplitude', 'an amplitude'],
      ['iglu', 'an iglu'],
      ['int32', 'an int32'],
      ['uri', 'a uri'],
      ['uuid', 'a uuid'],
      ['user', 'a user'],
      ['umbrella', 'an umbrella'],
      ['segment', 'a segment'],
      ['gtm-json', 'a gtm-json'],
      ['phone', 'a phone'],
      ['SSN', 'an SSN'],
      ['URI', 'a URI'],
      ['IP', 'an IP'],
      ['UUID', 'a UUID'],
    ];
    expect(cases.map(([w]) => withArticle(w))).toEqual(cases.map(([, a]) => a));
  });
});
