// `npm run bench`: requests/s and latency direct to an instant upstream, through a minimal
// node:http + undici proxy (the floor), and through Burnrate (keys, metering, ledger on), unloaded
// and at 10 and 50 connections, streaming and not, with ~2 KB bodies. Prints one table.
// Options: BENCH_SECONDS (default 2 per run), BENCH_ROUNDS (default 3 runs per cell, medians reported),
// BENCH_SOAK=60 adds an RSS soak of that many seconds. The load comes from `wrk` when it is installed
// (BENCH_LOADGEN=node forces the Node generator of load.mjs).
import { CONTROLS, WRK, loadChat, startBurnrate, startChild } from './processes.mjs';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SOAK = Number(process.env.BENCH_SOAK ?? 0);
const bin = join(new URL('.', import.meta.url).pathname, '..', 'bin', 'burnrate.js');
const children = [];

const load = (url, key, stream, connections, fixed = false, seconds = SECONDS) => loadChat(url, key, { stream, connections, seconds, fixed });

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The median of one figure over a target's runs. */
const medianOf = (runs, f) => median(runs.map(f));
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main() {
  const upstream = await startChild('upstream.mjs', ['0'], children);
  const floor = await startChild('floor-proxy.mjs', [upstream.url], children);
  const off = await startBurnrate(bin, upstream.url, { loopBreaker: { enabled: false } }, children);
  const on = await startBurnrate(bin, upstream.url, CONTROLS, children);
  const cached = await startBurnrate(bin, upstream.url, { loopBreaker: { enabled: false }, apps: { bench: { cache: { enabled: true } } } }, children);

  const targets = [
    ['direct', upstream.url, undefined],
    ['floor (node:http + undici)', floor.url, undefined],
    ['burnrate', off.url, off.key],
    ['burnrate + controls', on.url, on.key],
  ];
  const rows = [];
  // A gateway runs for days: warm every target up (JIT, heap sizes) before the first cell, or the
  // unloaded cells, which see few requests, measure a process that is still compiling its hot path.
  for (const [, url, key] of targets) {
    for (const stream of [false, true]) await load(url, key, stream, 10, false, 2);
  }
  for (const stream of [false, true]) {
    for (const connections of [1, 10, 50]) {
      // The targets take turns, ROUNDS times, and each figure is the median of its rounds: on a shared
      // machine a slow spell then hits every target of a round rather than one target's only run.
      const runs = Object.fromEntries(targets.map(([name]) => [name, []]));
      for (const [, url, key] of targets) await load(url, key, stream, Math.min(connections, 10), false, 1); // warm up
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, url, key] of targets) runs[name].push(await load(url, key, stream, connections));
      }
      const floorRuns = runs['floor (node:http + undici)'];
      for (const [name] of targets) {
        const r = runs[name];
        const m = (f) => medianOf(r, f);
        const added = (f) => (name === 'direct' ? '' : fmt(median(r.map((x, i) => f(x) - f(runs.direct[i]))), 3));
        const share = name.startsWith('burnrate') ? `${fmt(100 * median(r.map((x, i) => x.rps / floorRuns[i].rps)))} %` : '';
        rows.push([name, stream ? 'stream' : 'json', connections, fmt(m((x) => x.rps)), fmt(m((x) => x.p50), 3), fmt(m((x) => x.p99), 3), added((x) => x.p50), added((x) => x.p99), share]);
      }
    }
  }
  // Cache hits: the same request again and again, answered from the cache; hits and misses take turns.
  await load(cached.url, cached.key, false, 10, true, 2); // warm up
  const hits1 = [];
  const hits50 = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    hits1.push(await load(cached.url, cached.key, false, 1, true));
    const hit50 = await load(cached.url, cached.key, false, 50, true);
    hits50.push(hit50);
    ratios.push(hit50.rps / (await load(off.url, off.key, false, 50)).rps);
  }
  rows.push(['burnrate cache hit', 'json', 1, fmt(medianOf(hits1, (x) => x.rps)), fmt(medianOf(hits1, (x) => x.p50), 3), fmt(medianOf(hits1, (x) => x.p99), 3), '', '', '']);
  rows.push(['burnrate cache hit', 'json', 50, fmt(medianOf(hits50, (x) => x.rps)), fmt(medianOf(hits50, (x) => x.p50), 3), fmt(medianOf(hits50, (x) => x.p99), 3), '', '', `${fmt(median(ratios), 1)}× miss`]);

  const headers = ['target', 'body', 'conns', 'req/s', 'p50 ms', 'p99 ms', '+p50 vs direct', '+p99 vs direct', 'vs floor'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  const generator = WRK ? 'load from wrk (1 thread)' : 'load from the Node generator (bench/load.mjs)';
  console.log(`\nBurnrate gateway benchmark — ${cpus().length} cores (${cpus()[0].model}), Node ${process.version}, ${generator}, median of ${ROUNDS} rounds of ${SECONDS} s per cell\n`);
  console.log(line(headers));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
  const mem = rssMb(off.child.pid);
  console.log(`\nburnrate RSS after the run: ${fmt(mem.rss)} MB (peak ${fmt(mem.peak)} MB)`);

  if (SOAK > 0) {
    const before = rssMb(off.child.pid).rss;
    const samples = [];
    const timer = setInterval(() => samples.push(rssMb(off.child.pid).rss), 5000);
    await load(off.url, off.key, false, 50, false, SOAK);
    clearInterval(timer);
    console.log(`soak ${SOAK} s at 50 connections: RSS ${fmt(before)} MB → ${samples.map((s) => fmt(s)).join(' → ')} MB`);
  }
}

try {
  await main();
} finally {
  for (const c of children) c.kill('SIGTERM');
}
