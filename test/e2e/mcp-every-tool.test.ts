/**
 * `gtm mcp` as an agent uses it, on the demo workspace, for every tool: a call with a progress
 * token gets progress and a result whose structured content is the run's result.json (the five
 * commands) or the command's JSON; a call cancelled at its first progress notification stops (the
 * server's stderr says so; a command's plan ends interrupted) and the server goes on serving.
 * Numbers of the in-process tools checked by hand here (attribute: linear credit; experiment-readout:
 * Welch's t on two proportions, computed with scipy).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/gtm.js');
let demo: DemoWorkspace;
let client: Client;
let serverStderr = '';

const COMMANDS: Record<string, Record<string, unknown>> = {
  'track-source': { campaign: 'AI Launch Tour', window: '30d', detail: 'full', as_of: DEMO_AS_OF },
  'define-events': {
    use_case: 'pipeline velocity',
    sources: 'product,crm',
    tools: 'Segment,dbt',
    as_of: DEMO_AS_OF,
  },
  'optimize-referrals': {
    window: '30d',
    detail: 'full',
    dimensions: 'channel,partner-tier',
    as_of: DEMO_AS_OF,
  },
  'monitor-loyalty': { window: '30d', detail: 'full', dimensions: 'tier,region', as_of: DEMO_AS_OF },
  'monitor-personalization': {
    initiative: 'PLG Onboarding',
    window: '14d',
    detail: 'full',
    as_of: DEMO_AS_OF,
  },
};
/** The in-process tools; events-validate's plan is the define-events run's (set once it ran). */
const IN_PROCESS: Record<string, Record<string, unknown>> = {
  attribute: { paths: 'paths.csv', model: 'linear' },
  'experiment-readout': {
    exposures: 'exposures.csv',
    variant_column: 'variant',
    metric: ['converted:proportion:converted'],
    control: 'control',
  },
  'events-validate': { input: 'data/events/captured.ndjson' },
  'plans-list': {},
  'plans-show': { plan: 'latest' },
  'plans-diff': { old: 'latest~1', new: 'latest' },
};

