/**
 * `gtm mcp` driven by the MCP SDK's own client over stdio, as an agent would: list the tools and
 * validate every input schema, run track-source on the demo workspace and compare its structured
 * result with the CLI's result.json, get progress notifications, and get tool errors (not a crashed
 * server) for bad arguments.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { DEMO_AS_OF, makeDemoWorkspace, USAGE_LINE, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/gtm.js');
let demo: DemoWorkspace;
let client: Client;
/** What the server printed on stderr, and how it ended if it did: said when a call fails. */
let serverStderr = '';
let serverEnd: string | undefined;

beforeAll(async () => {
  demo = await makeDemoWorkspace();
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
  const child = (transport as unknown as { _process?: ChildProcess })._process;
  child?.on('exit', (code, signal) => (serverEnd = `exit code ${code}, signal ${signal}`));
}, 120_000);
afterAll(async () => {
  await client?.close();
  await demo?.remove();
});

/** A tool call that, when it throws (the server went away), says what the server printed and how it ended. */
async function call(...args: Parameters<Client['callTool']>): ReturnType<Client['callTool']> {
  try {
    return await client.callTool(...args);
  } catch (err) {
    await new Promise((r) => setTimeout(r, 200));
    throw new Error(
      `${String(err)}; server ${serverEnd ?? 'still running'}; its stderr ended with:\n${serverStderr.slice(-4000)}`,
    );
  }
}

/** Numbers of a result, without what differs between two runs (ids, paths, alert times and history). */
function numbers(r: TrackSourceResult) {
  const { run_id: _a, plan_path: _b, reports_dir: _c, alerts, escalations: _e, rejects, ...rest } = r;
  return {
    ...rest,
    alerts: alerts.map(({ id, value, threshold }) => ({ id, value, threshold })),
    rejects: rejects.rows,
  };
}

