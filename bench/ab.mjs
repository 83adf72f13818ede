// Compares builds of Burnrate against each other and the floor, taking turns, with the CPU each spends
// per request (from /proc, so Linux only): the way to tell a change to the hot path from the noise of
// a shared machine. Each build is a checkout with `npm run build` done (dist/ and bin/).
//   BUILDS="before=/tmp/old,after=." node bench/ab.mjs
// Options: CONNS (10), STREAM=1, CONTROLS=1 (the bench's budgets and rate limit), ROUNDS (5), SECONDS (3).
import { fork, spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadWrk, wrkAvailable } from './load-wrk.mjs';
import { load as loadNode } from './load.mjs';

const BUILDS = (process.env.BUILDS ?? 'this=.').split(',').map((b) => b.split('='));
const CONNS = Number(process.env.CONNS ?? 10);
const STREAM = process.env.STREAM === '1';
const CONTROLS = process.env.CONTROLS === '1';
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const here = new URL('.', import.meta.url).pathname;
const children = [];

function startChild(script, args) {
  return new Promise((done) => {
    const child = fork(join(here, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    child.once('message', (m) => done({ pid: child.pid, url: `http://127.0.0.1:${m.port}` }));
  });
}

async function startBuild(root, upstreamUrl) {
  const bin = join(resolve(root), 'bin', 'burnrate.js');
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-ab-'));
  const config = CONTROLS
    ? { budgets: [{ id: 'bench-month', limitUsd: 1_000_000, period: 'month' }, { id: 'bench-app', scope: 'app', limitUsd: 1_000_000, period: 'day' }], rateLimits: [{ scope: 'app', requestsPerMinute: 100_000_000 }] }
    : { loopBreaker: { enabled: false } };
  writeFileSync(join(dir, 'burnrate.yaml'), JSON.stringify({ dataDir: join(dir, 'data'), port: 0, ...config }));
  const env = { ...process.env, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: `${upstreamUrl}/v1`, BURNRATE_ADMIN_TOKEN: 'bench' };
  const key = JSON.parse(execFileSync(process.execPath, [bin, 'keys', 'create', '--app', 'bench', '--json', '-c', join(dir, 'burnrate.yaml')], { env, encoding: 'utf8' })).key;
  const child = spawn(bin, ['serve', '-c', join(dir, 'burnrate.yaml')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise((done) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) done(m[1]);
    });
  });
  return { pid: child.pid, url, key };
}

/** CPU ticks (user + system) of a process, all threads, and of its main thread. */
function ticks(pid) {
  const of = (path) => {
    const f = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  return { all: of(`/proc/${pid}/stat`), main: of(`/proc/${pid}/task/${pid}/stat`) };
}

const body = (i) => JSON.stringify({
  model: 'gpt-4o-mini', temperature: 0, max_tokens: 200, stream: STREAM,
  messages: [
    { role: 'system', content: `You are the support agent of a shoe shop. ${'Order history: shoes (size 42, returned), boots (size 42, kept), sandals (size 41). '.repeat(20)}` },
    { role: 'user', content: `Where is parcel ${i}?` },
  ],
});

function load(target, seconds) {
  const options = { url: `${target.url}/v1/chat/completions`, connections: CONNS, seconds, headers: { 'content-type': 'application/json', authorization: `Bearer ${target.key ?? 'none'}` } };
  return wrkAvailable() ? loadWrk({ ...options, bodyParts: body('BENCH_I').split('BENCH_I') }) : loadNode({ ...options, makeBody: body });
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const upstream = await startChild('upstream.mjs', ['0']);
  const targets = [{ name: 'floor', ...(await startChild('floor-proxy.mjs', [upstream.url])) }];
  for (const [name, root] of BUILDS) targets.push({ name, ...(await startBuild(root, upstream.url)) });
  for (const t of targets) await load(t, 2); // warm up
  const runs = new Map(targets.map((t) => [t.name, []]));
  const tickUs = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const before = ticks(t.pid);
      const r = await load(t, SECONDS);
      const after = ticks(t.pid);
      const requests = r.rps * SECONDS;
      runs.get(t.name).push({ ...r, main: ((after.main - before.main) * tickUs) / requests, all: ((after.all - before.all) * tickUs) / requests });
    }
  }
  const floor = runs.get('floor');
  console.log(`${STREAM ? 'stream' : 'json'}, ${CONNS} connections, ${CONTROLS ? 'controls on' : 'controls off'}, median of ${ROUNDS} rounds of ${SECONDS} s`);
  console.log('target       req/s   vs floor  p50 ms  p99 ms  CPU µs/request (main thread / all)');
  for (const t of targets) {
    const r = runs.get(t.name);
    const share = t.name === 'floor' ? '' : `${(100 * median(r.map((x, i) => x.rps / floor[i].rps))).toFixed(0)} %`;
    const m = (f) => median(r.map(f));
    console.log(`${t.name.padEnd(10)} ${m((x) => x.rps).toFixed(0).padStart(7)} ${share.padStart(9)} ${m((x) => x.p50).toFixed(3).padStart(7)} ${m((x) => x.p99).toFixed(3).padStart(7)}  ${m((x) => x.main).toFixed(0)} / ${m((x) => x.all).toFixed(0)}`);
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
}
