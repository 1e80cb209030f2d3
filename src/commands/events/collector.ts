import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';
import { createEventValidator, knownConsentCategories } from '../../analyses/instrumentation/index.ts';
import type {
  GovernancePolicy,
  EventValidator,
  MessageRef,
  TrackingPlan,
  ValidationReport,
} from '../../analyses/instrumentation/index.ts';
import { GtmError } from '../../errors/index.ts';
import { checkConsentIds } from '../shared/tracking-plan-io/consent-ids-config.ts';
import { asInputError, importPlan } from '../shared/tracking-plan-io/import-plan.ts';
import { MAX_JSON_DEPTH, TOO_DEEP, jsonDeeperThan } from '../shared/tracking-plan-io/json-depth.ts';
import { openMessageStore, readStoredMessages } from './message-store.ts';
import type { MessageStore } from './message-store.ts';

/** Segment's documented limits: 32 KB per message, 500 KB per batch request. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

const SINGLE_PATHS: Record<string, string> = {
  '/v1/track': 'track',
  '/v1/identify': 'identify',
  '/v1/page': 'page',
  '/v1/screen': 'screen',
  '/v1/group': 'group',
  '/v1/alias': 'alias',
};
/** Both SDKs tested (@segment/analytics-node, @rudderstack/rudder-sdk-node) POST to /v1/batch; /v1/b is accepted as an alias. */
const BATCH_PATHS = new Set(['/v1/batch', '/v1/b']);

export interface CollectorOptions {
  /** The plan: a path (any supported format) or a plan already loaded. */
  plan: string | TrackingPlan;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Write key clients must present (HTTP Basic user name, as the Segment HTTP API expects). */
  writeKey: string;
  /** Directory of the durable message store (`messages.ndjson`). */
  storeDir: string;
  /** Interface to bind (default 127.0.0.1: the collector is a local QA tool). */
  host?: string;
  /**
   * Plan source to attribute messages to when they name none; default: the plan source listing
   * this write key in `writeKeys`.
   */
  source?: string;
  maxSamplesPerType?: number;
  /**
   * gtm.yaml's `events.governance`: its `consent.ids` (consent manager id → category) are checked
   * against the plan's and gtm.yaml's categories (CONFIG naming the key) and read by the validator.
   */
  governance?: GovernancePolicy;
  /** Called with each accepted request's message count and whether it was rejected (for logs). */
  onRequest?: (info: { path: string; status: number; messages: number; error?: string }) => void;
}

