import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { responseText } from '../tokens/body-text.js';
import { GatewayError } from './errors.js';
import { readAll } from './http.js';
import type { SentRequest } from './forward.js';
import type { Outcome } from './meter.js';
import { DeferredStreamReader, OpenAIUsageChunkFilter, USAGE_READERS, usageFromText } from './providers/index.js';
import type { Dialect } from './providers/types.js';

/** Non-streaming (and error) answers: read whole, take usage from the JSON. */
export async function readBuffered(sent: SentRequest, dialect: Dialect, provider: string, started: number): Promise<{ outcome: Outcome; raw: Buffer }> {
  const raw = sent.body instanceof Readable ? await readAll(sent.body) : await collect(sent.body);
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
  /** Called with the outcome before the response ends: the row is recorded before the client sees the end. */
  beforeEnd: (outcome: Outcome) => Promise<void>,
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
    if (sent.body instanceof Readable) await pump(sent.body, relay, res);
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
    await beforeEnd(outcome);
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

/**
 * Feeds a readable's chunks to `relay` until it ends, pausing while the client's buffer is full.
 * Listeners and one promise: `for await` costs a promise per chunk and an iterator with its own
 * listeners per stream. Rejects when the stream fails or is destroyed before its end (cut, or aborted
 * because the client went away).
 */
function pump(body: Readable, relay: (chunk: Uint8Array) => boolean, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const resume = () => body.resume();
    const done = (err?: Error) => {
      body.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      res.off('drain', resume);
      if (err) reject(err);
      else resolve();
    };
    const onData = (chunk: Uint8Array) => {
      // A throw here would escape into the stream's emitter; it settles the relay instead, as it did
      // inside the for-await loop.
      let more: boolean;
      try {
        more = relay(chunk);
      } catch (err) {
        body.destroy();
        return done(err as Error);
      }
      if (!more) {
        body.pause();
        res.once('drain', resume);
      }
    };
    const onEnd = () => done();
    const onClose = () => done(new Error('upstream stream closed before its end'));
    body.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
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
