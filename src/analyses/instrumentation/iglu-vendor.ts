// Without imports: the CLI checks --vendor with it before loading the plan formats (and Ajv).

/**
 * An Iglu vendor: reverse DNS, letters, digits, `_` and `-` between dots (`com.acme`,
 * `io.snowplow`). gtm.yaml's `events.iglu_vendor` is held to the same rule (its `pattern` in
 * gtm.schema.json is this expression's source).
 */
export const IGLU_VENDOR = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

/**
 * The vendor of events without one when neither `--vendor` nor gtm.yaml's `events.iglu_vendor`
 * names one: a placeholder (RFC 2606 reserves example.com), never a team's own namespace.
 */
export const PLACEHOLDER_IGLU_VENDOR = 'com.example';

/**
 * The warning of a run whose Iglu schemas were filed under the placeholder vendor: `schemas` of
 * them, and the flag that names a vendor for this run only (none for define-events).
 *
 * @example placeholderVendorWarning(1, '--vendor VENDOR')
 * // '1 Iglu schema uses the placeholder vendor com.example (iglu:com.example/…), not yours: set events.iglu_vendor in gtm.yaml (e.g. iglu_vendor: com.acme), or pass --vendor VENDOR'
 */
export function placeholderVendorWarning(schemas: number, flag?: string): string {
  return (
    `${schemas} Iglu ${schemas === 1 ? 'schema uses' : 'schemas use'} the placeholder vendor ` +
    `${PLACEHOLDER_IGLU_VENDOR} (iglu:${PLACEHOLDER_IGLU_VENDOR}/…), not yours: set events.iglu_vendor ` +
    `in gtm.yaml (e.g. iglu_vendor: com.acme)${flag ? `, or pass ${flag}` : ''}`
  );
}
