import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { eventually, startRig, type TestRig } from '../helpers/gateway.js';

let rig: TestRig;
let client: OpenAI;

beforeAll(async () => {
  rig = await startRig({
    upstreamTimeoutMs: 400,
    maxBodyBytes: 64 * 1024,
    apps: { lab: { unknownModel: 'allow', storeContent: false } },
  });
  client = new OpenAI({ baseURL: `${rig.baseUrl}/v1`, apiKey: rig.key, maxRetries: 0 });
});
afterAll(() => rig.close());

const messages = [{ role: 'user' as const, content: 'Write a long story about a lighthouse keeper.' }];
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${rig.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${rig.key}`, 'content-type': 'application/json', ...headers }, body });

async function lastRow() {
  return (await rig.rows()).at(-1)!;
}

describe('failures are answered clearly and still recorded', () => {
  it('records an abandoned stream with the usage seen so far, estimated', async () => {
    rig.upstream.behaviour.tokensPerSecond = 200;
    const before = (await rig.rows()).length;
    try {
      const controller = new AbortController();
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, max_tokens: 300 }, { signal: controller.signal });
      let seen = 0;
      try {
        for await (const _ of stream) if (++seen === 3) controller.abort();
      } catch {
        // aborted on purpose
      }
      const row = await eventually(async () => ((await rig.rows()).length > before ? lastRow() : undefined));
      expect(row.errorCode).toBe('client_closed');
      expect(row.estimated).toBe(true);
      expect(row.usage.input).toBeGreaterThan(0);
      expect(row.usage.output).toBeGreaterThan(0);
      expect(row.costNano).toBeGreaterThan(0);
    } finally {
      rig.upstream.behaviour.tokensPerSecond = 0;
    }
  });

  it('records a stream the upstream cuts', async () => {
    rig.upstream.behaviour.cutStreamAfterEvents = 4;
    try {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      await expect(async () => {
        for await (const _ of stream) {
          // read until the cut
        }
      }).rejects.toThrow();
      const row = await eventually(async () => {
        const r = await lastRow();
        return r.errorCode === 'upstream_cut' || r.errorCode === 'incomplete_stream' ? r : undefined;
      });
      expect(row.estimated).toBe(true);
      expect(row.costNano).toBeGreaterThan(0);
    } finally {
      delete rig.upstream.behaviour.cutStreamAfterEvents;
    }
  });

  it('passes an upstream 500 through and records it at $0', async () => {
    rig.upstream.behaviour.failStatus = 500;
    try {
      const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      const row = await lastRow();
      expect(row).toMatchObject({ status: 500, errorCode: 'upstream_error', costNano: 0 });
    } finally {
      delete rig.upstream.behaviour.failStatus;
    }
  });

  it('puts the request id on every answer: refusals of its own, upstream errors and successes', async () => {
    const ids: string[] = [];
    const idOf = (res: Response) => {
      const id = res.headers.get('x-burnrate-request-id');
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      ids.push(id!);
      return id!;
    };
    const badJson = await post('/v1/chat/completions', '{"model": ');
    expect(badJson.status).toBe(400);
    idOf(badJson);
    const noModel = await post('/v1/chat/completions', JSON.stringify({ messages }));
    expect(noModel.status).toBe(400);
    idOf(noModel);
    rig.upstream.behaviour.failStatus = 500;
    try {
      const failed = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages }));
      expect(failed.status).toBe(500);
      const id = idOf(failed);
      await failed.text();
      expect((await lastRow()).id).toBe(id);
    } finally {
      delete rig.upstream.behaviour.failStatus;
    }
    const ok = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages }));
    expect(ok.status).toBe(200);
    idOf(ok);
    expect(new Set(ids).size).toBe(4);
  });

  it('answers 504 upstream_timeout when the upstream hangs, and keeps serving', async () => {
    rig.upstream.behaviour.hang = true;
    try {
      const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages }));
      expect(res.status).toBe(504);
      expect((await res.json()).error.code).toBe('upstream_timeout');
      expect((await lastRow()).errorCode).toBe('upstream_timeout');
    } finally {
      rig.upstream.behaviour.hang = false;
    }
    const ok = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(ok.choices[0]!.message.content).toBeTruthy();
  });

  it('answers 502 upstream_error when the upstream breaks off a JSON answer, and records it', async () => {
    rig.upstream.behaviour.cutBodyAfterBytes = 20;
    try {
      const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages }));
      expect(res.status).toBe(502);
      expect((await res.json()).error.code).toBe('upstream_error');
      const row = await lastRow();
      expect(row.status).toBe(502);
      expect(row.errorCode).toBe('upstream_error');
    } finally {
      delete rig.upstream.behaviour.cutBodyAfterBytes;
    }
  });

  it('answers 502 when the upstream answers garbage', async () => {
    rig.upstream.behaviour.garbage = true;
    try {
      const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages }));
      expect(res.status).toBe(502);
      expect((await res.json()).error.code).toBe('upstream_error');
    } finally {
      rig.upstream.behaviour.garbage = false;
    }
  });
});

describe('bad input never reaches the provider', () => {
  const cases: [string, string, Record<string, string>, number, string][] = [
    ['invalid JSON', '{"model": ', {}, 400, 'invalid_request'],
    ['a JSON array', '[1,2]', {}, 400, 'invalid_request'],
    ['a missing model', JSON.stringify({ messages }), {}, 400, 'invalid_request'],
    ['a model of the wrong type', JSON.stringify({ model: 42, messages }), {}, 400, 'invalid_request'],
    ['stream of the wrong type', JSON.stringify({ model: 'gpt-4o-mini', messages, stream: 'yes' }), {}, 400, 'invalid_request'],
    ['an unknown model', JSON.stringify({ model: 'gpt-4o-mnii', messages }), {}, 400, 'unknown_model'],
    ['a body over the limit', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }] }), {}, 413, 'payload_too_large'],
    ['a wrong key', JSON.stringify({ model: 'gpt-4o-mini', messages }), { authorization: 'Bearer br-nope' }, 401, 'authentication_failed'],
  ];
  for (const [name, body, headers, status, code] of cases) {
    it(`refuses ${name} with ${status} ${code}`, async () => {
      const calls = rig.upstream.calls;
      const res = await post('/v1/chat/completions', body, headers);
      expect(res.status).toBe(status);
      const json = await res.json();
      expect(json.error.code).toBe(code);
      expect(json.error.message).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
      expect(rig.upstream.calls).toBe(calls);
    });
  }

  it('suggests the near model name, and alerts once a day per app and model', async () => {
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mnii', messages }));
    expect((await res.json()).error.message).toMatch(/did you mean .*gpt-4o-mini/);
    await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mnii', messages }));
    const alerts = (await rig.admin('/api/alerts').then((r) => r.json())).alerts.filter((a: { kind: string }) => a.kind === 'unknown_model');
    expect(alerts).toHaveLength(1);
    expect(alerts[0].details).toMatchObject({ app: 'support', model: 'gpt-4o-mnii' });
  });

  it('refuses a revoked key', async () => {
    const { key, secret } = await rig.gateway.deps.keys.create('temp');
    await rig.gateway.deps.keys.revoke(key.id);
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages }), { authorization: `Bearer ${secret}` });
    expect(res.status).toBe(401);
  });

  it('lets an app that opted in use an unpriced model, flagged on the row', async () => {
    const { secret } = await rig.gateway.deps.keys.create('lab');
    rig.gateway.deps.upstreams.push({ name: 'local', kind: 'openai', baseUrl: `${rig.upstream.url}/v1`, timeoutMs: 5000 });
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'local/house-model-7b', messages }), { authorization: `Bearer ${secret}` });
    expect(res.status).toBe(200);
    const row = await lastRow();
    expect(row).toMatchObject({ app: 'lab', model: 'house-model-7b', costNano: 0, errorCode: 'unpriced_model' });
  });
});

describe('admin API', () => {
  it('needs the admin token', async () => {
    for (const path of ['/api/usage', '/api/keys', '/api/budgets', '/metrics']) {
      expect((await fetch(`${rig.baseUrl}${path}`)).status).toBe(401);
      expect((await fetch(`${rig.baseUrl}${path}`, { headers: { authorization: `Bearer ${rig.key}` } })).status).toBe(401);
    }
  });

  it('returns a request by id, usage sums, and metrics', async () => {
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    const id = response.headers.get('x-burnrate-request-id')!;
    await rig.gateway.deps.ledger.flush();
    const row = await (await rig.admin(`/api/requests/${id}`)).json();
    expect(row).toMatchObject({ id, app: 'support', model: 'gpt-4o-mini' });
    expect(row.costUsd).toBe(row.costNano / 1e9);
    expect(JSON.stringify(row)).not.toContain('sk-upstream-secret');

    const usage = await (await rig.admin('/api/usage?groupBy=model')).json();
    const rows = await rig.rows();
    const mini = rows.filter((r) => r.model === 'gpt-4o-mini').reduce((s, r) => s + r.costNano, 0);
    expect(usage.groups.find((g: { key: string }) => g.key === 'gpt-4o-mini').costNano).toBe(mini);
    expect((await rig.admin('/api/usage?groupBy=nope')).status).toBe(400);

    const metrics = await (await rig.admin('/metrics')).text();
    expect(metrics).toMatch(/burnrate_requests_total\{app="support",model="gpt-4o-mini",status="200"\} \d+/);
  });

  it('creates and revokes keys', async () => {
    const created = await (await rig.admin('/api/keys', { method: 'POST', body: JSON.stringify({ app: 'billing' }) })).json();
    expect(created.key).toMatch(/^br-/);
    const list = await (await rig.admin('/api/keys')).json();
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect((await rig.admin(`/api/keys/${created.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await rig.admin('/api/keys', { method: 'POST', body: JSON.stringify({ app: 'bad name!' }) })).status).toBe(400);
  });
});
