/**
 * Name cleanup shared by the exporters (ids, file names) and the code generator (identifiers).
 */

/** Latin letters that Unicode does not decompose into a base letter and an accent. */
const LATIN_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'TH',
};

/**
 * Splits a name into lower-case words at separators, case changes and letter/digit changes. Accented
 * Latin letters lose their accents ("Évent" → "event", "Straße" → "strasse"), so they are not
 * dropped as separators.
 */
export function words(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßæÆœŒøØłŁđĐðÐþÞ]/g, (c) => LATIN_LETTERS[c])
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-zA-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/**
 * @example toCase('Order Completed', 'snake') // 'order_completed'
 * @example toCase('order_completed', 'title') // 'Order Completed'
 */
export function toCase(name: string, casing: 'title' | 'snake' | 'camel' | 'kebab' | 'pascal'): string {
  const w = words(name);
  switch (casing) {
    case 'title':
      return w.map(cap).join(' ');
    case 'snake':
      return w.join('_');
    case 'kebab':
      return w.join('-');
    case 'camel':
      return w.map((x, i) => (i ? cap(x) : x)).join('');
    case 'pascal':
      return w.map(cap).join('');
  }
}

/** A slug for ids and file names: lower snake case, never empty. */
export function slug(name: string, fallback = 'unnamed'): string {
  return toCase(name, 'snake') || fallback;
}

/**
 * Allocates unique names: the second request for `x` gets `x_2` (or `x2` with an empty
 * separator), and so on.
 */
export function uniqueNamer(separator = '_'): (base: string) => string {
  const used = new Map<string, number>();
  const taken = new Set<string>();
  return (base: string) => {
    const key = base.toLowerCase();
    let n = used.get(key) ?? 0;
    let candidate = base;
    while (taken.has(candidate.toLowerCase())) {
      n++;
      candidate = `${base}${separator}${n + 1}`;
    }
    used.set(key, n);
    taken.add(candidate.toLowerCase());
    return candidate;
  };
}
