import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema, type ConfigInput } from '../../src/config/index.js';
import { startGateway, type Gateway } from '../../src/gateway/server.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/gateway/providers/index.js';
import type { LedgerRow } from '../../src/ledger/types.js';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestRig {
  gateway: Gateway;
  upstream: SimulatedUpstream;
  /** A virtual key for app `support`. */
  key: string;
  baseUrl: string;
  /** Ledger rows after flushing the queue, oldest first. */
  rows(): Promise<LedgerRow[]>;
  row(id: string): Promise<LedgerRow>;
  admin(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real gateway on a random loopback port, in front of a local upstream that speaks the OpenAI
 * and Anthropic wire formats (OPENAI_BASE_URL / ANTHROPIC_BASE_URL point at it).
 */
export async function startRig(config: ConfigInput = {}, dataDir?: string, env: NodeJS.ProcessEnv = {}): Promise<TestRig> {
  const upstream = await startSimulatedUpstream();
  const gateway = await startGateway({
    config: ConfigSchema.parse({ port: 0, dataDir: dataDir ?? mkdtempSync(join(tmpdir(), 'burnrate-gw-')), ...config }),
    env: {
      OPENAI_API_KEY: 'sk-upstream-secret',
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      ANTHROPIC_API_KEY: 'sk-ant-upstream-secret',
      ANTHROPIC_BASE_URL: upstream.url,
      BURNRATE_ADMIN_TOKEN: ADMIN_TOKEN,
      ...env,
    },
  });
  const key = (await gateway.deps.keys.create('support')).secret;
  return {
    gateway,
    upstream,
    key,
    baseUrl: gateway.url,
    async rows() {
      await gateway.deps.ledger.flush();
      const ids = gateway.db!.prepare('SELECT id FROM ledger ORDER BY rowid').all() as { id: string }[];
      return Promise.all(ids.map(async (r) => (await gateway.deps.ledger.get(r.id))!));
    },
    async row(id: string) {
      await gateway.deps.ledger.flush();
      const row = await gateway.deps.ledger.get(id);
      if (!row) throw new Error(`no ledger row ${id}`);
      return row;
    },
    admin(path, init = {}) {
      return fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers } });
    },
    async close() {
      await gateway.close();
      await upstream.close();
    },
  };
}

/** Polls until `check` returns a value (ledger rows of streams land after the response ends). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
