/** Exact integer → `number` when it is a safe integer, else the `bigint` itself. */
export function safeInteger(value: bigint): number | bigint {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}
