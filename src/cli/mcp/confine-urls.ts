/**
 * The MCP tools' server URLs (`attribute --clickhouse`, `experiment-readout --clickhouse`) reach only
 * the ClickHouse servers of the workspace or of this machine. An agent chooses every argument of a
 * tool call: a URL of its choosing would make gtm send queries, with the tables the agent names,
 * to any host gtm can reach (a server on the internal network, a metadata endpoint), and quote the
 * answers back in its error lines. Allowed: the `engine.url` of the workspace's gtm.yaml and
 * gtm.clickhouse.yaml (`gtm engine load` writes it), loopback hosts (localhost, 127.0.0.0/8, ::1),
 * and what the server was started with (`gtm mcp --allow-clickhouse URL[,URL…]`, `*` for any).
 * URLs are compared by origin: scheme, host and port (the default port of the scheme when none).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { canonicalFlag } from '../../commands/kit/flag-spec.ts';
import { usageError } from '../../errors/index.ts';
import { quotedUrl } from '../commands/url-flag-check.ts';

/** The workspace configs whose ClickHouse URL the tools may use. */
export const WORKSPACE_CONFIGS = ['gtm.yaml', 'gtm.clickhouse.yaml'] as const;

/** `scheme://host:port` of a URL (lower case, the scheme's default port filled in), or null. */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.protocol}//${u.hostname.toLowerCase()}:${port}`;
}

/** Whether a URL's host is this machine: localhost, 127.0.0.0/8 or ::1 (literally; no DNS lookup). */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url.trim()).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '[::1]' ||
    host === '[0:0:0:0:0:0:0:1]'
  );
}

/** A config larger than this is not read for its URL (gtm.yaml files are a few KB). */
const MAX_CONFIG_BYTES = 1 << 20;

/**
 * The ClickHouse URLs configured in the workspace: `engine.url` of `WORKSPACE_CONFIGS` with
 * `engine.kind: clickhouse`, read from the YAML alone (a config whose other keys are invalid still
 * names its server; one that is no YAML names none).
 */
export function workspaceClickHouseUrls(workspace: string): string[] {
  const urls: string[] = [];
  for (const file of WORKSPACE_CONFIGS) {
    const p = path.join(workspace, file);
    try {
      if (!existsSync(p) || statSync(p).size > MAX_CONFIG_BYTES) continue;
      const doc = parse(readFileSync(p, 'utf8'), { maxAliasCount: 0 }) as {
        engine?: { kind?: unknown; url?: unknown };
      } | null;
      if (doc?.engine?.kind === 'clickhouse' && typeof doc.engine.url === 'string') urls.push(doc.engine.url);
    } catch {
      // not YAML: it names no server
    }
  }
  return urls;
}

/** What the server allows besides loopback: the workspace's URLs, and its `--allow-clickhouse` list. */
export interface UrlPolicy {
  readonly workspace: string;
  /** `gtm mcp --allow-clickhouse`: URLs (compared by origin), or `*` for any host. */
  readonly allow: readonly string[];
}

/**
 * Refuses (USAGE, naming the argument) a URL argument whose origin is neither loopback, nor a
 * workspace config's ClickHouse URL, nor one the server was started with; `urlArgs` are the call's
 * argument names that take one (a list argument: each item).
 *
 * @example
 * confineUrls({ clickhouse: 'http://10.0.0.5:8123' }, ['clickhouse'], { workspace: '/srv/ws', allow: [] });
 * // throws error[USAGE] clickhouse: http://10.0.0.5:8123 is not a ClickHouse server of this workspace …
 */
export function confineUrls(
  args: Record<string, unknown>,
  urlArgs: readonly string[],
  policy: UrlPolicy,
): void {
  // every spelling the commands accept (`ClickHouse` is `clickhouse`), named as the call wrote it
  const values = Object.entries(args)
    .filter(([key]) => urlArgs.includes(canonicalFlag(key)))
    .flatMap(([name, v]) =>
      (Array.isArray(v) ? v : [v])
        .filter((x): x is string => typeof x === 'string' && x !== '')
        .flatMap((x) => x.split(',').map((u) => [name, u.trim()] as const)),
    );
  if (!values.length || policy.allow.includes('*')) return;
  const configured = workspaceClickHouseUrls(policy.workspace);
  const allowed = new Set(
    [...configured, ...policy.allow].map(originOf).filter((o): o is string => o !== null),
  );
  for (const [name, url] of values) {
    const origin = originOf(url);
    if (origin === null)
      // quoted with its secrets masked (the user's password of clickhouse://user:pw@host)
      throw usageError(
        `must be an http:// or https:// URL with a host, got ${quotedUrl(url.includes('://') ? url : url.replace(/^[^@/]*@/, '***@'))}`,
        name,
        `e.g. ${name}: "http://127.0.0.1:8123"`,
      );
    if (isLoopback(url) || allowed.has(origin)) continue;
    // named by its origin: a user and password in the URL are not repeated
    const known = configured.length
      ? `the workspace's ${configured.map((u) => originOf(u) ?? u).join(', ')}`
      : 'none in the workspace';
    throw usageError(
      `${origin} is not a ClickHouse server of this workspace`,
      name,
      `MCP tools connect only to the engine.url of ${WORKSPACE_CONFIGS.join(' or ')} (${known}) or to this machine (localhost, 127.0.0.1, ::1); to allow another server, start it with gtm mcp --allow-clickhouse URL`,
    );
  }
}
