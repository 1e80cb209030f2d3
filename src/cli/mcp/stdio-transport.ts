import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** A line longer than this is refused (the SDK's stdio transport uses the same bound). */
const MAX_LINE_BYTES = 10 * 1024 * 1024;

type Id = string | number;

/** Where the transport writes its messages: stdout, or what `protocolStdout` kept of it. */
export interface MessageSink {
  write(text: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * The MCP stdio transport (one JSON-RPC message per line) as JSON-RPC 2.0 asks for it, where the SDK's
 * StdioServerTransport differs:
 * - a line that is not JSON gets `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`,
 *   and JSON that is not a JSON-RPC message gets -32600 Invalid Request (with its id when it has one);
 *   the SDK dropped both silently. Blank lines are skipped.
 * - the end of stdin closes the transport once every request already received has been answered, so
 *   `gtm mcp` returns (exit 0) when the client goes away; the SDK never noticed the end, and the
 *   process ended with Node's "unsettled top-level await" (13).
 */
export class LineJsonRpcTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending = new Set<Id>();
  private ended = false;
  private closed = false;

  constructor(
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: MessageSink = process.stdout,
  ) {}

  private readonly onData = (chunk: Buffer | string) => {
    this.buffer = Buffer.concat([this.buffer, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    for (let nl = this.buffer.indexOf(10); nl >= 0; nl = this.buffer.indexOf(10)) {
      const line = this.buffer.toString('utf8', 0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.subarray(nl + 1);
      this.handleLine(line);
    }
    if (this.buffer.length > MAX_LINE_BYTES) {
      this.buffer = Buffer.alloc(0);
      void this.replyError(
        null,
        ErrorCode.InvalidRequest,
        `Invalid Request: a message longer than ${MAX_LINE_BYTES} bytes`,
      );
    }
  };

  private readonly onEnd = () => {
    // a last message without its newline is still a message
    if (this.buffer.length) {
      const line = this.buffer.toString('utf8');
      this.buffer = Buffer.alloc(0);
      this.handleLine(line);
    }
    this.ended = true;
    this.closeWhenIdle();
  };

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private handleLine(line: string): void {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      void this.replyError(null, ErrorCode.ParseError, 'Parse error');
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = (json as { id?: unknown } | null)?.id;
      void this.replyError(
        typeof id === 'string' || typeof id === 'number' ? id : null,
        ErrorCode.InvalidRequest,
        'Invalid Request',
      );
      return;
    }
    const message = parsed.data;
    if ('method' in message && 'id' in message) this.pending.add(message.id);
    this.onmessage?.(message);
    // a cancelled request gets no response (MCP cancellation): it no longer holds the close back
    if ('method' in message && message.method === 'notifications/cancelled' && !('id' in message)) {
      const requestId = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof requestId === 'string' || typeof requestId === 'number') {
        this.pending.delete(requestId);
        this.closeWhenIdle();
      }
    }
  }

  private replyError(id: Id | null, code: number, message: string): Promise<void> {
    return this.write(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }) + '\n');
  }

  private write(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(text)) resolve();
      else this.stdout.once('drain', () => resolve());
    });
  }

  private closeWhenIdle(): void {
    if (this.ended && this.pending.size === 0) void this.close();
  }

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('error', this.onStreamError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    await this.write(JSON.stringify(message) + '\n');
    if (('result' in message || 'error' in message) && 'id' in message && message.id !== undefined) {
      this.pending.delete(message.id as Id);
      this.closeWhenIdle();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('error', this.onStreamError);
    this.stdin.pause();
    this.onclose?.();
  }
}

/**
 * Keeps stdout for the protocol: returns a sink writing to the real stdout, and sends everything
 * else written to stdout from then on to stderr (console.log, console.info, console.table, a
 * library's own print, `process.stdout.write`). A client reads every stdout line as a JSON-RPC
 * message; a stray line there is a parse error in the client, or a message it drops.
 */
export function protocolStdout(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): MessageSink {
  const write = stdout.write.bind(stdout) as (text: string) => boolean;
  stdout.write = stderr.write.bind(stderr) as typeof stdout.write;
  return { write: (text) => write(text), once: (event, listener) => stdout.once(event, listener) };
}
