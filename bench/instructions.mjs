// Instructions per request, counted by valgrind's callgrind: the same count for the same code and
// requests whatever else the machine is doing, where the CPU time of bench/ab.mjs moves ±10-50 % between
// runs on a shared VM. Each target serves WARM requests uninstrumented (the JIT settles), then N
// requests, one at a time, with counting on; the figure is the main thread's instructions (the event
// loop's: what every request waits for). Not counted: the kernel's work (system calls, which dominate
// the wall time of a proxy), and the other threads, whose work depends on time, which valgrind
// stretches ~50×: V8's helpers (compilation, concurrent GC) and the ledger's writer (its batches are
// as large as the requests of 10-50 ms, so at valgrind's pace it writes more, smaller ones).
// Two runs of one build differed by 0.5 %, two builds with the same main-thread code by 2.7 % (GC and
// JIT timing): trust differences above ~3 %.
//   BUILDS="before=/tmp/old,after=." node bench/instructions.mjs
// Options: STREAM=1, CONTROLS=1 (the bench's budgets and rate limit), WARM (2000), N (1000), FLOOR=0
// leaves the floor out. Needs `valgrind` (Debian package) and builds with `npm run build` done.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { CONTROLS as CONTROL_CONFIG, chatBody, startChild } from './processes.mjs';

const BUILDS = (process.env.BUILDS ?? 'this=.').split(',').map((b) => b.split('='));
const STREAM = process.env.STREAM === '1';
const CONTROLS = process.env.CONTROLS === '1';
const WARM = Number(process.env.WARM ?? 2000);
const N = Number(process.env.N ?? 1000);
const here = new URL('.', import.meta.url).pathname;
const children = [];

/** Starts `node args` under callgrind, counting off until `count()`; resolves once it prints its URL. */
function underCallgrind(args, env, dir) {
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', '--dump-instr=no', `--callgrind-out-file=${join(dir, 'cg.out')}`, process.execPath, ...args],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`valgrind exited (${code}) before listening: is it installed?`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
  });
}

/** Sends `count` chat requests one after another over one connection. */
async function send(url, key, count) {
  const dispatcher = new Agent({ connections: 1 });
  for (let i = 0; i < count; i++) {
    const res = await request(`${url}/v1/chat/completions`, {
      method: 'POST', dispatcher, body: chatBody(i, STREAM),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key ?? 'none'}` },
    });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${url}: status ${res.statusCode}`);
  }
  await dispatcher.close();
}

/** The main thread's instructions per request over N requests to a target started with `start(dir)`. */
async function measure(start) {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-instructions-'));
  const { child, url, key } = await start(dir);
  await send(url, key, WARM);
  const pid = String(child.pid);
  execFileSync('callgrind_control', ['--instr=on', pid], { stdio: 'ignore' });
  await send(url, key, N);
  execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
  child.kill('SIGKILL');
  // One file per thread (`--separate-threads`); thread 1 is the main one.
  const main = readdirSync(dir).find((f) => /^cg\.out\.\d+-01$/.test(f));
  if (!main) throw new Error(`callgrind wrote no dump of the main thread in ${dir}`);
  return Number(/^summary: (\d+)/m.exec(readFileSync(join(dir, main), 'utf8'))?.[1] ?? NaN) / N;
}

const startFloor = async (upstreamUrl, dir) => {
  const wrapper = join(dir, 'floor.mjs');
  // The floor reports its port to a parent process; here it prints it like a gateway does.
  writeFileSync(wrapper, `process.send = (m) => console.log('listening on http://127.0.0.1:' + m.port);\nawait import(${JSON.stringify(join(here, 'floor-proxy.mjs'))});\n`);
  return underCallgrind([wrapper, upstreamUrl], process.env, dir);
};

const startGateway = async (root, upstreamUrl, dir) => {
  const config = join(dir, 'burnrate.yaml');
  writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), port: 0, ...(CONTROLS ? CONTROL_CONFIG : { loopBreaker: { enabled: false } }) }));
  const env = { ...process.env, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: `${upstreamUrl}/v1`, BURNRATE_ADMIN_TOKEN: 'bench' };
  const main = join(resolve(root), 'dist', 'cli', 'main.js');
  const key = JSON.parse(execFileSync(process.execPath, [main, 'keys', 'create', '--app', 'bench', '--json', '-c', config], { env, encoding: 'utf8' })).key;
  // The flags of bin/burnrate.js's shebang: the same heap settings as `burnrate serve`.
  const started = await underCallgrind(['--max-semi-space-size=64', '--heap-growing-percent=300', main, 'serve', '-c', config], env, dir);
  return { ...started, key };
};

try {
  const upstream = await startChild('upstream.mjs', ['0'], children);
  const targets = process.env.FLOOR === '0' ? [] : [['floor', (dir) => startFloor(upstream.url, dir)]];
  for (const [name, root] of BUILDS) targets.push([name, (dir) => startGateway(root, upstream.url, dir)]);
  console.log(`${STREAM ? 'stream' : 'json'}, ${CONTROLS ? 'controls on' : 'controls off'}, instructions per request (callgrind), ${N} requests after ${WARM}, one connection`);
  console.log('target           main thread');
  for (const [name, start] of targets) {
    console.log(`${name.padEnd(16)} ${Math.round(await measure(start)).toLocaleString('en-US').padStart(11)}`);
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
}
