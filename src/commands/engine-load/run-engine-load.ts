import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  chooseColumnTypes,
  copyRows,
  createTableSql,
  LOCAL_SUFFIX,
  type LoadColumn,
  type TableLayout,
} from '../../data/clickhouse-load.ts';
import {
  LOAD_RECORD_TABLES,
  newLoadId,
  writeLoadRecord,
  type LoadedFile,
  type LoadRecord,
  type RecordedReject,
} from '../../data/clickhouse-load-record.ts';
import { dropStaleRunObjects } from '../../data/clickhouse-stale.ts';
import { sha256File } from '../../data/fingerprint.ts';
import {
  loadSource,
  openClickHouse,
  openDuckDb,
  quoteIdent,
  quoteString,
  redactUrl,
  type ClickHouseEngine,
  type DuckDbEngine,
  type SourceLoad,
} from '../../data/index.ts';
import { configError, GtmError, usageError } from '../../errors/index.ts';
import { loadWorkspace, type SourceConfig, type WorkspaceConfig } from '../../workspace/index.ts';
import { duckDbThreads } from '../kit/open-engine.ts';
import { sourceSpecOf } from '../kit/workspace-sources.ts';
import { EVENT_PAYLOADS_SOURCE, loadEventPayloads } from './event-payloads.ts';
import { countBack, createTables, qualified } from './load-tables.ts';
import { shardColumnsOf } from './shard-keys.ts';

export interface EngineLoadOptions {
  /** Working directory; gtm.yaml is read from here unless `configPath` says otherwise. */
  cwd: string;
  configPath?: string;
  /**
   * ClickHouse HTTP URLs. One server; or, with `cluster`, every server of the cluster (the tables
   * are created on each, rows go in through the first). Default: `engine.url` in gtm.yaml.
   */
  clickhouse?: string[];
  /** Database the tables go in (created when missing); default `default`, or `engine.database`. */
  database?: string;
  /** Cluster name in the servers' `remote_servers`: shard tables by their key over it. */
  cluster?: string;
  user?: string;
  /** `env:VAR`: the password is read from that environment variable. */
  password?: string;
  /** Only these sources (names in gtm.yaml); default every source. */
  sources?: string[];
  /** `SOURCE=COLUMN`: shard that source by this column instead of its entity's key. */
  shardKeys?: string[];
  /** Drop and reload tables that exist; without it an existing table is an error. */
  replace?: boolean;
  /** Rows per insert (default 100 000). */
  batchRows?: number;
  env?: Record<string, string | undefined>;
  onProgress?: (message: string) => void;
}

export interface EngineLoadTable {
  source: string;
  entity: string;
  /** The table to query: on a cluster the Distributed table (sharded) or every server's copy. */
  table: string;
  /** `single`: one server; `sharded`: `<table>_local` on each shard + Distributed `<table>`; `copied`: a full copy on every server. */
  layout: TableLayout['kind'];
  local_table: string | null;
  /** Columns whose hash shards the rows (the first with a value), empty unless sharded. */
  shard_key: string[];
  files: string[];
  columns: { name: string; type: string; note?: string }[];
  rows: {
    /** Rows in the source: loaded + rejected. */
    read: number;
    loaded: number;
    /** Input rows the reader refused (malformed lines), as every command would. */
    rejected: number;
    /** Counted in ClickHouse after the load: equals `loaded` (per copy, for copied tables). */
    in_clickhouse: number;
    /** Rows on each server (shards of a sharded table; copies of a copied one). */
    per_server: number[];
  };
  /** The first rejected rows, with file, line and reason. */
  rejects: { file: string | null; row: number; reason: string }[];
  seconds: number;
}

export interface EngineLoadResult {
  /** The servers, without credentials. */
  servers: string[];
  database: string;
  cluster: string | null;
  tables: EngineLoadTable[];
  totals: { read: number; loaded: number; rejected: number; in_clickhouse: number };
  seconds: number;
}

const DEFAULT_BATCH_ROWS = 100_000;
/** Rejected rows shown per table; every one is counted. */
const REJECTS_SHOWN = 5;

