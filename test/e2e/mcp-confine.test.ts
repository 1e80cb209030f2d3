/**
 * `gtm mcp` (from source, over stdio) keeps file arguments inside its workspace: the review's call
 * (attribute on a CSV outside the workspace, its columns chosen so that the error line quotes a
 * password cell) is refused with one line naming the argument and quoting nothing of the file; the
 * same call on a file inside the workspace runs.
 */
import { spawn } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../helpers/fixture-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

let fx: FixtureDir;
beforeAll(async () => {
  fx = await makeFixtureDir({
    'ws/gtm.yaml': 'version: 1\n',
    'ws/paths.csv': 'path,total_conversions,total_non_conversions\nemail > search,3,1\nsearch,1,2\n',
    'secret.csv': 'password,token\nhunter2,abc\n',
  });
  await symlink(fx.path('secret.csv'), fx.path('ws/innocent.csv'));
});
afterAll(() => fx?.remove());

interface Reply {
  id?: number;
  result?: { content: { text: string }[]; isError?: boolean; structuredContent?: Record<string, unknown> };
}

/** Sends the calls to `gtm mcp --workspace ws` and returns its replies by request id. */
function serve(calls: Record<string, unknown>[]): Promise<Map<number, Reply>> {
  const lines = [
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    ...calls.map((args, i) => ({
      jsonrpc: '2.0',
      id: 10 + i,
      method: 'tools/call',
      params: { name: 'attribute', arguments: args },
    })),
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

describe('gtm mcp file arguments', () => {
  it('refuses a file outside the workspace (given directly or through a link) without quoting it; runs one inside', async () => {
    const probe = { model: 'linear', path_column: 'password', conversions_column: 'token' };
    const replies = await serve([
      { paths: fx.path('secret.csv'), ...probe },
      { paths: '../secret.csv', ...probe },
      { paths: 'innocent.csv', ...probe },
      { touchpoints: '../*.csv', model: 'linear' },
      { paths: 'paths.csv', model: 'linear' },
    ]);
    const text = (id: number) => replies.get(id)?.result?.content[0].text ?? '';
    for (const id of [10, 11, 12, 13]) {
      expect(replies.get(id)?.result?.isError, text(id)).toBe(true);
      expect(text(id)).not.toMatch(/hunter2|abc/);
    }
    expect(text(10)).toBe(
      `error[USAGE] paths: ${fx.path('secret.csv')} is outside the workspace folder ${fx.path('ws')} — MCP tools read files only inside the workspace (gtm mcp --workspace DIR): copy the file into it, or serve the folder that holds it`,
    );
    expect(text(11)).toMatch(/^error\[USAGE\] paths: \.\.\/secret\.csv is outside the workspace folder /);
    expect(text(12)).toMatch(
      /^error\[USAGE\] paths: innocent\.csv is a link that leads outside the workspace folder /,
    );
    expect(text(13)).toMatch(/^error\[USAGE\] touchpoints: \.\.\/\*\.csv holds a \.\. segment in a glob/);
    expect(replies.get(14)?.result?.isError, text(14)).toBe(false);
    expect(replies.get(14)?.result?.structuredContent).toMatchObject({ model: 'linear' });
  }, 120_000);
});
