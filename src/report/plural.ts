/**
 * A count with its noun, singular for exactly one: plural(1, 'backlog item') is "1 backlog item",
 * plural(3, 'backlog item') "3 backlog items". `many` is for nouns that do not just take an "s".
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
