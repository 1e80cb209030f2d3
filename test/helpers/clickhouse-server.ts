/**
 * A throwaway ClickHouse server for tests, when a server binary is installed: a minimal config in a
 * temp directory, HTTP on a free loopback port, server time zone UTC. `findClickHouseServer`
 * returns null when there is no binary so tests can skip with a reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './postgres-server.ts';

export interface ClickHouseServer {
  url: string;
  stop(): Promise<void>;
}

/** `[command, ...leading args]` that starts a server, or null. */
export function findClickHouseServer(): string[] | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin']);
  for (const dir of dirs) {
    if (existsSync(join(dir, 'clickhouse-server'))) return [join(dir, 'clickhouse-server')];
  }
  for (const dir of dirs) if (existsSync(join(dir, 'clickhouse'))) return [join(dir, 'clickhouse'), 'server'];
  return null;
}

/**
 * Two (or more) servers on loopback that know each other as cluster `gtm_test`, one shard each, so
 * a `Distributed` table over them behaves as on a real cluster.
 */
export async function startClickHouseCluster(
  shards = 2,
  opts: { maxMemoryUsage?: number } = {},
): Promise<{ urls: string[]; cluster: string; stop(): Promise<void> }> {
  const ports = [];
  for (let i = 0; i < shards; i++) ports.push({ http: await freePort(), tcp: await freePort() });
  const remote = `<remote_servers><gtm_test>${ports
    .map((p) => `<shard><replica><host>127.0.0.1</host><port>${p.tcp}</port></replica></shard>`)
    .join('')}</gtm_test></remote_servers>`;
  const servers: ClickHouseServer[] = [];
  try {
    for (const p of ports)
      servers.push(
        await startClickHouse({
          httpPort: p.http,
          tcpPort: p.tcp,
          extraConfig: remote,
          maxMemoryUsage: opts.maxMemoryUsage,
        }),
      );
  } catch (err) {
    // a server that did start must not outlive the failed cluster
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  return {
    urls: servers.map((s) => s.url),
    cluster: 'gtm_test',
    stop: async () => void (await Promise.all(servers.map((s) => s.stop()))),
  };
}

/**
 * config.xml of a server on loopback keeping everything under `dir`; `extra` (XML) goes inside the
 * root. `<yandex>` is the root element ClickHouse 18.16 expects; later versions still accept it.
 */
export function clickHouseConfigXml(dir: string, httpPort: number, tcpPort: number, extra = ''): string {
  return `<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <timezone>UTC</timezone>
  ${extra}
</yandex>
`;
}

/** users.xml: the `default` user without a password, its profile's settings as XML (`profile`). */
export function clickHouseUsersXml(profile = ''): string {
  return `<yandex>
  <profiles><default>${profile}</default></profiles>
  <users><default><password></password><networks><ip>::/0</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;
}

/**
 * One server. `maxMemoryUsage` (bytes) caps each query's memory (`max_memory_usage` of the default
 * profile): a query above it fails instead of growing the server on a shared machine.
 */
export async function startClickHouse(
  opts: { httpPort?: number; tcpPort?: number; extraConfig?: string; maxMemoryUsage?: number } = {},
): Promise<ClickHouseServer> {
  const command = findClickHouseServer();
  if (command === null) throw new Error('no clickhouse-server binary on PATH');
  const dir = await mkdtemp(join(tmpdir(), 'gtm-ch-'));
  const [httpPort, tcpPort] = [opts.httpPort ?? (await freePort()), opts.tcpPort ?? (await freePort())];
  await writeFile(join(dir, 'config.xml'), clickHouseConfigXml(dir, httpPort, tcpPort, opts.extraConfig));
  await writeFile(
    join(dir, 'users.xml'),
    clickHouseUsersXml(
      opts.maxMemoryUsage ? `<max_memory_usage>${Math.floor(opts.maxMemoryUsage)}</max_memory_usage>` : '',
    ),
  );
  const child: ChildProcess = spawn(
    command[0],
    [...command.slice(1), `--config-file=${join(dir, 'config.xml')}`],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${url}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`clickhouse-server did not start: ${stderr}`);
}
