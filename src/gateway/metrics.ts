import { Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one gateway instance (its own registry: no process-global state). */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'burnrate_requests_total',
    help: 'Proxied requests, by app, model and HTTP status',
    labelNames: ['app', 'model', 'status'] as const,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'burnrate_tokens_total',
    help: 'Tokens, by app, model and direction (in, out)',
    labelNames: ['app', 'model', 'direction'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'burnrate_cost_usd_total',
    help: 'Dollars spent, by app and model',
    labelNames: ['app', 'model'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'burnrate_request_duration_seconds',
    help: 'End-to-end request duration through the gateway, by app and model',
    labelNames: ['app', 'model'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  record(app: string, model: string, status: number, tokensIn: number, tokensOut: number, costNano: number, seconds: number): void {
    this.requests.inc({ app, model, status: String(status) });
    if (tokensIn) this.tokens.inc({ app, model, direction: 'in' }, tokensIn);
    if (tokensOut) this.tokens.inc({ app, model, direction: 'out' }, tokensOut);
    if (costNano) this.cost.inc({ app, model }, costNano / 1e9);
    this.latency.observe({ app, model }, seconds);
  }
}
