import { createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { relayStream } from '../../src/gateway/relay.js';
import { UpstreamExchange } from '../../src/gateway/upstream-exchange.js';
import type { Outcome } from '../../src/gateway/meter.js';

const EVENT = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x'.repeat(200) } }] })}\n\n`;
const EVENTS = 100_000; // ~23 MB: more than the loopback socket buffers hold, so the client's slowness reaches the upstream

/** An upstream that streams EVENTS as fast as its socket takes them, and says when it has written them all. */
async function streamingUpstream(): Promise<{ server: Server; url: string; finished: () => boolean }> {
  let finished = false;
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    const write = () => {
      while (sent < EVENTS) {
        sent++;
        if (!res.write(EVENT)) return void res.once('drain', write);
      }
      res.end(() => (finished = true));
    };
    write();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, finished: () => finished };
}

let server: Server | undefined;
let upstreamServer: Server | undefined;
let pool: Pool | undefined;
afterEach(async () => {
  server?.close();
  upstreamServer?.close();
  await pool?.close();
});

describe('stream relay', () => {
  it('pauses the upstream while the client does not read, and delivers every byte once it does', async () => {
    const upstream = await streamingUpstream();
    upstreamServer = upstream.server;
    pool = new Pool(upstream.url);
    let outcome: Outcome | undefined;
    let relayed: ServerResponse | undefined;
    server = createServer(async (req, res) => {
      relayed = res;
      const exchange = new UpstreamExchange();
      pool!.dispatch({ method: 'POST', path: '/', body: '{}' }, exchange);
      await exchange.answered;
      const sent = { status: exchange.status, headers: exchange.headers, body: exchange, abort: () => exchange.abort() };
      void relayStream(res, sent, 'openai-chat', {}, false, performance.now(), undefined, false, async (o) => {
        outcome = o;
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    let finishedWhilePaused = true;
    let heldWhilePaused = Infinity;
    const received = await new Promise<number>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.pause(); // a slow client: nothing read for a while
        setTimeout(() => {
          finishedWhilePaused = upstream.finished();
          heldWhilePaused = relayed!.writableLength;
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () => resolve(bytes));
          res.resume();
        }, 500);
      }).on('error', reject);
    });
    // Without backpressure the gateway would have read megabytes into memory while the client slept.
    expect(heldWhilePaused).toBeLessThan(256 * 1024);
    expect(finishedWhilePaused).toBe(false);
    expect(upstream.finished()).toBe(true);
    expect(received).toBe(EVENT.length * EVENTS);
    expect(outcome?.errorCode).toBe('incomplete_stream'); // no usage in these events: recorded as incomplete, not cut
  });
});
