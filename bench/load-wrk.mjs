// The load generator in C: `wrk` (Debian package `wrk`), when installed. On a 2-core machine that also
// runs the upstream and the proxies, the Node generator (load.mjs) takes 130-160 µs of CPU per request,
// half as much as a proxy; wrk ~35 µs, so the figures measure the proxies rather than the client.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when `wrk` can be run. */
export function wrkAvailable() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk prints its usage and exits 1 on --version: it is there.
    return err.code !== 'ENOENT';
  }
}

const dir = mkdtempSync(join(tmpdir(), 'burnrate-wrk-'));
let scripts = 0;

/** A Lua string literal. */
const lua = (s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/**
 * Like load.mjs's `load`, with the body given as `bodyParts`: [before, after] around a request counter
 * (each body distinct, as real traffic is), or [body] for the same body every time. Returns requests/s,
 * p50/p99 latency in ms, and failed requests (socket errors, timeouts, status ≥ 400).
 */
export function loadWrk({ url, connections, seconds, headers, bodyParts }) {
  const headerLines = Object.entries(headers).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`).join('\n');
  const body = bodyParts.length === 1
    ? `wrk.body = ${lua(bodyParts[0])}`
    : `local before, after = ${lua(bodyParts[0])}, ${lua(bodyParts[1])}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, before .. i .. after)
end`;
  const script = join(dir, `load-${++scripts}.lua`);
  writeFileSync(script, `wrk.method = "POST"
${headerLines}
${body}
done = function(summary, latency, requests)
  io.write(string.format('\\nBURNRATE {"requests":%d,"us":%d,"p50":%d,"p99":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
`);
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, url], (err, stdout) => {
      const m = /BURNRATE (\{.*\})/.exec(stdout);
      if (!m) return reject(err ?? new Error(`wrk printed no result: ${stdout}`));
      const r = JSON.parse(m[1]);
      const ok = r.requests - r.errors;
      resolve({ rps: ok / (r.us / 1e6), p50: r.p50 / 1000, p99: r.p99 / 1000, failed: r.errors });
    });
  });
}
