/**
 * Prometheus metrics of one gateway instance, kept as plain numbers in maps and rendered in the
 * text exposition format on scrape. (prom-client cost ~65 µs a request here — a quarter of the
 * gateway's throughput — because it hashes label sets on every update.)
 */
const BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface Series {
  app: string;
  model: string;
  requests: Map<number, number>;
  tokensIn: number;
  tokensOut: number;
  costNano: number;
  buckets: number[];
  sumSeconds: number;
  count: number;
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class GatewayMetrics {
  /** By app, then model: no key string built per request. */
  private readonly byApp = new Map<string, Map<string, Series>>();

  record(app: string, model: string, status: number, tokensIn: number, tokensOut: number, costNano: number, seconds: number): void {
    let byModel = this.byApp.get(app);
    if (!byModel) this.byApp.set(app, (byModel = new Map()));
    let s = byModel.get(model);
    if (!s) {
      s = { app, model, requests: new Map(), tokensIn: 0, tokensOut: 0, costNano: 0, buckets: BUCKETS.map(() => 0), sumSeconds: 0, count: 0 };
      byModel.set(model, s);
    }
    s.requests.set(status, (s.requests.get(status) ?? 0) + 1);
    s.tokensIn += tokensIn;
    s.tokensOut += tokensOut;
    s.costNano += costNano;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.buckets[i]!++;
    s.sumSeconds += seconds;
    s.count++;
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  render(): string {
    const out: string[] = [];
    const all = [...this.byApp.values()].flatMap((byModel) => [...byModel.values()]);
    const labels = (s: Series, extra = '') => `app="${escape(s.app)}",model="${escape(s.model)}"${extra}`;
    out.push('# HELP burnrate_requests_total Proxied requests, by app, model and HTTP status', '# TYPE burnrate_requests_total counter');
    for (const s of all) for (const [status, n] of s.requests) out.push(`burnrate_requests_total{${labels(s, `,status="${status}"`)}} ${n}`);
    out.push('# HELP burnrate_tokens_total Tokens, by app, model and direction (in, out)', '# TYPE burnrate_tokens_total counter');
    for (const s of all) {
      out.push(`burnrate_tokens_total{${labels(s, ',direction="in"')}} ${s.tokensIn}`);
      out.push(`burnrate_tokens_total{${labels(s, ',direction="out"')}} ${s.tokensOut}`);
    }
    out.push('# HELP burnrate_cost_usd_total Dollars spent, by app and model', '# TYPE burnrate_cost_usd_total counter');
    for (const s of all) out.push(`burnrate_cost_usd_total{${labels(s)}} ${s.costNano / 1e9}`);
    out.push('# HELP burnrate_request_duration_seconds End-to-end request duration through the gateway', '# TYPE burnrate_request_duration_seconds histogram');
    for (const s of all) {
      BUCKETS.forEach((b, i) => out.push(`burnrate_request_duration_seconds_bucket{${labels(s, `,le="${b}"`)}} ${s.buckets[i]}`));
      out.push(`burnrate_request_duration_seconds_bucket{${labels(s, ',le="+Inf"')}} ${s.count}`);
      out.push(`burnrate_request_duration_seconds_sum{${labels(s)}} ${s.sumSeconds}`);
      out.push(`burnrate_request_duration_seconds_count{${labels(s)}} ${s.count}`);
    }
    return `${out.join('\n')}\n`;
  }
}
