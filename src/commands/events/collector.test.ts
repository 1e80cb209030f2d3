import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import type { ValidationReport } from '../../analyses/instrumentation/index.ts';
import { startCollector } from './collector.ts';
import type { Collector } from './collector.ts';
import { STORE_FILE } from './message-store.ts';

const WRITE_KEY = 'qa-write-key';
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
const dirs: string[] = [];
const collectors: Collector[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gtm-collector-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  while (collectors.length) await collectors.pop()!.close();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function start(storeDir = newDir()): Promise<Collector> {
  const c = await startCollector({ plan: shopPlan(), port: 0, writeKey: WRITE_KEY, storeDir });
  collectors.push(c);
  return c;
}

async function summary(c: Collector): Promise<ValidationReport> {
  const res = await fetch(`${c.url}/summary`);
  expect(res.status).toBe(200);
  return (await res.json()) as ValidationReport;
}

function post(c: Collector, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${c.url}${path}`, { method: 'POST', headers: { authorization: auth, ...headers }, body });
}

describe('live QA collector', () => {
  it('binds to 127.0.0.1 by default', async () => {
    const c = await start();
    expect(c.url).toBe(`http://127.0.0.1:${c.port}`);
  });

  it('receives batches from the real @segment/analytics-node client and validates them', async () => {
    const c = await start();
    const analytics = new Analytics({ writeKey: WRITE_KEY, host: c.url, flushAt: 3, maxRetries: 0 });
    const track = (props: Record<string, unknown>, event = 'Order Completed') =>
      analytics.track({
        userId: 'u1',
        event,
        properties: { order_id: 'o1', revenue: 10, currency: 'EUR', ...props },
      });
    track({});
    track({ revenue: 'ten' });
    track({}, 'Order Compleeted');
    track({ note: 'mail me: jane.doe@example.com' });
    analytics.identify({ userId: 'u1', traits: { plan: 'enterprise' } });
    await analytics.closeAndFlush();
    const report = await summary(c);
    expect(report.eventsChecked).toBe(5);
    expect(report.callTypes).toEqual({ track: 4, identify: 1 });
    expect(report.violationsByType).toMatchObject({
      wrong_type: 1,
      unplanned_event: 1,
      pii_detected: 1,
      constraint_violation: 1,
    });
    expect(report.totalViolations).toBe(4);
    expect(report.samples.every((s) => s.where === 'collector')).toBe(true);
  });

  it('receives gzip batches from the real @rudderstack/rudder-sdk-node client', async () => {
    const c = await start();
    // Queue everything, then one flush: the SDK gzips the batch (its default) and POSTs /v1/batch.
    const rudder = new RudderAnalytics(WRITE_KEY, {
      dataPlaneUrl: c.url,
      flushAt: 20,
      flushInterval: 60_000,
      logLevel: 'error',
      retryCount: 0,
    });
    rudder.track({
      userId: 'u2',
      event: 'Order Completed',
      properties: { order_id: 'o2', revenue: 5, currency: 'USD' },
    });
    rudder.track({ anonymousId: 'a2', event: 'Ad Clicked', properties: { ad_id: 'x', extra: 1 } });
    rudder.page({ anonymousId: 'a2', name: 'Home', properties: {} });
    await rudder.flush();
    const report = await summary(c);
    expect(report.eventsChecked).toBe(3);
    expect(report.callTypes).toEqual({ track: 2, page: 1 });
    // The SDK names itself "analytics-node" in context.library, which the plan maps to its
    // server source; "Ad Clicked" is planned for the web source only.
    expect(report.totalViolations).toBe(1);
    expect(report.samples[0]).toMatchObject({
      type: 'unexpected_source',
      event: 'Ad Clicked',
      detail: 'sent from "server"; plan allows web',
    });
    const stored = readFileSync(join(dirs[dirs.length - 1], STORE_FILE), 'utf8')
      .trim()
      .split('\n');
    expect(stored).toHaveLength(3);
    expect(JSON.parse(stored[0])).toMatchObject({
      event: 'Order Completed',
      receivedAt: expect.any(String),
      messageId: expect.any(String),
    });
  });

  it('speaks the single-call endpoints, with any content type and gzip', async () => {
    const c = await start();
    const msg = JSON.stringify(orderCompleted({ type: undefined }));
    expect((await post(c, '/v1/track', msg, { 'content-type': 'text/plain' })).status).toBe(200);
    expect((await post(c, '/v1/track', gzipSync(msg), { 'content-encoding': 'gzip' })).status).toBe(200);
    expect(
      (await post(c, '/v1/identify', JSON.stringify({ userId: 'u1', traits: { plan: 'free' } }))).status,
    ).toBe(200);
    expect((await post(c, '/v1/page', JSON.stringify({ anonymousId: 'a1', name: 'Home' }))).status).toBe(200);
    expect((await post(c, '/v1/group', JSON.stringify({ userId: 'u1', groupId: 'g1' }))).status).toBe(200);
    expect((await post(c, '/v1/alias', JSON.stringify({ userId: 'u1', previousId: 'a1' }))).status).toBe(200);
    expect((await post(c, '/v1/screen', JSON.stringify({ userId: 'u1', name: 'Main' }))).status).toBe(200);
    expect((await post(c, '/v1/b', JSON.stringify({ batch: [orderCompleted()] }))).status).toBe(200);
    const report = await summary(c);
    expect(report.callTypes).toEqual({ track: 3, identify: 1, page: 1, group: 1, alias: 1, screen: 1 });
    expect(report.totalViolations).toBe(0);
  });

  it('authenticates with the write key', async () => {
    const c = await start();
    const body = JSON.stringify(orderCompleted());
    expect((await fetch(`${c.url}/v1/track`, { method: 'POST', body })).status).toBe(401);
    const wrong = `Basic ${Buffer.from('other:').toString('base64')}`;
    expect((await post(c, '/v1/track', body, { authorization: wrong })).status).toBe(401);
    // Segment also takes the write key in the body.
    expect(
      (
        await fetch(`${c.url}/v1/track`, {
          method: 'POST',
          body: JSON.stringify({ ...orderCompleted(), writeKey: WRITE_KEY }),
        })
      ).status,
    ).toBe(200);
    expect((await summary(c)).eventsChecked).toBe(1);
  });

  it('refuses messages over 32 KB, requests over 500 KB and bad bodies with 400', async () => {
    const c = await start();
    const big = orderCompleted({}, { note: 'x'.repeat(33 * 1024) });
    const r1 = await post(c, '/v1/track', JSON.stringify(big));
    expect(r1.status).toBe(400);
    expect(await r1.json()).toEqual({ success: false, error: 'message is larger than 32 KB' });
    const batch = {
      batch: Array.from({ length: 20 }, () => orderCompleted({}, { note: 'y'.repeat(30 * 1024) })),
    };
    expect((await post(c, '/v1/batch', JSON.stringify(batch))).status).toBe(400);
    expect(
      (await post(c, '/v1/batch', gzipSync(JSON.stringify(batch)), { 'content-encoding': 'gzip' })).status,
    ).toBe(400);
    expect((await post(c, '/v1/track', '{not json')).status).toBe(400);
    expect((await post(c, '/v1/batch', JSON.stringify({ batch: [1] }))).status).toBe(400);
    expect((await post(c, '/v1/track', Buffer.from('nope'), { 'content-encoding': 'gzip' })).status).toBe(
      400,
    );
    expect((await post(c, '/v1/nothing', '{}')).status).toBe(404);
    expect((await fetch(`${c.url}/v1/track`)).status).toBe(405);
    const report = await summary(c);
    expect(report.eventsChecked).toBe(0);
    expect(readFileSync(join(dirs[dirs.length - 1], STORE_FILE), 'utf8')).toBe('');
  });

  it('stores every accepted message before acknowledging, and reloads them on restart', async () => {
    const storeDir = newDir();
    const c1 = await start(storeDir);
    for (let i = 0; i < 10; i++) {
      const res = await post(
        c1,
        '/v1/track',
        JSON.stringify(orderCompleted({}, { revenue: i % 3 === 0 ? -1 : i })),
      );
      expect(res.status).toBe(200);
      // Acknowledged means on disk.
      expect(readFileSync(join(storeDir, STORE_FILE), 'utf8').trim().split('\n')).toHaveLength(i + 1);
    }
    const before = await summary(c1);
    expect(before.violationsByType.constraint_violation).toBe(4);
    await collectors.pop()!.close();
    // A crash in the middle of a write leaves a torn last line; it was never acknowledged.
    appendFileSync(join(storeDir, STORE_FILE), '{"type":"track","event":"Order Com');
    const c2 = await start(storeDir);
    expect(c2.restored).toBe(10);
    const after = await summary(c2);
    expect(after.eventsChecked).toBe(10);
    expect(after.violationsByType).toEqual(before.violationsByType);
    expect((await post(c2, '/v1/track', JSON.stringify(orderCompleted()))).status).toBe(200);
    const lines = readFileSync(join(storeDir, STORE_FILE), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.every((l) => JSON.parse(l).event === 'Order Completed')).toBe(true);
  });

  it('keeps every message under concurrent requests', async () => {
    const storeDir = newDir();
    const c = await start(storeDir);
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(
          c,
          '/v1/batch',
          JSON.stringify({
            batch: [orderCompleted({ messageId: `m${i}a` }), orderCompleted({ messageId: `m${i}b` })],
          }),
        ).then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const ids = readFileSync(join(storeDir, STORE_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).messageId);
    expect(new Set(ids).size).toBe(80);
    expect((await summary(c)).eventsChecked).toBe(80);
  });
});

