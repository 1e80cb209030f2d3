import type { LoyaltyConfig } from './loyalty-config.ts';
import type { PersonalizationConfig } from './personalization-config.ts';
import type { ReferralsConfig } from './referrals-config.ts';
import type { Thresholds } from './thresholds.ts';
/**
 * The shape of `gtm.yaml` after loading and defaulting. The published JSON Schema
 * (`gtm.schema.json`) describes the file as written; this type is what commands receive.
 */
/** A canonical entity name (the registry in src/data/entities; the schema lists them). */
export type Entity = string;

export type SourceConfig = {
  name: string;
  entity: Entity;
  /** Default partner for rows of this source that carry none (e.g. a partner's own analytics export). */
  partner?: string;
  /** Dedupe preference: lower wins when the same record arrives from several sources. */
  priority: number;
  /** canonical column → column name in the source */
  mapping: Record<string, string>;
  /** Currency of amounts when the source has no currency column, and of rows whose currency cell is blank (absent: the reporting currency). */
  currency?: string;
  /** Decimal mark of the source's text amounts (default `.`; with `,`: `1.234,56`). */
  decimal?: '.' | ',';
  /** Order of month and day in the source's slash dates (default `mdy`). */
  date_order?: 'mdy' | 'dmy';
  /**
   * Unit of the source's money amounts (default `major`, 19.99); `minor`: whole numbers of the
   * currency's minor units (1999 USD is 19.99, 1999 JPY is 1999, 12345 KWD is 12.345).
   */
  amount_unit?: 'major' | 'minor';
  /**
   * How the source's CRM ids (account, person, opportunity ids) are read (default `auto`: a
   * 15-character Salesforce id is read in its 18-character form when the run's sources write some
   * of the same records both ways); `salesforce`: every 15-character id of the source is; `as_is`:
   * as written.
   */
  id_format?: 'auto' | 'salesforce' | 'as_is';
} & (
  | { kind: 'file'; path: string; format?: 'csv' | 'parquet' | 'ndjson' | 'json'; delimiter?: string }
  | { kind: 'postgres'; url: string; table?: string; query?: string; schema?: string }
);

export interface CurrencyRate {
  currency: string;
  /** First day (YYYY-MM-DD) the rate applies; it holds until the next entry of the same currency. */
  from: string;
  /** Units of reporting currency per 1 unit of `currency`. */
  rate: number;
}

export interface ChannelRule {
  channel: string;
  when: {
    source?: string[];
    source_regex?: string;
    medium?: string[];
    medium_regex?: string;
    campaign_regex?: string;
    touch_type?: string[];
  };
}

export interface PartnerConfig {
  id: string;
  name: string;
  tier?: string;
  aliases: string[];
}

export interface CampaignConfig {
  id: string;
  name: string;
  partners: string[];
  start: string;
  end: string;
  /** utm_campaign values that mark a touch as part of this campaign (matched after UTM normalization). */
  utm_campaigns: string[];
  assets: { id: string; name: string; type?: string; partner?: string }[];
  /** partner id → targets in reporting currency */
  targets: Record<string, { pipeline?: number; revenue?: number }>;
  /** Days of touches before opportunity creation that form its journey. */
  lookback_days: number;
}

export interface RosterRole {
  people: { name: string; email?: string; unavailable?: { from: string; to: string; reason?: string }[] }[];
  fallback?: string;
}

export interface WorkspaceConfig {
  version: 1;
  /** Absolute directory of gtm.yaml; relative paths resolve against it. */
  baseDir: string;
  configPath: string;
  engine:
    | { kind: 'duckdb'; path?: string; threads?: number; memory_limit?: string; temp_directory?: string }
    | {
        kind: 'clickhouse';
        url: string;
        database?: string;
        user?: string;
        password?: string;
        /** seconds gtm waits for one statement's answer (default 300) */
        timeout_s?: number;
      };
  output: {
    reports_dir: string;
    plans_dir: string;
    /** dashboard.png through Chromium: when one is found (auto), always (error without), never */
    snapshot: 'auto' | 'always' | 'never';
    chromium?: string;
    snapshot_width: number;
  };
  sources: SourceConfig[];
  currency: { reporting: string; rates: CurrencyRate[] };
  funnel: { stages: string[]; won: string; lost: string[]; mapping: Record<string, string> };
  utm: {
    /** field → raw value (after trim + lower case) → normalized value */
    aliases: {
      source: Record<string, string>;
      medium: Record<string, string>;
      campaign: Record<string, string>;
    };
  };
  channels: { rules: ChannelRule[]; default: string; direct: string };
  partners: PartnerConfig[];
  campaigns: CampaignConfig[];
  dedupe: {
    touchpoints: { keys: string[]; time_tolerance_seconds: number };
    opportunities: { keys: string[] };
    /** any other entity: its keys (and time tolerance), overriding the entity's own */
    [entity: string]: { keys?: string[]; time_tolerance_seconds?: number };
  };
  roster: { roles: Record<string, RosterRole> };
  escalation: Record<string, string[]>;
  /** Closed: the keys of `THRESHOLDS` (./thresholds.ts), the same table gtm.yaml is validated against. */
  thresholds: Thresholds;
  attribution: {
    model: string;
    half_life_days: number;
    bootstrap: number;
    seed: number;
    /** Weights of the `custom` model (first, middle, last touch); none by default. */
    custom_weights?: { first: number; middle?: number; last: number };
  };
  events: {
    payloads?: string;
    plan?: string;
    /** Iglu vendor (reverse DNS) of the Snowplow schemas define-events and `gtm events export` write; unset: `com.example`, a placeholder */
    iglu_vendor?: string;
    /** retention and consent for define-events catalogs (`GovernancePolicy` keys) */
    governance?: {
      retention?: {
        default_days?: number;
        categories?: Record<string, number>;
        events?: Record<string, number>;
      };
      /** `ids`: consent manager id → category, for RudderStack's allowedConsentIds / deniedConsentIds */
      consent?: { default_category?: string; events?: Record<string, string>; ids?: Record<string, string> };
    };
  };
  cadence: string;
  /** optimize-referrals settings */
  referrals: ReferralsConfig;
  /** monitor-loyalty settings */
  loyalty: LoyaltyConfig;
  /** monitor-personalization settings */
  personalization: PersonalizationConfig;
}
