/**
 * The `personalization:` section of gtm.yaml after defaulting (schema: `gtm.personalization.schema.json`). The
 * personalization command owns this file; withDefaults calls `personalizationDefaults`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the command that uses it
export interface PersonalizationConfig {}

/** Defaults for the section, from the raw (schema-validated) YAML value. */
export function personalizationDefaults(raw: Record<string, unknown> | undefined): PersonalizationConfig {
  return { ...(raw ?? {}) };
}
