const TITLES: ReadonlySet<string> = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof']);
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const MAX_FAST = 256;
const codes = new Uint16Array(MAX_FAST);

/**
 * A person's name reduced to what survives retyping: lower-case, accents removed (NFKD), every
 * run of characters other than letters and digits a single space, a leading title (Mr, Mrs, Dr, …)
 * dropped. Generational suffixes (Jr, Sr, II) are kept on purpose: "John Smith Jr" referring
 * "John Smith" is a father and son, not one person. Returns '' for empty input.
 *
 * Runs twice per referral, so pure-ASCII names (the common case) take a char-code loop into a
 * reused buffer, and names already in normal form come back as the same string, instead of the
 * Unicode normalization and regular expressions.
 *
 * @example
 * normalizeName('  Dr. José  O’Neil-Smith '); // 'jose o neil smith'
 */
export function normalizeName(raw: string | null | undefined): string {
  if (!raw) return '';
  const s = raw.length <= MAX_FAST ? asciiNormalized(raw) : null;
  const normalized =
    s ??
    raw
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .replace(NOT_LETTER_OR_DIGIT, ' ')
      .trim();
  const space = normalized.indexOf(' ');
  return space > 0 && TITLES.has(normalized.slice(0, space)) ? normalized.slice(space + 1) : normalized;
}

/** Lower-case letters and digits, single spaces between words; null when `raw` is not ASCII. */
function asciiNormalized(raw: string): string | null {
  let k = 0;
  let pendingSpace = false;
  let changed = false;
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (c > 127) return null;
    if (c >= 65 && c <= 90) {
      c += 32;
      changed = true;
    }
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (pendingSpace && k > 0) codes[k++] = 32;
      pendingSpace = false;
      codes[k++] = c;
    } else {
      // a separator other than one single space between words changes the string
      if (c !== 32 || pendingSpace || k === 0) changed = true;
      pendingSpace = true;
    }
  }
  if (pendingSpace) changed = true;
  if (!changed) return raw;
  return String.fromCharCode.apply(null, codes.subarray(0, k) as unknown as number[]);
}

/**
 * First and last token of a normalized name ('' when absent); one token gives first = last.
 * @example nameParts('anna maria smith'); // { first: 'anna', last: 'smith' }
 */
export function nameParts(normalized: string): { first: string; last: string } {
  const a = normalized.indexOf(' ');
  if (a < 0) return { first: normalized, last: normalized };
  return { first: normalized.slice(0, a), last: normalized.slice(normalized.lastIndexOf(' ') + 1) };
}
