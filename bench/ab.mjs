// Compares builds of Burnrate against each other and the floor, taking turns, with the CPU each spends
// per request (from /proc, so Linux only): the way to tell a change to the hot path from the noise of
// a shared machine. Each build is a checkout with `npm run build` done (dist/ and bin/).
//   BUILDS="before=/tmp/old,after=." node bench/ab.mjs
// Options: CONNS (10), STREAM=1, CONTROLS=1 (the bench's budgets and rate limit), ROUNDS (5), SECONDS (3),
// VARIANTS='{"name":{config},...}': each build once per variant, its config merged over the base one
// (e.g. '{"on":{},"no-breaker":{"loopBreaker":{"enabled":false}}}' with CONTROLS=1),
// PROCS (1): gateway processes per build, as two processes of one build can differ by ±10 % here
// (V8's heap layout and GC timing, which core they land on); each build's figures pool its processes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONTROLS as CONTROL_CONFIG, loadChat, startBurnrate, startChild } from './processes.mjs';

const BUILDS = (process.env.BUILDS ?? 'this=.').split(',').map((b) => b.split('='));
const CONNS = Number(process.env.CONNS ?? 10);
const STREAM = process.env.STREAM === '1';
const CONTROLS = process.env.CONTROLS === '1';
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const PROCS = Number(process.env.PROCS ?? 1);
const VARIANTS = Object.entries(JSON.parse(process.env.VARIANTS ?? '{"":{}}'));
const children = [];

/** CPU ticks (user + system) of a process, all threads, and of its main thread. */
function ticks(pid) {
  const of = (path) => {
    const f = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  return { all: of(`/proc/${pid}/stat`), main: of(`/proc/${pid}/task/${pid}/stat`) };
}

const load = (target, seconds) => loadChat(target.url, target.key, { stream: STREAM, connections: CONNS, seconds });

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const upstream = await startChild('upstream.mjs', ['0'], children);
  const floor = await startChild('floor-proxy.mjs', [upstream.url], children);
  const targets = [{ name: 'floor', pid: floor.child.pid, url: floor.url }];
  for (let p = 0; p < PROCS; p++) {
    for (const [build, root] of BUILDS) {
      for (const [variant, config] of VARIANTS) {
        const base = CONTROLS ? CONTROL_CONFIG : { loopBreaker: { enabled: false } };
        const gateway = await startBurnrate(join(resolve(root), 'bin', 'burnrate.js'), upstream.url, { ...base, ...config }, children);
        targets.push({ name: variant ? `${build}/${variant}` : build, pid: gateway.child.pid, url: gateway.url, key: gateway.key });
      }
    }
  }
  for (const t of targets) await load(t, 2); // warm up
  const runs = new Map(targets.map((t) => [t.name, []]));
  const tickUs = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  for (let round = 0; round < ROUNDS; round++) {
    let floorRps = 0;
    for (const t of targets) {
      const before = ticks(t.pid);
      const r = await load(t, SECONDS);
      const after = ticks(t.pid);
      const requests = r.rps * SECONDS;
      if (t.name === 'floor') floorRps = r.rps;
      runs.get(t.name).push({ ...r, floorRps, main: ((after.main - before.main) * tickUs) / requests, all: ((after.all - before.all) * tickUs) / requests });
    }
  }
  console.log(`${STREAM ? 'stream' : 'json'}, ${CONNS} connections, ${CONTROLS ? 'controls on' : 'controls off'}, median of ${ROUNDS} rounds of ${SECONDS} s${PROCS > 1 ? ` × ${PROCS} processes per build` : ''}`);
  console.log('target             req/s   vs floor  p50 ms  p99 ms  CPU µs/request (main thread / all)');
  for (const [name, r] of runs) {
    const share = name === 'floor' ? '' : `${(100 * median(r.map((x) => x.rps / x.floorRps))).toFixed(0)} %`;
    const m = (f) => median(r.map(f));
    console.log(`${name.padEnd(16)} ${m((x) => x.rps).toFixed(0).padStart(7)} ${share.padStart(9)} ${m((x) => x.p50).toFixed(3).padStart(7)} ${m((x) => x.p99).toFixed(3).padStart(7)}  ${m((x) => x.main).toFixed(0)} / ${m((x) => x.all).toFixed(0)}`);
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
}