beforeAll(async () => {
  demo = await makeDemoWorkspace();
  writeFileSync(
    path.join(demo.dir, 'paths.csv'),
    'path;total_conversions;total_conversion_value;total_null\nemail > search;3;300;10\nsearch;1;80;20\nemail > social > email;2;90;5\n',
  );
  // 2,000 units an arm: control converts 207 (10.35%), treatment 256 (12.8%)
  const rows = ['user_id,variant,converted'];
  for (let i = 0; i < 2000; i++) rows.push(`c${i},control,${i < 207 ? 1 : 0}`);
  for (let i = 0; i < 2000; i++) rows.push(`t${i},treatment,${i < 256 ? 1 : 0}`);
  writeFileSync(path.join(demo.dir, 'exposures.csv'), `${rows.join('\n')}\n`);
  client = new Client({ name: 'gtm-agent-test', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--workspace', demo.dir],
    env: { ...(process.env as Record<string, string>), GTM_SNAPSHOT: 'never' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    serverStderr = (serverStderr + chunk.toString()).slice(-50_000);
  });
  await client.connect(transport);
}, 120_000);
afterAll(async () => {
  await client?.close();
  await demo?.remove();
});

async function callWithProgress(name: string, args: Record<string, unknown>) {
  const progress: string[] = [];
  const result = await client.callTool({ name, arguments: args }, undefined, {
    timeout: 300_000,
    onprogress: (p) => void progress.push(String(p.message)),
  });
  return { result, progress };
}

const text = (r: Record<string, unknown>) => (r.content as { text: string }[])[0].text;

describe('gtm mcp, every tool, as an agent calls it', () => {
  it('the five commands: progress per stage, and the structured result is result.json', async () => {
    for (const [name, args] of Object.entries(COMMANDS)) {
      const { result, progress } = await callWithProgress(name, args);
      expect(result.isError, `${name}: ${text(result)}`).toBeFalsy();
      // a notification per stage at least (gather, normalize, …, Reporting package)
      expect(progress.length, name).toBeGreaterThanOrEqual(5);
      expect(progress.at(-1), name).toMatch(/Reporting package/);
      const file = text(result).match(/^Result:\s+(.*)$/m)![1];
      expect(result.structuredContent, name).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    }
  }, 600_000);

  it('the in-process tools: progress as they start, and their numbers', async () => {
    const reports = path.join(demo.dir, 'reports/define-events');
    const latest = readdirSync(reports).sort().at(-1)!;
    IN_PROCESS['events-validate'].plan = path.join('reports/define-events', latest, 'tracking-plan.json');
    const out: Record<string, Record<string, unknown>> = {};
    for (const [name, args] of Object.entries(IN_PROCESS)) {
      const { result, progress } = await callWithProgress(name, args);
      expect(result.isError, `${name}: ${text(result)}`).toBeFalsy();
      expect(progress[0]).toBe(`${name}…`);
      out[name] = result.structuredContent as Record<string, unknown>;
    }
    // linear by hand: email > search 3 (1.5 each), search 1, email > social > email 2 (email 4/3, social 2/3)
    // (printed at ≤ 15 significant digits, as every JSON gtm prints: 2.83333333333333)
    expect(out.attribute.channels).toEqual([
      { channel: 'email', conversions: expect.closeTo(1.5 + 4 / 3, 13), value: 150 + 60 },
      { channel: 'search', conversions: 2.5, value: 230 },
      { channel: 'social', conversions: expect.closeTo(2 / 3, 13), value: 30 },
    ]);
    // scipy: relative lift 0.128/0.1035 - 1, delta-method se 0.108782899, Welch df 3964.36,
    // p = 2·t.sf(lift/se, df) = 0.0296117905
    const [metric] = out['experiment-readout'].metrics as {
      variants: { effect: number; se: number; p_value: number }[];
    }[];
    expect(metric.variants[0].effect).toBeCloseTo(0.2367149758454107, 12);
    expect(metric.variants[0].se).toBeCloseTo(0.10878289937162507, 12);
    expect(metric.variants[0].p_value).toBeCloseTo(0.029611790540624166, 8);
    expect(out['events-validate'].messagesRead).toBe(
      readFileSync(path.join(demo.dir, 'data/events/captured.ndjson'), 'utf8').trim().split('\n').length,
    );
  }, 300_000);

  it('every tool cancelled at its first progress stops, says so on stderr, and the server goes on', async () => {
    const plansDir = path.join(demo.dir, '.claude/plans');
    for (const [name, args] of Object.entries({ ...COMMANDS, ...IN_PROCESS })) {
      const before = serverStderr.length;
      const plansBefore = new Set(readdirSync(plansDir));
      const cancel = new AbortController();
      const call = client.callTool({ name, arguments: args }, undefined, {
        signal: cancel.signal,
        timeout: 300_000,
        onprogress: () => cancel.abort('the agent gave up'),
      });
      await expect(call, name).rejects.toThrow(/gave up/);
      const said = new RegExp(
        `gtm mcp: ${name} cancelled by the client; its run stopped after \\d+(\\.\\d)? s`,
      );
      for (const deadline = Date.now() + 30_000; Date.now() < deadline;)
        if (said.test(serverStderr.slice(before))) break;
        else await new Promise((r) => setTimeout(r, 50));
      expect(serverStderr.slice(before), name).toMatch(said);
      if (name in COMMANDS) {
        let status: string | undefined;
        for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
          const added = readdirSync(plansDir).filter((f) => /^plan-.*\.json$/.test(f) && !plansBefore.has(f));
          status = added.length
            ? (JSON.parse(readFileSync(path.join(plansDir, added[0]), 'utf8')) as { status: string }).status
            : undefined;
          if (status && status !== 'running') break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(status, name).toBe('interrupted');
      }
      await client.ping({ timeout: 10_000 });
    }
  }, 600_000);
});
