// Scale-out benchmark: the same gateway load against the embedded default (SQLite ledger, in-process
// counters) and against PostgreSQL + Redis, then 1, 2 and 3 instances on PostgreSQL + Redis behind a
// round-robin load generator. 50 connections, non-streaming ~2 KB JSON bodies, an instant upstream
// (bench/upstream.mjs). Prints markdown tables. The ledger insert rate of both backends is
// bench/ledger.mjs.
//
//   npm run build && node bench/scale.mjs
//
// PostgreSQL and Redis are the shared ones, each run in a private schema / key prefix removed at the end:
// BURNRATE_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test), BURNRATE_BENCH_REDIS_URL
// (default redis://127.0.0.1:6379). BENCH_SECONDS per cell (default 5), BENCH_ROUNDS (default 3: cells are
// interleaved round by round and the median is reported), BENCH_CONNECTIONS (default 50).
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { load } from './load.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PG_URL = process.env.BURNRATE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BURNRATE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = 'bench-admin';
const here = new URL('.', import.meta.url).pathname;
const bin = join(here, '..', 'bin', 'burnrate.js');
const tag = randomBytes(4).toString('hex');
const root = mkdtempSync(join(tmpdir(), 'burnrate-bench-scale-'));
const children = [];
const schemas = [];
const prefixes = [];

/** Budgets (in Redis with REDIS_URL) and a rate limit, as `npm run bench`'s "controls" row. */
const CONTROLS = {
  budgets: [{ id: 'bench-month', limitUsd: 1_000_000, period: 'month' }, { id: 'bench-app', scope: 'app', limitUsd: 1_000_000, period: 'day' }],
  rateLimits: [{ scope: 'app', requestsPerMinute: 100_000_000 }],
};
const NO_CONTROLS = { loopBreaker: { enabled: false } };

function startUpstream() {
  return new Promise((resolve) => {
    const child = fork(join(here, 'upstream.mjs'), ['0'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    child.once('message', (m) => resolve(`http://127.0.0.1:${m.port}`));
  });
}

/**
 * A deployment: `instances` gateway processes with one config, sharing one PostgreSQL schema and one
 * Redis prefix when `shared` (else the embedded default), and one virtual key.
 */
async function deployment(name, upstreamUrl, config, shared, instances = 1) {
  const dir = mkdtempSync(join(root, `${name}-`));
  writeFileSync(join(dir, 'burnrate.yaml'), JSON.stringify({ port: 0, ...config }));
  const env = { ...process.env, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: `${upstreamUrl}/v1`, BURNRATE_ADMIN_TOKEN: ADMIN };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (shared) {
    const schema = `burnrate_bench_${tag}_${name.replace(/\W/g, '_')}`;
    const prefix = `burnrate-bench-${tag}-${name}:`;
    schemas.push(schema);
    prefixes.push(prefix);
    Object.assign(env, { DATABASE_URL: PG_URL, BURNRATE_PG_SCHEMA: schema, REDIS_URL, BURNRATE_REDIS_PREFIX: prefix });
  }
  const procs = [];
  for (let n = 0; n < instances; n++) procs.push(await startInstance(join(dir, 'burnrate.yaml'), join(dir, `data-${n}`), env));
  const res = await fetch(`${procs[0].url}/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ app: 'bench' }) });
  if (res.status !== 201) throw new Error(`${name}: creating a key: ${res.status} ${await res.text()}`);
  const { key } = await res.json();
  // Every instance must know the key (the others reload keys every 2 s) before it is measured.
  for (const p of procs) {
    for (let tries = 0; ; tries++) {
      const probe = await fetch(`${p.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      await probe.arrayBuffer();
      if (probe.status === 200) break;
      if (tries > 100) throw new Error(`${name}: an instance never accepted the key (${probe.status})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { name, procs, key, shared };
}

function startInstance(configFile, dataDir, env) {
  // Run as a shell runs `burnrate serve`: through the bin's shebang, with the Node flags it sets.
  const child = spawn(bin, ['serve', '-c', configFile, '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${out}`)));
  });
}

/** CPU time (user + system) a process has used, in ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** A ~2 KB chat request, distinct each time, as `npm run bench` sends. */
function body(i) {
  const context = 'Order history: shoes (size 42, returned), boots (size 42, kept), sandals (size 41). '.repeat(20);
  return JSON.stringify({
    model: 'gpt-4o-mini',
    temperature: 0,
    max_tokens: 200,
    messages: [
      { role: 'system', content: `You are the support agent of a shoe shop. ${context}` },
      { role: 'user', content: `Where is parcel ${i}?` },
    ],
  });
}

let redisInfo;
/** Redis CPU (ms) and script calls so far, from INFO (the shared Redis: other clients add a little noise). */
async function redisCounters() {
  redisInfo ??= new Redis(REDIS_URL);
  const text = (await redisInfo.info('cpu')) + (await redisInfo.info('commandstats'));
  const num = (re) => Number(re.exec(text)?.[1] ?? 0);
  return { cpuMs: (num(/used_cpu_sys:([\d.]+)/) + num(/used_cpu_user:([\d.]+)/)) * 1000, scripts: num(/cmdstat_evalsha:calls=(\d+)/) + num(/cmdstat_eval:calls=(\d+)/) };
}

