import type { ServerResponse } from 'node:http';
import { responseText } from '../tokens/body-text.js';
import { GatewayError } from './errors.js';
import type { SentRequest } from './forward.js';
import { UpstreamExchange } from './upstream-exchange.js';
import type { Outcome } from './meter.js';
import { DeferredStreamReader, OpenAIUsageChunkFilter, USAGE_READERS, usageFromText } from './providers/index.js';
import type { Dialect } from './providers/types.js';

/** Non-streaming (and error) answers: read whole, take usage from the JSON. */
export async function readBuffered(sent: SentRequest, dialect: Dialect, provider: string, started: number): Promise<{ outcome: Outcome; raw: Buffer }> {
  const raw = sent.body instanceof UpstreamExchange ? await sent.body.read() : await collect(sent.body);
  const text = raw.toString('utf8');
  let report = sent.status < 400 ? usageFromText(dialect, text) : undefined;
  let json: unknown;
  if (!report) {
    try {
      json = JSON.parse(text);
    } catch {
      if (sent.status < 400) throw new GatewayError(502, 'upstream_error', `upstream ${provider} answered with invalid JSON`);
    }
    report = json === undefined ? undefined : USAGE_READERS[dialect].fromJson(json);
  }
  const outcome: Outcome = {
    status: sent.status,
    errorCode: sent.status >= 400 ? 'upstream_error' : null,
    reported: report?.usage,
    complete: report !== undefined,
    outputText: sent.status < 400 && !report ? responseText(json) : '',
    returnedModel: report?.model ?? null,
    latencyMs: performance.now() - started,
    ttftMs: null,
  };
  return { outcome, raw };
}

/**
 * Streams: bytes go to the client as they arrive; usage is read on the side. A client that goes
 * away stops the upstream, and the request is still recorded with what was seen.
 */
export async function relayStream(
  res: ServerResponse,
  sent: SentRequest,
  dialect: Dialect,
  headers: Record<string, string>,
  hideUsageChunk: boolean,
  started: number,
  /** Collects the bytes sent to the client, to cache the stream. */
  capture: Buffer[] | undefined,
  /** The generated text is wanted even when the usage came (review samples). */
  withText: boolean,
  /**
   * Called with the outcome before the response ends: the row is recorded before the client sees the
   * end. Returns a promise only when there is something to wait for.
   */
  beforeEnd: (outcome: Outcome) => Promise<void> | void,
): Promise<Outcome> {
  const usage = USAGE_READERS[dialect];
  const filter = hideUsageChunk ? new OpenAIUsageChunkFilter() : undefined;
  // The filter parses the usage chunk it hides: the stream's events are then decoded only if needed.
  const reader = filter
    ? new DeferredStreamReader(() => usage.streamReader(), () => (filter.hidden ? usage.fromJson(filter.hidden) : undefined))
    : usage.streamReader();
  // `sent.headers` is the forwarder's own copy of the upstream's headers: completed in place.
  sent.headers['cache-control'] = 'no-cache';
  res.writeHead(sent.status, Object.assign(sent.headers, headers));
  let ttftMs: number | null = null;
  let errorCode: string | null = null;
  let clientGone = false;
  const onClose = () => {
    if (!res.writableFinished) {
      clientGone = true;
      sent.abort();
    }
  };
  res.on('close', onClose);
  // Writes are held to the end of the event-loop turn: bytes that arrive together (the last events,
  // the end of the stream) leave in one write instead of one each; nothing waits longer than the turn.
  let held = false;
  const release = () => {
    held = false;
    res.uncork();
  };
  /** Relays one chunk; false when the client's buffer is full (wait for 'drain'). */
  const relay = (chunk: Uint8Array): boolean => {
    ttftMs ??= performance.now() - started;
    reader.push(chunk);
    const out = filter ? filter.push(chunk) : chunk;
    capture?.push(Buffer.from(out));
    if (out.length === 0) return true;
    if (!held) {
      held = true;
      res.cork();
      setImmediate(release);
    }
    return res.write(out) || clientGone;
  };
  try {
    if (sent.body instanceof UpstreamExchange) await pump(sent.body, relay, res);
    else {
      for await (const chunk of sent.body) {
        if (!relay(chunk)) await drained(res);
        if (clientGone) break;
      }
    }
    if (filter) {
      const tail = filter.flush();
      if (tail.length > 0) {
        capture?.push(Buffer.from(tail));
        res.write(tail);
      }
    }
  } catch {
    errorCode = clientGone ? 'client_closed' : 'upstream_cut';
  }
  if (clientGone) errorCode = 'client_closed';
  res.off('close', onClose);
  const seen = reader.result(withText);
  const outcome: Outcome = {
    status: sent.status,
    errorCode: seen.complete ? null : (errorCode ?? 'incomplete_stream'),
    reported: seen.usage,
    complete: seen.complete,
    outputText: seen.outputText,
    returnedModel: seen.model ?? null,
    latencyMs: performance.now() - started,
    ttftMs,
  };
  // Held while the row is journaled, so the last bytes and the end still leave in one write.
  res.cork();
  try {
    const recording = beforeEnd(outcome);
    if (recording) await recording;
  } finally {
    if (errorCode === 'upstream_cut') res.destroy();
    else res.end();
    res.uncork();
  }
  return outcome;
}

/** The simulator's bodies (generators), whole. */
async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Bytes a client may leave unread in its buffer before the upstream is paused. */
const RELAY_HIGH_WATER = 64 * 1024;

/**
 * Feeds an upstream's chunks to `relay` until the body ends, pausing the upstream once the client
 * leaves RELAY_HIGH_WATER bytes unread, until its buffer drains. Not at the socket's own high-water
 * mark: upstreams send many small chunks (an event each), and a pause per chunk took 16 s to relay
 * 23 MB once the client was slow. Rejects when the body fails or is aborted before its end (cut, or
 * aborted because the client went away), and when `relay` throws (the request is then aborted).
 */
function pump(body: UpstreamExchange, relay: (chunk: Uint8Array) => boolean, res: ServerResponse): Promise<void> {
  let waiting = false;
  const resume = () => {
    waiting = false;
    body.resume();
  };
  const done = () => {
    res.off('drain', resume);
  };
  // `then` with both callbacks, not `finally`: one promise a stream instead of three.
  return body
    .relay((chunk) => {
      if (relay(chunk) || res.writableLength < RELAY_HIGH_WATER) return true;
      if (!waiting) {
        waiting = true;
        res.once('drain', resume);
      }
      return false;
    })
    .then(done, (err: unknown) => {
      done();
      throw err;
    });
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
