/** `gtm engine load`: a workspace's sources into ClickHouse tables, on one server or sharded over a cluster. */
export { formatEngineLoad } from './format-engine-load.ts';
export {
  runEngineLoad,
  type EngineLoadOptions,
  type EngineLoadResult,
  type EngineLoadTable,
} from './run-engine-load.ts';
export { SHARD_KEYS, shardColumnsOf } from './shard-keys.ts';
