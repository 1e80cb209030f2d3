/**
 * A small seeded fuzzer for the property tests: deterministic (the same seed gives the same cases
 * on every machine, so a failure names a case that reproduces), bounded (each suite runs a fixed
 * number of cases), and aimed at what breaks parsers: quotes, separators, line breaks, brackets,
 * byte-order marks, NUL, non-finite numbers, formula starts, huge and empty values, truncation.
 */

/** mulberry32: a 32-bit seeded generator, uniform in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function rng(seed: number): Rng {
  const next = seeded(seed);
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

/** Tokens that trip parsers of CSV, JSON, YAML and numbers. */
export const TOKENS = [
  '"',
  "'",
  ',',
  ';',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '{',
  '}',
  '[',
  ']',
  ':',
  '\\',
  '\u0000',
  '\uFEFF',
  '\uD800',
  'é',
  '😀',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '-0',
  '0x1F',
  '1_000',
  '',
  'null',
  'true',
  '=1+2',
  '@cmd',
  '-5',
  '&a',
  '*a',
  '<<: *a',
  '!!binary',
  '---',
  '- ',
  '#',
  '../..',
  '%',
  'x'.repeat(300),
  '9'.repeat(40),
];

/** One random edit of a text: insert a token, delete or duplicate a slice, flip a character, truncate. */
export function mutate(text: string, r: Rng): string {
  const at = r.int(text.length + 1);
  switch (r.int(7)) {
    case 0:
    case 1:
      return text.slice(0, at) + r.pick(TOKENS) + text.slice(at);
    case 2: {
      const len = 1 + r.int(Math.min(40, Math.max(1, text.length - at)));
      return text.slice(0, at) + text.slice(at + len);
    }
    case 3: {
      const len = 1 + r.int(80);
      return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    }
    case 4: {
      if (!text.length) return r.pick(TOKENS);
      const i = Math.min(at, text.length - 1);
      return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << r.int(7))) + text.slice(i + 1);
    }
    case 5:
      return text.slice(0, at);
    default: {
      // replace a number with a hostile one
      const nums = [...text.matchAll(/-?\d+(\.\d+)?/g)];
      if (!nums.length) return text + r.pick(TOKENS);
      const m = r.pick(nums);
      return (
        text.slice(0, m.index) +
        r.pick(['NaN', '1e400', '-1', '-0', '1.5', 'abc', '', '1e-400', '99999999999999999999']) +
        text.slice(m.index! + m[0].length)
      );
    }
  }
}

/** 1 to `max` random edits. */
export function mutateMany(text: string, r: Rng, max = 4): string {
  let out = text;
  for (let i = 0, n = 1 + r.int(max); i < n; i++) out = mutate(out, r);
  return out;
}

/** Values that test a reader's checks rather than its syntax. */
export const HOSTILE_VALUES: readonly unknown[] = [
  0,
  -1,
  -0.5,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  1e-320,
  '',
  'abc',
  '1e400',
  'NaN',
  '=1+2',
  '../../x',
  null,
  true,
  [],
  {},
  [1, 'a'],
  { n: 1 },
  'x'.repeat(2000),
];

/**
 * A JSON text with some of its values (leaves, or whole objects and arrays) replaced by hostile
 * ones and some keys dropped: it still parses, so what runs is the reader's validation.
 */
export function mutateJsonValues(text: string, r: Rng, rate = 0.08): string {
  const walk = (v: unknown): unknown => {
    if (r.chance(rate)) return r.pick(HOSTILE_VALUES);
    if (Array.isArray(v)) return v.filter(() => !r.chance(rate / 2)).map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(() => !r.chance(rate / 2))
          .map(([k, x]) => [k, walk(x)]),
      );
    return v;
  };
  return JSON.stringify(walk(JSON.parse(text)), null, 1);
}

/**
 * CI runs each suite's fixed budget with its fixed seeds. For a deeper local run, multiply the
 * budget and move the seeds: `GTM_FUZZ_SCALE=10 GTM_FUZZ_SEED=7 npx vitest run test/hardening`.
 */
export const FUZZ_SCALE = Math.max(1, Number(process.env.GTM_FUZZ_SCALE ?? 1) || 1);
const SEED_OFFSET = Number(process.env.GTM_FUZZ_SEED ?? 0) || 0;

/** `rng(seed)` moved by GTM_FUZZ_SEED. */
export const fuzzRng = (seed: number): Rng => rng(seed + SEED_OFFSET * 7919);