/** What `gtm engine load` is asked to do: the servers, the database, the sources (and payloads). */
function loadPlan(opts: EngineLoadOptions, ws: WorkspaceConfig) {
  const urls = serverUrls(opts, ws);
  const database =
    opts.database ?? (ws.engine.kind === 'clickhouse' ? ws.engine.database : undefined) ?? 'default';
  // the captured event payloads (events.payloads) load as `event_payloads` with the sources
  const payloadsAsked = opts.sources?.includes(EVENT_PAYLOADS_SOURCE) ?? false;
  const otherNames = opts.sources?.filter((n) => n !== EVENT_PAYLOADS_SOURCE);
  if (payloadsAsked && !ws.events.payloads)
    throw usageError(
      `gtm.yaml has no events.payloads to load as ${EVENT_PAYLOADS_SOURCE}`,
      '--source',
      'set events.payloads to the NDJSON file or folder of captured messages',
    );
  const withPayloads = Boolean(ws.events.payloads) && (!opts.sources?.length || payloadsAsked);
  const sources = payloadsAsked && otherNames?.length === 0 ? [] : pickSources(ws, otherNames, withPayloads);
  const overrides = shardOverrides(opts.shardKeys, sources);
  if (urls.length > 1 && !opts.cluster)
    throw usageError(
      `${urls.length} servers given without --cluster`,
      '--clickhouse',
      'name the cluster (--cluster NAME, from remote_servers) to shard over them, or give one server',
    );
  return { urls, database, sources, withPayloads, overrides };
}

/**
 * Connects to every server (into `servers`, so the caller closes what opened), checks the cluster,
 * creates the database, and with --replace drops what killed runs left in it (gtm's own `_gtm_`
 * objects of runs idle for hours; a live run's are never touched).
 */
