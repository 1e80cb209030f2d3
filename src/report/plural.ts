/**
 * A count with its noun, singular for exactly one: plural(1, 'backlog item') is "1 backlog item",
 * plural(3, 'backlog item') "3 backlog items". `many` is for nouns that do not just take an "s".
 * (The one helper lives with the other text helpers, where analyses can use it too.)
 */
export { plural } from '../analyses/text/plural-text.ts';
