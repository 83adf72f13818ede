import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackSchema, normaliseScore } from '../../src/review/index.js';
import { startRig, type TestRig } from '../helpers/gateway.js';
import { BACKENDS, row, type ReviewStore } from './helpers.js';

describe('feedback validation', () => {
  const ok = (v: unknown) => FeedbackSchema.safeParse(v).success;
  const message = (v: unknown) => {
    const r = FeedbackSchema.safeParse(v);
    return r.success ? '' : r.error.issues.map((i) => i.message).join('; ');
  };

  it('accepts −1..1 and 1..5 scores, and reads an unmarked score by its range', () => {
    expect(ok({ requestId: 'r', score: -1 })).toBe(true);
    expect(ok({ requestId: 'r', score: 0.5, label: 'helpful' })).toBe(true);
    expect(ok({ requestId: 'r', score: 4 })).toBe(true);
    expect(ok({ requestId: 'r', score: 1, scale: '1..5' })).toBe(true);
    expect(normaliseScore(1, '1..5')).toBe(-1);
    expect(normaliseScore(3, '1..5')).toBe(0);
    expect(normaliseScore(5, '1..5')).toBe(1);
    expect(normaliseScore(-0.5, '-1..1')).toBe(-0.5);
  });

  it('refuses scores on neither scale, scores outside the named scale, and unknown fields', () => {
    expect(message({ requestId: 'r', score: 7 })).toMatch(/neither scale/);
    expect(message({ requestId: 'r', score: -2 })).toMatch(/neither scale/);
    expect(message({ requestId: 'r', score: 0, scale: '1..5' })).toMatch(/outside the 1..5 scale/);
    expect(message({ requestId: 'r', score: 3, scale: '-1..1' })).toMatch(/outside the -1..1 scale/);
    expect(ok({ requestId: 'r', score: '5' })).toBe(false);
    expect(ok({ score: 1 })).toBe(false);
    expect(ok({ requestId: 'r', score: 1, rating: 2 })).toBe(false);
  });
});

