import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './normalize-email.ts';
import { nameParts, normalizeName } from './normalize-name.ts';

describe('normalizeEmail', () => {
  it.each([
    ['j.o.h.n+ref@gmail.com', 'john@gmail.com'],
    ['John@Gmail.com', 'john@gmail.com'],
    [' J.O.H.N+ref@GoogleMail.com ', 'john@gmail.com'], // alias + dots + tag + case + spaces
    ['john+a+b@gmail.com.', 'john@gmail.com'], // trailing dot of a fully qualified domain
    ['j.smith+x@outlook.com', 'j.smith@outlook.com'], // dots matter outside Google
    ['J.Smith@Yahoo.com', 'j.smith@yahoo.com'],
  ])('%s → %s', (raw, address) => {
    expect(normalizeEmail(raw)?.address).toBe(address);
  });

  it('splits local part and domain', () => {
    expect(normalizeEmail('j.o.h.n+ref@googlemail.com')).toEqual({
      local: 'john',
      domain: 'gmail.com',
      address: 'john@gmail.com',
    });
  });

  it.each(['', 'john', '@gmail.com', 'john@', 'john@localhost', '+tag@gmail.com', '...@gmail.com', null])(
    '%s is not an address',
    (raw) => {
      expect(normalizeEmail(raw)).toBeNull();
    },
  );

  it('provider list and aliases are configurable', () => {
    const options = { dotInsensitiveDomains: new Set(['example.com']), domainAliases: new Map() };
    expect(normalizeEmail('a.b@example.com', options)?.address).toBe('ab@example.com');
    expect(normalizeEmail('a.b@googlemail.com', options)?.address).toBe('a.b@googlemail.com');
  });
});

describe('normalizeName', () => {
  it.each([
    ['John Smith', 'john smith'],
    ['  JOHN   smith ', 'john smith'],
    ['Dr. José  O’Neil-Smith', 'jose o neil smith'],
    ['Mr John Smith Jr.', 'john smith jr'], // title dropped, generational suffix kept
    ['Zoë Ångström', 'zoe angstrom'],
    ['李 小龍', '李 小龍'], // uncased scripts are letters too
    ['', ''],
    [null, ''],
  ])('%s → %s', (raw, normalized) => {
    expect(normalizeName(raw)).toBe(normalized);
  });

  it('nameParts takes the first and last token', () => {
    expect(nameParts('anna maria smith')).toEqual({ first: 'anna', last: 'smith' });
    expect(nameParts('cher')).toEqual({ first: 'cher', last: 'cher' });
  });
});
