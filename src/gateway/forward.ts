import type { IncomingHttpHeaders } from 'node:http';
import { Agent, errors as undiciErrors, request } from 'undici';
import { GatewayError } from './errors.js';
import { adapterFor } from './providers/index.js';
import { Simulator, type SimulateOptions } from './providers/simulated/index.js';
import type { Dialect, UpstreamConfig, UpstreamResponse } from './providers/types.js';

/** Hop-by-hop and framing headers are ours to set, not the upstream's. */
const DROP_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'date', 'server']);

export interface SentRequest extends UpstreamResponse {
  /** Stops reading the upstream (the client went away). */
  abort(): void;
}

/** Sends requests to upstreams over pooled keep-alive connections (undici), or to the simulator. */
export class Forwarder {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  private readonly simulator = new Simulator();

  constructor(private readonly simulated: SimulateOptions) {}

  async send(
    upstream: UpstreamConfig,
    dialect: Dialect,
    model: string,
    body: Record<string, unknown>,
    bodyText: string,
    clientHeaders: IncomingHttpHeaders,
  ): Promise<SentRequest> {
    if (upstream.kind === 'simulated') {
      const controller = new AbortController();
      const res = await this.simulator.simulate(dialect, body, { ...this.simulated, signal: controller.signal });
      return { ...res, abort: () => controller.abort() };
    }
    const target = adapterFor(upstream.kind).request(upstream, dialect, clientHeaders, model);
    const controller = new AbortController();
    try {
      const res = await request(target.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { ...target.headers, 'content-type': 'application/json' },
        body: bodyText,
        signal: controller.signal,
        headersTimeout: upstream.timeoutMs,
        bodyTimeout: upstream.timeoutMs,
      });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined && !DROP_RESPONSE_HEADERS.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      return { status: res.statusCode, headers, body: res.body, abort: () => controller.abort() };
    } catch (err) {
      throw toGatewayError(err, upstream);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Network failures become a 502/504 in the client's dialect; the provider's secret never appears. */
export function toGatewayError(err: unknown, upstream: UpstreamConfig): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError(504, 'upstream_timeout', `upstream ${upstream.name} did not answer within ${upstream.timeoutMs} ms`);
  }
  const code = (err as { code?: string }).code;
  return new GatewayError(502, 'upstream_error', `upstream ${upstream.name} unreachable${code ? ` (${code})` : ''}`);
}
