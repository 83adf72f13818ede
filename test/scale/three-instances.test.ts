import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/gateway/providers/index.js';
import { servicesOrSkip } from './services.js';

const BIN = fileURLToPath(new URL('../../bin/burnrate.js', import.meta.url));
const DATABASE_URL = process.env.BURNRATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BURNRATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = 'scale-admin-token';

interface Instance {
  child: ChildProcess;
  url: string;
}

const available = await servicesOrSkip(DATABASE_URL, REDIS_URL);
const schema = `burnrate_scale_${randomBytes(4).toString('hex')}`;
const prefix = `burnrate-scale-${randomBytes(4).toString('hex')}:`;
let upstream: SimulatedUpstream;
let dir: string;
const instances: Instance[] = [];
let key = '';

function startInstance(n: number): Promise<Instance> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--config', join(dir, 'burnrate.yaml'), '--data-dir', join(dir, `instance-${n}`)], {
    env: { ...process.env, DATABASE_URL, REDIS_URL, BURNRATE_PG_SCHEMA: schema, BURNRATE_REDIS_PREFIX: prefix, BURNRATE_ADMIN_TOKEN: ADMIN, OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: `${upstream.url}/v1`, ANTHROPIC_API_KEY: 'sk-y', ANTHROPIC_BASE_URL: upstream.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`instance ${n} did not start: ${out}`)), 20_000);
    child.stderr!.on('data', (d) => (out += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
  });
}

const admin = (i: Instance, path: string, init: RequestInit = {}) =>
  fetch(`${i.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers } });

describe.skipIf(!available)('three gateway instances sharing PostgreSQL and Redis', () => {
  beforeAll(async () => {
    upstream = await startSimulatedUpstream();
    dir = mkdtempSync(join(tmpdir(), 'burnrate-scale-'));
    writeFileSync(join(dir, 'burnrate.yaml'), JSON.stringify({ budgets: [{ id: 'shared', scope: 'app', match: 'scale', limitUsd: 1, period: 'month' }], reservationLeaseSeconds: 3 }));
    for (let n = 0; n < 3; n++) instances.push(await startInstance(n));
    key = (await (await admin(instances[0]!, '/api/keys', { method: 'POST', body: JSON.stringify({ app: 'scale' }) })).json()).key;
    await new Promise((r) => setTimeout(r, 3000)); // the other instances see the new key within 2 s
  }, 60_000);

  afterAll(async () => {
    for (const i of instances) i.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => new Promise((r) => (i.child.exitCode !== null ? r(null) : i.child.once('exit', r)))));
    await upstream?.close();
    const client = new pg.Client(DATABASE_URL);
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('holds one $1.00 budget over 600 concurrent requests across the three, to the nano-dollar', async () => {
    const calls = upstream.calls;
    const statuses = await Promise.all(
      Array.from({ length: 600 }, async (_, i) => {
        const target = instances[i % 3]!; // round-robin, as a load balancer would
        const res = await fetch(`${target.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'claude-opus-4-1', max_tokens: 300, stream: i % 2 === 0, messages: [{ role: 'user', content: `Request ${i}: summarise our refund policy.` }] }),
        });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    const served = statuses.filter((s) => s === 200).length;
    expect(served).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(upstream.calls - calls).toBe(served);

    // Every instance flushes its ledger within 100 ms; give them a moment, then compare.
    await new Promise((r) => setTimeout(r, 1000));
    const client = new pg.Client(DATABASE_URL);
    await client.connect();
    const { rows } = await client.query(`SELECT COUNT(*)::int AS n, COALESCE(SUM(cost_nano), 0)::bigint AS cost FROM ${schema}.ledger`);
    await client.end();
    const ledgerTotal = Number(rows[0].cost);
    expect(rows[0].n).toBe(served);
    expect(ledgerTotal).toBeLessThanOrEqual(1_000_000_000);
    for (const i of instances) {
      const budget = (await (await admin(i, '/api/budgets')).json()).budgets[0];
      expect(budget.spentNano).toBe(ledgerTotal);
      expect(budget.reservedNano).toBe(0);
    }
  }, 120_000);

  it('releases a killed instance’s reservations after the lease while the others keep serving', async () => {
    await (await admin(instances[0]!, '/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'big', scope: 'app', match: 'batch', limitUsd: 1000, period: 'month' }) })).json();
    const batchKey = (await (await admin(instances[0]!, '/api/keys', { method: 'POST', body: JSON.stringify({ app: 'batch' }) })).json()).key;
    await new Promise((r) => setTimeout(r, 3000));
    upstream.behaviour.tokensPerSecond = 20; // slow streams, so reservations are held when the kill comes
    const victim = instances[2]!;
    const inflight = Array.from({ length: 6 }, (_, i) =>
      fetch(`${victim.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${batchKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 200, stream: true, messages: [{ role: 'user', content: `slow ${i}` }] }),
      }).then((r) => r.arrayBuffer()).catch(() => null),
    );
    await new Promise((r) => setTimeout(r, 300));
    const held = (await (await admin(instances[0]!, '/api/budgets')).json()).budgets.find((b: { id: string }) => b.id === 'big');
    expect(held.reservedNano).toBeGreaterThan(0);
    victim.child.kill('SIGKILL');
    await Promise.all(inflight);
    upstream.behaviour.tokensPerSecond = 0;
    const ok = await fetch(`${instances[1]!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${batchKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] }),
    });
    expect(ok.status).toBe(200);
    await new Promise((r) => setTimeout(r, 3500)); // the 3 s lease
    const after = (await (await admin(instances[0]!, '/api/budgets')).json()).budgets.find((b: { id: string }) => b.id === 'big');
    expect(after.reservedNano).toBe(0);
    instances.pop();
  }, 60_000);
});
