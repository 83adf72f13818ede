import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { relayStream } from '../../src/gateway/relay.js';
import type { Outcome } from '../../src/gateway/meter.js';

const EVENT = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x'.repeat(200) } }] })}\n\n`;
const EVENTS = 100_000; // ~23 MB: more than the loopback socket buffers hold, so the client's slowness reaches the relay

/** An upstream body as undici gives it: a Readable of SSE chunks, counting how often it was paused. */
function upstreamBody(): { body: Readable; pauses: () => number } {
  let sent = 0;
  let pauses = 0;
  const body = new Readable({
    read() {
      while (sent < EVENTS) {
        sent++;
        if (!this.push(EVENT)) return;
      }
      this.push(null);
    },
  });
  body.on('pause', () => pauses++);
  return { body, pauses: () => pauses };
}

let server: Server | undefined;
afterEach(() => server?.close());

describe('stream relay', () => {
  it('pauses the upstream while the client does not read, and delivers every byte once it does', async () => {
    const upstream = upstreamBody();
    let outcome: Outcome | undefined;
    server = createServer((req, res) => {
      const sent = { status: 200, headers: { 'content-type': 'text/event-stream' }, body: upstream.body, abort: () => upstream.body.destroy() };
      void relayStream(res, sent, 'openai-chat', {}, false, performance.now(), undefined, false, async (o) => {
        outcome = o;
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const received = await new Promise<number>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.pause(); // a slow client: nothing read for a while
        setTimeout(() => {
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () => resolve(bytes));
          res.resume();
        }, 500);
      }).on('error', reject);
    });
    expect(upstream.pauses()).toBeGreaterThan(0);
    expect(received).toBe(EVENT.length * EVENTS);
    expect(outcome?.errorCode).toBe('incomplete_stream'); // no usage in these events: recorded as incomplete, not cut
  });
});