describe('live QA collector sources', () => {
  it('attributes messages to the plan source that owns the write key', async () => {
    const plan = shopPlan();
    plan.sources.find((s) => s.id === 'billing')!.writeKeys = [WRITE_KEY];
    const c = await startCollector({ plan, port: 0, writeKey: WRITE_KEY, storeDir: newDir() });
    collectors.push(c);
    expect((await post(c, '/v1/track', JSON.stringify(orderCompleted()))).status).toBe(200);
    const invoice = {
      userId: 'u1',
      event: 'Invoice Paid',
      context: { groupId: 'a1' },
      properties: { amount: 3 },
    };
    expect((await post(c, '/v1/track', JSON.stringify(invoice))).status).toBe(200);
    const report = await summary(c);
    expect(report.violationsByType.unexpected_source).toBe(1);
    expect(report.samples[0]).toMatchObject({
      event: 'Order Completed',
      detail: 'sent from "billing"; plan allows web, server',
    });
  });
});

describe('live QA collector consent', () => {
  it('reads consent manager ids through events.governance.consent.ids, and refuses an unknown category', async () => {
    // RudderStack with OneTrust: C0004 denied; the plan's Ad Clicked needs Advertising
    const denied = JSON.stringify({
      type: 'track',
      event: 'Ad Clicked',
      anonymousId: 'a1',
      properties: { ad_id: 'x' },
      context: { consentManagement: { allowedConsentIds: ['C0002'], deniedConsentIds: ['C0004'] } },
    });
    const open = async (governance?: { consent: { ids: Record<string, string> } }) => {
      const c = await startCollector({
        plan: shopPlan(),
        port: 0,
        writeKey: WRITE_KEY,
        storeDir: newDir(),
        governance,
      });
      collectors.push(c);
      expect((await post(c, '/v1/track', denied)).status).toBe(200);
      return summary(c);
    };
    const mapped = await open({ consent: { ids: { C0002: 'Analytics', C0004: 'Advertising' } } });
    expect(mapped.violationsByType.consent_violation).toBe(1);
    expect(mapped.consentIdsUnmatched).toBeUndefined();
    const unmapped = await open();
    expect(unmapped.violationsByType.consent_violation).toBe(0);
    expect(unmapped.consentIdsUnmatched).toMatchObject({ messages: 1, ids: ['C0002', 'C0004'] });
    await expect(
      startCollector({
        plan: shopPlan(),
        port: 0,
        writeKey: WRITE_KEY,
        storeDir: newDir(),
        governance: { consent: { ids: { C0004: 'Ads' } } },
      }),
    ).rejects.toMatchObject({ code: 'CONFIG', where: 'events.governance.consent.ids.C0004' });
  });
});
