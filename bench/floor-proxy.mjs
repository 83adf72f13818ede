// The floor: the thinnest useful proxy, a node:http server forwarding through an undici pool.
// Usage: node bench/floor-proxy.mjs UPSTREAM_URL
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = process.argv[2];
const pool = new Pool(upstream, { connections: 128 });

createServer(async (req, res) => {
  try {
    const parts = [];
    for await (const c of req) parts.push(c);
    const up = await pool.request({ path: req.url, method: req.method, headers: { 'content-type': 'application/json' }, body: Buffer.concat(parts) });
    res.writeHead(up.statusCode, { 'content-type': up.headers['content-type'] });
    for await (const c of up.body) res.write(c);
    res.end();
  } catch {
    res.writeHead(502).end();
  }
}).listen(0, '127.0.0.1', function () {
  process.send?.({ port: this.address().port });
});
