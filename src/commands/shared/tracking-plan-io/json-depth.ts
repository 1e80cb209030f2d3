/**
 * Nesting limit for JSON that users feed gtm (captured messages, plan documents). Real Segment
 * messages nest a handful of levels; a message nested thousands of levels deep is an attack on the
 * recursive code that reads it (validation, PII scans, schema walks), so it is refused up front.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a parsed JSON value nests objects and arrays deeper than `max` levels (a scalar is
 * depth 0, `{}` depth 1). It stops descending past `max`, so it cannot run out of stack itself, and
 * allocates nothing: cheap enough to run on every captured message.
 *
 * @example jsonDeeperThan({ a: { b: [1] } }, 2); // true (depth 3)
 */
export function jsonDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (jsonDeeperThan(item, max - 1)) return true;
    return false;
  }
  const obj = value as Record<string, unknown>;
  for (const key in obj) if (jsonDeeperThan(obj[key], max - 1)) return true;
  return false;
}

/** The one sentence every reader uses for a value nested too deep. */
export const TOO_DEEP = `nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`;
