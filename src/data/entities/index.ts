/**
 * Canonical data entities: their columns, normalization to typed canonical rows (or rejects with a
 * reason), dedupe across sources and row accounting. See `registry.ts` to add one.
 */
export type { EntitySpec, NormalizeSettings, SourceBinding, DedupeRule } from './entity-spec.ts';
export { ENTITIES, ENTITY_NAMES, entitySpec } from './registry.ts';
export {
  toToken,
  typedEntity,
  type ColumnDef,
  type ColumnKind,
  type TypedEntityDef,
} from './typed-entity.ts';
export { resolveMapping } from './resolve-mapping.ts';
export {
  normalizeEntities,
  narrowHashSql,
  repeatedSql,
  type BoundSource,
  type NarrowResult,
  type NarrowSpec,
  type NormalizeOptions,
  type NormalizeResult,
} from './normalize-entities.ts';
export { dedupeSql } from './dedupe-sql.ts';
export { topReasons } from './reject-reasons.ts';
export { inferredDateOrderLine, type InferredDateOrder } from './infer-date-order.ts';
