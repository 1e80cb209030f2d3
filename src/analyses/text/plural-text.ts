/**
 * The noun for a count: singular for exactly one. noun(1, 'payload') is "payload", noun(3,
 * 'payload') "payloads"; `many` is for nouns that do not just take an "s".
 */
export function noun(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/**
 * A count with its noun, singular for exactly one: plural(1, 'backlog item') is "1 backlog item",
 * plural(3, 'backlog item') "3 backlog items". `many` is for nouns that do not just take an "s".
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${noun(n, one, many)}`;
}

/**
 * A word with its indefinite article, by how it is spoken: "an email", "an ipv4", "an SDK", "a
 * uuid", "a URI", "a date". Letters spoken with a vowel sound start an abbreviation written in
 * capitals (an SDK, an MX record); a lower-case word takes "an" before a vowel, except the "you"
 * sound of u (a uri, a uuid, a user).
 *
 * @example withArticle('email') // 'an email'
 */
export function withArticle(word: string): string {
  const an = /^[A-Z]{2}/.test(word)
    ? /^[AEFHILMNORSX]/.test(word)
    : /^[aeio]/i.test(word) || (/^u/i.test(word) && !/^u(ri|ui|s[aeiu]|n[iu]|t[ie])/i.test(word));
  return `${an ? 'an' : 'a'} ${word}`;
}
