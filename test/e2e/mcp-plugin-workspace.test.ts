/**
 * The plugins' .mcp.json, started as Claude Code starts it: its args with `${VAR:-default}`
 * expanded (Claude Code's expansion in .mcp.json), in the folder Claude Code was launched in. The
 * server serves the project the agent opened (CLAUDE_PROJECT_DIR), not the folder it happens to
 * be started in, and a host that does not expand the variable gets one line saying so.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/gtm.js');
const PLUGINS = [
  'partner-co-marketing-orchestration',
  'referral-program-orchestration',
  'analytics-pipeline-orchestration',
  'loyalty-lifecycle-orchestration',
  'personalization-engine',
];

type ServerEntry = { command: string; args: string[] };
const entryOf = (plugin: string): ServerEntry =>
  (
    JSON.parse(readFileSync(path.join(ROOT, 'agent-plugins', plugin, '.mcp.json'), 'utf8')) as {
      mcpServers: { gtm: ServerEntry };
    }
  ).mcpServers.gtm;

/** Claude Code's expansion of an .mcp.json value: `${VAR}` and `${VAR:-default}`; an unset `${VAR}` stays as written. */
const expand = (value: string, env: Record<string, string | undefined>): string =>
  value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, fallback?: string) =>
    env[name] !== undefined && env[name] !== '' ? env[name]! : (fallback ?? whole),
  );

let project: string;

beforeAll(() => {
  project = mkdtempSync(path.join(tmpdir(), 'gtm-mcp-plugin-'));
  writeFileSync(path.join(project, 'gtm.yaml'), 'workspace: mcp-plugin\n');
  writeFileSync(
    path.join(project, 'touches.csv'),
    'journey_id,ts,channel,converted\nj1,1,a,1\nj1,2,b,1\nj2,1,b,1\nj3,1,a,0\n',
  );
  // a folder of the project the user launched Claude Code in
  mkdirSync(path.join(project, 'notes'));
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Starts a plugin's server as Claude Code would (gtm on the PATH being this clone's bin), in `cwd`. */
async function startAsClaudeCode(plugin: string, cwd: string, projectDir: string | undefined) {
  const entry = entryOf(plugin);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), GTM_SNAPSHOT: 'never' };
  delete env.CLAUDE_PROJECT_DIR;
  if (projectDir !== undefined) env.CLAUDE_PROJECT_DIR = projectDir;
  expect(entry.command).toBe('gtm');
  const client = new Client({ name: 'claude-code-like', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, ...entry.args.map((a) => expand(a, env))],
      cwd,
      env,
      stderr: 'pipe',
    }),
  );
  return client;
}

const linearChannels = async (client: Client) => {
  const result = await client.callTool(
    { name: 'attribute', arguments: { touchpoints: 'touches.csv', model: 'linear' } },
    undefined,
    { timeout: 60_000 },
  );
  expect(result.content).toBeDefined();
  return result;
};

describe("the plugins' .mcp.json", () => {
  it('every plugin serves the project folder (--workspace ${CLAUDE_PROJECT_DIR:-.})', () => {
    for (const plugin of PLUGINS)
      expect(entryOf(plugin)).toEqual({
        command: 'gtm',
        args: ['mcp', '--workspace', '${CLAUDE_PROJECT_DIR:-.}'],
      });
  });

  it('started in a subfolder, serves the project Claude Code names (CLAUDE_PROJECT_DIR)', async () => {
    const client = await startAsClaudeCode(PLUGINS[0], path.join(project, 'notes'), project);
    try {
      const result = await linearChannels(client);
      expect(result.isError).toBeFalsy();
      // linear by hand: j1 (a > b) gives a and b half a conversion each, j2 gives b one
      expect((result.structuredContent as { channels: unknown }).channels).toEqual([
        { channel: 'b', conversions: 1.5, value: 0 },
        { channel: 'a', conversions: 0.5, value: 0 },
      ]);
      // confined to the project: a file beside it is refused
      const outside = await client.callTool(
        { name: 'attribute', arguments: { touchpoints: '../elsewhere.csv', model: 'linear' } },
        undefined,
        { timeout: 60_000 },
      );
      expect(outside.isError).toBe(true);
      expect((outside.content as { text: string }[])[0].text).toMatch(
        new RegExp(`^error\\[USAGE\\] touchpoints: .* is outside the workspace folder ${project}`),
      );
    } finally {
      await client.close();
    }
  }, 90_000);

  it('without CLAUDE_PROJECT_DIR, serves the folder it was started in', async () => {
    const client = await startAsClaudeCode(PLUGINS[1], project, undefined);
    try {
      expect((await linearChannels(client)).isError).toBeFalsy();
    } finally {
      await client.close();
    }
  }, 90_000);

  it('a host that passes the variable unexpanded gets one line naming --workspace, exit 2', () => {
    const run = spawnSync(process.execPath, [BIN, 'mcp', '--workspace', '${CLAUDE_PROJECT_DIR:-.}'], {
      cwd: project,
      input: '',
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^error\[USAGE\] --workspace: "\$\{CLAUDE_PROJECT_DIR:-\.\}" reached gtm as written: the agent host did not expand the variable — give the project folder itself/,
    );
  });
});
