/**
 * A number as gtm writes it for machines and spreadsheets (a CSV cell, result.json): the nearest
 * double to its 15-significant-digit decimal, which drops the binary noise of double arithmetic
 * (`0.1 + 0.2` is 0.30000000000000004, a sum of amounts 20160.000000000004) and changes no value
 * that has at most 15 significant digits: every such decimal reads back as the same double, so a
 * money amount, a count or a rate stays exactly what it was. Integers (at any size) and non-finite
 * values are returned unchanged. Beyond 15 digits a double's digits are not all significant
 * anyway, so a computed share loses nothing: 0.1234567890123456 is written 0.123456789012346.
 *
 * @example
 * plainNumber(0.1 + 0.2);                // 0.3
 * plainNumber(100800 * 0.2);             // 20160 (20160.000000000004 before)
 * plainNumber(1234567.891);              // 1234567.891
 */
export function plainNumber(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Number(x.toPrecision(15));
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of `value` with every number of its arrays and plain objects written as `plainNumber`
 * gives it (other objects, such as dates, are kept as they are): the result a command reports
 * (result.json, the JSON printed on stdout, an MCP tool's structured content) without binary noise.
 *
 * @example
 * withoutFloatNoise({ totals: { revenue: 0.1 + 0.2 }, rows: [1.1 * 3] }); // { totals: { revenue: 0.3 }, rows: [3.3] }
 */
export function withoutFloatNoise<T>(value: T): T {
  if (typeof value === 'number') return plainNumber(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => withoutFloatNoise(v)) as T;
  if (!isPlainObject(value)) return value;
  // fromEntries defines each key, so a key from the data named __proto__ stays a key
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutFloatNoise(v)])) as T;
}
