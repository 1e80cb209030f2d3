/**
 * `gtm mcp`'s tools that run a CLI command in-process (attribute here; experiment-readout and
 * events-validate go the same way), driven by the MCP SDK's client over stdio: a call with a
 * progress token gets progress, a call the client cancels stops its run (the server's stderr says
 * so; the SDK answers no cancelled request) and the server goes on serving.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../src/data/duckdb-api.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/gtm.js');
let dir: string;
let client: Client;
let serverStderr = '';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gtm-mcp-cli-'));
  writeFileSync(path.join(dir, 'gtm.yaml'), 'workspace: mcp-cli-tools\n');
  // three journeys: a > b converts, b converts, a does not
  writeFileSync(
    path.join(dir, 'touches.csv'),
    'journey_id,ts,channel,converted\nj1,1,a,1\nj1,2,b,1\nj2,1,b,1\nj3,1,a,0\n',
  );
  // a touch log large enough that its run is still going when the cancellation arrives
  const engine = await openDuckDb({ threads: 1 });
  try {
    await engine.exec(
      `COPY (SELECT i // 4 AS journey_id, i AS ts, 'ch' || (hash(i) % 12) AS channel,
                    CASE WHEN (i // 4) % 10 = 0 THEN 1 ELSE 0 END AS converted
             FROM range(2000000) t(i)) TO '${path.join(dir, 'large.parquet')}'`,
    );
  } finally {
    await engine.close();
  }
  client = new Client({ name: 'gtm-test', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--workspace', dir],
    env: { ...(process.env as Record<string, string>), GTM_SNAPSHOT: 'never' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    serverStderr = (serverStderr + chunk.toString()).slice(-20_000);
  });
  await client.connect(transport);
}, 120_000);
afterAll(async () => {
  await client?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gtm mcp: attribute (an in-process CLI tool)', () => {
  it('sends progress to a call with a progress token, and its result', async () => {
    const progress: string[] = [];
    const result = await client.callTool(
      { name: 'attribute', arguments: { touchpoints: 'touches.csv', model: 'linear' } },
      undefined,
      { onprogress: (p) => void progress.push(String(p.message)), timeout: 60_000 },
    );
    expect(progress[0]).toBe('attribute…');
    expect(result.isError).toBeFalsy();
    // linear by hand: j1 (a > b) gives a and b half a conversion each, j2 gives b one
    expect((result.structuredContent as { channels: unknown }).channels).toEqual([
      { channel: 'b', conversions: 1.5, value: 0 },
      { channel: 'a', conversions: 0.5, value: 0 },
    ]);
  }, 60_000);

  it('stops the run of a call the client cancels, and goes on serving', async () => {
    const cancel = new AbortController();
    const cancelled = client.callTool(
      { name: 'attribute', arguments: { touchpoints: 'large.parquet', model: 'markov', bootstrap: 50 } },
      undefined,
      {
        signal: cancel.signal,
        timeout: 300_000,
        // the client gives up at the first progress: the SDK sends notifications/cancelled
        onprogress: () => cancel.abort('the agent gave up'),
      },
    );
    await expect(cancelled).rejects.toThrow(/gave up/);
    const deadline = Date.now() + 60_000;
    while (!/attribute cancelled by the client/.test(serverStderr) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(serverStderr).toMatch(
      /gtm mcp: attribute cancelled by the client; its run stopped after \d+(\.\d)? s/,
    );
    // the server answers the next call in full
    const again = await client.callTool(
      { name: 'attribute', arguments: { touchpoints: 'touches.csv', model: 'linear' } },
      undefined,
      { timeout: 60_000 },
    );
    expect(again.isError).toBeFalsy();
    expect(
      (again.structuredContent as { channels: { channel: string }[] }).channels.map((c) => c.channel),
    ).toEqual(['b', 'a']);
  }, 120_000);
});
