// A closed-loop load generator with sub-millisecond latency figures (autocannon rounds latencies
// to whole milliseconds, too coarse for a proxy whose overhead is a fraction of one).
import { Pool } from 'undici';

/**
 * Keeps `connections` requests in flight for `seconds`, each body from `makeBody(i)`, reading every
 * answer to its end. Returns requests/s and p50/p99 latency in ms. With `urls` instead of `url`,
 * requests go to them in turn (round-robin, as a load balancer in front of several instances would).
 */
export async function load({ url, urls = [url], connections, seconds, makeBody, headers }) {
  const targets = urls.map((u) => {
    const target = new URL(u);
    return { path: target.pathname, pool: new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 }) };
  });
  const latencies = [];
  let i = 0;
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  async function worker() {
    while (performance.now() < end) {
      const started = performance.now();
      try {
        const n = i++;
        const { pool, path } = targets[n % targets.length];
        const res = await pool.request({ path, method: 'POST', headers, body: makeBody(n) });
        for await (const _ of res.body) {
          // read to the end, as a client would
        }
        if (res.statusCode >= 300) failed++;
        else latencies.push(performance.now() - started);
      } catch {
        failed++;
      }
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(targets.map((t) => t.pool.close()));
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), failed };
}
