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
  // a path summary whose Shapley bootstrap (100,000 resamples) runs for minutes in JavaScript
  const channels = ['email', 'search', 'social', 'display', 'partner', 'direct'];
  const lines = ['path;total_conversions;total_conversion_value;total_null'];
  // about 5,000 distinct paths (an LCG's draws): the bootstrap resamples rows of distinct paths
  let x = 1;
  const draw = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n);
  for (let i = 0; i < 20_000; i++) {
    const path = Array.from({ length: 1 + draw(5) }, () => channels[draw(6)]);
    lines.push(`${path.join(' > ')};${draw(4)};${draw(400)};${draw(11)}`);
  }
  writeFileSync(path.join(dir, 'paths.csv'), `${lines.join('\n')}\n`);
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

  it('answers while a bootstrap runs in JavaScript, and stops it within a moment of the cancel', async () => {
    const cancel = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const call = client.callTool(
      { name: 'attribute', arguments: { paths: 'paths.csv', model: 'shapley', bootstrap: 100_000 } },
      undefined,
      { signal: cancel.signal, timeout: 600_000, onprogress: () => started() },
    );
    call.catch(() => undefined);
    await running;
    // well into the resamples (the file is read and the model run in well under a second)
    await new Promise((r) => setTimeout(r, 1500));
    // the server answers meanwhile: before, it answered only when the last resample ended (minutes)
    const pinged = Date.now();
    await client.ping({ timeout: 5_000 });
    expect(Date.now() - pinged).toBeLessThan(2_000);
    const before = serverStderr.length;
    const cancelledAt = Date.now();
    cancel.abort('the agent gave up');
    await expect(call).rejects.toThrow(/gave up/);
    while (
      !/attribute cancelled by the client/.test(serverStderr.slice(before)) &&
      Date.now() - cancelledAt < 10_000
    )
      await new Promise((r) => setTimeout(r, 20));
    // the run stopped within a slice of the cancel, not after its 100,000 resamples
    expect(serverStderr.slice(before)).toMatch(
      /gtm mcp: attribute cancelled by the client; its run stopped after/,
    );
    expect(Date.now() - cancelledAt).toBeLessThan(3_000);
    const again = await client.callTool(
      { name: 'attribute', arguments: { touchpoints: 'touches.csv', model: 'linear' } },
      undefined,
      { timeout: 60_000 },
    );
    expect(again.isError).toBeFalsy();
  }, 120_000);
});
