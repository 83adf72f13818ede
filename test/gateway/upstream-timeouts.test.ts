import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors, Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamExchange } from '../../src/gateway/upstream-exchange.js';
import { UpstreamTimeouts } from '../../src/gateway/upstream-timeouts.js';

const TIMEOUT_MS = 300;

let server: Server | undefined;
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.destroy();
  server?.closeAllConnections();
  server?.close();
});

/** An upstream answering with `handle`; requests go through an undici pool with undici's own timeouts off, as the Forwarder sends them. */
async function exchangeWith(handle: (req: IncomingMessage, res: ServerResponse) => void, timeouts: UpstreamTimeouts): Promise<UpstreamExchange> {
  server = createServer((req, res) => {
    req.resume();
    handle(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const exchange = new UpstreamExchange(undefined, timeouts);
  pool.dispatch({ method: 'POST', path: '/', body: '{}', headersTimeout: 0, bodyTimeout: 0 }, exchange);
  return exchange;
}

/** An upstream handler that starts an event stream, then sends what `send` writes. */
const eventStream = (send: (res: ServerResponse) => void) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  send(res);
};

describe('upstream timeouts', () => {
  it('times out an upstream that never answers, no sooner than the timeout', async () => {
    const timeouts = new UpstreamTimeouts(TIMEOUT_MS);
    const started = performance.now();
    const exchange = await exchangeWith(() => {}, timeouts);
    const err = await exchange.answered.catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(err).toBeInstanceOf(errors.HeadersTimeoutError);
    expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(waited).toBeLessThan(2 * TIMEOUT_MS);
    expect(timeouts.size).toBe(0);
  });

  it('times out a body that stops coming', async () => {
    const timeouts = new UpstreamTimeouts(TIMEOUT_MS);
    const exchange = await exchangeWith(eventStream((res) => res.write('data: {}\n\n')), timeouts);
    await exchange.answered;
    const chunks: Buffer[] = [];
    const err = await exchange.relay((c) => chunks.push(c) > 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.BodyTimeoutError);
    expect(Buffer.concat(chunks).toString()).toBe('data: {}\n\n');
  });

  it('lets a slow stream run past the timeout while each chunk comes within it', async () => {
    const timeouts = new UpstreamTimeouts(TIMEOUT_MS);
    const exchange = await exchangeWith(eventStream((res) => {
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`data: ${sent}\n\n`);
        if (++sent === 8) {
          clearInterval(timer);
          res.end();
        }
      }, TIMEOUT_MS / 3);
    }), timeouts);
    const started = performance.now();
    await exchange.answered;
    let events = 0;
    await exchange.relay((c) => (events += c.toString().split('\n\n').length - 1) > 0);
    expect(events).toBe(8);
    expect(performance.now() - started).toBeGreaterThan(2 * TIMEOUT_MS);
    expect(timeouts.size).toBe(0);
  });

  it('does not time out an upstream paused for a slow client', async () => {
    const timeouts = new UpstreamTimeouts(TIMEOUT_MS);
    const exchange = await exchangeWith(eventStream((res) => {
      res.write('data: 1\n\n');
      setTimeout(() => res.write('data: 2\n\n'), 50);
      setTimeout(() => res.end('data: 3\n\n'), 100);
    }), timeouts);
    await exchange.answered;
    let text = '';
    let reading = false;
    let settled = false;
    // A client whose buffer is full until `reading`: the upstream is paused meanwhile.
    const done = exchange.relay((c) => {
      text += c.toString();
      return reading;
    });
    void done.then(() => (settled = true), () => (settled = true));
    await sleep(3 * TIMEOUT_MS);
    expect(settled).toBe(false);
    expect(text).not.toContain('data: 3');
    reading = true;
    exchange.resume();
    await done;
    expect(text).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    expect(timeouts.size).toBe(0);
  });
});
