import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDuckDb } from '../../data/duckdb-api.ts';
import type { main } from '../main.ts';
import { COMMANDS } from '../registry.ts';
import { callCliCommand } from './cli-call.ts';
import { toolCatalog } from './tool-catalog.ts';

const tool = (name: string) => toolCatalog(COMMANDS).find((t) => t.name === name)!;
const text = (r: { content: { text: string }[] }) => r.content.map((c) => c.text).join('\n');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gtm-cli-call-'));
  // three journeys: a > b converts, b converts, a does not
  writeFileSync(
    path.join(dir, 'touches.csv'),
    'journey_id,ts,channel,converted\nj1,1,a,1\nj1,2,b,1\nj2,1,b,1\nj3,1,a,0\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('callCliCommand: progress', () => {
  afterEach(() => void vi.useRealTimers());

  it('says the tool as it starts, then every 10 s that it still runs, and nothing once it ended', async () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    let finish!: () => void;
    const run: typeof main = (_argv, o) =>
      new Promise((resolve) => {
        finish = () => {
          o!.streams!.stdout.write('{"ok":true}\n');
          resolve(0);
        };
      });
    const call = callCliCommand(tool('attribute'), { paths: 'p.csv' }, dir, {
      progress: (m) => sent.push(m),
      signal: new AbortController().signal,
      run,
    });
    expect(sent).toEqual(['attribute…']);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(sent).toEqual(['attribute…']);
    await vi.advanceTimersByTimeAsync(26_000);
    expect(sent).toEqual([
      'attribute…',
      'still running: attribute (10 s)',
      'still running: attribute (20 s)',
      'still running: attribute (30 s)',
    ]);
    finish();
    const result = await call;
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toEqual({ ok: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(4);
  });

  it('runs without a progress callback or a signal (a call without a progress token)', async () => {
    const result = await callCliCommand(
      tool('attribute'),
      { touchpoints: 'touches.csv', model: 'linear' },
      dir,
    );
    expect(result.isError).toBe(false);
  });
});

describe('callCliCommand: cancellation', () => {
  it('interrupts the statement a cancelled call runs, returns an error saying so, and the command stops', async () => {
    const ac = new AbortController();
    let stopped: unknown;
    // a command whose engine statement would run for minutes
    const run: typeof main = async () => {
      const engine = await openDuckDb({ threads: 1 });
      try {
        await engine.query('SELECT sum(hash(i)) AS s FROM range(100000000000) t(i)');
        return 0;
      } catch (err) {
        stopped = err;
        return 6;
      } finally {
        await engine.close();
      }
    };
    const started = Date.now();
    setTimeout(() => ac.abort('timeout'), 300);
    const logged: string[] = [];
    const result = await callCliCommand(tool('attribute'), {}, dir, {
      signal: ac.signal,
      run,
      log: (line) => logged.push(line),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(String(stopped)).toMatch(/run was cancelled/);
    expect(logged).toEqual([
      expect.stringMatching(
        /^gtm mcp: attribute cancelled by the client; its run stopped after \d+(\.\d)? s$/,
      ),
    ]);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      /^error\[CANCELLED\] attribute: the call was cancelled by the client and its run stopped after \d+(\.\d)? s; nothing was returned — call the tool again to run it$/,
    );
  }, 30_000);

  it('stops a real attribute run cancelled as it starts: no statement runs, an error result instead of credit', async () => {
    const ac = new AbortController();
    const result = await callCliCommand(
      tool('attribute'),
      { touchpoints: 'touches.csv', model: 'linear' },
      dir,
      // the client gives up on the first progress notification
      { progress: () => ac.abort('gave up'), signal: ac.signal, log: () => undefined },
    );
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(text(result)).toMatch(/^error\[CANCELLED\] attribute: the call was cancelled by the client/);
  }, 30_000);

  it('answers an uncancelled call in full (the same tool and file)', async () => {
    const result = await callCliCommand(
      tool('attribute'),
      { touchpoints: 'touches.csv', model: 'linear' },
      dir,
      { progress: () => undefined, signal: new AbortController().signal },
    );
    expect(result.isError).toBe(false);
    // linear by hand: j1 (a > b) gives a and b half a conversion each, j2 gives b one, j3 none
    expect((result.structuredContent as { channels: unknown }).channels).toEqual([
      { channel: 'b', conversions: 1.5, value: 0 },
      { channel: 'a', conversions: 0.5, value: 0 },
    ]);
  }, 30_000);
});
