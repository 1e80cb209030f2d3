/**
 * `gtm mcp` (from source, over stdio) and the names of the tools' arguments: every tool that takes
 * breakdowns takes them as `dimension` or `dimensions` (monitor-personalization declared only
 * `dimension`, the other commands only `dimensions`; an agent sending the other name was refused by
 * the schema and the server); and errors name the tools' arguments (`alert_threshold`), not the
 * command line's flags (`--alert-threshold`), which an agent calling the tool cannot map.
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
    'ws/gtm.yaml': `version: 1
sources:
  - { name: decisions, entity: decisions, kind: file, path: data/decisions.csv }
personalization: { holdout_variants: [hold] }
output: { snapshot: never }
`,
    'ws/data/decisions.csv':
      'decision_id,user_id,decided_at,initiative,rule_id,variant,reason\nd1,u1,2026-11-20T10:00:00Z,Onboarding,r1,v1,TARGETING_MATCH\n',
  });
});
afterAll(() => fx?.remove());

interface Reply {
  id?: number;
  result?: {
    content?: { text: string }[];
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
    tools?: { name: string; inputSchema: { properties: Record<string, Record<string, unknown>> } }[];
  };
}

/** Sends the requests (method, params) to `gtm mcp --workspace ws`; replies by request id (10, 11, …). */
function serve(requests: [string, Record<string, unknown>][]): Promise<Map<number, Reply>> {
  const lines = [
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    ...requests.map(([method, params], i) => ({ jsonrpc: '2.0', id: 10 + i, method, params })),
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

const call = (name: string, args: Record<string, unknown>): [string, Record<string, unknown>] => [
  'tools/call',
  { name, arguments: args },
];
const PERS = { initiative: 'Onboarding', window: '30d', as_of: '2026-11-30' };

describe('gtm mcp: dimension and dimensions', () => {
  it('every tool with breakdowns declares both names, and monitor-personalization runs with either', async () => {
    const replies = await serve([
      ['tools/list', {}],
      call('monitor-personalization', { ...PERS, dimensions: ['cohort'] }),
      call('monitor-personalization', { ...PERS, dimension: ['cohort'] }),
      call('monitor-personalization', { ...PERS, dimensions: ['bogus'] }),
    ]);
    const tools = replies.get(10)?.result?.tools ?? [];
    const withDims = tools.filter(
      (t) => t.inputSchema.properties.dimension || t.inputSchema.properties.dimensions,
    );
    expect(withDims.map((t) => t.name).sort()).toEqual([
      'monitor-loyalty',
      'monitor-personalization',
      'optimize-referrals',
      'track-source',
    ]);
    for (const t of withDims) {
      const { dimension, dimensions } = t.inputSchema.properties;
      expect(dimension?.items, t.name).toEqual(dimensions?.items);
      expect(dimension?.type, t.name).toBe('array');
    }
    for (const id of [11, 12]) {
      const r = replies.get(id)?.result;
      expect(r?.isError, r?.content?.[0]?.text).toBeFalsy();
      expect((r?.structuredContent?.inputs as { dimension: string[] }).dimension).toEqual([
        'profile',
        'channel',
        'cohort',
      ]);
    }
    const bad = replies.get(13)?.result;
    expect(bad?.isError).toBe(true);
    expect(bad?.content?.[0].text).toMatch(/has unknown value "bogus"; allowed: profile, channel, cohort/);
  }, 120_000);
});

describe('gtm mcp: errors name the tool arguments', () => {
  it('plan commands and CLI tools alike, with example values as an agent sends them', async () => {
    const replies = await serve([
      call('monitor-personalization', { ...PERS, alert_threshold: 2 }),
      call('monitor-personalization', { ...PERS, dimensions: ['bogus'] }),
      call('monitor-personalization', { initative: 'Onboarding' }),
      call('track-source', { window: '30d' }),
      call('experiment-readout', { input: 'x.csv', control: 'a' }),
      call('attribute', { paths: 'x.csv', model: 'bogus' }),
      call('monitor-personalization', { ...PERS, snapshot: 'yes' }),
      call('monitor-personalization', { ...PERS, as_of: 20261130 }),
    ]);
    const text = (id: number) => replies.get(id)?.result?.content?.[0].text ?? '';
    expect(text(10)).toBe(
      'error[USAGE] alert_threshold: must be between 0 and 1, got 2 — e.g. alert_threshold: 0.05',
    );
    expect(text(11)).toBe(
      'error[USAGE] dimensions: has unknown value "bogus"; allowed: profile, channel, cohort — e.g. dimensions: ["profile","channel"]',
    );
    expect(text(12)).toBe(
      "error[USAGE] initative: unknown argument initative — did you mean initiative? see the tool's input schema (tools/list)",
    );
    expect(text(13)).toBe('error[USAGE] campaign: is required — add campaign');
    expect(text(14)).toBe(
      'error[USAGE] input: cannot be combined with control — give one of input and control',
    );
    expect(text(15)).toMatch(
      /^error\[USAGE\] model: unknown attribution model "bogus"; .* — e\.g\. model: "markov"$/,
    );
    // were dropped: the run went on with a snapshot by default and today's date
    expect(text(16)).toBe('error[USAGE] snapshot: expects true or false, got "yes" — e.g. snapshot: false');
    expect(text(17)).toBe(
      'error[USAGE] as_of: expects a date YYYY-MM-DD, got 20261130 — e.g. as_of: "2026-11-30"',
    );
    for (const id of [10, 11, 12, 13, 14, 15, 16, 17]) {
      expect(replies.get(id)?.result?.isError, text(id)).toBe(true);
      expect(text(id), text(id)).not.toMatch(/(^|\s)--[a-z]|--help/);
    }
  }, 120_000);
});
