/**
 * `gtm mcp` over raw stdio, as a spawned process (bin/gtm.js, the compiled CLI): the exit status when
 * the client closes stdin, and JSON-RPC 2.0's answers to lines that are not JSON-RPC messages.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../../bin/gtm.js');
const dir = mkdtempSync(path.join(tmpdir(), 'gtm-mcp-stdio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `input` to `gtm mcp`'s stdin, closes it, and waits for the process to end. */
function serve(
  input: string,
  nodeArgs: string[] = [],
): Promise<{
  code: number | null;
  signal: string | null;
  messages: unknown[];
  stdout: string;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, 'mcp', '--workspace', dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GTM_SNAPSHOT: 'never' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gtm mcp did not exit after stdin closed; stdout so far: ${stdout}`));
    }, 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const messages = stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l): unknown => {
          try {
            return JSON.parse(l);
          } catch {
            return { notJson: l }; // shown by the test's expectations, not thrown here
          }
        });
      resolve({ code, signal, messages, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const init = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
const line = (m: unknown) => `${JSON.stringify(m)}\n`;

describe('gtm mcp over stdio', () => {
  it('exits 0 when stdin is closed at once (was 13: an unsettled top-level await)', async () => {
    const r = await serve('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  }, 40_000);

  it('answers every request of a session, then exits 0 at the end of stdin', async () => {
    const r = await serve(
      line(init) +
        line({ jsonrpc: '2.0', method: 'notifications/initialized' }) +
        line({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) +
        line({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'plans-list', arguments: {} } }),
    );
    expect(r.code).toBe(0);
    const ids = r.messages.map((m) => (m as { id: number }).id).sort();
    expect(ids).toEqual([1, 2, 3]);
    const list = r.messages.find((m) => (m as { id: number }).id === 2) as {
      result: { tools: { name: string }[] };
    };
    expect(list.result.tools.map((t) => t.name)).toContain('define-events');
    const call = r.messages.find((m) => (m as { id: number }).id === 3) as {
      result?: unknown;
      error?: unknown;
    };
    expect(call.result).toBeDefined();
  }, 40_000);

  it('replies Parse error (-32700, id null) to a line that is not JSON, Invalid Request to JSON that is not JSON-RPC, and keeps serving', async () => {
    const r = await serve(
      'this is not json\n' +
        '\n' +
        line({ hello: 'world' }) +
        line({ jsonrpc: '2.0', id: 7, nonsense: true }) +
        line(init) +
        line({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    );
    expect(r.code).toBe(0);
    expect(r.messages[0]).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error' },
    });
    expect(r.messages[1]).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid Request' },
    });
    expect(r.messages[2]).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32600, message: 'Invalid Request' },
    });
    expect(r.messages.slice(3).map((m) => (m as { id: number }).id)).toEqual([1, 2]);
    expect(r.messages).toHaveLength(5);
  }, 40_000);

  it('says which folder has no gtm.yaml and how to serve one, not the command line’s --config', async () => {
    const r = await serve(
      line(init) +
        line({
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'monitor-loyalty', arguments: {} },
        }),
    );
    const call = r.messages.find((m) => (m as { id?: number }).id === 2) as {
      result: { isError: boolean; content: { text: string }[] };
    };
    expect(call.result.isError).toBe(true);
    expect(call.result.content[0].text).toBe(
      `error[CONFIG] ${path.join(dir, 'gtm.yaml')}: no workspace config found — run \`gtm init\` there to create it (or \`gtm demo\` for a demo workspace), or serve the folder that holds gtm.yaml: gtm mcp --workspace DIR`,
    );
  }, 40_000);

  it('keeps stdout for JSON-RPC: what else prints there once it serves (console.info, a library) goes to stderr', async () => {
    // stands for a library that prints while a tool runs: once the server has written its first
    // message, print through every console method that writes to stdout, and to stdout itself
    const preload = path.join(dir, 'stray-output.mjs');
    writeFileSync(
      preload,
      `const write = process.stdout.write;
let armed = true;
process.stdout.write = function (...args) {
  if (armed) {
    armed = false;
    setImmediate(() => {
      console.log('stray log');
      console.info('stray info');
      console.debug('stray debug');
      console.table([{ stray: 'table' }]);
      console.dir({ stray: 'dir' });
      process.stdout.write('stray write\\n');
    });
  }
  return write.apply(this, args);
};
`,
    );
    const r = await serve(
      line(init) +
        line({ jsonrpc: '2.0', method: 'notifications/initialized' }) +
        line({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      ['--import', pathToFileURL(preload).href],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.messages.map((m) => (m as { jsonrpc?: string }).jsonrpc ?? m)).toEqual(['2.0', '2.0']);
    for (const stray of ['stray log', 'stray info', 'stray debug', "stray: 'dir'", 'stray write', 'table'])
      expect(r.stderr).toContain(stray);
  }, 40_000);
});
