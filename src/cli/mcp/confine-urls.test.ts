/**
 * The MCP tools' ClickHouse URLs: the workspace's (engine.url of gtm.yaml / gtm.clickhouse.yaml),
 * loopback, or what `gtm mcp --allow-clickhouse` gave; anything else is one USAGE line naming the
 * argument, without the URL's user and password.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GtmError } from '../../errors/index.ts';
import { confineUrls, isLoopback, originOf, workspaceClickHouseUrls } from './confine-urls.ts';

const ws = mkdtempSync(path.join(tmpdir(), 'gtm-mcp-urls-'));
writeFileSync(path.join(ws, 'gtm.yaml'), 'version: 1\n');
writeFileSync(
  path.join(ws, 'gtm.clickhouse.yaml'),
  'version: 1\nengine: { kind: clickhouse, url: "http://CH.corp.example:8123/" }\n',
);
const bare = mkdtempSync(path.join(tmpdir(), 'gtm-mcp-urls-bare-'));
writeFileSync(path.join(bare, 'gtm.yaml'), 'version: 1\n');
afterAll(() => {
  rmSync(ws, { recursive: true, force: true });
  rmSync(bare, { recursive: true, force: true });
});

const line = (f: () => void): string | null => {
  try {
    f();
    return null;
  } catch (err) {
    return err instanceof GtmError ? err.oneLine() : String(err);
  }
};
const call = (clickhouse: unknown, workspace = ws, allow: string[] = []) =>
  line(() => confineUrls({ clickhouse }, ['clickhouse'], { workspace, allow }));

describe('MCP ClickHouse URLs', () => {
  it('reads the workspace configs and compares origins', () => {
    expect(workspaceClickHouseUrls(ws)).toEqual(['http://CH.corp.example:8123/']);
    expect(workspaceClickHouseUrls(bare)).toEqual([]);
    expect(originOf('http://CH.corp.example:8123/x?y')).toBe('http://ch.corp.example:8123');
    expect(originOf('https://u:p@h')).toBe('https://h:443');
    expect(originOf('ftp://h')).toBeNull();
    expect(originOf('not a url')).toBeNull();
    for (const u of [
      'http://localhost:8123',
      'http://127.0.0.1:8123',
      'http://127.5.6.7',
      'http://[::1]:8123',
    ])
      expect(isLoopback(u), u).toBe(true);
    for (const u of [
      'http://10.0.0.5:8123',
      'http://169.254.169.254',
      'http://localhost.evil.com',
      'http://0.0.0.0',
    ])
      expect(isLoopback(u), u).toBe(false);
  });

  it("allows the workspace's server, by origin, and loopback", () => {
    expect(call('http://ch.corp.example:8123')).toBeNull();
    expect(call('http://ch.corp.example:8123/?database=gtm')).toBeNull();
    expect(call('http://127.0.0.1:8123')).toBeNull();
    expect(call('http://localhost:9000', bare)).toBeNull();
    expect(call(undefined)).toBeNull();
  });

  it('refuses any other host or port with one line naming the argument, not the credentials', () => {
    expect(call('http://admin:s3cret@169.254.169.254/latest')).toBe(
      "error[USAGE] clickhouse: http://169.254.169.254:80 is not a ClickHouse server of this workspace — MCP tools connect only to the engine.url of gtm.yaml or gtm.clickhouse.yaml (the workspace's http://ch.corp.example:8123) or to this machine (localhost, 127.0.0.1, ::1); to allow another server, start it with gtm mcp --allow-clickhouse URL",
    );
    expect(call('http://ch.corp.example:9000')).toMatch(
      /^error\[USAGE\] clickhouse: http:\/\/ch\.corp\.example:9000 is not/,
    );
    expect(call('https://ch.corp.example:8123')).toMatch(/is not a ClickHouse server of this workspace/);
    expect(call('http://10.0.0.5:8123', bare)).toMatch(/\(none in the workspace\)/);
    // a list argument: each item
    expect(call(['http://127.0.0.1:8123', 'http://10.0.0.5:8123'])).toMatch(/10\.0\.0\.5:8123 is not/);
  });

  it('checks the argument in every spelling the commands accept (ClickHouse, CLICKHOUSE)', () => {
    const policy = { workspace: ws, allow: [] };
    expect(line(() => confineUrls({ ClickHouse: 'http://10.0.0.5:8123' }, ['clickhouse'], policy))).toMatch(
      /^error\[USAGE\] ClickHouse: http:\/\/10\.0\.0\.5:8123 is not a ClickHouse server/,
    );
    expect(line(() => confineUrls({ CLICKHOUSE: 'http://10.0.0.5:8123' }, ['clickhouse'], policy))).toMatch(
      /is not a ClickHouse server/,
    );
  });

  it('refuses what is no http(s) URL with its credentials masked', () => {
    expect(call('clickhouse://default:s3cret@10.0.0.5:9000')).toBe(
      'error[USAGE] clickhouse: must be an http:// or https:// URL with a host, got "clickhouse://default:***@10.0.0.5:9000" — e.g. clickhouse: "http://127.0.0.1:8123"',
    );
    expect(call('http://default:s3cret@[10.0.0.5')).toMatch(/got "http:\/\/default:\*\*\*@\[10\.0\.0\.5"/);
    expect(call('default:s3cret@10.0.0.5:9000')).toMatch(/got "\*\*\*@10\.0\.0\.5:9000"/);
  });

  it('allows what the server was started with (--allow-clickhouse), * for any', () => {
    expect(call('http://10.0.0.5:8123', ws, ['http://10.0.0.5:8123/'])).toBeNull();
    expect(call('http://10.0.0.6:8123', ws, ['http://10.0.0.5:8123'])).toMatch(/is not/);
    expect(call('http://anything.example', ws, ['*'])).toBeNull();
  });
});
