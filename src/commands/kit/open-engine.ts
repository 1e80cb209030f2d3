import path from 'node:path';
import { openClickHouse, openDuckDb, type Engine } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import type { WorkspaceConfig } from '../../workspace/index.ts';

/** The run's engine, opened on first use (commands that read no data never open one). */
export interface LazyEngine {
  get(): Promise<Engine>;
  close(): Promise<void>;
}

/**
 * What the engine needs of a command: its name, and whether it opts in to ClickHouse
 * (`CommandDef.clickhouse: true`, set by the command once its parity test passes).
 */
export interface EngineUser {
  name: string;
  clickhouse?: boolean;
}

export function lazyEngine(
  ws: WorkspaceConfig,
  command: EngineUser,
  env: Record<string, string | undefined> = process.env,
): LazyEngine {
  let opened: Promise<Engine> | undefined;
  return {
    get() {
      opened ??= open(ws, command, env);
      return opened;
    },
    async close() {
      if (!opened) return;
      const engine = await opened.catch(() => undefined);
      await engine?.close();
    },
  };
}

/**
 * DuckDB's worker threads: `engine.threads` in gtm.yaml, else `GTM_DUCKDB_THREADS` from the
 * environment (for a container or CI machine whose core count DuckDB misreads, or to leave cores to
 * other work), else DuckDB's default (the number of cores).
 */
export function duckDbThreads(
  ws: WorkspaceConfig,
  env: Record<string, string | undefined>,
): number | undefined {
  if (ws.engine.kind === 'duckdb' && ws.engine.threads !== undefined) return ws.engine.threads;
  const text = env.GTM_DUCKDB_THREADS?.trim();
  if (!text) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw new GtmError('CONFIG', `GTM_DUCKDB_THREADS must be a positive integer, got "${text}"`, {
      where: 'GTM_DUCKDB_THREADS',
      hint: 'unset it, or set it to the number of threads DuckDB may use (e.g. 2)',
    });
  return n;
}

async function open(
  ws: WorkspaceConfig,
  command: EngineUser,
  env: Record<string, string | undefined>,
): Promise<Engine> {
  if (ws.engine.kind === 'duckdb')
    return openDuckDb({
      path: ws.engine.path ? path.resolve(ws.baseDir, ws.engine.path) : undefined,
      threads: duckDbThreads(ws, env),
      memoryLimit: ws.engine.memory_limit,
      // the engine spills into a folder of its own inside this one (default: the system's temporary folder)
      tempDirectory: ws.engine.temp_directory
        ? path.resolve(ws.baseDir, ws.engine.temp_directory)
        : undefined,
    });
  // a command opts in with `clickhouse: true` in its CommandDef
  if (command.clickhouse)
    return openClickHouse({
      url: ws.engine.url,
      database: ws.engine.database,
      username: ws.engine.user,
      password: passwordOf(ws.engine.password, env),
      requestTimeoutMs: ws.engine.timeout_s !== undefined ? ws.engine.timeout_s * 1000 : undefined,
      origin: 'engine.url in gtm.yaml',
    });
  throw new GtmError('CONFIG', `${command.name} runs on the embedded DuckDB engine in this version`, {
    where: 'engine.kind',
    hint: 'remove engine: or set engine.kind: duckdb; attribution over a ClickHouse touch table runs with `gtm attribute --touchpoints TABLE --clickhouse URL`',
  });
}

/** `env:VAR` → the variable's value (the schema admits no other form: a password never sits in gtm.yaml). */
function passwordOf(given: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (given === undefined) return undefined;
  const name = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(given)?.[1];
  const value = name === undefined ? undefined : env[name];
  if (value === undefined)
    throw new GtmError('CONFIG', `the environment variable ${name ?? given} is not set`, {
      where: 'engine.password',
      hint: `export ${name ?? 'CLICKHOUSE_PASSWORD'}=… before running gtm`,
    });
  return value;
}
