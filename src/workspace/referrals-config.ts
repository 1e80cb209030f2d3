/**
 * The `referrals:` section of gtm.yaml after defaulting (schema: `gtm.referrals.schema.json`). The
 * referrals command owns this file; withDefaults calls `referralsDefaults`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the command that uses it
export interface ReferralsConfig {}

/** Defaults for the section, from the raw (schema-validated) YAML value. */
export function referralsDefaults(raw: Record<string, unknown> | undefined): ReferralsConfig {
  return { ...(raw ?? {}) };
}
