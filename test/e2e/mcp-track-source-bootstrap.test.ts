/**
 * track-source's attribution stage under `gtm mcp`, with a data-driven model and a long bootstrap
 * (attribution.bootstrap of gtm.yaml): the server answers while the resamples run, and a cancel
 * stops them within moments (the plan ends interrupted), where before the stage held the server
 * until its last resample.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/gtm.js');
let demo: DemoWorkspace;
let client: Client;
let serverStderr = '';

beforeAll(async () => {
  demo = await makeDemoWorkspace();
  const config = path.join(demo.dir, 'gtm.yaml');
  const yaml = readFileSync(config, 'utf8');
  // markov with 100,000 resamples: minutes of JavaScript in the attribution stage
  const edited = yaml.replace(/^attribution:\n {2}model: linear\n(.*\n)? {2}bootstrap: 100\n/m, (block) =>
    block.replace('model: linear', 'model: markov').replace('bootstrap: 100', 'bootstrap: 100000'),
  );
  expect(edited).not.toBe(yaml);
  writeFileSync(config, edited);
  client = new Client({ name: 'gtm-test', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--workspace', demo.dir],
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
  await demo?.remove();
});

describe('gtm mcp: track-source with a long bootstrap', () => {
  it('answers while the attribution stage resamples, and a cancel stops it at once', async () => {
    const plansDir = path.join(demo.dir, '.claude/plans');
    // a fresh demo has run nothing: its first plan is this call's
    const plans = () => (existsSync(plansDir) ? readdirSync(plansDir) : []);
    const plansBefore = new Set(plans());
    const cancel = new AbortController();
    let attributing!: () => void;
    const inStage = new Promise<void>((resolve) => (attributing = resolve));
    const call = client.callTool(
      { name: 'track-source', arguments: { campaign: 'AI Launch Tour', as_of: DEMO_AS_OF } },
      undefined,
      {
        signal: cancel.signal,
        timeout: 600_000,
        onprogress: (p) => {
          if (/attributing with markov/.test(String(p.message))) attributing();
        },
      },
    );
    call.catch(() => undefined);
    await inStage;
    await new Promise((r) => setTimeout(r, 1000));
    const pinged = Date.now();
    await client.ping({ timeout: 5_000 });
    expect(Date.now() - pinged).toBeLessThan(2_000);
    const cancelledAt = Date.now();
    cancel.abort('the agent gave up');
    await expect(call).rejects.toThrow(/gave up/);
    const said = /gtm mcp: track-source cancelled by the client; its run stopped after/;
    while (!said.test(serverStderr) && Date.now() - cancelledAt < 10_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(serverStderr).toMatch(said);
    expect(Date.now() - cancelledAt).toBeLessThan(3_000);
    let status: string | undefined;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const added = plans().filter((f) => /^plan-.*\.json$/.test(f) && !plansBefore.has(f));
      status = added.length
        ? (JSON.parse(readFileSync(path.join(plansDir, added[0]), 'utf8')) as { status: string }).status
        : undefined;
      if (status && status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('interrupted');
  }, 180_000);
});