describe.each(BACKENDS)('feedback, review and status over the admin API ($name)', (backend) => {
  let store: ReviewStore;
  let rig: TestRig;
  const now = Date.now();

  beforeAll(async () => {
    store = await backend.create();
    rig = await startRig({ apps: { support: { storeContent: true, owner: { name: 'Ada' } } } }, store.dir, store.env);
    const ledger = rig.gateway.deps.ledger;
    ledger.append(row({ id: 'req-faq-1', app: 'support', feature: 'faq', model: 'gpt-4o-mini', ts: now - 3_600_000, latencyMs: 200 }));
    ledger.append(row({ id: 'req-faq-2', app: 'support', feature: 'faq', model: 'gpt-4o-mini', ts: now - 3_000_000, latencyMs: 400 }));
    ledger.append(row({ id: 'req-bill-1', app: 'billing', feature: null, model: 'gpt-4o', ts: now - 2_000_000 }));
    // Left in the queue on purpose: the routes flush before they read.
  });
  afterAll(async () => {
    await rig.close();
    await store.dispose();
  });

  const post = (body: unknown) => rig.admin('/api/feedback', { method: 'POST', body: JSON.stringify(body) });

  it('stores a score normalised to −1..1 with the raw value, joined to the request\'s app, feature and model', async () => {
    const res = await post({ requestId: 'req-faq-1', score: 5, scale: '1..5', label: 'correct', comment: 'spot on' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ requestId: 'req-faq-1', app: 'support', feature: 'faq', model: 'gpt-4o-mini', score: 1, rawScore: 5, scale: '1..5', commentStored: true });
    const second = await post({ requestId: 'req-faq-2', score: 0 });
    expect(second.status).toBe(201);
    // billing does not opt in to storing content: its comment is dropped.
    const billing = await post({ requestId: 'req-bill-1', score: -1, comment: 'wrong total for customer 42' });
    expect(await billing.json()).toMatchObject({ app: 'billing', feature: null, score: -1, commentStored: false });
    const stored = await rig.gateway.sql.all<{ request_id: string; comment: string | null }>('SELECT request_id, comment FROM feedback ORDER BY request_id');
    expect(stored).toEqual([
      { request_id: 'req-bill-1', comment: null },
      { request_id: 'req-faq-1', comment: 'spot on' },
      { request_id: 'req-faq-2', comment: null },
    ]);
  });

  it('answers 404 for an unknown request id and 400 with a clear message for bad input', async () => {
    const missing = await post({ requestId: 'no-such-request', score: 1 });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/no request no-such-request/);
    const bad = await post({ requestId: 'req-faq-1', score: 9 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/score 9 is on neither scale/);
    const notJson = await rig.admin('/api/feedback', { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('summarises feedback per model, app and feature', async () => {
    const res = await rig.admin('/api/feedback/summary');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { groups: { model: string; app: string; feature: string | null; count: number; meanScore: number }[] };
    expect(body.groups).toEqual([
      { model: 'gpt-4o', app: 'billing', feature: null, count: 1, meanScore: -1 },
      { model: 'gpt-4o-mini', app: 'support', feature: 'faq', count: 2, meanScore: 0.5 },
    ]);
    expect((await rig.admin('/api/feedback/summary?from=yesterday')).status).toBe(400);
  });

  it('GET /api/review carries the feedback as quality evidence', async () => {
    const res = await rig.admin('/api/review?app=support');
    expect(res.status).toBe(200);
    const review = (await res.json()) as { groups: { app: string; model: string }[]; recommendations: { evidence: { current: { feedback: unknown; p50LatencyMs: number } } }[]; caveats: string[] };
    expect(review.groups.map((g) => `${g.app}:${g.model}`)).toEqual(['support:gpt-4o-mini']);
    expect(review.caveats[0]).toMatch(/Cheaper is not as good/);
    expect(review.recommendations.length).toBeGreaterThan(0);
    expect(review.recommendations[0]!.evidence.current).toMatchObject({ feedback: { count: 2, meanScore: 0.5 }, p50LatencyMs: 200 });
    // ?limit= bounds the recommendations; a bad one is a 400.
    const limited = (await (await rig.admin('/api/review?app=support&limit=0')).json()) as { recommendations: unknown[]; groups: unknown[] };
    expect(limited.recommendations).toHaveLength(0);
    expect(limited.groups).toHaveLength(1);
    expect((await rig.admin('/api/review?limit=-2')).status).toBe(400);
  });

  it('GET /api/status lists the app without an owner; acknowledging hides an item', async () => {
    const res = await rig.admin('/api/status');
    expect(res.status).toBe(200);
    const status = (await res.json()) as { items: { key: string; kind: string; app: string }[] };
    const item = status.items.find((i) => i.kind === 'no_owner' && i.app === 'billing')!;
    expect(item).toBeDefined();
    expect(status.items.some((i) => i.kind === 'no_owner' && i.app === 'support')).toBe(false);
    const ack = await rig.admin('/api/attention/ack', { method: 'POST', body: JSON.stringify({ key: item.key, by: 'Ada' }) });
    expect(ack.status).toBe(200);
    const after = (await (await rig.admin('/api/status')).json()) as { items: { key: string }[] };
    expect(after.items.some((i) => i.key === item.key)).toBe(false);
    // With all=1 it shows, saying who acknowledged it; taking the acknowledgement back shows it again.
    const all = (await (await rig.admin('/api/status?all=1')).json()) as { items: { key: string; acknowledged: boolean; ack?: { by: string; at: string } }[] };
    expect(all.items.find((i) => i.key === item.key)).toMatchObject({ acknowledged: true, ack: { by: 'Ada' } });
    const unack = await rig.admin(`/api/attention/ack?key=${encodeURIComponent(item.key)}`, { method: 'DELETE' });
    expect(unack.status).toBe(200);
    const reopened = (await (await rig.admin('/api/status')).json()) as { items: { key: string; acknowledged: boolean; ack?: unknown }[] };
    expect(reopened.items.find((i) => i.key === item.key)).toMatchObject({ acknowledged: false });
    expect(reopened.items.find((i) => i.key === item.key)!.ack).toBeUndefined();
    expect((await rig.admin(`/api/attention/ack?key=${encodeURIComponent(item.key)}`, { method: 'DELETE' })).status).toBe(404);
    expect((await rig.admin('/api/attention/ack', { method: 'DELETE' })).status).toBe(400);
    expect((await rig.admin('/api/review/mark', { method: 'POST', body: JSON.stringify({ app: 'support' }) })).status).toBe(201);
    expect((await rig.admin('/api/review/mark', { method: 'POST', body: JSON.stringify({}) })).status).toBe(400);
  });

  it('GET /api/digest answers and the routes need the admin token', async () => {
    const res = await rig.admin('/api/digest');
    expect(res.status).toBe(200);
    const digest = (await res.json()) as { opportunities: { app: string }[] };
    expect(digest.opportunities.map((o) => o.app)).toContain('support');
    expect((await fetch(`${rig.baseUrl}/api/review`)).status).toBe(401);
  });
});
