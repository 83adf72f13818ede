import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startRig, type TestRig } from '../helpers/gateway.js';

const rigs: TestRig[] = [];
afterAll(async () => {
  for (const r of rigs) await r.close();
});

async function rig(config: Parameters<typeof startRig>[0], dataDir?: string) {
  const r = await startRig(config, dataDir);
  rigs.push(r);
  return r;
}

const messages = [{ role: 'user' as const, content: 'Draft a friendly reply to a customer asking about a late parcel.' }];

describe('hard budgets never overshoot', () => {
  it('holds a $1.00 budget under 500 concurrent streaming and non-streaming requests', async () => {
    const r = await rig({ budgets: [{ id: 'team', scope: 'app', match: 'support', limitUsd: 1, period: 'month' }] });
    const openai = new OpenAI({ baseURL: `${r.baseUrl}/v1`, apiKey: r.key, maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: r.baseUrl, apiKey: r.key, maxRetries: 0 });
    const refusals: { spent_usd: number; reserved_usd: number; worst_case_usd: number; limit_usd: number }[] = [];
    let served = 0;
    const one = async (i: number) => {
      // Distinct prompts: 500 identical ones would (rightly) trip the loop breaker first.
      const messages = [{ role: 'user' as const, content: `Customer ${i} asks about a late parcel. Draft a reply.` }];
      try {
        if (i % 4 === 0) {
          const s = await openai.chat.completions.create({ model: 'claude-opus-4-1', messages, max_tokens: 400, stream: true });
          for await (const _ of s) {
            // drain
          }
        } else if (i % 4 === 1) {
          await anthropic.messages.stream({ model: 'claude-opus-4-1', max_tokens: 400, messages }).finalMessage();
        } else if (i % 4 === 2) {
          await anthropic.messages.create({ model: 'claude-opus-4-1', max_tokens: 400, messages });
        } else {
          await openai.chat.completions.create({ model: 'claude-opus-4-1', messages, max_tokens: 400 });
        }
        served++;
      } catch (err) {
        const e = err as { status?: number; error?: { error?: Record<string, number> } & Record<string, number> };
        expect(e.status).toBe(429);
        const details = (e.error?.error ?? e.error) as unknown as (typeof refusals)[number] & { code: string };
        expect(details.code).toBe('budget_exceeded');
        refusals.push(details);
      }
    };
    const callsBefore = r.upstream.calls;
    await Promise.all(Array.from({ length: 500 }, (_, i) => one(i)));
    const rows = (await r.rows()).filter((row) => row.model === 'claude-opus-4-1');
    const total = rows.reduce((s, row) => s + row.costNano, 0);
    expect(served).toBeGreaterThan(20);
    expect(refusals.length).toBeGreaterThan(0);
    expect(served + refusals.length).toBe(500);
    expect(total).toBeLessThanOrEqual(1_000_000_000);
    // A refused request never reached the upstream.
    expect(r.upstream.calls - callsBefore).toBe(served);
    expect(rows).toHaveLength(served);
    // Every refusal happened when the budget truly had no room for that request's worst case.
    for (const d of refusals) expect(d.spent_usd + d.reserved_usd + d.worst_case_usd).toBeGreaterThan(d.limit_usd);
    // The counter equals the ledger, to the nano-dollar, once everything settled.
    const status = await (await r.admin('/api/budgets')).json();
    const team = status.budgets.find((b: { id: string }) => b.id === 'team');
    expect(team.spentNano).toBe(total);
    expect(team.reservedNano).toBe(0);
  });

  it('carries spend over a restart exactly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'burnrate-restart-'));
    const config = { budgets: [{ id: 'month', scope: 'global' as const, limitUsd: 50, period: 'month' as const }] };
    const first = await startRig(config, dataDir);
    const openai = new OpenAI({ baseURL: `${first.baseUrl}/v1`, apiKey: first.key, maxRetries: 0 });
    for (let i = 0; i < 5; i++) await openai.chat.completions.create({ model: 'gpt-4o', messages });
    const spent = (await first.rows()).reduce((s, row) => s + row.costNano, 0);
    await first.close();
    const second = await rig(config, dataDir);
    const status = await (await second.admin('/api/budgets')).json();
    expect(status.budgets[0].spentNano).toBe(spent);
    expect(spent).toBeGreaterThan(0);
  });

  it('downgrades to the named cheaper model, or clamps max_tokens, instead of refusing', async () => {
    const r = await rig({
      budgets: [
        { id: 'down', scope: 'feature', match: 'chat', limitUsd: 0.02, onLimit: 'downgrade', downgradeTo: 'gpt-4o-mini' },
        { id: 'clamp', scope: 'feature', match: 'draft', limitUsd: 0.01, onLimit: 'clamp' },
      ],
    });
    const post = (feature: string, body: unknown) =>
      fetch(`${r.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${r.key}`, 'content-type': 'application/json', 'x-burnrate-feature': feature }, body: JSON.stringify(body) });
    // gpt-4o with 16k default output cannot fit $0.02 (16,384 × 10 $/M = $0.16): routed to gpt-4o-mini.
    const down = await post('chat', { model: 'gpt-4o', messages });
    expect(down.status).toBe(200);
    expect(down.headers.get('x-burnrate-model')).toBe('gpt-4o-mini');
    const downRow = await r.row(down.headers.get('x-burnrate-request-id')!);
    expect(downRow).toMatchObject({ model: 'gpt-4o-mini', requestedModel: 'gpt-4o', route: 'down'.replace('down', 'downgrade:down') });
    // $0.01 on gpt-4o holds ~1,000 output tokens: max_tokens is lowered to fit.
    const clamp = await post('draft', { model: 'gpt-4o', messages, max_tokens: 5000 });
    expect(clamp.status).toBe(200);
    const sent = r.upstream.lastRequest!.body as { max_tokens: number };
    expect(sent.max_tokens).toBeLessThan(1000);
    expect(sent.max_tokens).toBeGreaterThan(900);
    expect(Number(clamp.headers.get('x-burnrate-budget-remaining'))).toBeGreaterThanOrEqual(0);
  });

  it('tells every answer what is left, with the rate-limit headers once: JSON, streams and an embeddings-cache miss', async () => {
    const r = await rig({
      budgets: [{ id: 'team', scope: 'app', match: 'support', limitUsd: 5, period: 'month' }],
      rateLimits: [{ scope: 'app', requestsPerMinute: 1000 }],
      apps: { support: { cache: { enabled: false, ttlSeconds: 600, embeddings: true } } },
    });
    const post = (path: string, body: unknown) =>
      fetch(`${r.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${r.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answers = [
      await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages }),
      await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Another question.' }], stream: true }),
      await post('/v1/embeddings', { model: 'text-embedding-3-small', input: ['a parcel', 'a refund'] }),
    ];
    for (const [i, res] of answers.entries()) {
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      // What is left once this request's worst case is reserved: under the limit, by a few cents at most.
      const remaining = Number(res.headers.get('x-burnrate-budget-remaining'));
      expect(remaining).toBeGreaterThan(4.9);
      expect(remaining).toBeLessThan(5);
      // Set once: a header sent twice would reach fetch joined as "1000, 1000".
      expect(res.headers.get('x-ratelimit-limit-requests')).toBe('1000');
      expect(res.headers.get('x-ratelimit-remaining-requests')).toBe(String(1000 - (i + 1)));
    }
    expect(answers[2]!.headers.get('x-burnrate-cache')).toBe('miss');
  });

  it('sets, lists and removes budgets through the API, with clear errors', async () => {
    const r = await rig({});
    const bad = await r.admin('/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'x', limitUsd: -1 }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/limitUsd/);
    const ok = await r.admin('/api/budgets', { method: 'POST', body: JSON.stringify({ id: 'daily', limitUsd: 5, period: 'day', timeZone: 'Europe/Paris' }) });
    expect(ok.status).toBe(200);
    await new Promise((res) => setTimeout(res, 2100)); // the gateway re-reads stored budgets every 2 s
    const res = await fetch(`${r.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${r.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages }) });
    expect(Number(res.headers.get('x-burnrate-budget-remaining'))).toBeLessThan(5);
    const list = await (await r.admin('/api/budgets')).json();
    expect(list.budgets[0]).toMatchObject({ id: 'daily', limitUsd: 5, mode: 'hard' });
    expect(list.budgets[0].spentUsd).toBeGreaterThan(0);
    expect((await r.admin('/api/budgets/daily', { method: 'DELETE' })).status).toBe(200);
    expect((await r.admin('/api/budgets/daily', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('alerts', () => {
  it('posts each threshold once to a Slack-compatible webhook, retrying a failed delivery', async () => {
    const received: { text: string; kind: string; details: { threshold?: number } }[] = [];
    let failures = 1;
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (failures-- > 0) {
          res.writeHead(500).end();
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((res) => hook.listen(0, '127.0.0.1', res));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const r = await rig({ budgets: [{ id: 'small', limitUsd: 0.01, mode: 'soft' }], alerts: { webhooks: [url] } });
    const openai = new OpenAI({ baseURL: `${r.baseUrl}/v1`, apiKey: r.key, maxRetries: 0 });
    for (let i = 0; i < 12; i++) await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `question ${i}` }] });
    const deadline = Date.now() + 8000;
    while (received.filter((a) => a.kind === 'budget_threshold').length < 3 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    hook.close();
    const thresholds = received.filter((a) => a.kind === 'budget_threshold').map((a) => a.details.threshold).sort();
    expect(thresholds).toEqual([0.5, 0.8, 1]);
    expect(received.every((a) => a.text.startsWith(':rotating_light: Burnrate:'))).toBe(true);
    const listed = await (await r.admin('/api/alerts')).json();
    expect(listed.alerts.filter((a: { kind: string }) => a.kind === 'budget_threshold')).toHaveLength(3);
    expect(listed.alerts.some((a: { attempts: number }) => a.attempts >= 2)).toBe(true);
  });
});