/** Drives `procs` (round-robin) for `seconds`; adds the gateways' (and Redis's) CPU per request to load()'s figures. */
async function measure(dep, procs = dep.procs, seconds = SECONDS) {
  const cpu0 = procs.map((p) => cpuMs(p.child.pid));
  const redis0 = dep.shared ? await redisCounters() : undefined;
  const r = await load({
    urls: procs.map((p) => `${p.url}/v1/chat/completions`),
    connections: CONNECTIONS,
    seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${dep.key}` },
    makeBody: body,
  });
  const cpu = procs.reduce((sum, p, i) => sum + cpuMs(p.child.pid) - cpu0[i], 0);
  const requests = r.rps * seconds;
  const redis1 = dep.shared ? await redisCounters() : undefined;
  if (r.failed > 0) console.error(`  warning: ${dep.name} ×${procs.length}: ${r.failed} failed requests`);
  return {
    ...r,
    cpuUsPerRequest: (cpu * 1000) / requests,
    redisUsPerRequest: redis1 ? ((redis1.cpuMs - redis0.cpuMs) * 1000) / requests : NaN,
    scriptsPerRequest: redis1 ? (redis1.scripts - redis0.scripts) / requests : NaN,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function summarize(runs) {
  const m = (k) => median(runs.map((r) => r[k]));
  return { rps: m('rps'), p50: m('p50'), p99: m('p99'), cpu: m('cpuUsPerRequest'), redis: m('redisUsPerRequest'), scripts: m('scriptsPerRequest'), spread: [Math.min(...runs.map((r) => r.rps)), Math.max(...runs.map((r) => r.rps))] };
}
const redisCells = (x) => (Number.isNaN(x.redis) ? ['', ''] : [fmt(x.redis), fmt(x.scripts, 1)]);

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(headers));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

async function cleanUp() {
  await Promise.all(
    children.map((c) => new Promise((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', resolve);
      c.kill('SIGTERM');
    })),
  );
  if (schemas.length) {
    const client = new pg.Client(PG_URL);
    await client.connect();
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await client.end();
  }
  if (prefixes.length) {
    const redis = new Redis(REDIS_URL);
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
    redis.disconnect();
  }
  redisInfo?.disconnect();
  rmSync(root, { recursive: true, force: true });
}

async function main() {
  const started = performance.now();
  const load0 = loadavg()[0];
  const upstream = await startUpstream();
  const deps = {
    embedded: await deployment('embedded', upstream, NO_CONTROLS, false),
    embeddedControls: await deployment('embedded-controls', upstream, CONTROLS, false),
    shared: await deployment('shared', upstream, NO_CONTROLS, true),
    sharedControls: await deployment('shared-controls', upstream, CONTROLS, true, 3),
  };
  const cells = [
    ['comparison', 'embedded', deps.embedded, 1],
    ['comparison', 'embedded+controls', deps.embeddedControls, 1],
    ['comparison', 'shared', deps.shared, 1],
    ['comparison', 'shared+controls', deps.sharedControls, 1],
    ['scaling', '2', deps.sharedControls, 2],
    ['scaling', '3', deps.sharedControls, 3],
  ];
  for (const [, , dep, n] of cells) await measure(dep, dep.procs.slice(0, n), 1); // warm up (JIT, pools, partitions, counters)
  const runs = new Map(cells.map((c) => [c[1], []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [, id, dep, n] of cells) runs.get(id).push(await measure(dep, dep.procs.slice(0, n)));
  }
  const s = Object.fromEntries([...runs].map(([id, r]) => [id, summarize(r)]));
  const load1 = loadavg()[0];

  console.log(`\nBurnrate scale-out benchmark — ${cpus().length} cores (${cpus()[0].model}), Node ${process.version}`);
  console.log(`${CONNECTIONS} connections, non-streaming ~2 KB JSON, instant upstream; ${ROUNDS} interleaved rounds of ${SECONDS} s per cell, medians (req/s range over rounds in brackets);`);
  console.log(`load generator, upstream, gateways, PostgreSQL and Redis share the machine; load average ${fmt(load0, 1)} → ${fmt(load1, 1)}.\n`);
  const row = (label, controls, x, base) => [label, controls, `${fmt(x.rps)} (${fmt(x.spread[0])}–${fmt(x.spread[1])})`, fmt(x.p50, 2), fmt(x.p99, 2), fmt(x.cpu), ...redisCells(x), base ? `${fmt((100 * x.rps) / base.rps)} %` : ''];
  table(
    ['ledger + state', 'controls', 'req/s', 'p50 ms', 'p99 ms', 'gateway CPU µs/req', 'Redis CPU µs/req', 'Redis scripts/req', 'req/s vs embedded'],
    [
      row('SQLite + in-process', 'off', s.embedded),
      row('PostgreSQL + Redis', 'off', s.shared, s.embedded),
      row('SQLite + in-process', 'budgets + rate limit', s['embedded+controls']),
      row('PostgreSQL + Redis', 'budgets + rate limit', s['shared+controls'], s['embedded+controls']),
    ],
  );
  console.log(`\nPostgreSQL + Redis with budgets + rate limit, instances behind round-robin (same ${CONNECTIONS} connections in total):\n`);
  const one = s['shared+controls'];
  const scaleRow = (n, x) => [n, `${fmt(x.rps)} (${fmt(x.spread[0])}–${fmt(x.spread[1])})`, fmt(x.p50, 2), fmt(x.p99, 2), fmt(x.cpu), ...redisCells(x), `${fmt((100 * x.rps) / one.rps)} %`];
  table(['instances', 'req/s', 'p50 ms', 'p99 ms', 'gateway CPU µs/req (all)', 'Redis CPU µs/req', 'Redis scripts/req', 'vs 1 instance'], [scaleRow('1', one), scaleRow('2', s['2']), scaleRow('3', s['3'])]);
  console.log(`\n(${fmt((performance.now() - started) / 1000)} s)`);
}

try {
  await main();
} finally {
  await cleanUp();
}
