/**
 * `gtm mcp` (from source, over stdio): a tool argument is the argument in every spelling the
 * commands accept, and nothing but the tool's arguments reaches the command line. Before, the
 * file check looked at `paths` alone while the commands also read `PATHS` and `Paths` (flag names
 * are matched case- and dash-insensitively), so an agent read a file outside the workspace, cell
 * by cell in the error lines; and the in-process tools (attribute, events-validate, plans-*) passed
 * any other key on as a flag (`config` read a config outside the workspace) and a plan reference
 * starting with `-` as one (`plan: "--config=…"`).
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
    'ws/gtm.yaml': 'version: 1\nsources: []\n',
    'ws/paths.csv': 'path,total_conversions,total_non_conversions\nemail > search,3,1\nsearch,1,2\n',
    'secret.csv': 'password,token\nhunter2,abc\n',
    'secret-paths.csv': 'path,total_conversions,total_non_conversions\nhunter2 > email,3,1\n',
    'other.yaml': 'version: 1\nengine: { kind: "tok_hunter2" }\n',
  });
});
afterAll(() => fx?.remove());

interface Reply {
  id?: number;
  result?: { content: { text: string }[]; isError?: boolean; structuredContent?: Record<string, unknown> };
}

/** Sends the calls to `gtm mcp --workspace ws` and returns its replies by request id (10, 11, …). */
function serve(calls: { name: string; arguments: Record<string, unknown> }[]): Promise<Map<number, Reply>> {
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
  return new Promise((resolve, reject) => {
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

const text = (r: Reply | undefined) => r?.result?.content.map((c) => c.text).join('\n') ?? '';

describe('gtm mcp argument names', () => {
  it('checks a file argument in any case, and passes nothing but the tool arguments on', async () => {
    const outside = 'is outside the workspace folder .* — MCP tools read files only inside the workspace';
    const replies = await serve([
      // 10, 11: the file argument in another case, columns chosen so that the error quotes a cell
      {
        name: 'attribute',
        arguments: {
          PATHS: fx.path('secret.csv'),
          model: 'linear',
          path_column: 'password',
          conversions_column: 'token',
        },
      },
      { name: 'attribute', arguments: { Paths: fx.path('secret-paths.csv'), model: 'linear' } },
      // 12: a plan command's file argument
      { name: 'define-events', arguments: { use_case: ['activation'], Payloads: fx.path('secret.csv') } },
      // 13, 14: a global flag of the command line given as an argument, or inside a plan reference
      { name: 'plans-list', arguments: { config: fx.path('other.yaml') } },
      { name: 'plans-show', arguments: { plan: `--config=${fx.path('other.yaml')}` } },
      // 15: another spelling of the tool's own arguments still runs
      { name: 'attribute', arguments: { paths: 'paths.csv', Model: 'linear', 'per-path': true } },
    ]);
    for (const [id, arg] of [
      [10, 'PATHS'],
      [11, 'Paths'],
      [12, 'Payloads'],
    ] as const) {
      expect(replies.get(id)?.result?.isError, `${id}`).toBe(true);
      expect(text(replies.get(id)), `${id}`).toMatch(new RegExp(`^error\\[USAGE\\] ${arg}: .*${outside}`));
    }
    expect(text(replies.get(13))).toBe(
      "error[USAGE] config: unknown argument config — see the tool's input schema (tools/list)",
    );
    expect(replies.get(13)?.result?.isError).toBe(true);
    expect(text(replies.get(14))).toMatch(
      /^error\[USAGE\] plan: "--config=.*other\.yaml" starts with "-", which would be read as a flag — give a plan id, latest, latest~N or a plan file/,
    );
    expect(replies.get(14)?.result?.isError).toBe(true);
    for (const id of [10, 11, 12, 13, 14]) {
      expect(text(replies.get(id)), `${id}`).not.toMatch(/hunter2|"abc"|password,token|other\.yaml:/);
      expect(JSON.stringify(replies.get(id)?.result?.structuredContent ?? {})).not.toMatch(/hunter2/);
    }
    const ran = replies.get(15)?.result;
    expect(ran?.isError, text(replies.get(15))).toBe(false);
    expect(JSON.stringify(ran?.structuredContent)).toMatch(/"search"/);
  }, 60_000);
});
