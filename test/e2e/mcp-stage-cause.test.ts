/**
 * `gtm mcp` (from source, over stdio) reports a plan command's stage that failed on the user's
 * input as that error, as the CLI does: monitor-personalization with an initiative neither in
 * gtm.yaml nor in the decisions (checked by the first stage) is `error[USAGE] --initiative: ...`
 * on the command line (exit 2) and was `error[STAGE] aggregate: stage "..." failed after 1
 * attempt: ...` through MCP (the s10 review, persA with initiative "<script>"); through MCP it
 * names the tool's argument, `initiative`, where the command line names the flag.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../helpers/fixture-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

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
  result?: { content: { text: string }[]; isError?: boolean };
}

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

describe('gtm mcp: a stage failed on the input', () => {
  it('is reported as the input error, with the line the CLI prints', async () => {
    const args = { initiative: '<script>', window: '30d', as_of: '2026-11-30' };
    const replies = await serve([{ name: 'monitor-personalization', arguments: args }]);
    const reply = replies.get(10)?.result;
    expect(reply?.isError).toBe(true);
    const line = reply?.content[0].text ?? '';
    expect(line).toMatch(
      /^error\[USAGE\] initiative: no initiative "<script>" in the decisions or in personalization\.initiatives — use one of: "Onboarding"/,
    );
    expect(line).not.toMatch(/error\[STAGE\]/);
    const cli = await runCli(
      ['monitor-personalization', '--initiative', '<script>', '--window', '30d', '--as-of', '2026-11-30'],
      { cwd: fx.path('ws'), env: { ...process.env, GTM_SNAPSHOT: 'never' } },
    );
    expect(cli.code).toBe(2);
    // the same line but the plan record's file name (a run of its own) and the flag's name
    const strip = (s: string) => s.replace(/plan-[0-9TZ]+\.json/g, 'plan.json').trim();
    const cliLine = cli.stderr.trim().split('\n').at(-1) ?? '';
    expect(cliLine).toMatch(/^error\[USAGE\] --initiative: /);
    expect(strip(line)).toBe(strip(cliLine.replace('--initiative:', 'initiative:')));
  }, 120_000);
});
