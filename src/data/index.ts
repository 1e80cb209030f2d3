/**
 * The data layer: engines, source readers, SQL text, row accounting. Callers pass configuration in
 * as plain objects; nothing here reads gtm.yaml.
 */
export type { Dialect, Engine, Row } from './engine.ts';
export {
  openDuckDb,
  isDuckDbEngine,
  type DuckDbEngine,
  type DuckDbOptions,
  type AppendValue,
} from './duckdb-api.ts';
export {
  openClickHouse,
  isClickHouseEngine,
  redactUrl,
  type ClickHouseEngine,
  type ClickHouseOptions,
} from './clickhouse-engine.ts';
export {
  Sql,
  sql,
  raw,
  ident,
  qualified,
  literal,
  joinSql,
  quoteIdent,
  quoteString,
  type SqlValue,
} from './sql-text.ts';
export { loadSource, requireColumns } from './read-source.ts';
export { displayUrl, scrubUrlSecrets, isSecretParam } from './url-secrets.ts';
export type {
  SourceSpec,
  FileSourceSpec,
  PostgresSourceSpec,
  FileFormat,
  SourceLoad,
  SourceReject,
} from './source-spec.ts';
export { PROVENANCE_COLUMNS } from './source-spec.ts';
export { reconcile, REJECT_COLUMNS, type RowAccounting, type RejectRecord } from './row-accounting.ts';
export { csvCell, csvRow, toCsv, type CsvValue } from './csv-text.ts';
export { fileRelationSql } from './file-relation.ts';
export {
  ENTITIES,
  ENTITY_NAMES,
  entitySpec,
  typedEntity,
  resolveMapping,
  normalizeEntities,
  dedupeSql,
  topReasons,
  inferredDateOrderLine,
  type InferredDateOrder,
  type EntitySpec,
  type NormalizeSettings,
  type SourceBinding,
  type DedupeRule,
  type ColumnDef,
  type ColumnKind,
  type TypedEntityDef,
  toToken,
  type BoundSource,
  type NarrowSpec,
  type NormalizeOptions,
  type NormalizeResult,
} from './entities/index.ts';
export type { RejectedRow } from '../contracts/index.ts';
