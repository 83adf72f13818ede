import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/gateway/providers/index.js';
import { startGatewayProcess } from '../scale/services.js';

const ADMIN = 'crash-admin-token';

let upstream: SimulatedUpstream;
let dir: string;

/** `burnrate serve` on the embedded default (SQLite), always on the same data directory. */
const serve = () =>
  startGatewayProcess({
    configFile: join(dir, 'burnrate.yaml'),
    dataDir: join(dir, 'data'),
    env: { DATABASE_URL: '', REDIS_URL: '', BURNRATE_ADMIN_TOKEN: ADMIN, OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: `${upstream.url}/v1` },
  });

const admin = (url: string, path: string, init: RequestInit = {}) =>
  fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers } });

describe('a gateway killed with SIGKILL (embedded SQLite)', () => {
  beforeAll(async () => {
    upstream = await startSimulatedUpstream();
    dir = mkdtempSync(join(tmpdir(), 'burnrate-crash-'));
    writeFileSync(join(dir, 'burnrate.yaml'), '{}');
  });
  afterAll(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no ledger row it had answered: the restarted process recovers them from the journal', async () => {
    const first = await serve();
    const key = (await (await admin(first.url, '/api/keys', { method: 'POST', body: JSON.stringify({ app: 'crash' }) })).json()).key as string;
    const acknowledged: string[] = [];
    const client = async (n: number) => {
      for (let i = 0; i < 15; i++) {
        const stream = (n + i) % 2 === 0;
        const res = await fetch(`${first.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: `question ${n}.${i}` }] }),
        });
        await res.text();
        expect(res.status).toBe(200);
        acknowledged.push(res.headers.get('x-burnrate-request-id')!);
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, n) => client(n)));
    // Killed right after the last answer: the rows of the last ~100 ms are still waiting for their batch.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await serve();
    try {
      const missing: string[] = [];
      for (const id of acknowledged) {
        const res = await admin(second.url, `/api/requests/${id}`);
        if (res.status !== 200) missing.push(id);
        else expect((await res.json()).app).toBe('crash');
      }
      expect(acknowledged).toHaveLength(300);
      expect(missing).toEqual([]);
      // Each exactly once in the rollups: the day's request count matches.
      const usage = await (await admin(second.url, `/api/usage?groupBy=app&from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`)).json();
      expect(usage.groups.find((g: { key: string }) => g.key === 'crash').requests).toBe(300);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
