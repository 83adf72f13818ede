// Reserve + settle against the in-process budget state and against Redis: ops/s and p50/p99 latency,
// one at a time (the latency a request pays) and 64 in flight (what one instance can push).
// Run after a build: `npm run build && node bench/state.mjs`. REDIS_URL (default redis://127.0.0.1:6379),
// BENCH_SECONDS (default 3 per cell).
import { randomBytes } from 'node:crypto';
import { MemoryBudgetState } from '../dist/state/index.js';
import { connectRedis, RedisBudgetState } from '../dist/state/redis/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOUR = 3_600_000;

/** A request under a monthly app budget; with `rolling`, also a 24 h rolling customer budget (24 buckets). */
function items(rolling) {
  const month = { key: 'b:app:support:m2026-11', limitNano: 1e18, amountNano: 20_000_000 };
  if (!rolling) return [month];
  const hour = Math.floor(Date.now() / HOUR);
  const base = 'b:cust:acme';
  const spentKeys = Array.from({ length: 24 }, (_, i) => `${base}:h${hour - i}`);
  return [month, { key: `${base}:rolling`, spentKeys, spendKey: spentKeys[0], limitNano: 1e18, amountNano: 20_000_000 }];
}

async function measure(state, inFlight, rolling) {
  const latencies = [];
  const list = items(rolling);
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  async function worker() {
    while (performance.now() < end) {
      const t = performance.now();
      const r = await state.reserve(list, 600_000);
      if (!r.ok) throw new Error('refused');
      await state.settle(r.reservationId, 12_345_678);
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { 'ops/s': Math.round(latencies.length / elapsed), 'p50 ms': q(0.5).toFixed(3), 'p99 ms': q(0.99).toFixed(3) };
}

const rows = [];
async function cells(name, state) {
  for (const rolling of [false, true]) {
    for (const inFlight of [1, 64]) {
      rows.push({ state: name, budgets: rolling ? 'month + 24 h rolling' : 'month', 'in flight': inFlight, ...(await measure(state, inFlight, rolling)) });
    }
  }
}

await cells('in-process', new MemoryBudgetState());
const prefix = `burnrate-bench:${randomBytes(4).toString('hex')}:`;
const conn = await connectRedis(REDIS_URL, { prefix }).catch((err) => {
  console.error(`skipping Redis: ${err.message}`);
});
if (conn) {
  try {
    await cells('Redis', new RedisBudgetState(conn.client, { prefix }));
  } finally {
    const stream = conn.client.scanStream({ match: `${prefix}*`, count: 500 });
    for await (const keys of stream) if (keys.length) await conn.client.unlink(...keys);
    await conn.close();
  }
}
console.table(rows);