describe('gtm mcp', () => {
  it('lists one tool per command, and the readout, attribution, validation and plans tools, with valid schemas', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'track-source',
        'define-events',
        'attribute',
        'experiment-readout',
        'events-validate',
        'plans-list',
        'plans-show',
        'plans-diff',
      ]),
    );
    const ajv = new Ajv({ strict: false });
    for (const t of tools) {
      expect(() => ajv.compile(t.inputSchema), t.name).not.toThrow();
      expect((t.description ?? '').length, t.name).toBeGreaterThan(20);
    }
    const ts = tools.find((t) => t.name === 'track-source')!;
    expect(ts.inputSchema.required).toEqual(['campaign']);
    expect((ts.inputSchema.properties as Record<string, { enum?: string[] }>).detail.enum).toEqual([
      'summary',
      'full',
    ]);
  });

  it('runs track-source with progress, and returns the same numbers as the CLI', async () => {
    const progress: string[] = [];
    const res = await call(
      {
        name: 'track-source',
        arguments: { campaign: 'AI Launch Tour', window: '30d', detail: 'full', as_of: DEMO_AS_OF },
      },
      undefined,
      { onprogress: (p) => progress.push(String(p.message)), timeout: 300_000 },
    );
    expect(res.isError).toBeFalsy();
    const structured = res.structuredContent as unknown as TrackSourceResult;
    const text = (res.content as { type: string; text: string }[])[0].text;
    expect(text).toMatch(/Dashboard: .*dashboard\.html/);
    expect(text).toMatch(/Plan: +.*plan-.*\.json/);
    const onDisk = JSON.parse(
      readFileSync(path.join(demo.dir, structured.reports_dir, 'result.json'), 'utf8'),
    );
    expect(structured).toEqual(onDisk);
    const cli = await runCli(['run', USAGE_LINE, '--as-of', DEMO_AS_OF, '--json'], { cwd: demo.dir });
    expect(numbers(structured)).toEqual(numbers(cli.json<TrackSourceResult>()));
    expect(progress.length).toBeGreaterThan(3);
    // the README's abridged call numbers its notifications as this one does (it said 9 and 15 after
    // each gather's "reading" line was added: 17 and 26)
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const line = /<- notifications\/progress +(.*)/.exec(readme)?.[1] ?? '';
    const quoted = [...line.matchAll(/(\d+) "([^"]+)"/g)].map((m) => [Number(m[1]), m[2]] as const);
    expect(quoted.length).toBe(3);
    for (const [n, message] of quoted) expect(progress[n - 1], `progress ${n}`).toBe(message);
  }, 300_000);

  it('answers bad arguments with a tool error carrying gtm’s one line, and keeps serving', async () => {
    const bad = await call({
      name: 'track-source',
      arguments: { campaign: 'AI Launch Tour', window: 'fortnight' },
    });
    expect(bad.isError).toBe(true);
    expect((bad.content as { text: string }[])[0].text).toMatch(
      /^error\[USAGE\] window: unknown window "fortnight" — /,
    );
    const unknown = await call({ name: 'track-source', arguments: { campagin: 'x' } });
    expect((unknown.content as { text: string }[])[0].text).toMatch(
      /^error\[USAGE\] campagin: unknown argument campagin — did you mean campaign\? see the tool's input schema/,
    );
    // the as-of line is the command line's, in the tool's terms (it read "— use YYYY-MM-DD …",
    // without the example, while the CLI said "; use YYYY-MM-DD … — e.g. --as-of 2026-11-15")
    const asOf = await call({
      name: 'track-source',
      arguments: { campaign: 'AI Launch Tour', as_of: '2026-02-30' },
    });
    const cliAsOf = await runCli(['track-source', '--campaign', 'AI Launch Tour', '--as-of', '2026-02-30'], {
      cwd: demo.dir,
    });
    expect(cliAsOf.stderrLines[0]).toBe(
      'error[USAGE] --as-of: is not a date: "2026-02-30"; use YYYY-MM-DD or an ISO timestamp — e.g. --as-of 2026-11-15',
    );
    expect(asOf.isError).toBe(true);
    expect((asOf.content as { text: string }[])[0].text).toBe(
      'error[USAGE] as_of: is not a date: "2026-02-30"; use YYYY-MM-DD or an ISO timestamp — e.g. as_of: "2026-11-15"',
    );
    const list = await call({ name: 'plans-list', arguments: {} });
    expect(list.isError).toBeFalsy();
    expect(((list.structuredContent as { plans: unknown[] }).plans ?? []).length).toBeGreaterThan(0);
  }, 120_000);

  it('takes fail_on_escalation as the command line takes --fail-on-escalation: an escalation makes an error result, with the result', async () => {
    // the demo's personalization decisions lack consent: consent_violations escalates at once
    const args = { initiative: 'PLG Onboarding', window: '14d', as_of: DEMO_AS_OF };
    const res = await call(
      { name: 'monitor-personalization', arguments: { ...args, fail_on_escalation: true } },
      undefined,
      { timeout: 300_000 },
    );
    const text = (res.content as { text: string }[])[0].text;
    expect(res.isError).toBe(true);
    expect(text).toMatch(
      /^escalated \(fail_on_escalation; the command line exits 10\): consent_violations to /m,
    );
    expect((res.structuredContent as { escalations: unknown[] }).escalations.length).toBeGreaterThan(0);
    const cli = await runCli(
      [
        'monitor-personalization',
        '--initiative',
        'PLG Onboarding',
        '--as-of',
        DEMO_AS_OF,
        '--fail-on-escalation',
      ],
      { cwd: demo.dir },
    );
    expect(cli.code).toBe(10);
    const bad = await call({
      name: 'monitor-personalization',
      arguments: { ...args, fail_on_escalation: 'yes' },
    });
    expect((bad.content as { text: string }[])[0].text).toBe(
      'error[USAGE] fail_on_escalation: expects true or false, got "yes" — e.g. fail_on_escalation: true',
    );
  }, 300_000);

  it('stops the run of a call the client cancels (its timeout passed): no further stage, the plan says interrupted', async () => {
    const plansDir = path.join(demo.dir, '.claude/plans');
    const before = new Set(readdirSync(plansDir));
    const cancel = new AbortController();
    const progress: string[] = [];
    const cancelled = client.callTool(
      { name: 'track-source', arguments: { campaign: 'AI Launch Tour', as_of: DEMO_AS_OF } },
      undefined,
      {
        signal: cancel.signal,
        timeout: 300_000,
        // cancelled as the first stage starts: the SDK sends notifications/cancelled, as on a timeout
        onprogress: (p) => {
          progress.push(String(p.message));
          cancel.abort('the agent gave up');
        },
      },
    );
    await expect(cancelled).rejects.toThrow(/gave up/);
    // the run's plan file: it ends interrupted, with stages not run (it went on to the end before)
    let record: { command: string; status: string; stages: { tasks: { status: string }[] }[] } | undefined;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      // plan files only: a plan is written beside them first, under a temporary name
      const added = readdirSync(plansDir).filter((f) => /^plan-.*\.json$/.test(f) && !before.has(f));
      record = added.length
        ? (JSON.parse(readFileSync(path.join(plansDir, added[0]), 'utf8')) as typeof record)
        : undefined;
      if (record && record.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(progress.length).toBeGreaterThan(0);
    expect(record?.command).toBe('track-source');
    expect(record?.status).toBe('interrupted');
    expect(record!.stages.flatMap((st) => st.tasks).some((t) => t.status === 'skipped')).toBe(true);
    // the client sees no answer (MCP answers no cancelled request): the server's stderr says it
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;)
      if (/track-source cancelled/.test(serverStderr)) break;
      else await new Promise((r) => setTimeout(r, 100));
    expect(serverStderr).toMatch(
      /gtm mcp: track-source cancelled by the client; its run stopped after \d+(\.\d)? s\n/,
    );
    // and the server goes on serving
    const list = await call({ name: 'plans-list', arguments: {} });
    expect(list.isError).toBeFalsy();
  }, 180_000);
});
