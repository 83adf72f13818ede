import type { IncomingHttpHeaders } from 'node:http';
import { Pool, errors as undiciErrors } from 'undici';
import { GatewayError } from './errors.js';
import { adapterFor } from './providers/index.js';
import { Simulator, type SimulateOptions } from './providers/simulated/index.js';
import type { Dialect, UpstreamConfig } from './providers/types.js';
import { UpstreamExchange } from './upstream-exchange.js';
import { UpstreamTimeouts } from './upstream-timeouts.js';

/** `headers` is this request's own copy: the pipeline completes it in place. */
export interface SentRequest {
  status: number;
  headers: Record<string, string>;
  /** A real upstream's answer, or the simulator's generated body. */
  body: UpstreamExchange | AsyncIterable<Uint8Array>;
  /** Stops reading the upstream (the client went away). */
  abort(): void;
}

/** Sends requests to upstreams over pooled keep-alive connections (undici pools), or to the simulator. */
export class Forwarder {
  /** One keep-alive pool per upstream origin. */
  private readonly pools = new Map<string, Pool>();
  private readonly simulator = new Simulator();
  /** One sweep per timeout length (upstreams may set their own). */
  private readonly timeouts = new Map<number, UpstreamTimeouts>();

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) this.pools.set(origin, (pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000 })));
    return pool;
  }

  private timeoutsFor(ms: number): UpstreamTimeouts {
    let timeouts = this.timeouts.get(ms);
    if (!timeouts) this.timeouts.set(ms, (timeouts = new UpstreamTimeouts(ms)));
    return timeouts;
  }

  constructor(private readonly simulated: SimulateOptions) {}

  async send(
    upstream: UpstreamConfig,
    dialect: Dialect,
    model: string,
    body: Record<string, unknown>,
    bodyBytes: string | Buffer,
    clientHeaders: IncomingHttpHeaders,
  ): Promise<SentRequest> {
    if (upstream.kind === 'simulated') {
      const controller = new AbortController();
      const res = await this.simulator.simulate(dialect, body, { ...this.simulated, signal: controller.signal });
      return { ...res, headers: { ...res.headers }, abort: () => controller.abort() };
    }
    const target = adapterFor(upstream.kind).request(upstream, dialect, clientHeaders, model);
    const pathStart = target.url.indexOf('/', target.url.indexOf('//') + 2);
    const origin = pathStart === -1 ? target.url : target.url.slice(0, pathStart);
    try {
      const exchange = new UpstreamExchange((err, answered) => toGatewayError(err, upstream, answered), this.timeoutsFor(upstream.timeoutMs));
      this.poolFor(origin).dispatch(
        {
          method: 'POST',
          path: pathStart === -1 ? '/' : target.url.slice(pathStart),
          headers: target.headers,
          body: bodyBytes,
          // The exchange's own timeouts (`UpstreamTimeouts`), not undici's timer objects per request.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        exchange,
      );
      await exchange.answered;
      return { status: exchange.status, headers: exchange.headers, body: exchange, abort: () => exchange.abort() };
    } catch (err) {
      throw toGatewayError(err, upstream);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}

/**
 * Network failures become a 502/504 in the client's dialect; the provider's secret never appears.
 * `answered`: the failure came after the answer's headers (the upstream broke it off).
 */
export function toGatewayError(err: unknown, upstream: UpstreamConfig, answered = false): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError(504, 'upstream_timeout', `upstream ${upstream.name} did not ${answered ? 'finish its answer' : 'answer'} within ${upstream.timeoutMs} ms`);
  }
  if (answered) return new GatewayError(502, 'upstream_error', `upstream ${upstream.name} broke off its answer`);
  const code = (err as { code?: string }).code;
  return new GatewayError(502, 'upstream_error', `upstream ${upstream.name} unreachable${code ? ` (${code})` : ''}`);
}
