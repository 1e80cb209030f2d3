/**
 * The `loyalty:` section of gtm.yaml after defaulting (schema: `gtm.loyalty.schema.json`). The
 * loyalty command owns this file; withDefaults calls `loyaltyDefaults`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the command that uses it
export interface LoyaltyConfig {}

/** Defaults for the section, from the raw (schema-validated) YAML value. */
export function loyaltyDefaults(raw: Record<string, unknown> | undefined): LoyaltyConfig {
  return { ...(raw ?? {}) };
}
