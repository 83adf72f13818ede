// What the benchmarks start (the upstream and floor scripts of this folder, Burnrate gateways) and the
// load they send.
import { fork, spawn, execFileSync } from 'node:child_process';
import { load as loadNode } from './load.mjs';
import { loadWrk, wrkAvailable } from './load-wrk.mjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

/** Forks a script of this folder that reports its port; the child is added to `children`. */
export function startChild(script, args, children) {
  return new Promise((resolve) => {
    const child = fork(join(here, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    child.once('message', (m) => resolve({ child, url: `http://127.0.0.1:${m.port}` }));
  });
}

/**
 * Starts `bin serve` in front of `upstreamUrl` with a fresh data directory, `config` added to its file,
 * and a virtual key for app "bench". Run as a shell runs it: through the bin's shebang, with the Node
 * flags it sets.
 */
export async function startBurnrate(bin, upstreamUrl, config, children) {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-bench-'));
  writeFileSync(join(dir, 'burnrate.yaml'), JSON.stringify({ dataDir: join(dir, 'data'), port: 0, ...config }));
  const env = { ...process.env, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: `${upstreamUrl}/v1`, BURNRATE_ADMIN_TOKEN: 'bench' };
  const key = JSON.parse(execFileSync(process.execPath, [bin, 'keys', 'create', '--app', 'bench', '--json', '-c', join(dir, 'burnrate.yaml')], { env, encoding: 'utf8' })).key;
  const child = spawn(bin, ['serve', '-c', join(dir, 'burnrate.yaml')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  return { child, url, key };
}

/** The budgets and rate limit of the "controls on" rows. */
export const CONTROLS = {
  budgets: [{ id: 'bench-month', limitUsd: 1_000_000, period: 'month' }, { id: 'bench-app', scope: 'app', limitUsd: 1_000_000, period: 'day' }],
  rateLimits: [{ scope: 'app', requestsPerMinute: 100_000_000 }],
};

/** A ~2 KB chat request; `i` makes each body distinct (as real traffic is), unless `fixed`. */
export function chatBody(i, stream, fixed = false) {
  const context = 'Order history: shoes (size 42, returned), boots (size 42, kept), sandals (size 41). '.repeat(20);
  return JSON.stringify({
    model: 'gpt-4o-mini',
    temperature: 0,
    max_tokens: 200,
    stream,
    messages: [
      { role: 'system', content: `You are the support agent of a shoe shop. ${context}` },
      { role: 'user', content: fixed ? 'Where is my parcel?' : `Where is parcel ${i}?` },
    ],
  });
}

/** The load comes from `wrk` when it is installed (BENCH_LOADGEN=node forces the Node generator of load.mjs). */
export const WRK = process.env.BENCH_LOADGEN !== 'node' && wrkAvailable();

/** Chat requests (`chatBody`) at `url` for `seconds` over `connections`: requests/s, p50/p99 ms, failures. */
export async function loadChat(url, key, { stream, connections, seconds, fixed = false }) {
  const options = { url: `${url}/v1/chat/completions`, connections, seconds, headers: { 'content-type': 'application/json', authorization: `Bearer ${key ?? 'none'}` } };
  const result = WRK
    ? await loadWrk({ ...options, bodyParts: chatBody('BENCH_I', stream, fixed).split('BENCH_I') })
    : await loadNode({ ...options, makeBody: (i) => chatBody(i, stream, fixed) });
  if (result.failed > 0) console.error(`  warning: ${url}: ${result.failed} failed requests`);
  return result;
}
