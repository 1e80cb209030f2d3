/**
 * The live QA collector under hostile clients (issue 10, "Collector"): depth and size limits are
 * answered with 400 and a reason, never 500; nothing refused is stored; everything acknowledged is
 * (the durability guarantees themselves are tested in src/commands/events/collector.test.ts); and
 * a port or host it cannot use is a USAGE error naming the flag.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/commands/events/index.ts';
import { STORE_FILE } from '../../src/commands/events/message-store.ts';
import { MAX_JSON_DEPTH } from '../../src/commands/shared/tracking-plan-io/json-depth.ts';
import { shopPlan } from '../fixtures/events/shop-plan.ts';
import { expectGtmError, reportTally, tally } from './error-policy.ts';

const KEY = 'qa';
const auth = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;
const dirs: string[] = [];
const running: Collector[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gtm-hard-collector-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});
afterAll(() => {
  reportTally('collector limits');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(storeDir = newDir()): Promise<Collector> {
  const c = await startCollector({ plan: shopPlan(), port: 0, writeKey: KEY, storeDir });
  running.push(c);
  return c;
}

/** JSON text nested `depth` levels (built as text: JSON.stringify itself overflows on such values). */
const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const track = (props: unknown) => ({ userId: 'u1', event: 'Order Completed', properties: props });
const deepTrack = (depth: number) =>
  `{"userId":"u1","event":"Order Completed","properties":${nested(depth)}}`;

async function post(c: Collector, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${c.url}${path}`, {
    method: 'POST',
    headers: { authorization: auth, ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as { success: boolean; error?: string } };
}

const stored = (c: Collector, dir: string) => {
  void c;
  try {
    return readFileSync(join(dir, STORE_FILE), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe('collector: hostile requests get 400 and a reason', () => {
  const cases: [string, string, () => string | Buffer, Record<string, string>?, RegExp?][] = [
    ['a message nested 5,000 levels deep', '/v1/track', () => deepTrack(5000), {}, /deeper than 64 levels/],
    [
      'a message nested 100,000 levels deep',
      '/v1/track',
      () => `{"properties":${'['.repeat(100000)}${']'.repeat(100000)}}`,
      {},
      /deeper than 64 levels|larger than 500 KB/,
    ],
    [
      'a batch member nested too deep',
      '/v1/batch',
      () =>
        `{"batch":[${JSON.stringify({ type: 'track', ...track({ ok: 1 }) })},` +
        `${deepTrack(MAX_JSON_DEPTH).replace('{', '{"type":"track",')}]}`,
      {},
      /nests objects or arrays deeper than 64 levels/,
    ],
    [
      'a single message one level too deep',
      '/v1/track',
      () => deepTrack(MAX_JSON_DEPTH),
      {},
      /^message nests objects or arrays deeper than 64 levels$/,
    ],
    [
      'a body over 500 KB',
      '/v1/batch',
      () => JSON.stringify({ batch: [track({ pad: 'x'.repeat(600_000) })] }),
      {},
      /larger than 500 KB/,
    ],
    [
      'a message over 32 KB',
      '/v1/track',
      () => JSON.stringify(track({ pad: 'x'.repeat(40_000) })),
      {},
      /larger than 32 KB/,
    ],
    [
      'a gzip bomb',
      '/v1/batch',
      () => gzipSync(Buffer.alloc(5_000_000, 32)),
      { 'content-encoding': 'gzip' },
      /once inflated/,
    ],
    ['gzip that is not gzip', '/v1/track', () => 'plain', { 'content-encoding': 'gzip' }, /not valid gzip/],
    [
      'an unknown content encoding',
      '/v1/track',
      () => '{}',
      { 'content-encoding': 'br' },
      /unsupported content-encoding/,
    ],
    ['a body that is not JSON', '/v1/track', () => '{"type": ', {}, /not valid JSON/],
    ['a JSON array body', '/v1/track', () => '[1,2]', {}, /must be a JSON object/],
    ['a batch that is not an array', '/v1/batch', () => '{"batch": 5}', {}, /"batch" array/],
    [
      'a batch member that is not an object',
      '/v1/batch',
      () => '{"batch": [1]}',
      {},
      /batch\[0\] is not a JSON object/,
    ],
    ['a batch member without a type', '/v1/batch', () => '{"batch": [{"event": "x"}]}', {}, /has no type/],
  ];

  it.each(cases)('%s', async (_name, path, body, headers, reason) => {
    const dir = newDir();
    const c = await start(dir);
    tally.tried++;
    const res = await post(c, path, body(), headers);
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error).toMatch(reason!);
    expect(stored(c, dir), 'nothing refused is stored').toBe(0);
    // the collector still answers, and still stores what it acknowledges
    const ok = await post(
      c,
      '/v1/track',
      JSON.stringify(track({ order_id: 'o1', revenue: 1, currency: 'EUR' })),
    );
    expect(ok.status).toBe(200);
    expect(stored(c, dir)).toBe(1);
    tally.refused++;
  });
});

describe('collector: ports and hosts it cannot use are USAGE errors on the flag', () => {
  it.each([99999, -1, 1.5, Number.NaN])('port %s', async (port) => {
    const err = await startCollector({ plan: shopPlan(), port, writeKey: KEY, storeDir: newDir() }).catch(
      (e: unknown) => e,
    );
    expect(expectGtmError(err, ['USAGE']).where).toBe('--port');
  });

  it('a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startCollector({ plan: shopPlan(), port, writeKey: KEY, storeDir: newDir() }).catch(
        (e: unknown) => e,
      );
      const e = expectGtmError(err, ['USAGE']);
      expect(e.where).toBe('--port');
      expect(e.message).toMatch(/already in use/);
    } finally {
      blocker.close();
    }
  });

  it('a host that is not this machine', async () => {
    const err = await startCollector({
      plan: shopPlan(),
      port: 0,
      writeKey: KEY,
      storeDir: newDir(),
      host: '203.0.113.7',
    }).catch((e: unknown) => e);
    expect(expectGtmError(err, ['USAGE']).where).toBe('--host');
  });
});
