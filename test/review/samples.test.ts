/**
 * The sampled review queue: prompts and completions of opted-in apps kept for a person to grade, on the
 * embedded SQLite database and on PostgreSQL, through the real gateway and the real SDKs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigSchema, type ConfigInput } from '../../src/config/index.js';
import { reviewSampleRateOf } from '../../src/config/schema.js';
import { numberPlaceholders } from '../../src/db/pg-client.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/gateway/providers/index.js';
import { cutUtf8, inSample, lastUserText, promptJson } from '../../src/gateway/review-sampler.js';
import { startGateway, type Gateway } from '../../src/gateway/server.js';
import { requestId } from '../../src/util/request-id.js';
import type { ReviewSample, ReviewSampleList } from '../../src/review/samples.js';
import { adminClient, newSchema, PG_URL, pgUnavailable } from '../ledger/pg-helpers.js';

const ADMIN = 'samples-admin-token';

describe('review sample settings and capture helpers', () => {
  it('reviewSampleRate: 0..1, default 0.02 with storeContent, 0 without, refused without storeContent', () => {
    const apps = ConfigSchema.parse({ apps: { a: { storeContent: true }, b: {}, c: { storeContent: true, reviewSampleRate: 0 }, d: { storeContent: true, reviewSampleRate: 0.5 } } }).apps;
    expect(reviewSampleRateOf(apps.a!)).toBe(0.02);
    expect(reviewSampleRateOf(apps.b!)).toBe(0);
    expect(reviewSampleRateOf(apps.c!)).toBe(0);
    expect(reviewSampleRateOf(apps.d!)).toBe(0.5);
    const without = ConfigSchema.safeParse({ apps: { x: { reviewSampleRate: 0.1 } } });
    expect(without.success).toBe(false);
    expect(without.error?.issues[0]?.path).toEqual(['apps', 'x', 'reviewSampleRate']);
    expect(without.error?.issues[0]?.message).toMatch(/needs storeContent: true/);
    expect(ConfigSchema.safeParse({ apps: { x: { storeContent: true, reviewSampleRate: 1.5 } } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ apps: { x: { storeContent: true, reviewSampleRate: -0.1 } } }).success).toBe(false);
  });

  it('the sampling decision is a fixed function of the request id, near the rate over many ids', () => {
    // The gateway's ids (time-ordered: same leading digits within a millisecond), and sequential ones.
    const t0 = Date.now();
    for (const ids of [
      Array.from({ length: 100_000 }, (_, i) => requestId('req_', t0 + Math.floor(i / 50))),
      Array.from({ length: 100_000 }, (_, i) => `req_${i.toString(16).padStart(32, '0')}`),
    ]) {
      for (const rate of [0.02, 0.25, 0.5]) {
        const share = ids.filter((id) => inSample(id, rate)).length / ids.length;
        expect(share, `rate ${rate}`).toBeGreaterThan(rate * 0.85);
        expect(share, `rate ${rate}`).toBeLessThan(rate * 1.15);
      }
    }
    const ids = Array.from({ length: 1000 }, () => requestId());
    expect(ids.every((id) => inSample(id, 1))).toBe(true);
    expect(ids.some((id) => inSample(id, 0))).toBe(false);
    expect(ids.map((id) => inSample(id, 0.5))).toEqual(ids.map((id) => inSample(id, 0.5)));
  });

  it('a large prompt is shortened to the cap and stays valid JSON; text is cut on a character boundary', () => {
    const body = { model: 'gpt-4o', temperature: 0.2, messages: [{ role: 'system', content: 'S'.repeat(50_000) }, { role: 'user', content: 'é'.repeat(40_000) }] };
    const small = promptJson({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, 64 * 1024);
    expect(small).toEqual({ text: '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}', truncated: false });
    const big = promptJson(body, 64 * 1024);
    expect(big.truncated).toBe(true);
    expect(Buffer.byteLength(big.text)).toBeLessThanOrEqual(64 * 1024);
    const parsed = JSON.parse(big.text) as typeof body;
    expect(parsed.temperature).toBe(0.2);
    expect(parsed.messages[1]!.content).toMatch(/^é+… \[\d+ more characters\]$/);
    const cut = cutUtf8('é'.repeat(10), 5);
    expect(cut).toEqual({ text: 'éé', cut: true });
    expect(cutUtf8('abc', 5)).toEqual({ text: 'abc', cut: false });
    expect(lastUserText({ messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'x' }, { role: 'user', content: [{ type: 'text', text: 'second' }] }] })).toBe('second');
    expect(lastUserText({ input: 'plain input' })).toBe('plain input');
    expect(lastUserText({ input: [{ role: 'user', content: [{ type: 'input_text', text: 'responses' }] }] })).toBe('responses');
  });
});

type Engine = 'sqlite' | 'postgres';
const pgMissing = await pgUnavailable();

interface Rig {
  gateway: Gateway;
  upstream: SimulatedUpstream;
  keys: Record<string, string>;
  /** SQL straight on the gateway's database. */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  admin(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

async function startSampleRig(engine: Engine, config: ConfigInput, apps: string[]): Promise<Rig> {
  const upstream = await startSimulatedUpstream();
  const dataDir = mkdtempSync(join(tmpdir(), 'burnrate-samples-'));
  const schema = engine === 'postgres' ? newSchema() : undefined;
  const gateway = await startGateway({
    config: ConfigSchema.parse({ port: 0, dataDir, ...config }),
    env: {
      OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1`, ANTHROPIC_API_KEY: 'sk-ant-upstream', ANTHROPIC_BASE_URL: upstream.url,
      BURNRATE_ADMIN_TOKEN: ADMIN,
      ...(schema ? { DATABASE_URL: PG_URL, BURNRATE_PG_SCHEMA: schema } : {}),
    },
  });
  const pgAdmin: pg.Client | undefined = schema ? await adminClient(schema) : undefined;
  const keys: Record<string, string> = {};
  for (const app of apps) keys[app] = (await gateway.deps.keys.create(app)).secret;
  return {
    gateway,
    upstream,
    keys,
    async query<T>(sql: string, params: unknown[] = []) {
      if (pgAdmin) return (await pgAdmin.query(numberPlaceholders(sql), params)).rows as T[];
      const statement = gateway.db!.prepare(sql);
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement.all(...params) as T[];
    },
    admin: (path, init = {}) => fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers } }),
    async close() {
      await gateway.close();
      await upstream.close();
      if (pgAdmin) {
        await pgAdmin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await pgAdmin.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)('review queue on %s', (engine) => {
  const skip = engine === 'postgres' && pgMissing !== undefined;
  let rig: Rig;
  let openai: (app: string) => OpenAI;
  const messages = [
    { role: 'system' as const, content: 'You answer questions about orders for a shoe shop.' },
    { role: 'user' as const, content: 'Where is my order #1234? It was due on Monday.' },
  ];
  /** Rows of review_samples, straight from the table. */
  const stored = (where = '1 = 1', params: unknown[] = []) =>
    rig.query<{ id: string; app: string; feature: string | null; model: string; prompt: string; completion: string; truncated: number; verdict: string | null; reviewer: string | null; note: string | null; reviewed_at: number | string | null }>(
      `SELECT * FROM review_samples WHERE ${where} ORDER BY ts`,
      params,
    );
  const sample = async (id: string) => {
    const res = await rig.admin(`/api/review/samples/${id}`);
    expect(res.status, `sample ${id}`).toBe(200);
    return (await res.json()) as ReviewSample;
  };

  beforeAll(async () => {
    if (skip) return;
    rig = await startSampleRig(
      engine,
      {
        apps: {
          support: { storeContent: true, reviewSampleRate: 1 },
          half: { storeContent: true, reviewSampleRate: 0.5 },
          quiet: {},
          // Opted in to content (feedback comments) but not to the queue.
          comments: { storeContent: true, reviewSampleRate: 0 },
        },
      },
      ['support', 'half', 'quiet', 'comments'],
    );
    openai = (app) => new OpenAI({ baseURL: `${rig.gateway.url}/v1`, apiKey: rig.keys[app]!, maxRetries: 0 });
  }, 30_000);
  afterAll(async () => rig?.close());

  it.skipIf(skip)('keeps the prompt and completion of a non-streamed chat completion, linked to its ledger row', async () => {
    const { data, response } = await openai('support')
      .chat.completions.create({ model: 'gpt-4o-mini', messages, temperature: 0.3, max_tokens: 200 }, { headers: { 'x-burnrate-feature': 'orders' } })
      .withResponse();
    const id = response.headers.get('x-burnrate-request-id')!;
    const s = await sample(id);
    expect(s).toMatchObject({ id, app: 'support', feature: 'orders', model: 'gpt-4o-mini', endpoint: 'openai-chat', truncated: false, verdict: null, reviewer: null, reviewedAt: null });
    expect(s.completion).toBe(data.choices[0]!.message.content);
    expect(s.completion.length).toBeGreaterThan(10);
    expect(JSON.parse(s.prompt)).toEqual({ model: 'gpt-4o-mini', messages, temperature: 0.3, max_tokens: 200 });
    expect(s.promptPreview).toBe(messages[1]!.content);
    await rig.gateway.deps.ledger.flush();
    const ledger = await rig.query<{ id: string; ts: number | string }>('SELECT id, ts FROM ledger WHERE id = ?', [id]);
    expect(ledger).toHaveLength(1);
    expect(Number(ledger[0]!.ts)).toBe(s.ts);
    const [row] = await stored('id = ?', [id]);
    expect(row).toMatchObject({ app: 'support', feature: 'orders', model: 'gpt-4o-mini', verdict: null });
    expect(row!.completion).toBe(data.choices[0]!.message.content);
  });

  it.skipIf(skip)('keeps the assembled text of a streamed answer (OpenAI chat and Anthropic Messages)', async () => {
    const { data: stream, response } = await openai('support').chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(10);
    const id = response.headers.get('x-burnrate-request-id')!;
    const s = await sample(id);
    expect(s.completion).toBe(text);
    expect(JSON.parse(s.prompt)).toMatchObject({ model: 'gpt-4o-mini', messages, stream: true });

    const anthropic = new Anthropic({ baseURL: rig.gateway.url, apiKey: rig.keys.support!, maxRetries: 0 });
    const { data: events, response: aResponse } = await anthropic.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user', content: 'Name three running shoes.' }], stream: true })
      .withResponse();
    let aText = '';
    for await (const e of events) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') aText += e.delta.text;
    const a = await sample(aResponse.headers.get('x-burnrate-request-id')!);
    expect(a).toMatchObject({ endpoint: 'anthropic-messages', model: 'claude-haiku-4-5', promptPreview: 'Name three running shoes.' });
    expect(a.completion).toBe(aText);
  });

  it.skipIf(skip)('stores nothing for an app without storeContent, or with a rate of 0', async () => {
    for (const app of ['quiet', 'comments']) {
      for (let i = 0; i < 5; i++) await openai(app).chat.completions.create({ model: 'gpt-4o-mini', messages, stream: i % 2 === 1 });
    }
    await rig.gateway.deps.reviewSamples!.flush();
    await rig.gateway.deps.ledger.flush();
    const ledger = await rig.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ledger WHERE app IN ('quiet', 'comments')`);
    expect(Number(ledger[0]!.n)).toBe(10);
    expect(await stored(`app IN ('quiet', 'comments')`)).toEqual([]);
  });

  it.skipIf(skip)('a rate of 0.5 keeps about half, exactly the requests whose id is in the sample', async () => {
    const client = openai('half');
    const N = 160;
    for (let i = 0; i < N; i += 16) {
      await Promise.all(Array.from({ length: 16 }, () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }] })));
    }
    await rig.gateway.deps.reviewSamples!.flush();
    await rig.gateway.deps.ledger.flush();
    const ids = (await rig.query<{ id: string }>(`SELECT id FROM ledger WHERE app = 'half'`)).map((r) => r.id);
    expect(ids).toHaveLength(N);
    const kept = (await stored(`app = 'half'`)).map((r) => r.id).sort();
    expect(kept.length).toBeGreaterThan(N * 0.3);
    expect(kept.length).toBeLessThan(N * 0.7);
    expect(kept).toEqual(ids.filter((id) => inSample(id, 0.5)).sort());
  });

  it.skipIf(skip)('a prompt over 64 KB is stored shortened, flagged truncated, and the request is unaffected', async () => {
    const long = 'lorem ipsum '.repeat(9000);
    const { response } = await openai('support').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: long }] }).withResponse();
    expect(response.status).toBe(200);
    const s = await sample(response.headers.get('x-burnrate-request-id')!);
    expect(s.truncated).toBe(true);
    expect(Buffer.byteLength(s.prompt)).toBeLessThanOrEqual(64 * 1024);
    expect((JSON.parse(s.prompt) as { messages: { content: string }[] }).messages[0]!.content).toMatch(/more characters\]$/);
  });

  it.skipIf(skip)('lists pending samples newest first without the bodies, with each opted-in app and its rate', async () => {
    const res = await rig.admin('/api/review/samples?app=support&limit=3');
    expect(res.status).toBe(200);
    const body = (await res.json()) as ReviewSampleList;
    expect(body.samples).toHaveLength(3);
    expect(body.samples.every((s) => s.app === 'support' && s.verdict === null)).toBe(true);
    const ts = body.samples.map((s) => s.ts);
    expect([...ts].sort((a, b) => b - a)).toEqual(ts);
    expect(body.samples.some((s) => 'prompt' in s || 'completion' in s)).toBe(false);
    expect(body.samples[0]!.completionPreview.length).toBeLessThanOrEqual(200);
    const apps = Object.fromEntries(body.apps.map((a) => [a.app, a]));
    expect(Object.keys(apps)).toEqual(['comments', 'half', 'support']);
    expect(apps.support).toMatchObject({ storeContent: true, sampleRate: 1, pending: 4, reviewed: 0, bad: 0 });
    expect(apps.comments).toMatchObject({ sampleRate: 0, pending: 0 });
    const bad = await rig.admin('/api/review/samples?status=maybe');
    expect(bad.status).toBe(400);
  });

  it.skipIf(skip)('a verdict updates the row, moves it out of the pending list, and a bad one counts as feedback −1', async () => {
    const [target] = await stored(`app = 'support'`);
    const id = target!.id;
    const res = await rig.admin(`/api/review/samples/${id}`, { method: 'POST', body: JSON.stringify({ verdict: 'bad', reviewer: 'ada', note: 'wrong delivery date' }) });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { sample: ReviewSample; feedback: { recorded: boolean } };
    expect(answer.sample).toMatchObject({ id, verdict: 'bad', reviewer: 'ada', note: 'wrong delivery date' });
    expect(answer.feedback.recorded).toBe(true);
    const [row] = await stored('id = ?', [id]);
    expect(row).toMatchObject({ verdict: 'bad', reviewer: 'ada', note: 'wrong delivery date' });
    expect(Math.abs(Number(row!.reviewed_at) - Date.now())).toBeLessThan(60_000);
    const feedback = await rig.query<{ score: number; label: string; comment: string }>('SELECT score, label, comment FROM feedback WHERE request_id = ?', [id]);
    expect(feedback.map((f) => ({ ...f, score: Number(f.score) }))).toEqual([{ score: -1, label: 'review:bad', comment: 'wrong delivery date' }]);

    const pending = (await (await rig.admin('/api/review/samples?app=support')).json()) as ReviewSampleList;
    expect(pending.samples.map((s) => s.id)).not.toContain(id);
    expect(pending.apps.find((a) => a.app === 'support')).toMatchObject({ pending: 3, reviewed: 1, bad: 1 });
    const reviewed = (await (await rig.admin('/api/review/samples?status=reviewed')).json()) as ReviewSampleList;
    expect(reviewed.samples.map((s) => s.id)).toEqual([id]);

    // Changing one's mind changes the verdict but adds no second score.
    const again = await rig.admin(`/api/review/samples/${id}`, { method: 'POST', body: JSON.stringify({ verdict: 'good' }) });
    expect(((await again.json()) as { feedback: { recorded: boolean } }).feedback.recorded).toBe(false);
    expect((await stored('id = ?', [id]))[0]).toMatchObject({ verdict: 'good', reviewer: null, note: null });
    expect(await rig.query('SELECT id FROM feedback WHERE request_id = ?', [id])).toHaveLength(1);

    for (const body of [{ verdict: 'meh' }, { verdict: 'bad', extra: 1 }, {}]) {
      expect((await rig.admin(`/api/review/samples/${id}`, { method: 'POST', body: JSON.stringify(body) })).status).toBe(400);
    }
    expect((await rig.admin('/api/review/samples/req_nope', { method: 'POST', body: JSON.stringify({ verdict: 'bad' }) })).status).toBe(404);
    expect((await rig.admin('/api/review/samples/req_nope')).status).toBe(404);
  });

  it.skipIf(skip)('needs the admin token', async () => {
    const [target] = await stored('verdict IS NULL');
    const url = rig.gateway.url;
    for (const [path, init] of [
      ['/api/review/samples', {}],
      [`/api/review/samples/${target!.id}`, {}],
      [`/api/review/samples/${target!.id}`, { method: 'POST', body: JSON.stringify({ verdict: 'bad' }), headers: { 'content-type': 'application/json' } }],
    ] as [string, RequestInit][]) {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${rig.keys.support}` }] as Record<string, string>[]) {
        const res = await fetch(`${url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...headers } });
        expect(res.status, `${init.method ?? 'GET'} ${path}`).toBe(401);
        expect(await res.text()).not.toContain('completion');
      }
    }
    expect((await stored(`id = ?`, [target!.id]))[0]!.verdict).toBeNull();
  });

  it.skipIf(skip)('a failing sample write is logged and never reaches the client', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await rig.query('ALTER TABLE review_samples RENAME TO review_samples_away');
      const { data, response } = await openai('support').chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
      expect(response.status).toBe(200);
      expect(data.choices[0]!.message.content).toBeTruthy();
      await rig.gateway.deps.reviewSamples!.flush();
      expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/could not store 1 review sample/);
    } finally {
      await rig.query('ALTER TABLE review_samples_away RENAME TO review_samples');
      errors.mockRestore();
    }
  });
});
