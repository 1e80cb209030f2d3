/**
 * `gtm mcp` (from source, over stdio) lets the tools' ClickHouse URLs reach only the workspace's
 * servers (engine.url of gtm.yaml / gtm.clickhouse.yaml) and this machine, unless the server was
 * started with --allow-clickhouse: an agent's call with `clickhouse: http://169.254.169.254` (a
 * cloud metadata endpoint) or an internal host is one USAGE line naming the argument, sent nowhere.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../helpers/fixture-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

let fx: FixtureDir;
beforeAll(async () => {
  fx = await makeFixtureDir({
    'ws/gtm.yaml': 'version: 1\n',
    'ws/gtm.clickhouse.yaml':
      'version: 1\nengine: { kind: clickhouse, url: "http://ch.corp.example:8123" }\n',
  });
});
afterAll(() => fx?.remove());

interface Reply {
  id?: number;
  result?: { content: { text: string }[]; isError?: boolean };
}

/** Sends the tool calls to `gtm mcp --workspace ws [extra]` and returns its replies by request id. */
function serve(calls: { name: string; arguments: Record<string, unknown> }[], extra: string[] = []) {
  const lines = [
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    ...calls.map((params, i) => ({ jsonrpc: '2.0', id: 10 + i, method: 'tools/call', params })),
  ];
  return new Promise<Map<number, Reply>>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { main } from ${JSON.stringify(MAIN)}; process.exitCode = await main(process.argv.slice(1));`,
        'mcp',
        '--workspace',
        fx.path('ws'),
        ...extra,
      ],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, GTM_SNAPSHOT: 'never' } },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.on('error', reject);
    child.on('close', () => {
      const replies = stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Reply);
      resolve(new Map(replies.filter((r) => r.id !== undefined).map((r) => [r.id!, r])));
    });
    child.stdin.end(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  });
}

const HINT =
  "MCP tools connect only to the engine.url of gtm.yaml or gtm.clickhouse.yaml (the workspace's http://ch.corp.example:8123) or to this machine (localhost, 127.0.0.1, ::1); to allow another server, start it with gtm mcp --allow-clickhouse URL";

describe('gtm mcp ClickHouse URLs', () => {
  it('refuses a server that is neither the workspace’s nor this machine’s, naming the argument', async () => {
    const replies = await serve([
      {
        name: 'attribute',
        arguments: { touchpoints: 'gtm.touches', clickhouse: 'http://user:pw@169.254.169.254/latest' },
      },
      { name: 'experiment-readout', arguments: { exposures: 'gtm.exp', clickhouse: 'http://10.0.0.5:8123' } },
    ]);
    expect(replies.get(10)?.result).toMatchObject({ isError: true });
    expect(replies.get(10)?.result?.content[0].text).toBe(
      `error[USAGE] clickhouse: http://169.254.169.254:80 is not a ClickHouse server of this workspace — ${HINT}`,
    );
    expect(replies.get(11)?.result?.content[0].text).toBe(
      `error[USAGE] clickhouse: http://10.0.0.5:8123 is not a ClickHouse server of this workspace — ${HINT}`,
    );
  }, 60_000);

  it('lets the server allow another (--allow-clickhouse): the call goes on to the command', async () => {
    // the command then fails on its own (no --touchpoints with --clickhouse), before any connection
    const replies = await serve(
      [
        { name: 'attribute', arguments: { paths: 'paths.csv', clickhouse: 'http://10.0.0.5:8123' } },
        { name: 'attribute', arguments: { paths: 'paths.csv', clickhouse: 'http://10.0.0.6:8123' } },
      ],
      ['--allow-clickhouse', 'http://10.0.0.5:8123'],
    );
    expect(replies.get(10)?.result?.content[0].text).toMatch(/^error\[USAGE\]/);
    expect(replies.get(10)?.result?.content[0].text).not.toMatch(/is not a ClickHouse server/);
    expect(replies.get(11)?.result?.content[0].text).toMatch(/10\.0\.0\.6:8123 is not a ClickHouse server/);
  }, 60_000);
});
