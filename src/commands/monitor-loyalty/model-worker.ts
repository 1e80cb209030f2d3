/**
 * Worker thread of the churn and value models (`startModelThread`): answers each request with the
 * value of the named function of `MODEL_CALLS`, or its error.
 */
import { parentPort } from 'node:worker_threads';
import { MODEL_CALLS } from './model-calls.ts';
import type { ModelReply, ModelRequest } from './model-thread.ts';

parentPort!.on('message', (m: ModelRequest) => {
  let reply: ModelReply;
  try {
    reply = { id: m.id, value: (MODEL_CALLS[m.name] as (...a: unknown[]) => unknown)(...m.args) };
  } catch (e) {
    reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
