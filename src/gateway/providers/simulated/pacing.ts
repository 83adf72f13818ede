import type { SimEvent } from './reply.js';

/** A body of one chunk. */
export async function* singleChunk(body: string | Buffer): AsyncGenerator<Uint8Array> {
  yield typeof body === 'string' ? Buffer.from(body) : body;
}

/** All events as one string (an instant stream); a native join flattens faster than `+=`. */
export function joinEvents(events: readonly SimEvent[]): string {
  return events.map((e) => e.text).join('');
}

/**
 * SSE events paced at `tokensPerSecond` (0 = everything at once): each event is due when the tokens
 * before it and its own have been "generated"; events already due go out together in one chunk.
 */
export async function* pacedBody(events: readonly SimEvent[], tokensPerSecond: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (!(tokensPerSecond > 0)) {
    yield Buffer.from(joinEvents(events));
    return;
  }
  const msPerToken = 1000 / tokensPerSecond;
  const start = performance.now();
  let dueMs = 0;
  let batch = '';
  for (const event of events) {
    dueMs += event.tokens * msPerToken;
    const wait = start + dueMs - performance.now();
    if (wait >= 1) {
      if (batch) {
        yield Buffer.from(batch);
        batch = '';
      }
      if (signal?.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (signal?.aborted) return;
    }
    batch += event.text;
  }
  if (batch) yield Buffer.from(batch);
}
