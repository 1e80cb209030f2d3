import { words } from './identifier.ts';

export type Casing = 'title' | 'snake' | 'camel' | 'kebab' | 'pascal';
export const CASINGS: readonly Casing[] = ['title', 'snake', 'camel', 'kebab', 'pascal'];

const CASING_PATTERNS: Record<Casing, RegExp> = {
  // Capitalized words separated by single spaces; all-caps acronyms (CTA, URL) are words too.
  title: /^(?:[A-Z][a-z0-9]*|[A-Z0-9]+)(?: (?:[A-Z][a-z0-9]*|[A-Z0-9]+))*$/,
  snake: /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/,
  camel: /^[a-z][a-z0-9]*([A-Z][a-z0-9]*)*$/,
  kebab: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
  pascal: /^[A-Z][a-z0-9]*([A-Z][a-z0-9]*)*$/,
};

/**
 * @example matchesCasing('Order Completed', 'title') // true
 * @example matchesCasing('order_completed', 'title') // false
 */
export function matchesCasing(name: string, casing: Casing): boolean {
  return CASING_PATTERNS[casing].test(name);
}

const IRREGULAR_PAST = new Set(
  'began begun bought brought built caught chose chosen did done drew drawn drove driven fell found gave given got gotten grew grown held hid hidden kept knew known laid led left lent lost made meant met paid put quit read rang ran reset run said sat saw seen sold sent set shared shook shot shown shut sang slept spent split spun stood stole stuck swept swore took taken taught told thought threw thrown understood undid undone upset woke won wore worn wrote written'.split(
    ' ',
  ),
);
const PARTICLES = new Set(['up', 'in', 'out', 'on', 'off', 'down', 'over', 'back']);

/** Whether a word reads as a past-tense verb or past participle ("completed", "sent"). */
export function isPastTense(word: string): boolean {
  const w = word.toLowerCase();
  return (w.length > 3 && w.endsWith('ed')) || IRREGULAR_PAST.has(w);
}

/**
 * Whether an event name follows the object–action convention of the Segment specs: an object
 * then a past-tense action ("Order Completed", "Product List Viewed", "Account Added User"), or
 * the specs' sign-in family ("Signed Up", "Signed In").
 *
 * @example isObjectAction('Order Completed') // true
 * @example isObjectAction('Complete Order')  // false
 * @example isObjectAction('clickedButton')   // false
 */
export function isObjectAction(name: string): boolean {
  const w = words(name);
  if (w.length < 2) return false;
  if (w.length === 2 && isPastTense(w[0]) && PARTICLES.has(w[1])) return true;
  return w.slice(1).some(isPastTense);
}

/** Name compared for duplicates: case and word separators ignored ("Order Completed" = "order_completed"). */
export function duplicateKey(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, '');
}
