export { valueMapSql, cleanTextSql } from './value-map-sql.ts';
export { channelSql, type ChannelRuleSpec } from './channel-sql.ts';
export { parseTimestampSql, parseAmountSql } from './parse-sql.ts';
export { ratesTableSql, rateLookupSql, type RateSpec } from './currency-sql.ts';
export { TRIM_CHARACTERS, trimmedSql, trimSql } from './trim-sql.ts';