export interface Collector {
  port: number;
  url: string;
  /** Messages reloaded from the store at start. */
  restored: number;
  /** The live violation summary (what GET /summary serves). */
  summary(): ValidationReport;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Starts a live QA collector that speaks the Segment HTTP Tracking API: `POST /v1/track`,
 * `/v1/identify`, `/v1/page`, `/v1/screen`, `/v1/group`, `/v1/alias`, `/v1/batch` (and `/v1/b`),
 * authenticated with HTTP Basic (user = write key; a `writeKey` in the body is accepted too, as
 * Segment does). Bodies are JSON whatever the content type, optionally gzip; a message over
 * 32 KB or a request over 500 KB is refused with 400. Every accepted message is validated on
 * arrival and appended to `storeDir/messages.ndjson`, synced to disk before the 200 is sent; on
 * start the stored messages are replayed into the summary, so nothing is lost on restart.
 * `GET /summary` serves the validation report as JSON.
 *
 * @example
 * const c = await startCollector({ plan: 'plan.yaml', port: 8088, writeKey: 'qa', storeDir: '.gtm/collector' });
 * // new Analytics({ writeKey: 'qa', host: c.url })
 * await c.close();
 */
export async function startCollector(options: CollectorOptions): Promise<Collector> {
  checkPort(options.port);
  const plan = typeof options.plan === 'string' ? importPlan({ path: options.plan }) : options.plan;
  const consentIds = checkConsentIds(
    options.governance?.consent?.ids,
    knownConsentCategories(plan, options.governance),
  );
  let validator: ReturnType<typeof createEventValidator>;
  try {
    validator = createEventValidator(plan, {
      maxSamplesPerType: options.maxSamplesPerType,
      ...(consentIds ? { consentIds } : {}),
    });
  } catch (err) {
    throw asInputError(
      err,
      typeof options.plan === 'string' ? options.plan : 'the tracking plan',
      'tracking',
    );
  }
  const storeRef: MessageRef = { file: 'store', line: 0 };
  const { messages: restored } = await readStoredMessages(options.storeDir, (msg, line) => {
    storeRef.line = line;
    validator.validate(msg, storeRef);
  });
  const store = await openMessageStore(options.storeDir);
  const expectedAuth = `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;
  // The write key decides the source when the plan assigns it to one (as in Segment, where a write
  // key is a source); otherwise messages name theirs (context.source, or their library).
  const source = options.source ?? plan.sources.find((s) => s.writeKeys?.includes(options.writeKey))?.id;
  const liveRef: MessageRef = { where: 'collector', ...(source ? { source } : {}) };
  const handle = (req: IncomingMessage, res: ServerResponse) =>
    handleRequest(req, res, { writeKey: options.writeKey, expectedAuth, validator, store, liveRef });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    handle(req, res).then(
      ({ status, messages }) => options.onRequest?.({ path, status, messages }),
      (err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        const message = err instanceof Error ? err.message : String(err);
        if (!res.headersSent) send(res, status, { success: false, error: message });
        if (status === 400 || status === 413) req.resume();
        options.onRequest?.({ path, status, messages: 0, error: message });
      },
    );
  });
  const host = options.host ?? '127.0.0.1';
  await listen(server, host, options.port);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    restored,
    summary: () => validator.report(),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}

/** What a request handler needs from the running collector. */
interface HandlerContext {
  writeKey: string;
  expectedAuth: string;
  validator: EventValidator;
  store: MessageStore;
  liveRef: MessageRef;
}

/** Routes one request: the two GET endpoints, or a Segment call stored and validated on arrival. */
async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HandlerContext,
): Promise<{ status: number; messages: number }> {
  const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
  if (req.method === 'GET' && path === '/summary') {
    send(res, 200, ctx.validator.report());
    return { status: 200, messages: 0 };
  }
  if (req.method === 'GET' && path === '/health') {
    send(res, 200, { ok: true });
    return { status: 200, messages: 0 };
  }
  const single = SINGLE_PATHS[path];
  if (!single && !BATCH_PATHS.has(path)) throw new HttpError(404, `no route ${req.method} ${path}`);
  if (req.method !== 'POST') throw new HttpError(405, `use POST for ${path}`);
  const raw = await readBody(req);
  const text = await decode(raw, req.headers['content-encoding']);
  const obj = parseObjectBody(text);
  if (!isAuthorized(req.headers.authorization, obj, ctx))
    throw new HttpError(401, 'missing or wrong write key (HTTP Basic auth, user = write key)');
  const messages = single ? singleMessage(obj, single) : batchMessages(obj);
  stampMessages(messages, Boolean(single));
  await ctx.store.append(messages);
  for (const m of messages) ctx.validator.validate(m, ctx.liveRef);
  send(res, 200, { success: true });
  return { status: 200, messages: messages.length };
}

function parseObjectBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, 'body must be a JSON object');
  // Refused before anything recursive (validation, PII scans) walks it, and before it is stored;
  // a batch envelope adds two levels above its messages, which are checked one by one later.
  if (jsonDeeperThan(body, MAX_JSON_DEPTH + 2)) throw new HttpError(400, `body ${TOO_DEEP}`);
  return body as Record<string, unknown>;
}

function isAuthorized(
  header: string | undefined,
  body: Record<string, unknown> | undefined,
  ctx: Pick<HandlerContext, 'writeKey' | 'expectedAuth'>,
): boolean {
  if (header) {
    if (header === ctx.expectedAuth) return true;
    // Some clients send "writeKey:password" or omit the colon; the user name is what counts.
    const m = /^Basic\s+(.+)$/i.exec(header);
    if (!m) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    return decoded.split(':')[0] === ctx.writeKey;
  }
  return body?.writeKey === ctx.writeKey;
}

function singleMessage(obj: Record<string, unknown>, type: string): Record<string, unknown>[] {
  // The endpoint says what the call is, as in Segment's API.
  const messages: Record<string, unknown>[] = [{ ...obj, type }];
  delete messages[0].writeKey;
  return messages;
}

function batchMessages(obj: Record<string, unknown>): Record<string, unknown>[] {
  if (!Array.isArray(obj.batch)) throw new HttpError(400, 'batch body must have a "batch" array');
  return obj.batch.map((m, i) => {
    if (!m || typeof m !== 'object' || Array.isArray(m))
      throw new HttpError(400, `batch[${i}] is not a JSON object`);
    const msg = { ...(m as Record<string, unknown>) };
    // Batch-level context and integrations apply to members that do not set their own.
    if (msg.context === undefined && obj.context !== undefined) msg.context = obj.context;
    if (msg.integrations === undefined && obj.integrations !== undefined) msg.integrations = obj.integrations;
    return msg;
  });
}

/** Checks each message's size and type, then gives it a messageId (if missing) and the receipt time. */
function stampMessages(messages: Record<string, unknown>[], single: boolean): void {
  const receivedAt = new Date().toISOString();
  for (const [i, m] of messages.entries()) {
    if (jsonDeeperThan(m)) throw new HttpError(400, `message ${single ? '' : `batch[${i}] `}${TOO_DEEP}`);
    if (Buffer.byteLength(JSON.stringify(m)) > MAX_MESSAGE_BYTES) {
      throw new HttpError(400, `message ${single ? '' : `batch[${i}] `}is larger than 32 KB`);
    }
    if (typeof m.type !== 'string')
      throw new HttpError(400, `message ${single ? '' : `batch[${i}] `}has no type`);
    m.messageId ??= randomUUID();
    m.receivedAt = receivedAt;
  }
}

/** A port the collector can listen on: a whole number from 0 (any free port) to 65535. */
function checkPort(port: unknown): void {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new GtmError('USAGE', `must be a whole number between 0 and 65535, got ${String(port)}`, {
      where: '--port',
      hint: 'e.g. --port 8787, or --port 0 for any free port',
    });
}

/** Why the server could not listen, as the flag to change. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): GtmError {
  const at = `${host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new GtmError('USAGE', `port ${port} is already in use on ${host}`, {
        where: '--port',
        hint: 'stop what listens there, pick another port, or pass --port 0 for any free one',
        cause: err,
      });
    case 'EACCES':
    case 'EPERM':
      return new GtmError('USAGE', `not allowed to listen on ${at} (ports below 1024 need privileges)`, {
        where: '--port',
        hint: 'use a port from 1024 up, e.g. --port 8787',
        cause: err,
      });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EINVAL':
      return new GtmError('USAGE', `cannot listen on host "${host}" (${err.code})`, {
        where: '--host',
        hint: 'use an address of this machine, e.g. --host 127.0.0.1',
        cause: err,
      });
    default:
      return new GtmError('IO', `collector cannot listen on ${at}: ${err.message}`, {
        where: '--port',
        hint: 'pick another port or host',
        cause: err,
      });
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
    server.listen(port, host, () => resolve());
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the request body, refusing more than the batch limit (compressed or not). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BATCH_BYTES) {
        failed = true;
        reject(new HttpError(400, 'request body is larger than 500 KB'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

function decode(raw: Buffer, encoding: string | string[] | undefined): Promise<string> {
  const enc = (Array.isArray(encoding) ? encoding[0] : encoding)?.toLowerCase().trim();
  if (!enc || enc === 'identity') return Promise.resolve(raw.toString('utf8'));
  if (enc !== 'gzip')
    return Promise.reject(new HttpError(400, `unsupported content-encoding "${enc}" (use gzip or none)`));
  return new Promise((resolve, reject) => {
    // Cap the inflated size too: a small gzip body can expand past the batch limit.
    gunzip(raw, { maxOutputLength: MAX_BATCH_BYTES + 1 }, (err, out) => {
      if (err) {
        reject(
          new HttpError(
            400,
            (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
              ? 'request body is larger than 500 KB once inflated'
              : 'body is not valid gzip',
          ),
        );
        return;
      }
      if (out.length > MAX_BATCH_BYTES)
        reject(new HttpError(400, 'request body is larger than 500 KB once inflated'));
      else resolve(out.toString('utf8'));
    });
  });
}