async function openServers(
  servers: ClickHouseEngine[],
  urls: string[],
  database: string,
  opts: EngineLoadOptions,
  progress: (message: string) => void,
): Promise<void> {
  const password = passwordOf(opts.password, opts.env ?? process.env);
  for (const url of urls)
    servers.push(await openClickHouse({ url, username: opts.user, password, origin: '--clickhouse' }));
  if (opts.cluster) await checkCluster(servers, opts.cluster, urls.length);
  for (const server of servers)
    await server.exec(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(database, 'clickhouse')}`);
  if (!opts.replace) return;
  for (const [i, server] of servers.entries()) {
    const dropped = await dropStaleRunObjects(server, { database });
    if (dropped.length)
      progress(`${redactUrl(urls[i], 'server')}: dropped ${dropped.length} objects of runs killed before`);
  }
}

/**
 * `gtm engine load`: reads the workspace's sources as every command reads them (same readers, same
 * rejected lines) and creates and fills ClickHouse tables with them, on one server or sharded over
 * a cluster, then counts the rows in ClickHouse and checks them against the rows read.
 *
 * @example
 * const r = await runEngineLoad({ cwd: 'ws', clickhouse: ['http://127.0.0.1:8123'], database: 'gtm' });
 * r.tables[0].rows; // { read: 843, loaded: 843, rejected: 0, in_clickhouse: 843, per_server: [843] }
 */
export async function runEngineLoad(opts: EngineLoadOptions): Promise<EngineLoadResult> {
  const started = performance.now();
  const ws = loadWorkspace({
    cwd: opts.cwd,
    configPath: opts.configPath,
    env: opts.env as NodeJS.ProcessEnv,
  });
  const { urls, database, sources, withPayloads, overrides } = loadPlan(opts, ws);
  const progress = opts.onProgress ?? (() => undefined);

  const servers: ClickHouseEngine[] = [];
  let duck: DuckDbEngine | undefined;
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'gtm-engine-load-'));
  try {
    await openServers(servers, urls, database, opts, progress);
    // DuckDB on a scratch file: a source larger than memory spills instead of failing
    duck = await openDuckDb({
      path: path.join(scratch, 'load.duckdb'),
      threads: duckDbThreads(ws, opts.env ?? process.env),
      memoryLimit: (ws.engine.kind === 'duckdb' ? ws.engine.memory_limit : undefined) ?? '1GB',
      tempDirectory: path.join(scratch, 'spill'),
    });
    const tables: EngineLoadTable[] = [];
    for (const [i, src] of sources.entries()) {
      progress(`${src.name}: reading (${i + 1}/${sources.length})`);
      tables.push(
        await loadOne(duck, servers, ws, src, {
          database,
          cluster: opts.cluster,
          override: overrides.get(src.name),
          replace: opts.replace ?? false,
          batchRows: opts.batchRows ?? DEFAULT_BATCH_ROWS,
          scratch,
          env: opts.env,
          progress,
        }),
      );
    }
    if (withPayloads) {
      progress(`${EVENT_PAYLOADS_SOURCE}: reading`);
      tables.push(
        await loadEventPayloads(servers, ws, {
          database,
          cluster: opts.cluster,
          replace: opts.replace ?? false,
          batchRows: opts.batchRows ?? DEFAULT_BATCH_ROWS,
          progress,
          rejectsShown: REJECTS_SHOWN,
        }),
      );
    }
    const sum = (k: 'read' | 'loaded' | 'rejected' | 'in_clickhouse') =>
      tables.reduce((n, t) => n + t.rows[k], 0);
    return {
      servers: urls.map((u) => redactUrl(u, '(invalid URL)')),
      database,
      cluster: opts.cluster ?? null,
      tables,
      totals: {
        read: sum('read'),
        loaded: sum('loaded'),
        rejected: sum('rejected'),
        in_clickhouse: sum('in_clickhouse'),
      },
      seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    await duck?.close().catch(() => undefined);
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
    await rm(scratch, { recursive: true, force: true });
  }
}

interface LoadSettings {
  database: string;
  cluster: string | undefined;
  override: string | undefined;
  replace: boolean;
  batchRows: number;
  scratch: string;
  env: Record<string, string | undefined> | undefined;
  progress: (message: string) => void;
}

async function loadOne(
  duck: DuckDbEngine,
  servers: ClickHouseEngine[],
  ws: WorkspaceConfig,
  src: SourceConfig,
  s: LoadSettings,
): Promise<EngineLoadTable> {
  const started = performance.now();
  const raw = `raw_${src.name.replace(/\W/g, '_')}`;
  const load: SourceLoad = await loadSource(duck, sourceSpecOf(src, ws.baseDir, s.env), raw);
  const relation = quoteIdent(raw);
  const own = load.columns.map((c) => c.name);
  const columns = await chooseColumnTypes(
    duck,
    relation,
    [...load.columns, { name: 'source_file', type: 'VARCHAR' }, { name: 'source_row', type: 'BIGINT' }],
    { decimal: src.decimal },
  );
  // where a row came from, relative to the workspace (the absolute path is this machine's)
  const fileCol = columns.find((c) => c.name === 'source_file') as LoadColumn;
  const prefix = `${ws.baseDir}${path.sep}`;
  fileCol.expr = `CASE WHEN starts_with(source_file, ${quoteString(prefix)}) THEN substr(source_file, ${prefix.length + 1}) ELSE source_file END`;

  const layout = layoutOf(src, own, s);
  const q = (name: string) => qualified(s.database, name);
  const local = layout.kind === 'sharded' ? `${src.name}${LOCAL_SUFFIX}` : null;
  await createTables(
    servers,
    local ? [src.name, local] : [src.name],
    createTableSql(s.database, src.name, columns, layout),
    s,
    `sources.${src.name}`,
  );

  await sendRows(duck, relation, columns, layout.kind === 'copied' ? servers : [servers[0]], {
    source: src.name,
    table: q(src.name),
    rows: load.rows,
    distributed: layout.kind === 'sharded',
    s,
  });

  const { perServer, inClickHouse } = await countBack(servers, src.name, local, load.rows, s.database);
  // what could not be loaded, kept beside the table: a run on ClickHouse counts it as DuckDB does
  const record = await loadRecordOf(load, src.name, ws.baseDir);
  for (const server of servers) await writeLoadRecord(server, s.database, record.record, record.rejects);
  return {
    source: src.name,
    entity: src.entity,
    table: src.name,
    layout: layout.kind,
    local_table: local,
    shard_key: layout.kind === 'sharded' ? layout.shardKey : [],
    files: load.files.map((f) => path.relative(ws.baseDir, f) || f),
    columns: columns.map((c) => ({
      name: c.name,
      type: c.clickhouseType,
      ...(c.note ? { note: c.note } : {}),
    })),
    rows: {
      read: load.rows + load.rejects.length,
      loaded: load.rows,
      rejected: load.rejects.length,
      in_clickhouse: inClickHouse,
      per_server: perServer,
    },
    rejects: load.rejects.slice(0, REJECTS_SHOWN).map((r) => ({
      file: r.file ? path.relative(ws.baseDir, r.file) || r.file : null,
      row: r.row,
      reason: r.reason,
    })),
    seconds: round((performance.now() - started) / 1000),
  };
}

/**
 * Sends the rows of `relation` to each of `targets` (every server for a copied table, the first
 * for a sharded one: its Distributed table spreads them), checking each got every row read.
 */
async function sendRows(
  duck: DuckDbEngine,
  relation: string,
  columns: LoadColumn[],
  targets: ClickHouseEngine[],
  t: { source: string; table: string; rows: number; distributed: boolean; s: LoadSettings },
): Promise<void> {
  const label = `${t.source}: ${t.rows.toLocaleString('en-US')} rows`;
  const onBatch = (sent: number) =>
    t.s.progress(`${label}, ${Math.round((100 * sent) / Math.max(1, t.rows))}% sent`);
  t.s.progress(`${label}, encoding`);
  for (const target of targets) {
    const sent = await copyRows(duck, relation, columns, target, t.table, {
      scratchDir: t.s.scratch,
      batchRows: t.s.batchRows,
      distributed: t.distributed,
      onBatch,
    });
    if (sent !== t.rows) throw new GtmError('INTERNAL', `${t.source}: ${sent} rows sent for ${t.rows} read`);
  }
}

/** Where a file is, as the table's `source_file` says it: relative to the workspace when inside it. */
function workspacePath(file: string, baseDir: string): string {
  const prefix = `${baseDir}${path.sep}`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}

/**
 * The record of a source's load (see clickhouse-load-record.ts): its files as read (size,
 * modification time, sha256: one file's is the source's fingerprint, several are hashed each),
 * the fingerprint a DuckDB run records, and every rejected line with its file's sha256.
 */
async function loadRecordOf(
  load: SourceLoad,
  source: string,
  baseDir: string,
): Promise<{ record: LoadRecord; rejects: RecordedReject[] }> {
  const fingerprint = await load.fingerprint;
  const files: LoadedFile[] = [];
  for (const file of load.files) {
    const info = await stat(file);
    files.push({
      file: workspacePath(file, baseDir),
      size: info.size,
      mtime_ms: Math.round(info.mtimeMs),
      sha256: load.files.length === 1 ? fingerprint : await sha256File(file),
    });
  }
  const shaOf = new Map(load.files.map((f, i) => [f, files[i].sha256]));
  return {
    record: {
      load_id: newLoadId(),
      source,
      table: source,
      loaded_at_ms: Date.now(),
      files,
      fingerprint,
      rows: load.rows,
      rejected: load.rejects.length,
    },
    rejects: load.rejects.map((r) => ({
      file: r.file ? workspacePath(r.file, baseDir) : '',
      file_sha256: (r.file && shaOf.get(r.file)) || '',
      row: r.row,
      reason: r.reason,
      raw: r.raw ?? null,
    })),
  };
}

function layoutOf(src: SourceConfig, columns: readonly string[], s: LoadSettings): TableLayout {
  if (!s.cluster) return { kind: 'single' };
  if (s.override !== undefined) {
    const found = columns.find((c) => c.toLowerCase() === s.override?.toLowerCase());
    if (found === undefined)
      throw usageError(
        `source ${src.name} has no column "${s.override}"`,
        '--shard-key',
        `columns found: ${columns.join(', ')}`,
      );
    return { kind: 'sharded', cluster: s.cluster, shardKey: [found] };
  }
  const keys = shardColumnsOf(src.entity, src.mapping, columns);
  return keys.length > 0
    ? { kind: 'sharded', cluster: s.cluster, shardKey: keys }
    : { kind: 'copied', cluster: s.cluster };
}

function serverUrls(opts: EngineLoadOptions, ws: WorkspaceConfig): string[] {
  const given = opts.clickhouse?.filter((u) => u.trim() !== '');
  if (given && given.length > 0) return given;
  if (ws.engine.kind === 'clickhouse') return [ws.engine.url];
  throw usageError(
    'needs the ClickHouse server to load into',
    '--clickhouse',
    'e.g. --clickhouse http://127.0.0.1:8123 (or set engine.url in gtm.yaml)',
  );
}

function pickSources(ws: WorkspaceConfig, names: string[] | undefined, payloads = false): SourceConfig[] {
  if (ws.sources.length === 0 && payloads) return [];
  if (ws.sources.length === 0)
    throw configError('gtm.yaml declares no sources', 'sources', 'add the files to load under sources:');
  const reserved = ws.sources.find((s) => (LOAD_RECORD_TABLES as readonly string[]).includes(s.name));
  if (reserved && (!names?.length || names.includes(reserved.name)))
    throw configError(
      `source name ${reserved.name} is the table where gtm engine load keeps what it loaded and rejected`,
      `sources.${reserved.name}`,
      'rename the source in gtm.yaml',
    );
  if (!names || names.length === 0) return ws.sources;
  const known = ws.sources.map((s) => s.name);
  for (const name of names)
    if (!known.includes(name))
      throw usageError(`no source named "${name}" in gtm.yaml`, '--source', `sources: ${known.join(', ')}`);
  return ws.sources.filter((s) => names.includes(s.name));
}

function shardOverrides(given: string[] | undefined, sources: SourceConfig[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of given ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(item.trim());
    if (!m)
      throw usageError(
        `expects SOURCE=COLUMN, got "${item}"`,
        '--shard-key',
        'e.g. --shard-key web_analytics=user_id',
      );
    const [, source, column] = m;
    if (!sources.some((s) => s.name === source.trim()))
      throw usageError(
        `no source named "${source.trim()}" is being loaded`,
        '--shard-key',
        `sources: ${sources.map((s) => s.name).join(', ')}`,
      );
    out.set(source.trim(), column.trim());
  }
  return out;
}

/** `env:VAR` → the variable's value; a literal password is refused (it would stay in shell history and `ps`). */
function passwordOf(given: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (given === undefined) return undefined;
  const m = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(given);
  if (!m)
    throw usageError(
      'takes env:VAR, not the password itself',
      '--password',
      'export CLICKHOUSE_PASSWORD=… and pass --password env:CLICKHOUSE_PASSWORD',
    );
  const value = env[m[1]];
  if (value === undefined)
    throw configError(`the environment variable ${m[1]} is not set`, '--password', `export ${m[1]}=… first`);
  return value;
}

/** The cluster exists on the first server and every one of its servers was given (DDL runs on each). */
async function checkCluster(servers: ClickHouseEngine[], cluster: string, given: number): Promise<void> {
  const hosts = await servers[0].query<{ shard_num: number; host_name: string; port: number }>(
    `SELECT shard_num, host_name, port FROM system.clusters WHERE cluster = ${quoteString(cluster, 'clickhouse')} ORDER BY shard_num, replica_num`,
  );
  if (hosts.length === 0) {
    const names = await servers[0].query<{ cluster: string }>('SELECT DISTINCT cluster FROM system.clusters');
    throw configError(
      `the server knows no cluster "${cluster}"`,
      '--cluster',
      names.length > 0
        ? `clusters in its remote_servers: ${names.map((n) => n.cluster).join(', ')}`
        : 'define it under remote_servers in the server config',
    );
  }
  if (hosts.length !== given)
    throw usageError(
      `cluster ${cluster} has ${hosts.length} servers; ${given} given`,
      '--clickhouse',
      `give the HTTP URL of each, in any order (tables are created on every one): ${hosts.map((h) => `shard ${h.shard_num} ${h.host_name}:${h.port} (native port)`).join(', ')}`,
    );
}

const round = (x: number) => Math.round(x * 100) / 100;
